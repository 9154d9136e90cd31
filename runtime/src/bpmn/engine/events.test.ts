import { describe, expect, it } from 'vitest';
import { chain, Driver, load, T0, userTask } from './testing.ts';

const START = '<startEvent id="start"/>';
const END = '<endEvent id="end"/>';
const HOUR = 3_600_000;
const timer = (kind: 'timeDuration' | 'timeDate' | 'timeCycle', value: string): string =>
  `<timerEventDefinition><${kind}>${value}</${kind}></timerEventDefinition>`;
const catchEvent = (id: string, definition: string): string => `<intermediateCatchEvent id="${id}">${definition}</intermediateCatchEvent>`;
const boundary = (id: string, attachedTo: string, definition: string, interrupting = true): string =>
  `<boundaryEvent id="${id}" attachedToRef="${attachedTo}" cancelActivity="${interrupting}">${definition}</boundaryEvent>`;
const GLOBALS = '<message id="M" name="paid"/><signal id="S" name="alarm"/>';

describe('timers', () => {
  it('given an intermediate timer of PT1H, when the clock passes the hour, then the token moves on', async () => {
    const run = new Driver(await load(`${START}${catchEvent('wait', timer('timeDuration', 'PT1H'))}${userTask('t')}${END}${chain('start', 'wait', 't', 'end')}`)).start();
    expect(run.effectsOf('timer.scheduled')[0]).toMatchObject({ elementId: 'wait', dueAt: new Date(T0.getTime() + HOUR).toISOString() });
    run.advance(HOUR - 1);
    expect(run.openTasks()).toEqual([]);
    run.advance(1);
    expect(run.openTasks()).toEqual(['t']);
  });

  it('given a timer date, when scheduled, then it is due at that instant', async () => {
    const run = new Driver(await load(`${START}${catchEvent('wait', timer('timeDate', '2025-03-04T08:00:00+08:00'))}${END}${chain('start', 'wait', 'end')}`)).start();
    expect(run.effectsOf('timer.scheduled')[0]!.dueAt).toBe('2025-03-04T00:00:00.000Z');
  });

  it('given a timer duration taken from a variable, when scheduled, then the variable duration is used', async () => {
    const run = new Driver(await load(`${START}${catchEvent('wait', timer('timeDuration', '${delay}'))}${END}${chain('start', 'wait', 'end')}`)).start({ delay: 'PT2H' });
    expect(run.effectsOf('timer.scheduled')[0]!.dueAt).toBe(new Date(T0.getTime() + 2 * HOUR).toISOString());
  });

  it('WCP19 cancel task: given an interrupting boundary timer on a task, when it fires, then the task is cancelled and the timeout path runs', async () => {
    const body = `${START}${userTask('t')}${boundary('late', 't', timer('timeDuration', 'PT1H'))}${userTask('escalate')}${END}<endEvent id="e2"/>${chain('start', 't', 'end')}${chain('late', 'escalate', 'e2')}`;
    const run = new Driver(await load(body)).start().advance(HOUR);
    expect(run.openTasks()).toEqual(['escalate']);
    expect(run.effectsOf('task.cancelled')).toEqual([{ type: 'task.cancelled', taskId: expect.any(String), reason: 'interrupted' }]);
    expect(run.effectsOf('activity.ended').find((effect) => effect.elementId === 't')?.outcome).toBe('interrupted');
  });

  it('given a non-interrupting cycle timer R3/PT1H on a task (督办), when four hours pass, then it fires three times and the task stays', async () => {
    const body = `${START}${userTask('t')}${boundary('urge', 't', timer('timeCycle', 'R3/PT1H'), false)}<serviceTask id="notify" tg:type="notify"/>${END}<endEvent id="e2"/>${chain('start', 't', 'end')}${chain('urge', 'notify', 'e2')}`;
    const run = new Driver(await load(body)).start().advance(4 * HOUR);
    expect(run.count('urge')).toBe(3);
    expect(run.openTasks()).toEqual(['t']);
    expect(run.effectsOf('timer.scheduled').map((effect) => effect.dueAt)).toEqual(
      [1, 2, 3].map((hours) => new Date(T0.getTime() + hours * HOUR).toISOString()),
    );
  });

  it('given a non-interrupting boundary timer still pending, when the task completes, then the timer is cancelled', async () => {
    const body = `${START}${userTask('t')}${boundary('urge', 't', timer('timeCycle', 'R/PT1H'), false)}${END}<endEvent id="e2"/>${chain('start', 't', 'end')}${chain('urge', 'e2')}`;
    const run = new Driver(await load(body)).start().advance(HOUR).complete('t');
    expect(run.last).toEqual(expect.arrayContaining([{ type: 'timer.cancelled', timerId: expect.any(String) }]));
    expect(run.status).toBe('completed');
    expect(run.state.waits).toEqual({});
  });
});

