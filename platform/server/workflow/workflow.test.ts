import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { openDatabase } from '../db/database.server.ts';
import { createApp } from '../app.server.ts';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';
import { fireDueTimers } from './scheduler.server.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

interface Task { id: string; elementId: string; status: string; dueAt: string | null; formDefinitionId: string | null }
interface Instance { id: string; status: string; definitionVersion: number; variables: Record<string, unknown>; activities: { elementId: string; endedAt: string | null }[]; tasks: Task[] }

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
// Timer tests move the clock by hours: each test takes a token that is valid now.
beforeEach(async () => { admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

async function publish(kind: 'process' | 'form', key: string, content: unknown): Promise<Response> {
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind, key, name: key, content } });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: string };
  return t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'test' } });
}

async function publishOk(kind: 'process' | 'form', key: string, content: unknown): Promise<void> {
  const res = await publish(kind, key, content);
  expect(res.status, await res.clone().text()).toBe(200);
}

async function start(processKey: string, variables: Record<string, unknown> = {}, token = admin): Promise<Instance> {
  const res = await t.request('POST', '/api/v1/process-instances', { token, body: { processKey, variables } });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Instance;
}

const instance = async (id: string) => (await (await t.request('GET', `/api/v1/process-instances/${id}`, { token: admin })).json()) as Instance;
const openTask = (i: Instance, elementId: string) => i.tasks.find((task) => task.elementId === elementId && (task.status === 'open' || task.status === 'claimed')) as Task;

describe('process definitions are checked when published', () => {
  it('given a model with an element the engine does not support, when published, then 422 names the element and nothing is published', async () => {
    const res = await publish('process', 'bad', { xml: fixture('bad.bpmn') });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorJson & { error: { fields: { field: string }[] } };
    expect(body.error.fields.map((f) => f.field)).toContain('content.xml#cx');
    const d = t.app.db.t.definitions;
    const [row] = await t.app.db.read.select({ status: d.status }).from(d).where(eq(d.key, 'bad'));
    expect(row.status).toBe('draft');
  });
});

