import { describe, expect, it } from 'vitest';
import { chain, Driver, flow, load, userTask } from './testing.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';
const tasks = (...ids: string[]): string => ids.map((id) => userTask(id)).join('');

/** start → split(kind) → a | b → join(kind) → c → end */
function forkJoin(split: string, join: string, conditions: [string?, string?] = []): string {
  return (
    `${START}<${split} id="split"/>${tasks('a', 'b', 'c')}<${join} id="join"/>${END}` +
    flow('start', 'split') +
    flow('split', 'a', conditions[0]) +
    flow('split', 'b', conditions[1]) +
    chain('a', 'join') +
    chain('b', 'join') +
    chain('join', 'c', 'end')
  );
}

describe('parallel gateway', () => {
  it('WCP2 parallel split: given an AND split into two branches that end separately, then the instance completes after both', async () => {
    const body = `${START}<parallelGateway id="split"/>${tasks('a', 'b')}<endEvent id="endA"/><endEvent id="endB"/>${chain('start', 'split')}${chain('split', 'a', 'endA')}${chain('split', 'b', 'endB')}`;
    const run = new Driver(await load(body)).start();
    expect(run.openTasks()).toEqual(['a', 'b']);
    run.complete('a');
    expect(run.status).toBe('active');
    run.complete('b');
    expect(run.status).toBe('completed');
  });

  it('WCP3 synchronization: given an AND split and join, when both branches complete, then c starts exactly once', async () => {
    const run = new Driver(await load(forkJoin('parallelGateway', 'parallelGateway'))).start();
    run.complete('a');
    expect(run.openTasks()).toEqual(['b']);
    run.complete('b');
    expect(run.openTasks()).toEqual(['c']);
    expect(run.count('join')).toBe(1);
  });

  it('given two parallel branches, when their tasks complete in either order, then the final states are equal with one token past the join', async () => {
    const model = await load(forkJoin('parallelGateway', 'parallelGateway'));
    const first = new Driver(model).start().complete('a').complete('b');
    const second = new Driver(model).start().complete('b').complete('a');
    expect(second.state).toEqual(first.state);
    expect(Object.values(first.state.executions).map((execution) => execution.nodeId)).toEqual(['c']);
    expect(first.count('c')).toBe(1);
    expect(second.count('c')).toBe(1);
  });

  it('given an exclusive split feeding a parallel join, when one branch completes, then the join waits forever', async () => {
    const run = new Driver(await load(forkJoin('exclusiveGateway', 'parallelGateway', ['true', 'false']))).start();
    run.complete('a');
    expect(run.status).toBe('active');
    expect(run.openTasks()).toEqual([]);
  });

  it('WCP8 multi-merge: given an AND split merged by an exclusive gateway, then the task after the merge runs once per branch', async () => {
    const run = new Driver(await load(forkJoin('parallelGateway', 'exclusiveGateway'))).start();
    run.complete('a');
    expect(run.openTasks()).toEqual(['b', 'c']);
    run.complete('b');
    expect(run.count('c')).toBe(2);
  });
});

describe('exclusive gateway', () => {
  const choice = async () =>
    load(
      `${START}<exclusiveGateway id="split" default="toC"/>${tasks('a', 'b', 'c')}<exclusiveGateway id="merge"/>${END}` +
        flow('start', 'split') +
        flow('split', 'a', 'test.contains("a")') +
        flow('split', 'b', 'test.contains("b")') +
        flow('split', 'c', undefined, 'toC') +
        chain('a', 'merge') +
        chain('b', 'merge') +
        chain('c', 'merge') +
        chain('merge', 'end'),
    );

  it('WCP4 exclusive choice: given two true conditions, when the gateway decides, then only the first in document order is taken', async () => {
    expect(new Driver(await choice()).start({ test: 'ab' }).openTasks()).toEqual(['a']);
  });

  it('given no condition holds, when the gateway decides, then the default flow is taken', async () => {
    expect(new Driver(await choice()).start({ test: 'z' }).openTasks()).toEqual(['c']);
  });

  it('WCP5 simple merge: given the chosen branch completes, then the merge passes its token on and the instance completes', async () => {
    const run = new Driver(await choice()).start({ test: 'b' }).complete('b');
    expect(run.status).toBe('completed');
    expect(run.count('merge')).toBe(1);
  });

  it('given no condition holds and no default flow, when the gateway decides, then NO_OUTGOING_FLOW is thrown', async () => {
    const model = await load(forkJoin('exclusiveGateway', 'exclusiveGateway', ['x > 1', 'x > 2']));
    expect(() => new Driver(model).start({ x: 0 })).toThrow(expect.objectContaining({ code: 'NO_OUTGOING_FLOW', elementId: 'split' }));
  });
});

