import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../calendar/working-calendar.ts';
import { EngineRuntimeError } from './errors.ts';
import { dispatch, startInstance } from './index.ts';
import { chain, deepFreeze, definitions, Driver, load, loadProcesses, T0, userTask } from './testing.ts';

const sequence = (...nodes: string[]): string => `<startEvent id="start"/>${nodes.join('')}<endEvent id="end"/>`;
const around = (node: string, id: string): string => `${sequence(node)}${chain('start', id, 'end')}`;

describe('sequence and user tasks', () => {
  it('WCP1 sequence: given start → a → b → end, when both tasks complete in turn, then the instance completes', async () => {
    const model = await load(`${sequence(userTask('a'), userTask('b'))}${chain('start', 'a', 'b', 'end')}`);
    const run = new Driver(model).start();
    expect(run.openTasks()).toEqual(['a']);
    run.complete('a');
    expect(run.openTasks()).toEqual(['b']);
    run.complete('b');
    expect(run.status).toBe('completed');
    expect(run.started()).toEqual(['start', 'a', 'b', 'end']);
    expect(run.last.at(-1)).toEqual({ type: 'instance.completed' });
  });

  it('given a user task with tg: assignment attributes, when it is created, then the assignment is evaluated', async () => {
    const task = userTask(
      'handle',
      'name="处置" tg:assignee="owner" tg:candidateRoles="handler,dispatcher" tg:candidatePositions="inspector" ' +
        'tg:candidateOrganisations="units" tg:formKey="handle-form" tg:escalateTo="shift-lead" tg:priority="level"',
    );
    const run = new Driver(await load(around(task, 'handle'))).start({ owner: 'u-7', units: ['org-1', 'org-2'], level: 2 });
    const [created] = run.effectsOf('task.created');
    expect(created).toMatchObject({
      elementId: 'handle',
      name: '处置',
      assignment: {
        assignee: 'u-7',
        candidateRoles: ['handler', 'dispatcher'],
        candidatePositions: ['inspector'],
        candidateOrganisations: ['org-1', 'org-2'],
      },
      formKey: 'handle-form',
      escalateTo: 'shift-lead',
      priority: 2,
      variables: { owner: 'u-7', units: ['org-1', 'org-2'], level: 2 },
    });
  });

  it('given a candidate-organisation expression yielding one id, when the task is created, then the list holds that id', async () => {
    const run = new Driver(await load(around(userTask('t', 'tg:candidateOrganisations="unit"'), 't'))).start({ unit: 'org-9' });
    expect(run.effectsOf('task.created')[0]!.assignment.candidateOrganisations).toEqual(['org-9']);
  });

  it('given a due date of 8 (working hours) and a working calendar, when the task is created on Monday 09:00, then it is due at 18:00', async () => {
    const calendar = createWorkingCalendar({
      timeZone: 'Asia/Shanghai',
      workingPeriods: [
        { start: '09:00', end: '12:00' },
        { start: '13:00', end: '18:00' },
      ],
    });
    const run = new Driver(await load(around(userTask('t', 'tg:dueDate="8"'), 't')), { calendar }).start();
    expect(run.effectsOf('task.created')[0]!.dueAt).toBe('2025-03-03T10:00:00.000Z');
  });

  it('given a due date in hours and no calendar, when the task is created, then calendar hours are counted', async () => {
    const run = new Driver(await load(around(userTask('t', 'tg:dueDate="8"'), 't'))).start();
    expect(run.effectsOf('task.created')[0]!.dueAt).toBe(new Date(T0.getTime() + 8 * 3_600_000).toISOString());
  });

  it('given an ISO duration due date, when the task is created, then it is due after that elapsed time', async () => {
    const run = new Driver(await load(around(userTask('t', 'tg:dueDate="P2DT4H"'), 't'))).start();
    expect(run.effectsOf('task.created')[0]!.dueAt).toBe('2025-03-05T05:00:00.000Z');
  });

  it('given a due date variable holding a datetime, when the task is created, then it is due at that instant', async () => {
    const run = new Driver(await load(around(userTask('t', 'tg:dueDate="deadline"'), 't'))).start({ deadline: '2025-04-01T08:00:00+08:00' });
    expect(run.effectsOf('task.created')[0]!.dueAt).toBe('2025-04-01T00:00:00.000Z');
  });

  it('given a task completed with variables, when the instance moves on, then they are process variables', async () => {
    const run = new Driver(await load(around(userTask('t'), 't'))).start({ a: 1 });
    run.complete('t', { opinion: '同意', a: 2 });
    expect(run.state.variables).toEqual({ a: 2, opinion: '同意' });
  });
});