describe('running a published process through the API', () => {
  beforeAll(async () => {
    await publishOk('process', 'approval', { xml: fixture('approval.bpmn') });
    await publishOk('process', 'unassigned', { xml: fixture('unassigned.bpmn') });
    await publishOk('process', 'timeout', { xml: fixture('timeout.bpmn') });
  });

  it('given a started instance, when the candidates complete their tasks, then the gateway condition routes it and it completes with its history', async () => {
    const dispatcher = await t.tokenFor('cc.dispatcher1');
    const started = await start('approval', { level: 3, source: 'hotline' }, dispatcher);
    expect(started.status).toBe('active');
    const review = openTask(started, 'review');
    expect(review.dueAt).not.toBeNull();
    const inbox = (await (await t.request('GET', '/api/v1/tasks?view=candidate', { token: dispatcher })).json()) as Task[];
    expect(inbox.map((task) => task.id)).toContain(review.id);
    const handlerInbox = (await (await t.request('GET', '/api/v1/tasks', { token: await t.tokenFor('water.handler') })).json()) as Task[];
    expect(handlerInbox.map((task) => task.id)).not.toContain(review.id);

    const since = await t.auditMark();
    const done = await t.request('POST', `/api/v1/tasks/${review.id}/complete`, { token: dispatcher, body: { comment: '同意' } });
    expect(done.status, await done.clone().text()).toBe(200);
    expect((await t.auditSince(since)).map((a) => a.action)).toEqual(['complete_task']);
    const handle = openTask(await instance(started.id), 'handle');
    expect(handle).toBeDefined();
    const handled = await t.request('POST', `/api/v1/tasks/${handle.id}/complete`, { token: await t.tokenFor('water.handler'), body: {} });
    expect(handled.status).toBe(200);
    const finished = await instance(started.id);
    expect(finished.status).toBe('completed');
    expect(finished.activities.map((a) => a.elementId)).toEqual(['start', 'review', 'decide', 'handle', 'endDone']);
    expect(finished.activities.every((a) => a.endedAt !== null)).toBe(true);
  });

  it('given a condition that does not hold, when the review completes, then the default flow ends the instance', async () => {
    const started = await start('approval', { level: 1, source: 'hotline' });
    await t.request('POST', `/api/v1/tasks/${openTask(started, 'review').id}/complete`, { token: admin, body: {} });
    const finished = await instance(started.id);
    expect(finished.status).toBe('completed');
    expect(finished.activities.map((a) => a.elementId)).toContain('endRejected');
  });

  it('given a task without assignment rules, when a non-administrator tries it, then 404; the process administrator completes it', async () => {
    const started = await start('unassigned');
    const task = openTask(started, 'task');
    const handler = await t.tokenFor('water.handler');
    expect((await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: handler, body: {} })).status).toBe(404);
    expect((await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: admin, body: {} })).status).toBe(200);
    expect((await instance(started.id)).status).toBe('completed');
  });

  it('given two people completing the same task at once, then exactly one succeeds and the other gets 409', async () => {
    const started = await start('approval', { level: 1, source: 'hotline' });
    const task = openTask(started, 'review');
    const [first, second] = [await t.tokenFor('cc.dispatcher1'), await t.tokenFor('cc.intake1')];
    const results = await Promise.all([
      t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: first, body: {} }),
      t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: second, body: {} }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
    const loser = results.find((r) => r.status === 409) as Response;
    expect(((await loser.json()) as ErrorJson).error.code).toBe('task_not_open');
    const finished = await instance(started.id);
    expect(finished.activities.filter((a) => a.elementId === 'review')).toHaveLength(1);
    expect(finished.tasks.filter((x) => x.elementId === 'review').map((x) => x.status)).toEqual(['completed']);
  });

  it('given a running v1 instance, when v2 is published, then the instance finishes on v1 and new instances start on v2', async () => {
    const v1 = await start('unassigned');
    const v2Xml = fixture('unassigned.bpmn').replace('name="无人指派"', 'name="第二版"').replace('<endEvent id="end"/>', '<endEvent id="end" name="v2"/>');
    await publishOk('process', 'unassigned', { xml: v2Xml });
    const v2 = await start('unassigned');
    expect(v1.definitionVersion).toBe(1);
    expect(v2.definitionVersion).toBe(2);
    await t.request('POST', `/api/v1/tasks/${openTask(v1, 'task').id}/complete`, { token: admin, body: {} });
    const done = await instance(v1.id);
    expect(done.status).toBe('completed');
    expect(done.definitionVersion).toBe(1);
  });

  it('given an interrupting timer on a task, when the clock passes it and the scheduler runs, then the task is cancelled and the escalation task opens', async () => {
    const started = await start('timeout');
    const wait = openTask(started, 'wait');
    expect(await fireDueTimers(t.app)).toBe(0);
    t.clock.advance(2 * 3_600_000 + 1);
    expect(await fireDueTimers(t.app)).toBe(1);
    const after = await instance(started.id);
    expect(after.tasks.find((task) => task.id === wait.id)?.status).toBe('cancelled');
    expect(openTask(after, 'escalated')).toBeDefined();
    expect(await fireDueTimers(t.app)).toBe(0);
    const late = await t.request('POST', `/api/v1/tasks/${wait.id}/complete`, { token: admin, body: {} });
    expect(late.status).toBe(409);
  });

  it('given due timers and two schedulers at once (two app processes on PostgreSQL, SKIP LOCKED; one process on SQLite), then every timer fires exactly once', async () => {
    const started = await Promise.all(Array.from({ length: 12 }, () => start('timeout')));
    t.clock.advance(2 * 3_600_000 + 1);
    // Several app processes share a database only on PostgreSQL; on SQLite (one process, one
    // writer) the two schedulers run side by side in this process.
    const otherDb = t.app.db.dialect === 'postgres' ? await openDatabase(t.database.url, { pgSchema: t.database.pgSchema, poolSize: 3 }) : undefined;
    try {
      const other = otherDb ? createApp(t.app.config, otherDb, t.clock.now) : t.app;
      const fired = await Promise.all([fireDueTimers(t.app), fireDueTimers(other)]);
      expect(fired[0] + fired[1]).toBe(12);
    } finally {
      await otherDb?.close();
    }
    for (const { id } of started) {
      const after = await instance(id);
      expect(after.tasks.filter((task) => task.elementId === 'escalated')).toHaveLength(1);
    }
    const tm = t.app.db.t.timers;
    const rows = await t.app.db.read.select({ status: tm.status, attempts: tm.attempts }).from(tm).where(inArray(tm.instanceId, started.map((i) => i.id)));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(started.map(() => ['fired', 1]));
  });

  it('given a due timer whose step fails, when the scheduler runs, then the timers due after it still fire and the failure is recorded for a retry', async () => {
    const broken = await start('timeout');
    t.clock.advance(1000);
    const healthy = await start('timeout');
    const pi = t.app.db.t.processInstances;
    // A state the engine cannot dispatch: the timer's step throws.
    await t.app.db.transaction((tx) => tx.update(pi).set({ state: { broken: true } }).where(eq(pi.id, broken.id)));
    t.clock.advance(2 * 3_600_000 + 1);
    // The broken instance's timer is due first (started a second earlier).
    expect(await fireDueTimers(t.app)).toBe(1);
    expect(openTask(await instance(healthy.id), 'escalated')).toBeDefined();
    const tm = t.app.db.t.timers;
    const [timer] = await t.app.db.read.select({ status: tm.status, attempts: tm.attempts, lastError: tm.lastError }).from(tm).where(eq(tm.instanceId, broken.id));
    expect(timer.status).toBe('scheduled');
    expect(timer.attempts).toBe(1);
    expect(timer.lastError).toBeTruthy();
  });
});

