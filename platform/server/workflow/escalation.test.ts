/**
 * `tg:escalateTo` acted on (issue 3 item 3; docs/bpmn.md §3): a waiting user task past its due
 * time tells the holders of its escalation target once — a city-wide role wherever the task is,
 * a scoped role or a position within the task's organisations — and records when; a task done
 * in time, or without a target, tells nobody.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { recipientsOf } from '../services/notifications.server.ts';
import { escalateOverdueTasks } from './escalation.server.ts';
import type { TaskOutput } from '../../shared/schemas/workflow.ts';

const KEY = 'escalation-test';
const task = (id: string, extra: string) =>
  `<userTask id="${id}" name="${id}" tg:candidateRoles="handler" tg:candidateOrganisations="units" tg:dueDate="2" ${extra}/>`;
const XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/test">
  <process id="${KEY}" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f0" sourceRef="start" targetRef="fork"/>
    <parallelGateway id="fork"/>
    <sequenceFlow id="f1" sourceRef="fork" targetRef="toLeaders"/>
    <sequenceFlow id="f2" sourceRef="fork" targetRef="toUnitHandlers"/>
    <sequenceFlow id="f3" sourceRef="fork" targetRef="noTarget"/>
    <sequenceFlow id="f4" sourceRef="fork" targetRef="doneInTime"/>
    ${task('toLeaders', 'tg:escalateTo="leader"')}
    ${task('toUnitHandlers', 'tg:escalateTo="handler"')}
    ${task('noTarget', '')}
    ${task('doneInTime', 'tg:escalateTo="leader"')}
    <sequenceFlow id="e1" sourceRef="toLeaders" targetRef="join"/>
    <sequenceFlow id="e2" sourceRef="toUnitHandlers" targetRef="join"/>
    <sequenceFlow id="e3" sourceRef="noTarget" targetRef="join"/>
    <sequenceFlow id="e4" sourceRef="doneInTime" targetRef="join"/>
    <parallelGateway id="join"/>
    <sequenceFlow id="e5" sourceRef="join" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

let t: TestApp;
let tenantId: string;
let unit: string;
let tasks: Map<string, TaskOutput>;

beforeAll(async () => {
  t = await createTestApp();
  tenantId = await t.tenantId();
  unit = await t.orgId('demo-dh-lq-zfzd');
  const admin = await t.tokenFor('admin');
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key: KEY, name: '超期升级', content: { xml: XML } } });
  expect(created.status, await created.clone().text()).toBe(201);
  const published = await t.request('POST', `/api/v1/definitions/${((await created.json()) as { id: string }).id}/publish`, { token: admin, body: { comment: 'v1' } });
  expect(published.status, await published.clone().text()).toBe(200);
  const started = await t.request('POST', '/api/v1/process-instances', { token: admin, body: { processKey: KEY, variables: { units: [unit] } } });
  expect(started.status, await started.clone().text()).toBe(201);
  const instanceId = ((await started.json()) as { id: string }).id;
  const listed = (await (await t.request('GET', `/api/v1/tasks?view=all&instanceId=${instanceId}`, { token: admin })).json()) as TaskOutput[];
  tasks = new Map(listed.map((x) => [x.elementId, x]));
  expect([...tasks.keys()].sort()).toEqual(['doneInTime', 'noTarget', 'toLeaders', 'toUnitHandlers']);
});
afterAll(() => t.close());

const noticesFor = async (taskId: string) => {
  const n = t.app.db.t.notifications;
  return t.app.db.read.select({ userId: n.userId, title: n.title, link: n.link }).from(n).where(and(eq(n.tenantId, tenantId), like(n.sourceKey, `task-overdue:${taskId}`)));
};

describe('overdue escalation (tg:escalateTo)', () => {
  it('given tasks not yet due, when the sweep runs, then nobody is told', async () => {
    expect(await escalateOverdueTasks(t.app)).toBe(0);
    for (const x of tasks.values()) expect(await noticesFor(x.id)).toEqual([]);
  });

  it('given one task completed in time and the clock past the others\' due time, when the sweep runs twice, then each overdue task with a target is escalated once', async () => {
    const handler = await t.tokenFor('dh.handler2');
    const done = await t.request('POST', `/api/v1/tasks/${tasks.get('doneInTime')!.id}/complete`, { token: handler, body: {} });
    expect(done.status, await done.clone().text()).toBe(200);
    t.clock.advance(3 * 24 * 3600_000);
    expect(await escalateOverdueTasks(t.app)).toBe(2);
    expect(await escalateOverdueTasks(t.app)).toBe(0);
  });

  it('given the escalation to 市级领导 (a city-wide role), then every leader of the city is told, with a link to the task', async () => {
    const leaders = await recipientsOf(t.app, tenantId, { roles: ['leader'] });
    expect(leaders.length).toBeGreaterThan(0);
    const notices = await noticesFor(tasks.get('toLeaders')!.id);
    expect(notices.map((x) => x.userId).sort()).toEqual(leaders);
    expect(notices[0]).toMatchObject({ title: '任务超期：toLeaders', link: `/tasks/${tasks.get('toLeaders')!.id}` });
  });

  it('given the escalation to handlers (a role scoped to its unit), then only the handlers of the task\'s unit are told', async () => {
    const told = (await noticesFor(tasks.get('toUnitHandlers')!.id)).map((x) => x.userId);
    expect(told).toContain(await t.userId('dh.handler2'));
    expect(told).not.toContain(await t.userId('xl.handler1'));
    expect(told.sort()).toEqual(await recipientsOf(t.app, tenantId, { roles: ['handler'], positions: ['handler'], organisationIds: [unit] }));
  });

  it('given a task without a target and one done in time, then nobody was told of them', async () => {
    expect(await noticesFor(tasks.get('noTarget')!.id)).toEqual([]);
    expect(await noticesFor(tasks.get('doneInTime')!.id)).toEqual([]);
  });

  it('given an escalated task, when read through the API, then it says when and to whom, and the escalation is audited', async () => {
    const id = tasks.get('toLeaders')!.id;
    const res = await t.request('GET', `/api/v1/tasks/${id}`, { token: await t.tokenFor('admin') });
    expect((await res.json()) as TaskOutput).toMatchObject({ escalateTo: 'leader', escalatedAt: t.clock.now().toISOString(), overdue: true });
    const audit = await t.auditFor(id);
    expect(audit.map((a) => a.action)).toEqual(['escalate']);
  });
});