describe('other tasks', () => {
  it('given a service task, when it is reached, then a job is requested with its type, config and variables', async () => {
    const task = '<serviceTask id="svc" tg:type="notify" tg:resultVariable="sent"><extensionElements><tg:config>{"channel":"sms"}</tg:config></extensionElements></serviceTask>';
    const run = new Driver(await load(around(task, 'svc'))).start({ phone: '123' });
    expect(run.effectsOf('service.requested')[0]).toMatchObject({
      elementId: 'svc',
      serviceType: 'notify',
      config: { channel: 'sms' },
      variables: { phone: '123' },
    });
    run.completeService('svc', { ok: true });
    expect(run.state.variables['sent']).toEqual({ ok: true });
    expect(run.status).toBe('completed');
  });

  it('given a service task, when its job fails without an error code, then a runtime error is thrown and nothing changes', async () => {
    const run = new Driver(await load(around('<serviceTask id="svc" tg:type="notify"/>', 'svc'))).start();
    const before = JSON.stringify(run.state);
    expect(() => run.failService('svc')).toThrow(expect.objectContaining({ code: 'SERVICE_FAILED', elementId: 'svc' }));
    expect(JSON.stringify(run.state)).toBe(before);
  });

  it('given a send task and a business-rule task, when reached, then each requests a job like a service task', async () => {
    const body = `${sequence('<sendTask id="send" tg:type="mail"/>', '<businessRuleTask id="rule" tg:type="score"/>')}${chain('start', 'send', 'rule', 'end')}`;
    const run = new Driver(await load(body)).start();
    run.completeService('send');
    run.completeService('rule');
    expect(run.effectsOf('service.requested').map((effect) => effect.serviceType)).toEqual(['mail', 'score']);
    expect(run.status).toBe('completed');
  });

  it('given a script task, when it runs, then its assignments are evaluated in order', async () => {
    const script = '<scriptTask id="calc" scriptFormat="tongguan"><script>x = 1; y = x + 1</script></scriptTask>';
    const run = new Driver(await load(around(script, 'calc'))).start();
    expect(run.state.variables).toEqual({ x: 1, y: 2 });
    expect(run.status).toBe('completed');
  });

  it('given a plain task and a manual task, when reached, then tokens pass through them', async () => {
    const run = new Driver(await load(`${sequence('<task id="t"/>', '<manualTask id="m"/>')}${chain('start', 't', 'm', 'end')}`)).start();
    expect(run.status).toBe('completed');
    expect(run.completed()).toEqual(['start', 't', 'm', 'end']);
  });

  it('given a receive task, when its message arrives, then the message variables are stored and the token moves on', async () => {
    const run = new Driver(await load(around('<receiveTask id="wait" messageRef="Msg"/>', 'wait'), '<message id="Msg" name="paid"/>')).start();
    expect(run.effectsOf('subscription.opened')[0]).toMatchObject({ kind: 'message', name: 'paid', elementId: 'wait' });
    run.message('paid', { amount: 5 });
    expect(run.state.variables).toEqual({ amount: 5 });
    expect(run.status).toBe('completed');
  });
});