describe('messages and signals from outside', () => {
  beforeAll(async () => {
    await publishOk('process', 'hotline-intake', { xml: fixture('message-start.bpmn') });
    await publishOk('process', 'storm-patrol', { xml: fixture('signal-start.bpmn') });
  });

  const send = (kind: 'messages' | 'signals', name: string, variables: Record<string, unknown> = {}, token = admin) =>
    t.request('POST', `/api/v1/${kind}`, { token, body: { name, variables } });
  const routedOf = async (res: Response) => {
    expect(res.status, await res.clone().text()).toBe(200);
    return ((await res.json()) as { routed: { instanceId: string; how: string }[] }).routed;
  };

  it('given a process with a message start event, when the message is sent, then an instance starts with its variables; when the message it waits for is sent, then the oldest waiting instance hears it', async () => {
    const [first] = await routedOf(await send('messages', 'hotline.report', { caller: '市民甲' }));
    t.clock.advance(1000);
    const [second] = await routedOf(await send('messages', 'hotline.report', { caller: '市民乙' }));
    expect([first.how, second.how]).toEqual(['started', 'started']);
    expect((await instance(first.instanceId)).variables).toEqual({ caller: '市民甲' });
    expect((await instance(first.instanceId)).tasks).toEqual([]);

    const [heard] = await routedOf(await send('messages', 'inspection.done', { result: 'ok' }));
    expect(heard).toEqual({ instanceId: first.instanceId, how: 'delivered' });
    const after = await instance(first.instanceId);
    expect(after.variables.result).toBe('ok');
    expect(openTask(after, 'review')).toBeDefined();
    expect((await instance(second.instanceId)).tasks).toEqual([]);
  });

  it('given a process with a signal start event, when the signal is thrown, then an instance starts; a name nobody listens to reaches nobody and is still audited', async () => {
    const mark = await t.auditMark();
    const routed = await routedOf(await send('signals', 'weather.storm', { level: 'red' }));
    expect(routed.map((r) => r.how)).toEqual(['started']);
    expect(openTask(await instance(routed[0].instanceId), 'patrol')).toBeDefined();
    expect(await routedOf(await send('signals', 'weather.nothing'))).toEqual([]);
    expect((await t.auditSince(mark)).map((a) => [a.action, a.objectId])).toEqual([['throw_signal', 'weather.storm'], ['throw_signal', 'weather.nothing']]);
  });

  it('given someone who may not administer processes (a dispatcher), or an empty name, when sending, then 403 or 422 and nothing starts', async () => {
    const pi = t.app.db.t.processInstances;
    const before = (await t.app.db.read.select({ id: pi.id }).from(pi)).length;
    expect((await send('messages', 'hotline.report', {}, await t.tokenFor('cc.dispatcher1'))).status).toBe(403);
    expect((await send('signals', '  ')).status).toBe(422);
    expect((await t.app.db.read.select({ id: pi.id }).from(pi)).length).toBe(before);
  });
});