describe('inclusive gateway', () => {
  it('WCP6 multi-choice: given two of three conditions hold, when the gateway splits, then both branches run but not the default', async () => {
    const body =
      `${START}<inclusiveGateway id="split" default="toC"/>${tasks('a', 'b', 'c')}<endEvent id="e1"/>` +
      flow('start', 'split') +
      flow('split', 'a', 'x > 0') +
      flow('split', 'b', 'y > 0') +
      flow('split', 'c', undefined, 'toC') +
      chain('a', 'e1') +
      chain('b', 'e1') +
      chain('c', 'e1');
    expect(new Driver(await load(body)).start({ x: 1, y: 1 }).openTasks()).toEqual(['a', 'b']);
    expect(new Driver(await load(body)).start({ x: 0, y: 0 }).openTasks()).toEqual(['c']);
  });

  it('WCP7 structured synchronizing merge: given both branches activated, when one completes, then the OR-join waits for the other', async () => {
    const run = new Driver(await load(forkJoin('inclusiveGateway', 'inclusiveGateway', ['x > 0', 'y > 0']))).start({ x: 1, y: 1 });
    run.complete('b');
    expect(run.openTasks()).toEqual(['a']);
    run.complete('a');
    expect(run.openTasks()).toEqual(['c']);
    expect(run.count('join')).toBe(1);
  });

  it('given only one branch activated, when it completes, then the OR-join fires without waiting for the other', async () => {
    const run = new Driver(await load(forkJoin('inclusiveGateway', 'inclusiveGateway', ['x > 0', 'y > 0']))).start({ x: 1, y: 0 });
    run.complete('a');
    expect(run.openTasks()).toEqual(['c']);
  });

  it('given an AND split into an OR-join, when one branch completes, then the join waits for the token that can still arrive', async () => {
    const run = new Driver(await load(forkJoin('parallelGateway', 'inclusiveGateway'))).start();
    run.complete('a');
    expect(run.openTasks()).toEqual(['b']);
    run.complete('b');
    expect(run.openTasks()).toEqual(['c']);
  });

  it('given an exclusive split into an OR-join, when the chosen branch completes, then the join does not wait for the branch not taken', async () => {
    const run = new Driver(await load(forkJoin('exclusiveGateway', 'inclusiveGateway', ['true', 'true']))).start();
    run.complete('a');
    expect(run.openTasks()).toEqual(['c']);
  });

  it('given a token several steps upstream of an empty incoming flow, then the OR-join waits until it arrives', async () => {
    const body =
      `${START}<parallelGateway id="split"/>${tasks('a', 'b1', 'b2', 'c')}<inclusiveGateway id="join"/>${END}` +
      chain('start', 'split') +
      chain('split', 'a', 'join') +
      chain('split', 'b1', 'b2', 'join') +
      chain('join', 'c', 'end');
    const run = new Driver(await load(body)).start();
    run.complete('a').complete('b1');
    expect(run.openTasks()).toEqual(['b2']);
    run.complete('b2');
    expect(run.openTasks()).toEqual(['c']);
  });

  it('given a branch that loops before reaching the OR-join, then the join waits while the loop runs and fires once', async () => {
    const body =
      `${START}<parallelGateway id="split"/>${tasks('a', 'b', 'c')}<exclusiveGateway id="again"/><inclusiveGateway id="join"/>${END}` +
      chain('start', 'split') +
      chain('split', 'a', 'join') +
      chain('split', 'b', 'again') +
      flow('again', 'b', 'retry == true') +
      flow('again', 'join', 'retry == false') +
      chain('join', 'c', 'end');
    const run = new Driver(await load(body)).start();
    run.complete('a').complete('b', { retry: true });
    expect(run.openTasks()).toEqual(['b']);
    run.complete('b', { retry: false });
    expect(run.openTasks()).toEqual(['c']);
    expect(run.count('join')).toBe(1);
  });

  it('given a token that could only arrive on an incoming flow already holding a token, then the OR-join does not wait for it', async () => {
    const body =
      `${START}<parallelGateway id="split"/>${tasks('a', 'b', 'x', 'c')}<exclusiveGateway id="merge"/><inclusiveGateway id="join"/>${END}` +
      chain('start', 'split') +
      chain('split', 'a', 'merge') +
      chain('split', 'b', 'merge') +
      chain('merge', 'join') +
      chain('split', 'x', 'join') +
      chain('join', 'c', 'end');
    const run = new Driver(await load(body)).start();
    run.complete('a');
    expect(run.openTasks()).toEqual(['b', 'x']);
    run.complete('x');
    expect(run.openTasks()).toEqual(['b', 'c']);
  });

  it('given no condition holds and no default, when the inclusive gateway splits, then NO_OUTGOING_FLOW is thrown', async () => {
    const model = await load(forkJoin('inclusiveGateway', 'inclusiveGateway', ['false', 'false']));
    expect(() => new Driver(model).start()).toThrow(expect.objectContaining({ code: 'NO_OUTGOING_FLOW' }));
  });
});