describe('instance lifecycle and events the engine rejects', () => {
  it('given an unknown task id, when completing it, then STALE_EVENT_ID is thrown', async () => {
    const run = new Driver(await load(around(userTask('t'), 't'))).start();
    expect(() => run.send({ type: 'task.complete', taskId: 'nope' })).toThrow(expect.objectContaining({ code: 'STALE_EVENT_ID' }));
  });

  it('given a task already completed, when it is completed again, then STALE_EVENT_ID is thrown (the platform answers 409)', async () => {
    const run = new Driver(await load(`${sequence(userTask('a'), userTask('b'))}${chain('start', 'a', 'b', 'end')}`)).start();
    const taskId = run.waits((wait) => wait.kind === 'task')[0]!.id;
    run.send({ type: 'task.complete', taskId });
    expect(() => run.send({ type: 'task.complete', taskId })).toThrow(expect.objectContaining({ code: 'STALE_EVENT_ID' }));
  });

  it('given a timer id used as a task id, when dispatched, then STALE_EVENT_ID is thrown', async () => {
    const body = `${sequence('<intermediateCatchEvent id="wait"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></intermediateCatchEvent>')}${chain('start', 'wait', 'end')}`;
    const run = new Driver(await load(body)).start();
    const timerId = run.waits()[0]!.id;
    expect(() => run.send({ type: 'task.complete', taskId: timerId })).toThrow(expect.objectContaining({ code: 'STALE_EVENT_ID' }));
  });

  it('given a completed instance, when an event arrives, then INSTANCE_NOT_ACTIVE is thrown', async () => {
    const run = new Driver(await load(around('<task id="t"/>', 't'))).start();
    expect(() => run.send({ type: 'instance.cancel' })).toThrow(expect.objectContaining({ code: 'INSTANCE_NOT_ACTIVE' }));
  });

  it('given an active instance, when it is cancelled (作废), then every wait is cancelled and it is terminated', async () => {
    const body = `${sequence(userTask('t'))}<boundaryEvent id="late" attachedToRef="t"><timerEventDefinition><timeDuration>PT1H</timeDuration></timerEventDefinition></boundaryEvent><endEvent id="lateEnd"/>${chain('start', 't', 'end')}${chain('late', 'lateEnd')}`;
    const run = new Driver(await load(body)).start();
    run.send({ type: 'instance.cancel', reason: '无效上报' });
    expect(run.status).toBe('terminated');
    expect(run.last).toEqual(
      expect.arrayContaining([
        { type: 'task.cancelled', taskId: expect.any(String), reason: 'cancelled' },
        { type: 'timer.cancelled', timerId: expect.any(String) },
        { type: 'instance.terminated', reason: '无效上报' },
      ]),
    );
    expect(run.state.waits).toEqual({});
  });

  it('given a runtime error, then its message exists in zh-CN and en', () => {
    const error = new EngineRuntimeError('NO_OUTGOING_FLOW', {}, 'gw');
    expect(error.message).toContain('"gw"');
    expect(error.localizedMessage('zh-CN')).toContain('「gw」');
  });

  it('given a start event id that is not a start event of the process, when starting, then START_EVENT_NOT_FOUND is thrown', async () => {
    const model = await load(around(userTask('t'), 't'));
    const deps = { now: T0, newId: () => 'x' };
    expect(() => startInstance(model, { instanceId: 'i', startEventId: 't' }, deps)).toThrow(
      expect.objectContaining({ code: 'START_EVENT_NOT_FOUND' }),
    );
  });
});

describe('purity and serialisation', () => {
  it('given the same state, event, ids and clock, when dispatched twice, then both results are equal and the input is untouched', async () => {
    const model = await load(`${sequence(userTask('a'), userTask('b'))}${chain('start', 'a', 'b', 'end')}`);
    const run = new Driver(model).start({ n: 1 });
    const state = deepFreeze(run.state);
    const snapshot = JSON.stringify(state);
    const taskId = run.waits()[0]!.id;
    const ids = (): (() => string) => {
      let n = 0;
      return () => `x${++n}`;
    };
    const first = dispatch(model, state, { type: 'task.complete', taskId, variables: { n: 2 } }, { now: T0, newId: ids() });
    const second = dispatch(model, state, { type: 'task.complete', taskId, variables: { n: 2 } }, { now: T0, newId: ids() });
    expect(second).toEqual(first);
    expect(JSON.stringify(state)).toBe(snapshot);
  });

  it('given a started instance, then its state carries schemaVersion 1 and survives a JSON round trip', async () => {
    const model = await load(`${sequence(userTask('a'))}${chain('start', 'a', 'end')}`);
    const { state } = startInstance(model, { instanceId: 'i1', variables: { when: '2025-01-01' } }, { now: T0, newId: () => 'n1' });
    expect(state.schemaVersion).toBe(1);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('given a message start event, when the instance starts there, then the token leaves that start event', async () => {
    const [model] = await loadProcesses(
      definitions(
        `<startEvent id="byMessage"><messageEventDefinition messageRef="M"/></startEvent>${userTask('t')}<endEvent id="end"/>${chain('byMessage', 't', 'end')}`,
        '<message id="M" name="report"/>',
      ),
    );
    const run = new Driver(model!).start({ source: 'hotline' }, 'byMessage');
    expect(run.started()).toEqual(['byMessage', 't']);
  });
});
