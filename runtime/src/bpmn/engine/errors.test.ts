import { describe, expect, it } from 'vitest';
import { chain, Driver, load, userTask } from './testing.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';
const GLOBALS =
  '<error id="E1" errorCode="ERR-1"/><error id="E2" errorCode="ERR-2"/><escalation id="X" escalationCode="ESC"/>';
const errorEnd = (id: string, ref = 'E1'): string => `<endEvent id="${id}"><errorEventDefinition errorRef="${ref}"/></endEvent>`;
const errorBoundary = (id: string, attachedTo: string, ref?: string): string =>
  `<boundaryEvent id="${id}" attachedToRef="${attachedTo}"><errorEventDefinition${ref ? ` errorRef="${ref}"` : ''}/></boundaryEvent>`;
const escalationBoundary = (id: string, attachedTo: string, interrupting: boolean): string =>
  `<boundaryEvent id="${id}" attachedToRef="${attachedTo}" cancelActivity="${interrupting}"><escalationEventDefinition escalationRef="X"/></boundaryEvent>`;

/** start → sub(s1 → inner → failing end) → after → end, with `extra` nodes and flows. */
function failingSubProcess(extra: string, innerEnd = errorEnd('fail')): string {
  return (
    `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('inner')}${innerEnd}${chain('s1', 'inner', 'fail')}</subProcess>` +
    `${userTask('after')}${END}${chain('start', 'sub', 'after', 'end')}${extra}`
  );
}