describe('flows leaving activities', () => {
  it('given a task with two unconditional outgoing flows, when it completes, then both are taken (implicit parallel split)', async () => {
    const body = `${START}${tasks('t', 'a', 'b')}<endEvent id="e1"/>${chain('start', 't')}${chain('t', 'a', 'e1')}${chain('t', 'b', 'e1')}`;
    const run = new Driver(await load(body)).start().complete('t');
    expect(run.openTasks()).toEqual(['a', 'b']);
  });

  it('given a task with a conditional, a default and an unconditional flow, when the condition fails, then the default and the unconditional flow are taken', async () => {
    const body =
      `${START}<userTask id="t" default="toB"/>${tasks('a', 'b', 'c')}<endEvent id="e1"/>` +
      chain('start', 't') +
      flow('t', 'a', 'x > 0') +
      flow('t', 'b', undefined, 'toB') +
      flow('t', 'c') +
      chain('a', 'e1') +
      chain('b', 'e1') +
      chain('c', 'e1');
    expect(new Driver(await load(body)).start({ x: 0 }).complete('t').openTasks()).toEqual(['b', 'c']);
    expect(new Driver(await load(body)).start({ x: 1 }).complete('t').openTasks()).toEqual(['a', 'c']);
  });

  it('WCP10 arbitrary cycles: given a loop back through an exclusive gateway, when the loop is taken twice, then the task runs three times', async () => {
    const body =
      `${START}${tasks('t')}<exclusiveGateway id="check"/>${END}` +
      chain('start', 't', 'check') +
      flow('check', 't', 'done == false') +
      flow('check', 'end', 'done == true');
    const run = new Driver(await load(body)).start();
    run.complete('t', { done: false }).complete('t', { done: false }).complete('t', { done: true });
    expect(run.count('t')).toBe(3);
    expect(run.status).toBe('completed');
  });

  it('given a cycle without any wait state that never ends, when started, then STEP_LIMIT_EXCEEDED is thrown', async () => {
    const body = `${START}<exclusiveGateway id="g"/><task id="t"/>${chain('start', 'g', 't', 'g')}`;
    await expect(load(body).then((model) => new Driver(model).start())).rejects.toMatchObject({ code: 'STEP_LIMIT_EXCEEDED' });
  });
});

describe('event-based gateway', () => {
  const deferred = async () =>
    load(
      `${START}<eventBasedGateway id="race"/>` +
        '<intermediateCatchEvent id="paid"><messageEventDefinition messageRef="M"/></intermediateCatchEvent>' +
        '<intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>' +
        `${tasks('ship', 'remind')}<endEvent id="e1"/>` +
        chain('start', 'race') +
        chain('race', 'paid', 'ship', 'e1') +
        chain('race', 'timeout', 'remind', 'e1'),
      '<message id="M" name="payment"/>',
    );

  it('WCP16 deferred choice: given a message and a timer race, when the message comes first, then the timer is cancelled', async () => {
    const run = new Driver(await deferred()).start();
    run.message('payment');
    expect(run.openTasks()).toEqual(['ship']);
    expect(run.last).toEqual(expect.arrayContaining([{ type: 'timer.cancelled', timerId: expect.any(String) }]));
    expect(run.waits((wait) => wait.kind !== 'task')).toEqual([]);
  });

  it('given a message and a timer race, when the timer fires first, then the message subscription is closed', async () => {
    const run = new Driver(await deferred()).start().advance(3_600_000);
    expect(run.openTasks()).toEqual(['remind']);
    expect(run.last).toEqual(expect.arrayContaining([{ type: 'subscription.closed', subscriptionId: expect.any(String) }]));
  });

  it('given a receive task after the gateway, when its message arrives, then the receive task completes and the token moves on', async () => {
    const body =
      `${START}<eventBasedGateway id="race"/><receiveTask id="answer" messageRef="M"/>` +
      '<intermediateCatchEvent id="timeout"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>' +
      `<endEvent id="e1"/><endEvent id="e2"/>${chain('start', 'race')}${chain('race', 'answer', 'e1')}${chain('race', 'timeout', 'e2')}`;
    const run = new Driver(await load(body, '<message id="M" name="answer"/>')).start().message('answer', { reply: 'ok' });
    expect(run.status).toBe('completed');
    expect(run.state.variables).toEqual({ reply: 'ok' });
    expect(run.completed()).toEqual(['start', 'race', 'answer', 'e1']);
  });
});