describe('messages and signals', () => {
  it('given an intermediate message catch, when the message is delivered with variables, then they are stored and the token moves on', async () => {
    const body = `${START}${catchEvent('wait', '<messageEventDefinition messageRef="M"/>')}${END}${chain('start', 'wait', 'end')}`;
    const run = new Driver(await load(body, GLOBALS)).start().message('paid', { amount: 10 });
    expect(run.state.variables).toEqual({ amount: 10 });
    expect(run.status).toBe('completed');
  });

  it('given an interrupting message boundary on a task, when the message arrives, then the task is cancelled', async () => {
    const body = `${START}${userTask('t')}${boundary('cancelled', 't', '<messageEventDefinition messageRef="M"/>')}${END}<endEvent id="e2"/>${chain('start', 't', 'end')}${chain('cancelled', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start().message('paid');
    expect(run.status).toBe('completed');
    expect(run.completed()).toEqual(['start', 'cancelled', 'e2']);
  });

  it('given a non-interrupting message boundary, when the message arrives twice, then it fires twice and the task stays', async () => {
    const body = `${START}${userTask('t')}${boundary('note', 't', '<messageEventDefinition messageRef="M"/>', false)}${userTask('read')}${END}<endEvent id="e2"/>${chain('start', 't', 'end')}${chain('note', 'read', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start().message('paid').message('paid');
    expect(run.openTasks()).toEqual(['read', 'read', 't']);
  });

  it('given an interrupting signal boundary on a task, when the signal is delivered, then the boundary path is taken', async () => {
    const body = `${START}${userTask('t')}${boundary('stop', 't', '<signalEventDefinition signalRef="S"/>')}${userTask('after')}${END}<endEvent id="e2"/>${chain('start', 't', 'end')}${chain('stop', 'after', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start();
    expect(run.effectsOf('subscription.opened')[0]).toMatchObject({ kind: 'signal', name: 'alarm', elementId: 'stop' });
    run.signal('alarm');
    expect(run.openTasks()).toEqual(['after']);
  });

  it('given a signal catch on one branch and a signal throw on another, when started, then the catch wakes in the same step', async () => {
    const body =
      `${START}<parallelGateway id="fork"/>${catchEvent('hear', '<signalEventDefinition signalRef="S"/>')}` +
      `<intermediateThrowEvent id="shout"><signalEventDefinition signalRef="S"/></intermediateThrowEvent><task id="before"/>${userTask('heard')}<endEvent id="e1"/><endEvent id="e2"/>` +
      `${chain('start', 'fork')}${chain('fork', 'hear', 'heard', 'e1')}${chain('fork', 'before', 'shout', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start();
    expect(run.openTasks()).toEqual(['heard']);
    expect(run.effectsOf('signal.thrown')).toEqual([{ type: 'signal.thrown', name: 'alarm', variables: {} }]);
  });

  it('given a sub-process that throws a signal caught by its own interrupting boundary, then the rest of the sub-process never runs', async () => {
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/><intermediateThrowEvent id="shout"><signalEventDefinition signalRef="S"/></intermediateThrowEvent><task id="rest"/><endEvent id="e1"/>${chain('s1', 'shout', 'rest', 'e1')}</subProcess>` +
      `${boundary('caught', 'sub', '<signalEventDefinition signalRef="S"/>')}<task id="afterSub"/><task id="handler"/>${END}<endEvent id="e2"/>` +
      `${chain('start', 'sub', 'afterSub', 'end')}${chain('caught', 'handler', 'e2')}`;
    const run = new Driver(await load(body, GLOBALS)).start();
    expect(run.status).toBe('completed');
    expect(run.count('rest')).toBe(0);
    expect(run.count('afterSub')).toBe(0);
    expect(run.count('handler')).toBe(1);
  });

  it('given an intermediate message throw event, when passed, then message.thrown carries the visible variables', async () => {
    const body = `${START}<intermediateThrowEvent id="tell"><messageEventDefinition messageRef="M"/></intermediateThrowEvent>${END}${chain('start', 'tell', 'end')}`;
    const run = new Driver(await load(body, GLOBALS)).start({ caseId: 'c-1' });
    expect(run.effectsOf('message.thrown')).toEqual([{ type: 'message.thrown', name: 'paid', variables: { caseId: 'c-1' } }]);
  });

  it('given a signal end event, when reached, then it throws the signal and the instance completes', async () => {
    const body = `${START}<endEvent id="s"><signalEventDefinition signalRef="S"/></endEvent>${chain('start', 's')}`;
    const run = new Driver(await load(body, GLOBALS)).start();
    expect(run.effectsOf('signal.thrown')).toEqual([{ type: 'signal.thrown', name: 'alarm', variables: {} }]);
    expect(run.status).toBe('completed');
  });
});

describe('links, termination and cancellation', () => {
  it('given a link throw event, when reached, then the token continues at the link catch event of the same name', async () => {
    const body =
      `${START}<intermediateThrowEvent id="jump"><linkEventDefinition name="L"/></intermediateThrowEvent>` +
      `<intermediateCatchEvent id="land"><linkEventDefinition name="L"/></intermediateCatchEvent>${userTask('t')}${END}${chain('start', 'jump')}${chain('land', 't', 'end')}`;
    const run = new Driver(await load(body)).start();
    expect(run.openTasks()).toEqual(['t']);
    expect(run.started()).toEqual(['start', 'jump', 'land', 't']);
  });

  it('WCP20 cancel case via terminate: given a terminate end event on one branch, when reached, then every other branch is cancelled', async () => {
    const body =
      `${START}<parallelGateway id="fork"/>${userTask('t')}<endEvent id="stop"><terminateEventDefinition/></endEvent>${END}` +
      `${chain('start', 'fork')}${chain('fork', 't', 'end')}${chain('fork', 'stop')}`;
    const run = new Driver(await load(body)).start();
    expect(run.status).toBe('completed');
    expect(run.effectsOf('task.cancelled')).toEqual([{ type: 'task.cancelled', taskId: expect.any(String), reason: 'terminated' }]);
    expect(run.state.waits).toEqual({});
  });

  it('given a terminate end event inside a sub-process, when reached, then only the sub-process ends and the parent continues', async () => {
    const body =
      `${START}<subProcess id="sub"><startEvent id="s1"/><parallelGateway id="fork"/>${userTask('inner')}<endEvent id="stop"><terminateEventDefinition/></endEvent><endEvent id="e1"/>` +
      `${chain('s1', 'fork')}${chain('fork', 'inner', 'e1')}${chain('fork', 'stop')}</subProcess>${userTask('after')}${END}${chain('start', 'sub', 'after', 'end')}`;
    const run = new Driver(await load(body)).start();
    expect(run.openTasks()).toEqual(['after']);
    expect(run.effectsOf('task.cancelled')[0]!.reason).toBe('terminated');
  });

  it('WCP11 implicit termination: given branches ending at different end events, then the instance completes only when no token remains', async () => {
    const body = `${START}${userTask('a')}${userTask('b')}<endEvent id="e1"/><endEvent id="e2"/>${chain('start', 'a', 'e1')}${chain('start', 'b', 'e2')}`;
    const run = new Driver(await load(body)).start().complete('b');
    expect(run.status).toBe('active');
    run.complete('a');
    expect(run.status).toBe('completed');
  });

  it('WCP20 cancel case: given waits of every kind, when the instance is cancelled, then each is cancelled with reason cancelled', async () => {
    const body = `${START}<parallelGateway id="fork"/>${userTask('t')}<serviceTask id="svc" tg:type="x"/>${catchEvent('m', '<messageEventDefinition messageRef="M"/>')}<endEvent id="e1"/>${chain('start', 'fork')}${chain('fork', 't', 'e1')}${chain('fork', 'svc', 'e1')}${chain('fork', 'm', 'e1')}`;
    const run = new Driver(await load(body, GLOBALS)).start().send({ type: 'instance.cancel' });
    expect(run.last.map((effect) => effect.type).sort()).toEqual(
      ['activity.ended', 'activity.ended', 'activity.ended', 'instance.terminated', 'service.cancelled', 'subscription.closed', 'task.cancelled'].sort(),
    );
    expect(run.effectsOf('activity.ended').slice(-3).map((effect) => effect.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });
});
