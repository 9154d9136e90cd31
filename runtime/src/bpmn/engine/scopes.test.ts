import { describe, expect, it } from 'vitest';
import { chain, Driver, load, userTask } from './testing.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';
const HOUR = 3_600_000;
const GLOBALS = '<message id="M" name="withdraw"/><signal id="S" name="storm"/>';
const timer = (kind: string, value: string): string => `<timerEventDefinition><${kind}>${value}</${kind}></timerEventDefinition>`;

describe('embedded sub-process', () => {
  it('given a sub-process with a task, when the task completes, then the sub-process completes and the parent continues', async () => {
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('inner')}<endEvent id="e1"/>${chain('s1', 'inner', 'e1')}</subProcess>` +
      `${userTask('after')}${END}${chain('start', 'sub', 'after', 'end')}`;
    const run = new Driver(await load(body)).start();
    expect(run.openTasks()).toEqual(['inner']);
    run.complete('inner');
    expect(run.openTasks()).toEqual(['after']);
    expect(run.completed()).toEqual(['start', 's1', 'inner', 'e1', 'sub']);
  });

  it('given two branches inside a sub-process ending separately, then the sub-process completes only when both have ended', async () => {
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('a')}${userTask('b')}<endEvent id="e1"/><endEvent id="e2"/>` +
      `${chain('s1', 'a', 'e1')}${chain('s1', 'b', 'e2')}</subProcess>${END}${chain('start', 'sub', 'end')}`;
    const run = new Driver(await load(body)).start().complete('a');
    expect(run.status).toBe('active');
    run.complete('b');
    expect(run.status).toBe('completed');
  });

  it('given an interrupting timer on a sub-process, when it fires, then every task inside is cancelled', async () => {
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('a')}${userTask('b')}<endEvent id="e1"/>${chain('s1', 'a', 'e1')}${chain('s1', 'b', 'e1')}</subProcess>` +
      `<boundaryEvent id="late" attachedToRef="sub">${timer('timeDuration', 'PT2H')}</boundaryEvent>${userTask('late-handling')}${END}<endEvent id="e2"/>` +
      `${chain('start', 'sub', 'end')}${chain('late', 'late-handling', 'e2')}`;
    const run = new Driver(await load(body)).start().advance(2 * HOUR);
    expect(run.openTasks()).toEqual(['late-handling']);
    expect(run.effectsOf('task.cancelled').map((effect) => effect.reason)).toEqual(['interrupted', 'interrupted']);
  });

  it('given a non-interrupting timer on a sub-process, when it fires, then the inner work goes on and the handler runs', async () => {
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/>${userTask('inner')}<endEvent id="e1"/>${chain('s1', 'inner', 'e1')}</subProcess>` +
      `<boundaryEvent id="remind" attachedToRef="sub" cancelActivity="false">${timer('timeDuration', 'PT1H')}</boundaryEvent>${userTask('reminder')}${userTask('after')}${END}<endEvent id="e2"/>` +
      `${chain('start', 'sub', 'after', 'end')}${chain('remind', 'reminder', 'e2')}`;
    const run = new Driver(await load(body)).start().advance(HOUR);
    expect(run.openTasks()).toEqual(['inner', 'reminder']);
    run.complete('inner');
    expect(run.openTasks()).toEqual(['after', 'reminder']);
  });
});

