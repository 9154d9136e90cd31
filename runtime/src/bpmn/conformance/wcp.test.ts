/**
 * Workflow control-flow patterns (Russell, ter Hofstede, van der Aalst, Mulyar: "Workflow
 * Control-Flow Patterns: A Revised View", 2006) that the engine supports and that no engine test
 * names yet. WCP1–8, 10–14, 16, 19 and 20 are named in runtime/src/bpmn/engine/*.test.ts and run
 * again through betsy (betsy.test.ts). Not supported, hence not here: WCP9 and 28–33
 * (discriminators and partial joins need the complex gateway), WCP15 and 36 (adding instances to a
 * running multi-instance activity), WCP17, 39, 40 (ad-hoc / interleaving), WCP18 (milestone),
 * WCP24 (persistent trigger: the harness drops unmatched messages; buffering is a platform
 * decision) and WCP41/42 (thread merge/split).
 */
import { describe, expect, it } from 'vitest';
import { chain, definitions, flow, loadProcesses, userTask } from '../engine/testing.ts';
import { Harness } from './harness.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';
const CANCEL_MESSAGE = '<message id="m-cancel" name="cancel"/>';

async function harnessFor(body: string, globals = ''): Promise<{ harness: Harness; instanceId: string }> {
  const harness = new Harness(await loadProcesses(definitions(body, globals)));
  const instanceId = harness.start('p', { n: 0 });
  if (instanceId === undefined) throw new Error(`start failed: ${JSON.stringify(harness.runtimeErrors)}`);
  return { harness, instanceId };
}

function cancelledTasks(harness: Harness): string[] {
  return harness.log.flatMap(({ effect }) => (effect.type === 'task.cancelled' ? [effect.reason] : []));
}

function parallelTasks(characteristics: string): string {
  return `<userTask id="review"><multiInstanceLoopCharacteristics isSequential="false"><loopCardinality>3</loopCardinality>${characteristics}</multiInstanceLoopCharacteristics></userTask>`;
}