describe('timer start events', () => {
  const pi = () => t.app.db.t.processInstances;
  const instancesOf = async (key: string) => (await t.app.db.read.select({ id: pi().id, definitionVersion: pi().definitionVersion }).from(pi()).where(eq(pi().processKey, key)));

  it('given a published process starting every hour twice (R2/PT1H), when the clock passes each hour, then one instance starts each time and then no more', async () => {
    await publishOk('process', 'hourly-patrol', { xml: fixture('timer-start.bpmn') });
    expect(await fireDueTimers(t.app)).toBe(0);
    t.clock.advance(3_600_000);
    expect(await fireDueTimers(t.app)).toBe(1);
    expect(await instancesOf('hourly-patrol')).toHaveLength(1);
    t.clock.advance(3_600_000);
    expect(await fireDueTimers(t.app)).toBe(1);
    t.clock.advance(3_600_000);
    expect(await fireDueTimers(t.app)).toBe(0);
    const started = await instancesOf('hourly-patrol');
    expect(started).toHaveLength(2);
    expect(openTask(await instance(started[0].id), 'patrol')).toBeDefined();
  });

  it('given a cycle that began years ago (R/2020-…/PT1H), when published and fired, then it resumes at the next hour instead of starting every missed one', async () => {
    const xml = fixture('timer-start.bpmn').replace('id="hourly-patrol"', 'id="old-cycle"').replace('R2/PT1H', 'R/2020-01-01T00:00:00Z/PT1H');
    await publishOk('process', 'old-cycle', { xml });
    const st = t.app.db.t.startTimers;
    const scheduled = await t.app.db.read.select({ dueAt: st.dueAt }).from(st).where(and(eq(st.processKey, 'old-cycle'), eq(st.status, 'scheduled')));
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0].dueAt.getTime()).toBeGreaterThanOrEqual(t.clock.now().getTime());
    expect(scheduled[0].dueAt.getTime() - t.clock.now().getTime()).toBeLessThanOrEqual(3_600_000);
    t.clock.advance(3_600_000);
    await fireDueTimers(t.app);
    expect(await instancesOf('old-cycle')).toHaveLength(1);
    const d = t.app.db.t.definitions;
    const [v1] = await t.app.db.read.select({ id: d.id }).from(d).where(eq(d.key, 'old-cycle'));
    expect((await t.request('POST', `/api/v1/definitions/${v1.id}/retire`, { token: admin })).status).toBe(200);
  });

  it('given a timer start whose date needs a variable no start has, when published, then 422 names the start event and nothing is published', async () => {
    const xml = fixture('timer-start.bpmn').replace('id="hourly-patrol"', 'id="needs-var"').replace('<timeCycle>R2/PT1H</timeCycle>', '<timeDate>${reportedAt}</timeDate>');
    const res = await publish('process', 'needs-var', { xml });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.map((f) => f.field)).toEqual(['content.xml#everyHour']);
    const d = t.app.db.t.definitions;
    const [row] = await t.app.db.read.select({ status: d.status }).from(d).where(eq(d.key, 'needs-var'));
    expect(row.status).toBe('draft');
  });

  it('given a timer start process, when v2 is published, then only v2 starts instances; when v2 is retired, then none start', async () => {
    const xml = fixture('timer-start.bpmn').replace('id="hourly-patrol"', 'id="nightly"').replace('R2/PT1H', 'R/PT1H');
    await publishOk('process', 'nightly', { xml });
    await publishOk('process', 'nightly', { xml: xml.replace('name="巡查"', 'name="夜间巡查"') });
    t.clock.advance(3_600_000);
    expect(await fireDueTimers(t.app)).toBe(1);
    expect((await instancesOf('nightly')).map((i) => i.definitionVersion)).toEqual([2]);
    const d = t.app.db.t.definitions;
    const [v2] = await t.app.db.read.select({ id: d.id }).from(d).where(and(eq(d.key, 'nightly'), eq(d.version, 2)));
    expect((await t.request('POST', `/api/v1/definitions/${v2.id}/retire`, { token: admin })).status).toBe(200);
    t.clock.advance(3_600_000);
    expect(await fireDueTimers(t.app)).toBe(0);
    expect(await instancesOf('nightly')).toHaveLength(1);
  });
});