describe('event sub-processes', () => {
  const withHandler = (start: string, handlerTask = 'handle'): string =>
    `${START}${userTask('work')}${END}${chain('start', 'work', 'end')}` +
    `<subProcess id="handler" triggeredByEvent="true">${start}${userTask(handlerTask)}<endEvent id="he"/>${chain('hs', handlerTask, 'he')}</subProcess>`;

  it('given an interrupting message event sub-process, when the message arrives, then the main work is cancelled and the handler runs', async () => {
    const run = new Driver(await load(withHandler('<startEvent id="hs"><messageEventDefinition messageRef="M"/></startEvent>'), GLOBALS)).start();
    expect(run.effectsOf('subscription.opened')[0]).toMatchObject({ name: 'withdraw', elementId: 'hs' });
    run.message('withdraw', { reason: '撤件' });
    expect(run.openTasks()).toEqual(['handle']);
    expect(run.state.variables).toEqual({ reason: '撤件' });
    run.complete('handle');
    expect(run.status).toBe('completed');
  });

  it('given a non-interrupting message event sub-process, when the message arrives twice, then two handlers run beside the work', async () => {
    const start = '<startEvent id="hs" isInterrupting="false"><messageEventDefinition messageRef="M"/></startEvent>';
    const run = new Driver(await load(withHandler(start), GLOBALS)).start().message('withdraw').message('withdraw');
    expect(run.openTasks()).toEqual(['handle', 'handle', 'work']);
    run.complete('work');
    expect(run.status).toBe('active');
  });

  it('given a non-interrupting timer event sub-process, when the main work completes first, then the timer is cancelled with the scope', async () => {
    const start = `<startEvent id="hs" isInterrupting="false">${timer('timeDuration', 'PT1H')}</startEvent>`;
    const run = new Driver(await load(withHandler(start))).start().complete('work');
    expect(run.status).toBe('completed');
    expect(run.last).toEqual(expect.arrayContaining([{ type: 'timer.cancelled', timerId: expect.any(String) }]));
  });

  it('given a non-interrupting cycle timer event sub-process, when three hours pass, then the handler starts every hour', async () => {
    const start = `<startEvent id="hs" isInterrupting="false">${timer('timeCycle', 'R/PT1H')}</startEvent>`;
    const run = new Driver(await load(withHandler(start))).start().advance(3 * HOUR);
    expect(run.count('handler')).toBe(3);
  });

  it('given an interrupting timer event sub-process, when the time is up, then the work is cancelled and the handler runs', async () => {
    const start = `<startEvent id="hs">${timer('timeDuration', 'PT8H')}</startEvent>`;
    const run = new Driver(await load(withHandler(start, 'overdue'))).start().advance(8 * HOUR);
    expect(run.openTasks()).toEqual(['overdue']);
    expect(run.effectsOf('task.cancelled')[0]!.reason).toBe('interrupted');
  });

  it('given an interrupting signal event sub-process, when the signal is delivered, then the handler replaces the work', async () => {
    const run = new Driver(await load(withHandler('<startEvent id="hs"><signalEventDefinition signalRef="S"/></startEvent>'), GLOBALS)).start().signal('storm');
    expect(run.openTasks()).toEqual(['handle']);
  });
});

describe('call activity', () => {
  const caller = (attributes: string, mappings: string): string =>
    `${START}<callActivity id="call" calledElement="inspection" ${attributes}><extensionElements>${mappings}</extensionElements></callActivity>${userTask('after')}${END}${chain('start', 'call', 'after', 'end')}`;

  it('given input mappings, when the call activity is reached, then the call is requested with the mapped variables only', async () => {
    const run = new Driver(await load(caller('', '<tg:in target="site" expression="address"/><tg:in target="level" expression="priority + 1"/>'))).start({
      address: '人民路 1 号',
      priority: 2,
      secret: 'x',
    });
    expect(run.effectsOf('call.requested')).toEqual([
      { type: 'call.requested', callId: expect.any(String), elementId: 'call', processKey: 'inspection', variables: { site: '人民路 1 号', level: 3 } },
    ]);
  });

  it('given output mappings, when the called instance completes, then the outputs are mapped into the caller', async () => {
    const run = new Driver(await load(caller('', '<tg:out target="verdict" expression="result"/>'))).start();
    run.completeCall('call', { result: 'pass', noise: 1 });
    expect(run.state.variables).toEqual({ verdict: 'pass' });
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given inheritVariables, when called and completed, then all variables go in and come back', async () => {
    const run = new Driver(await load(caller('tg:inheritVariables="true"', ''))).start({ a: 1 });
    expect(run.effectsOf('call.requested')[0]!.variables).toEqual({ a: 1 });
    run.completeCall('call', { a: 2, b: 3 });
    expect(run.state.variables).toEqual({ a: 2, b: 3 });
  });

  it('given a running call, when the instance is cancelled, then the call is cancelled too', async () => {
    const run = new Driver(await load(caller('', ''))).start().send({ type: 'instance.cancel' });
    expect(run.effectsOf('call.cancelled')).toHaveLength(1);
  });
});