describe('workflow control-flow patterns named by WCP number', () => {
  it.each([
    [0, 3],
    [5, 5],
  ])('WCP21 structured loop: given a pre-tested loop "n < 3" and n = %i, when the instance runs, then n ends at %i (zero passes when false at once)', async (start, end) => {
    const body =
      `${START}<scriptTask id="inc" scriptFormat="tongguan"><standardLoopCharacteristics testBefore="true">` +
      `<loopCondition xsi:type="tFormalExpression">n &lt; 3</loopCondition></standardLoopCharacteristics><script>n = n + 1</script></scriptTask>` +
      `${END}${chain('start', 'inc', 'end')}`;
    const harness = new Harness(await loadProcesses(definitions(body)));
    const instanceId = harness.start('p', { n: start })!;
    expect(harness.instances.get(instanceId)!.state.variables.n).toBe(end);
    expect(harness.status(instanceId)).toBe('completed');
  });

  it('WCP22 recursion: given a process that calls itself while depth < 2, then three nested instances run and all complete', async () => {
    const body =
      `${START}<exclusiveGateway id="deeper" default="stop"/>` +
      `<callActivity id="self" calledElement="p"><extensionElements><tg:in target="depth" expression="depth + 1"/></extensionElements></callActivity>` +
      `${END}${flow('start', 'deeper')}${flow('deeper', 'self', 'depth < 2')}${flow('deeper', 'end', undefined, 'stop')}${flow('self', 'end')}`;
    const harness = new Harness(await loadProcesses(definitions(body)));
    harness.start('p', { depth: 0 });
    const records = [...harness.instances.values()];
    expect(records.map((record) => record.state.variables.depth)).toEqual([0, 1, 2]);
    expect(records.map((record) => record.state.status)).toEqual(['completed', 'completed', 'completed']);
  });

  it('WCP23 transient trigger: given a signal broadcast before the catch event waits, then it is lost and only a later signal moves the token', async () => {
    const body =
      `${START}${userTask('prepare')}<intermediateCatchEvent id="wait"><signalEventDefinition signalRef="s-go"/></intermediateCatchEvent>` +
      `${END}${chain('start', 'prepare', 'wait', 'end')}`;
    const { harness, instanceId } = await harnessFor(body, '<signal id="s-go" name="go"/>');
    harness.broadcastSignal('go');
    harness.completeTask('prepare');
    expect(harness.status(instanceId)).toBe('active');
    harness.broadcastSignal('go');
    expect(harness.status(instanceId)).toBe('completed');
  });

  it('WCP25 cancel region: given an interrupting message boundary on a sub-process with two open tasks, when the message arrives, then both are cancelled and the boundary path runs', async () => {
    const region =
      `<subProcess id="region"><startEvent id="rs"/><parallelGateway id="fork"/>${userTask('a')}${userTask('b')}` +
      `<parallelGateway id="join"/><endEvent id="re"/>${chain('rs', 'fork')}${flow('fork', 'a')}${flow('fork', 'b')}${flow('a', 'join')}${flow('b', 'join')}${chain('join', 're')}</subProcess>`;
    const body =
      `${START}${region}<boundaryEvent id="abort" attachedToRef="region"><messageEventDefinition messageRef="m-cancel"/></boundaryEvent>` +
      `${END}<endEvent id="aborted"/>${chain('start', 'region', 'end')}${chain('abort', 'aborted')}`;
    const { harness, instanceId } = await harnessFor(body, CANCEL_MESSAGE);
    harness.correlateMessage('cancel');
    expect(cancelledTasks(harness)).toEqual(['interrupted', 'interrupted']);
    expect(harness.status(instanceId)).toBe('completed');
  });

  it('WCP26 cancel multiple-instance activity: given three open instances and an interrupting boundary, when it fires, then every instance is cancelled', async () => {
    const body =
      `${START}${parallelTasks('')}<boundaryEvent id="abort" attachedToRef="review"><messageEventDefinition messageRef="m-cancel"/></boundaryEvent>` +
      `${END}<endEvent id="aborted"/>${chain('start', 'review', 'end')}${chain('abort', 'aborted')}`;
    const { harness, instanceId } = await harnessFor(body, CANCEL_MESSAGE);
    expect(harness.openWaits('task', 'review')).toHaveLength(3);
    harness.correlateMessage('cancel');
    expect(cancelledTasks(harness)).toEqual(['interrupted', 'interrupted', 'interrupted']);
    expect(harness.status(instanceId)).toBe('completed');
  });

  it('WCP27 complete multiple-instance activity: given a completion condition on a decision, when one instance decides, then the others are withdrawn and the flow continues', async () => {
    const body =
      `${START}${parallelTasks('<completionCondition xsi:type="tFormalExpression">decided == true</completionCondition>')}` +
      `${userTask('after')}${END}${chain('start', 'review', 'after', 'end')}`;
    const { harness } = await harnessFor(body);
    const [first] = harness.openWaits('task', 'review');
    harness.send(first!.instanceId, { type: 'task.complete', taskId: first!.id, variables: { decided: true } });
    expect(cancelledTasks(harness)).toEqual(['completionCondition', 'completionCondition']);
    expect(harness.openWaits('task').map((task) => task.elementId)).toEqual(['after']);
  });

  it('WCP34 static partial join for multiple instances: given 2 of 3 required, when the second completes, then the third is cancelled and the flow continues once', async () => {
    const body =
      `${START}${parallelTasks('<completionCondition xsi:type="tFormalExpression">nrOfCompletedInstances &gt;= 2</completionCondition>')}` +
      `${userTask('after')}${END}${chain('start', 'review', 'after', 'end')}`;
    const { harness } = await harnessFor(body);
    for (const task of harness.openWaits('task', 'review').slice(0, 2)) harness.send(task.instanceId, { type: 'task.complete', taskId: task.id });
    expect(cancelledTasks(harness)).toEqual(['completionCondition']);
    expect(harness.openWaits('task').map((task) => task.elementId)).toEqual(['after']);
  });

  it('WCP43 explicit termination: given a terminate end event reached while another branch waits, then the waiting task is cancelled and the instance completes', async () => {
    const body =
      `${START}<parallelGateway id="fork"/>${userTask('slow')}<endEvent id="stop"><terminateEventDefinition/></endEvent>${END}` +
      `${chain('start', 'fork')}${flow('fork', 'slow')}${flow('fork', 'stop')}${chain('slow', 'end')}`;
    const { harness, instanceId } = await harnessFor(body);
    expect(cancelledTasks(harness)).toEqual(['terminated']);
    expect(harness.status(instanceId)).toBe('completed');
  });
});