describe('error propagation', () => {
  it('WCP20 cancel case via error: given an error end event in a sub-process, then the error boundary on the sub-process takes over', async () => {
    const body = failingSubProcess(`${errorBoundary('caught', 'sub', 'E1')}${userTask('handle')}<endEvent id="e2"/>${chain('caught', 'handle', 'e2')}`);
    const run = new Driver(await load(body, GLOBALS)).start().complete('inner');
    expect(run.openTasks()).toEqual(['handle']);
    expect(run.count('after')).toBe(0);
    expect(run.effectsOf('activity.ended').find((effect) => effect.elementId === 'sub')?.outcome).toBe('interrupted');
  });

  it('given a boundary for another error code and a catch-all, when the error is thrown, then the catch-all catches it', async () => {
    const extra =
      `${errorBoundary('other', 'sub', 'E2')}${errorBoundary('any', 'sub')}<endEvent id="e2"/><endEvent id="e3"/>` +
      `${chain('other', 'e2')}${chain('any', 'e3')}`;
    const run = new Driver(await load(failingSubProcess(extra), GLOBALS)).start().complete('inner');
    expect(run.completed()).toContain('any');
    expect(run.count('other')).toBe(0);
  });

  it('given a catch-all and a boundary for the exact code, when the error is thrown, then the exact match wins', async () => {
    const extra =
      `${errorBoundary('any', 'sub')}${errorBoundary('exact', 'sub', 'E1')}<endEvent id="e2"/><endEvent id="e3"/>` +
      `${chain('any', 'e2')}${chain('exact', 'e3')}`;
    const run = new Driver(await load(failingSubProcess(extra), GLOBALS)).start().complete('inner');
    expect(run.count('exact')).toBe(1);
    expect(run.count('any')).toBe(0);
  });

  it('given an error nobody catches, when it is thrown, then the instance fails and its other work is cancelled', async () => {
    const body =
      `${START}<parallelGateway id="fork"/>${userTask('a')}${userTask('b')}${errorEnd('fail')}${END}` +
      `${chain('start', 'fork')}${chain('fork', 'a', 'fail')}${chain('fork', 'b', 'end')}`;
    const run = new Driver(await load(body, GLOBALS)).start().complete('a');
    expect(run.status).toBe('failed');
    expect(run.state.failure).toEqual({ errorCode: 'ERR-1' });
    expect(run.last).toEqual(
      expect.arrayContaining([
        { type: 'task.cancelled', taskId: expect.any(String), reason: 'terminated' },
        { type: 'instance.failed', errorCode: 'ERR-1' },
      ]),
    );
    expect(run.state.waits).toEqual({});
  });

  it('given an error thrown two sub-processes deep, when only the outer one has a boundary, then the outer boundary catches it', async () => {
    const body =
      `${START}<subProcess id="outer"><startEvent id="s1"/><subProcess id="middle"><startEvent id="s2"/>${errorEnd('fail')}${chain('s2', 'fail')}</subProcess>` +
      `<endEvent id="e1"/>${chain('s1', 'middle', 'e1')}</subProcess>${errorBoundary('caught', 'outer', 'E1')}${END}<endEvent id="e2"/>` +
      `${chain('start', 'outer', 'end')}${chain('caught', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start();
    expect(run.status).toBe('completed');
    expect(run.completed()).toEqual(['start', 's1', 's2', 'fail', 'caught', 'e2']);
  });

  it('given a service task whose job fails with an error code, when an error boundary matches, then the boundary path runs', async () => {
    const body =
      `${START}<serviceTask id="svc" tg:type="pay"/>${errorBoundary('declined', 'svc', 'E1')}${userTask('fix')}${END}<endEvent id="e2"/>` +
      `${chain('start', 'svc', 'end')}${chain('declined', 'fix', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start().failService('svc', 'ERR-1');
    expect(run.openTasks()).toEqual(['fix']);
    expect(run.effectsOf('service.cancelled')).toEqual([]);
  });

  it('given a service task whose job fails with an error code nobody catches, then the instance fails with that code', async () => {
    const body = `${START}<serviceTask id="svc" tg:type="pay"/>${END}${chain('start', 'svc', 'end')}`;
    const run = new Driver(await load(body, GLOBALS)).start().failService('svc', 'NO_FUNDS');
    expect(run.status).toBe('failed');
    expect(run.state.failure).toEqual({ errorCode: 'NO_FUNDS' });
  });

  it('given an error event sub-process inside the sub-process, when the error is thrown, then it handles it and the parent continues', async () => {
    const handler =
      `<subProcess id="onError" triggeredByEvent="true"><startEvent id="es"><errorEventDefinition errorRef="E1"/></startEvent>` +
      `${userTask('repair')}<endEvent id="ee"/>${chain('es', 'repair', 'ee')}</subProcess>`;
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('inner')}${errorEnd('fail')}${handler}${chain('s1', 'inner', 'fail')}</subProcess>` +
      `${userTask('after')}${END}${chain('start', 'sub', 'after', 'end')}`;
    const run = new Driver(await load(body, GLOBALS)).start().complete('inner');
    expect(run.openTasks()).toEqual(['repair']);
    run.complete('repair');
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given an error event sub-process at process level, when a service job fails with that code, then the handler replaces the work', async () => {
    const handler =
      `<subProcess id="onError" triggeredByEvent="true"><startEvent id="es"><errorEventDefinition errorRef="E1"/></startEvent>` +
      `${userTask('repair')}<endEvent id="ee"/>${chain('es', 'repair', 'ee')}</subProcess>`;
    const body = `${START}<parallelGateway id="fork"/><serviceTask id="svc" tg:type="pay"/>${userTask('other')}<endEvent id="e1"/>${handler}${chain('start', 'fork')}${chain('fork', 'svc', 'e1')}${chain('fork', 'other', 'e1')}`;
    const run = new Driver(await load(body, GLOBALS)).start().failService('svc', 'ERR-1');
    expect(run.openTasks()).toEqual(['repair']);
    expect(run.effectsOf('task.cancelled').map((effect) => effect.reason)).toEqual(['interrupted']);
    run.complete('repair');
    expect(run.status).toBe('completed');
  });

  it('given a call activity whose called instance failed with an error code, then the error boundary of the call activity catches it', async () => {
    const body =
      `${START}<callActivity id="call" calledElement="child"/>${errorBoundary('caught', 'call', 'E1')}${END}<endEvent id="e2"/>` +
      `${chain('start', 'call', 'end')}${chain('caught', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start().failCall('call', 'ERR-1');
    expect(run.completed()).toEqual(['start', 'caught', 'e2']);
  });
});

describe('escalation propagation', () => {
  const escalatingSubProcess = (boundary: string): string =>
    `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('t1')}<intermediateThrowEvent id="raise"><escalationEventDefinition escalationRef="X"/></intermediateThrowEvent>${userTask('t2')}<endEvent id="e1"/>` +
    `${chain('s1', 't1', 'raise', 't2', 'e1')}</subProcess>${boundary}${userTask('t4')}${END}${chain('start', 'sub', 't4', 'end')}`;

  it('given a non-interrupting escalation boundary, when the sub-process escalates, then both the handler and the sub-process continue', async () => {
    const body = escalatingSubProcess(`${escalationBoundary('raised', 'sub', false)}${userTask('t3')}<endEvent id="e2"/>${chain('raised', 't3', 'e2')}`);
    const run = new Driver(await load(body, GLOBALS)).start().complete('t1');
    expect(run.openTasks()).toEqual(['t2', 't3']);
    run.complete('t2').complete('t3').complete('t4');
    expect(run.status).toBe('completed');
  });

  it('given an interrupting escalation boundary, when the sub-process escalates, then the sub-process stops where it threw', async () => {
    const body = escalatingSubProcess(`${escalationBoundary('raised', 'sub', true)}${userTask('t3')}<endEvent id="e2"/>${chain('raised', 't3', 'e2')}`);
    const run = new Driver(await load(body, GLOBALS)).start().complete('t1');
    expect(run.openTasks()).toEqual(['t3']);
    expect(run.count('t2')).toBe(0);
  });

  it('given no catcher, when a sub-process escalates, then nothing fails and the thrower continues', async () => {
    const run = new Driver(await load(escalatingSubProcess(''), GLOBALS)).start().complete('t1');
    expect(run.status).toBe('active');
    expect(run.openTasks()).toEqual(['t2']);
  });

  it('given a non-interrupting escalation event sub-process, when an escalation end event is reached, then the handler runs beside the process', async () => {
    const handler =
      `<subProcess id="onEscalation" triggeredByEvent="true"><startEvent id="es" isInterrupting="false"><escalationEventDefinition escalationRef="X"/></startEvent>` +
      `${userTask('notify')}<endEvent id="ee"/>${chain('es', 'notify', 'ee')}</subProcess>`;
    const body =
      `${START}<parallelGateway id="fork"/>${userTask('work')}<endEvent id="raise"><escalationEventDefinition escalationRef="X"/></endEvent>${END}${handler}` +
      `${chain('start', 'fork')}${chain('fork', 'work', 'end')}${chain('fork', 'raise')}`;
    const run = new Driver(await load(body, GLOBALS)).start();
    expect(run.openTasks()).toEqual(['notify', 'work']);
    run.complete('work');
    expect(run.status).toBe('active');
    run.complete('notify');
    expect(run.status).toBe('completed');
  });
});
