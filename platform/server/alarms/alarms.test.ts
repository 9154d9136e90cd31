/**
 * Alarms from telemetry (issue 5 item 5): a manhole cover rule judges readings sent over HTTP —
 * raise, one open alarm per rule × device, escalation, clear — opens a 案件 on the standard case
 * process when it reaches 一级, resolves with the process that handles it, and people move alarms
 * through their lifecycle within their data scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import { COVER_RULE, COVER_TYPE, GAS_TYPE, MINUTE, alarm, alarmsOf, centreOf, publish, registerDevice, type TestDevice } from './testing/alarm-fixtures.ts';

let t: TestApp;
let east: [number, number];
let west: [number, number];

const tick = () => { t.clock.advance(MINUTE); return t.clock.now().getTime(); };
const post = async (path: string, username: string, body: unknown = {}) => t.request('POST', path, { token: await t.tokenFor(username), body });

beforeAll(async () => {
  t = await createTestApp();
  east = await centreOf(t, 'demo-dh-lq-jx');
  west = await centreOf(t, 'demo-xl-sg-cb');
  await publish(t, 'deviceType', 'testCover', COVER_TYPE);
  await publish(t, 'deviceType', 'testGas', GAS_TYPE);
  await publish(t, 'alarmRule', 'test-cover', COVER_RULE);
});
afterAll(() => t.close());

describe('a manhole cover rule judging telemetry sent over HTTP', () => {
  let cover: TestDevice;
  let first: string;

  beforeAll(async () => {
    cover = await registerDevice(t, { code: 'COVER-1', typeKey: 'testCover', location: east });
  });

  it('given a closed, level cover, when it reports open, then one 二级 alarm is raised where the device stands and 指挥中心 is told', async () => {
    await cover.send({ open: false, tilt: 2, displacement: 0 }, tick());
    expect(await alarmsOf(t, cover.device.id)).toEqual([]);
    const raisedAt = tick();
    await cover.send({ open: true, tilt: 3, displacement: 0 }, raisedAt);
    const [raised] = await alarmsOf(t, cover.device.id);
    expect(raised).toMatchObject({
      ruleKey: 'test-cover', severity: 2, highestSeverity: 2, status: 'active', sourceKind: 'device', sourceCode: 'COVER-1', module: 'drainage',
      districtOrgId: await t.orgId('demo-dh'), lng: east[0], lat: east[1], values: { open: true, tilt: 3 }, raisedAt: new Date(raisedAt).toISOString(), caseId: null,
    });
    first = raised!.id;
    const n = t.app.db.t.notifications;
    const notices = await t.app.db.read.select().from(n).where(eq(n.link, `/alarms/${first}`));
    expect(notices.map((x) => x.userId)).toContain(await t.userId('cc.dispatcher1'));
    expect(notices.map((x) => x.userId)).not.toContain(await t.userId('dh.intake'));
  });

  it('given the open alarm, when the cover keeps reporting open, then no second alarm is raised', async () => {
    await cover.send({ open: true, tilt: 4 }, tick());
    await cover.send({ battery: 80 }, tick());
    const alarms = await alarmsOf(t, cover.device.id);
    expect(alarms).toHaveLength(1);
    expect((await alarm(t, first)).events.map((e) => e.type)).toEqual(['raise']);
  });

  it('given the 二级 alarm, when the cover is displaced, then the same alarm escalates to 一级 and a 案件 is opened on the case process and linked', async () => {
    await cover.send({ open: true, displacement: 80 }, tick());
    const escalated = await alarm(t, first);
    expect(escalated).toMatchObject({ severity: 1, highestSeverity: 1, status: 'handling' });
    expect(escalated.events.map((e) => e.type)).toEqual(['raise', 'escalate', 'handle']);
    expect(escalated.caseId).not.toBeNull();
    const res = await t.request('GET', `/api/v1/cases/${escalated.caseId}`, { token: await t.tokenFor('admin') });
    expect(res.status, await res.clone().text()).toBe(200);
    const reported = (await res.json()) as { source: string; categoryCode: string; title: string; status: string; processInstanceId: string; districtOrgId: string; reportedBy: string | null };
    expect(reported).toMatchObject({ source: 'sensor', categoryCode: 'E04005', title: '井盖移位：COVER-1', status: 'reported', districtOrgId: await t.orgId('demo-dh'), reportedBy: null });
    expect(reported.processInstanceId).toBe(escalated.processInstanceId);
    const list = (await (await t.request('GET', '/api/v1/cases?source=sensor', { token: await t.tokenFor('dh.intake') })).json()) as { items: { id: string }[] };
    expect(list.items.map((c) => c.id)).toContain(escalated.caseId);
  });

  it('given the alarm handled by its case, when the cover reads normal again, then it is cleared but stays 处置中 (the case decides)', async () => {
    await cover.send({ open: false, tilt: 1, displacement: 0 }, tick());
    const cleared = await alarm(t, first);
    expect(cleared.status).toBe('handling');
    expect(cleared.clearedAt).not.toBeNull();
    expect(cleared.events.map((e) => e.type)).toEqual(['raise', 'escalate', 'handle', 'clear']);
  });

  it('given an alarm 处置中, when the cover opens again, then the open alarm takes the new raise instead of a second one', async () => {
    await cover.send({ open: true }, tick());
    const alarms = await alarmsOf(t, cover.device.id);
    expect(alarms).toHaveLength(1);
    expect((await alarm(t, first)).events.map((e) => e.type)).toEqual(['raise', 'escalate', 'handle', 'clear', 'raise']);
  });
});

describe('per-device thresholds', () => {
  it('given a cover whose own tilt limit is 30°, when it tilts by 20° and then 35°, then only the second reading raises', async () => {
    const cover = await registerDevice(t, { code: 'COVER-T', typeKey: 'testCover', location: east, thresholds: { tiltMax: 30 } });
    expect(cover.device.thresholds).toEqual({ tiltMax: 30 });
    await cover.send({ open: false, tilt: 20, displacement: 0 }, tick());
    expect(await alarmsOf(t, cover.device.id)).toEqual([]);
    await cover.send({ open: false, tilt: 35, displacement: 0 }, tick());
    expect(await alarmsOf(t, cover.device.id)).toMatchObject([{ severity: 2, value: 35 }]);
  });
});

describe('an alarm handled by a process', () => {
  it('given a rule starting a check process, when it raises, then the alarm is 处置中 and is resolved when the process ends', async () => {
    await publish(t, 'process', 'alarm-check', {
      xml: `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://tongguan.dev/test">
  <process id="alarm-check" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="check"/>
    <userTask id="check" name="现场核实"/><sequenceFlow id="f2" sourceRef="check" targetRef="end"/><endEvent id="end"/>
  </process>
</definitions>`,
    });
    await publish(t, 'alarmRule', 'test-gas', {
      scope: { kind: 'deviceType', key: 'testGas' }, levels: [{ severity: 1, condition: { type: 'simple', expr: 'lel >= 25' } }],
      actions: { startProcess: { processKey: 'alarm-check', variables: { lel: 'lel', station: 'alarm.sourceCode' } } },
    });
    const gas = await registerDevice(t, { code: 'GAS-A', typeKey: 'testGas', location: east });
    await gas.send({ lel: 30 }, tick());
    const [raised] = await alarmsOf(t, gas.device.id);
    expect(raised).toMatchObject({ status: 'handling', caseId: null });
    const admin = await t.tokenFor('admin');
    const instance = (await (await t.request('GET', `/api/v1/process-instances/${raised!.processInstanceId}`, { token: admin })).json()) as { variables: Record<string, unknown>; tasks: { id: string; status: string }[] };
    expect(instance.variables).toMatchObject({ alarmId: raised!.id, lel: 30, station: 'GAS-A' });
    const task = instance.tasks.find((x) => x.status === 'open')!;
    expect((await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: admin, body: {} })).status).toBe(200);
    const resolved = await alarm(t, raised!.id);
    expect(resolved.status).toBe('resolved');
    expect(resolved.events.map((e) => e.type)).toEqual(['raise', 'handle', 'resolve']);
  });
});

describe('the alarm lifecycle by people', () => {
  let cover: TestDevice;
  let id: string;

  beforeAll(async () => {
    cover = await registerDevice(t, { code: 'COVER-L', typeKey: 'testCover', location: east });
    await cover.send({ open: true, tilt: 0, displacement: 0 }, tick());
    id = (await alarmsOf(t, cover.device.id))[0]!.id;
  });

  it('given an active alarm, when 东湖区 staff acknowledge it, then it is 已确认 with who and when, in its history and the audit log', async () => {
    const res = await post(`/api/v1/alarms/${id}/acknowledge`, 'dh.intake', { comment: '已通知养护单位', version: 1 });
    expect(res.status, await res.clone().text()).toBe(200);
    const acknowledged = (await res.json()) as Awaited<ReturnType<typeof alarm>>;
    expect(acknowledged).toMatchObject({ status: 'acknowledged', acknowledgedBy: await t.userId('dh.intake'), version: 2 });
    expect(acknowledged.events.at(-1)).toMatchObject({ type: 'acknowledge', actorId: await t.userId('dh.intake'), detail: { from: 'active', to: 'acknowledged', comment: '已通知养护单位' } });
    expect((await t.auditFor(id)).map((a) => a.action)).toEqual(['acknowledge']);
  });

  it('given an acknowledged alarm, when acknowledged again, closed before it is resolved, or changed with a stale version, then 409 state_conflict and nothing changes', async () => {
    for (const [path, body] of [['acknowledge', {}], ['close', {}], ['resolve', { version: 1 }]] as const) {
      const res = await post(`/api/v1/alarms/${id}/${path}`, 'cc.dispatcher1', body);
      expect(res.status, path).toBe(409);
      expect(((await res.json()) as ErrorJson).error.code).toBe('state_conflict');
    }
    expect((await alarm(t, id)).version).toBe(2);
  });

  it('given an acknowledged alarm, when resolved and then closed, then it is 已关闭; a closed alarm cannot be judged false', async () => {
    expect((await post(`/api/v1/alarms/${id}/resolve`, 'cc.dispatcher1')).status).toBe(200);
    const closed = (await (await post(`/api/v1/alarms/${id}/close`, 'cc.dispatcher1', { comment: '已恢复' })).json()) as Awaited<ReturnType<typeof alarm>>;
    expect(closed).toMatchObject({ status: 'closed', closedBy: await t.userId('cc.dispatcher1') });
    expect((await post(`/api/v1/alarms/${id}/mark-false`, 'cc.dispatcher1', { reason: '设备故障' })).status).toBe(409);
  });

  it('given the closed alarm while the cover still reads open, when it reports again, then no alarm is raised until it has cleared', async () => {
    await cover.send({ open: true }, tick());
    expect((await alarmsOf(t, cover.device.id)).map((a) => a.status)).toEqual(['closed']);
    await cover.send({ open: false, tilt: 0, displacement: 0 }, tick());
    await cover.send({ open: true }, tick());
    expect((await alarmsOf(t, cover.device.id)).map((a) => a.status)).toEqual(['active', 'closed']);
  });

  it('given an active alarm, when judged false without a reason, then 422; with one, then it is 误报 and final', async () => {
    const [latest] = await alarmsOf(t, cover.device.id);
    expect((await post(`/api/v1/alarms/${latest!.id}/mark-false`, 'dh.intake', {})).status).toBe(422);
    const res = await post(`/api/v1/alarms/${latest!.id}/mark-false`, 'dh.intake', { reason: '井盖检修，人为开启' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'falseAlarm', falseAlarm: true, falseAlarmReason: '井盖检修，人为开启' });
    expect((await post(`/api/v1/alarms/${latest!.id}/acknowledge`, 'dh.intake')).status).toBe(409);
    expect((await t.auditFor(latest!.id)).map((a) => a.action)).toEqual(['mark_false']);
  });
});

describe('data scope', () => {
  it('given an alarm in 西岭区, when 东湖区 staff list, open or acknowledge it, then they see only 东湖区\'s and are refused it; another city gets 404', async () => {
    const far = await registerDevice(t, { code: 'COVER-W', typeKey: 'testCover', location: west });
    await far.send({ open: true, tilt: 0, displacement: 0 }, tick());
    const [westAlarm] = await alarmsOf(t, far.device.id);
    expect(westAlarm?.districtOrgId).toBe(await t.orgId('demo-xl'));
    const staff = await t.tokenFor('dh.intake');
    const listed = (await (await t.request('GET', '/api/v1/alarms?status=open&limit=1000', { token: staff })).json()) as { items: { id: string; districtOrgId: string | null }[] };
    expect(listed.items.length).toBeGreaterThan(0);
    const dh = await t.orgId('demo-dh');
    expect(listed.items.every((a) => a.districtOrgId === dh)).toBe(true);
    expect(listed.items.map((a) => a.id)).not.toContain(westAlarm!.id);
    expect((await t.request('GET', `/api/v1/alarms/${westAlarm!.id}`, { token: staff })).status).toBe(403);
    expect((await post(`/api/v1/alarms/${westAlarm!.id}/acknowledge`, 'dh.intake')).status).toBe(403);
    expect((await post(`/api/v1/alarms/${westAlarm!.id}/acknowledge`, 'xl.intake')).status).toBe(200);
    expect((await t.request('GET', `/api/v1/alarms/${westAlarm!.id}`, { token: await t.tokenFor('other.admin') })).status).toBe(404);
    const a = t.app.db.t.alarms;
    expect((await t.app.db.read.select().from(a).where(and(eq(a.id, westAlarm!.id), eq(a.status, 'acknowledged')))).length).toBe(1);
  });
});

describe('a false alarm whose case is in hand', () => {
  it('given a displaced cover\'s alarm with its case registered and dispatched, when 指挥中心 judges it false, then the case is voided (作废), its tasks cancelled, and the alarm is 误报', async () => {
    const cover = await registerDevice(t, { code: 'COVER-F', typeKey: 'testCover', location: east });
    await cover.send({ open: true, displacement: 80 }, tick());
    const [raised] = await alarmsOf(t, cover.device.id);
    const handling = await alarm(t, raised!.id);
    expect(handling).toMatchObject({ status: 'handling' });
    const instanceId = handling.processInstanceId!;
    const inbox = async (username: string) => (await (await t.request('GET', `/api/v1/tasks?view=inbox&instanceId=${instanceId}`, { token: await t.tokenFor(username) })).json()) as { id: string; elementId: string }[];
    const complete = async (username: string, elementId: string, formData: Record<string, unknown>) => {
      const task = (await inbox(username)).find((x) => x.elementId === elementId)!;
      const res = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: await t.tokenFor(username), body: { formData } });
      expect(res.status, await res.clone().text()).toBe(200);
    };
    await complete('cc.dispatcher1', 'register', { decision: 'register' });
    await complete('cc.dispatcher1', 'dispatch', { decision: 'dispatch', responsibleUnitId: await t.orgId('demo-dh-lq-zfzd') });
    const caseOf = async () => (await (await t.request('GET', `/api/v1/cases/${handling.caseId}`, { token: await t.tokenFor('admin') })).json()) as { status: string };
    expect((await caseOf()).status).toBe('dispatched');
    const res = await post(`/api/v1/alarms/${raised!.id}/mark-false`, 'cc.dispatcher1', { reason: '施工临时移开井盖' });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()) as { status: string; falseAlarm: boolean }).toMatchObject({ status: 'falseAlarm', falseAlarm: true });
    expect((await caseOf()).status).toBe('voided');
    const pi = t.app.db.t.processInstances;
    expect((await t.app.db.read.select({ status: pi.status }).from(pi).where(eq(pi.id, instanceId)))[0]!.status).toBe('terminated');
    const tk = t.app.db.t.tasks;
    const open = await t.app.db.read.select({ id: tk.id }).from(tk).where(and(eq(tk.instanceId, instanceId), eq(tk.status, 'open')));
    expect(open).toEqual([]);
  });
});