describe('forms on tasks', () => {
  const form = {
    display: 'form',
    components: [
      { type: 'textfield', key: 'opinion', label: '处理意见', input: true, validate: { required: true, maxLength: 50 } },
      { type: 'number', key: 'amount', label: '金额', input: true, validate: { min: 0 } },
    ],
  };

  it('given a task bound to a form, when the submission is invalid, then 422 per field and nothing is written; a valid one completes the task with only the form\'s fields', async () => {
    await publishOk('form', 'opinion-form', form);
    const xml = fixture('unassigned.bpmn').replace('id="unassigned"', 'id="with-form"').replace('<userTask id="task" name="无人指派"/>', '<userTask id="task" name="填写意见" tg:formKey="opinion-form"/>')
      .replace('xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"', 'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0"');
    await publishOk('process', 'with-form', { xml });
    const started = await start('with-form');
    const task = openTask(started, 'task');
    expect(task.formDefinitionId).not.toBeNull();
    const since = await t.auditMark();
    const bad = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: admin, body: { formData: { amount: -1 } } });
    expect(bad.status).toBe(422);
    const fields = ((await bad.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field).sort();
    expect(fields).toEqual(['formData.amount', 'formData.opinion']);
    expect(await t.auditSince(since)).toHaveLength(0);
    expect(openTask(await instance(started.id), 'task').status).toBe('open');

    const good = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: admin, body: { formData: { opinion: '已处理', amount: 5, smuggled: 'x' } } });
    expect(good.status, await good.clone().text()).toBe(200);
    const finished = await instance(started.id);
    expect(finished.status).toBe('completed');
    expect(finished.variables).toMatchObject({ opinion: '已处理', amount: 5 });
    expect(finished.variables).not.toHaveProperty('smuggled');
  });

  it('given the published form, when the designer preview validates data, then 200 with the kept data or 422 per field in the caller\'s language', async () => {
    const ok = await t.request('POST', '/api/v1/forms/opinion-form/validate', { token: admin, body: { data: { opinion: '好', extra: 1 } } });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ data: { opinion: '好' } });
    const bad = await t.request('POST', '/api/v1/forms/opinion-form/validate', { token: admin, body: { data: { opinion: 'x'.repeat(51) } }, headers: { 'accept-language': 'en' } });
    expect(bad.status).toBe(422);
    const body = (await bad.json()) as { error: { fields: { field: string; message: string }[] } };
    expect(body.error.fields).toHaveLength(1);
    expect(body.error.fields[0].field).toBe('data.opinion');
    expect(body.error.fields[0].message).toMatch(/50/);
    expect((await t.request('POST', '/api/v1/forms/no-such-form/validate', { token: admin, body: { data: {} } })).status).toBe(404);
  });
});
