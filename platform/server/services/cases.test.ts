/**
 * The case closed loop through the API with the demo city's people (Hunan guide 4.1.2: 信息采集 →
 * 案件建立 → 任务派遣 → 任务处理 → 处理反馈 → 核查结案 → 绩效考核), with 退回/重新派遣,
 * 申请延期, 返工, 挂账, 作废, 督办 and the data scope of cases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { fireDueTimers } from '../workflow/scheduler.server.ts';
import { runDueJobs } from '../workflow/jobs.server.ts';

interface Case { id: string; caseNumber: string; status: string; gridId: string | null; districtOrgId: string | null; dueAt: string | null; deadlineHours: number; overdue: boolean; timeline: { elementId: string; by: string | null; comment: string | null }[] }
interface Task { id: string; elementId: string; status: string; dueAt: string | null; formKey: string | null }

let t: TestApp;
let point: { lng: number; lat: number };
let unitId: string;
beforeAll(async () => {
  t = await createTestApp();
  const g = t.app.db.t.grids;
  const [grid] = await t.app.db.read.select({ bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId('demo-dh-lq-jx')));
  const [minX, minY, maxX, maxY] = grid.bbox;
  point = { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 };
  unitId = await t.orgId('demo-dh-lq-zfzd');
});
afterAll(() => t.close());

const as = (username: string) => t.tokenFor(username);

async function report(overrides: Record<string, unknown> = {}): Promise<Case> {
  const res = await t.request('POST', '/api/v1/cases', {
    token: await as('dh.inspector1'),
    body: { title: '井盖缺失', description: '泉城路人行道供水井盖缺失', address: '泉城路 188 号', location: point, source: 'inspector', categoryCode: 'P01001', ...overrides },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as Case;
}

const getCase = async (id: string) => (await (await t.request('GET', `/api/v1/cases/${id}`, { token: await as('admin') })).json()) as Case;

/** The open task of a stage in the case's process, as its candidate sees it in the inbox. */
async function taskOf(c: Case, elementId: string, username: string): Promise<Task> {
  const instanceId = ((await (await t.request('GET', `/api/v1/cases/${c.id}`, { token: await as('admin') })).json()) as { processInstanceId: string }).processInstanceId;
  const inbox = (await (await t.request('GET', `/api/v1/tasks?view=inbox&instanceId=${instanceId}`, { token: await as(username) })).json()) as Task[];
  const task = inbox.find((x) => x.elementId === elementId);
  if (!task) throw new Error(`${username} has no ${elementId} task for case ${c.caseNumber}`);
  return task;
}

/** The default answer of each stage's form (templates/five-domains/forms), which a test's values override. */
const FORM_DEFAULTS: Record<string, Record<string, unknown>> = {
  register: { decision: 'register' }, dispatch: { decision: 'dispatch' }, handle: { outcome: 'done' },
};

/** Completes a stage as its candidate would: through the stage's form when it has one, else with variables. */
async function complete(c: Case, elementId: string, username: string, values: Record<string, unknown> = {}, comment?: string): Promise<Case> {
  const task = await taskOf(c, elementId, username);
  const body = task.formKey ? { formData: { ...FORM_DEFAULTS[elementId], ...values }, comment } : { variables: values, comment };
  const res = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: await as(username), body });
  expect(res.status, await res.clone().text()).toBe(200);
  return getCase(c.id);
}

/** What the case row keeps of its history (the performance indicators' data). */
async function historyOf(caseId: string) {
  const c = t.app.db.t.cases;
  const [row] = await t.app.db.read.select({
    registeredAt: c.registeredAt, dispatchedAt: c.dispatchedAt, handledAt: c.handledAt, returnCount: c.returnCount,
    reworkCount: c.reworkCount, extensionCount: c.extensionCount, supervisionCount: c.supervisionCount,
  }).from(c).where(eq(c.id, caseId));
  return row!;
}

describe('reporting a case', () => {
  it('given an inspector on the street, when reporting with a location, then the case is numbered by the rule, placed in its grid and district, and waits for registration', async () => {
    const c = await report();
    expect(c.caseNumber).toMatch(/^\d{8}\d{4}$/);
    expect(c.status).toBe('reported');
    expect(c.gridId).not.toBeNull();
    expect(c.districtOrgId).toBe(await t.orgId('demo-dh'));
    expect(c.deadlineHours).toBe(8);
    const next = await report();
    expect(Number(next.caseNumber.slice(-4))).toBe(Number(c.caseNumber.slice(-4)) + 1);
  });

  it('given a category or source not in the dictionaries, when reporting, then 422 names the field and nothing is written', async () => {
    const c = t.app.db.t.cases;
    const before = (await t.app.db.read.select({ id: c.id }).from(c)).length;
    const bodies: [string, Record<string, string>][] = [['categoryCode', { categoryCode: 'X99' }], ['source', { source: 'rumour' }]];
    for (const [field, body] of bodies) {
      const res = await t.request('POST', '/api/v1/cases', {
        token: await as('dh.inspector1'), body: { ...{ source: 'inspector', categoryCode: 'P01001', title: 't', description: 'd' }, ...body },
      });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field)).toEqual([field]);
    }
    expect((await t.app.db.read.select({ id: c.id }).from(c)).length).toBe(before);
  });
});

describe('reporting where one cannot see', () => {
  const pointIn = async (orgCode: string) => {
    const g = t.app.db.t.grids;
    const [grid] = await t.app.db.read.select({ id: g.id, bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId(orgCode)));
    const [minX, minY, maxX, maxY] = grid.bbox;
    return { gridId: grid.id, location: { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 } };
  };

  it('given a 东湖区 inspector on a 西岭区 street, when reporting there, then the case is placed in the 西岭区 grid and the reporter can still follow it', async () => {
    const { gridId, location } = await pointIn('demo-xl-fl-fq');
    const res = await t.request('POST', '/api/v1/cases', {
      token: await as('dh.inspector1'), body: { title: '路灯不亮', description: '跨区发现', location, source: 'inspector', categoryCode: 'P01001' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const c = (await res.json()) as Case;
    expect(c.gridId).toBe(gridId);
    expect(c.districtOrgId).toBe(await t.orgId('demo-xl'));
    const list = (await (await t.request('GET', '/api/v1/cases', { token: await as('dh.inspector1') })).json()) as { items: Case[] };
    expect(list.items.map((x) => x.id)).toContain(c.id);
    expect((await t.request('GET', `/api/v1/cases/${c.id}`, { token: await as('dh.inspector2') })).status).toBe(404);
  });

  it('given a handler, who may not read grids, when reporting with a location, then the grid is still resolved', async () => {
    const { gridId, location } = await pointIn('demo-dh-lq-jx');
    const res = await t.request('POST', '/api/v1/cases', {
      token: await as('dh.handler2'), body: { title: '井盖破损', description: '处置途中发现', location, source: 'inspector', categoryCode: 'P01001' },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(((await res.json()) as Case).gridId).toBe(gridId);
  });
});

describe('the closed loop', () => {
  it('given a reported case, when it is registered, dispatched, returned, re-dispatched, extended, handled, reworked, verified and closed, then every status follows and the timeline records who did what', async () => {
    let c = await report();
    c = await complete(c, 'register', 'cc.dispatcher1', {}, '属实，立案');
    expect(c.status).toBe('registered');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId });
    expect(c.status).toBe('dispatched');
    expect(c.dueAt).not.toBeNull();
    c = await complete(c, 'handle', 'dh.handler2', { outcome: 'return' }, '不属本单位');
    expect(c.status).toBe('registered');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId, decision: 'dispatch' });
    expect(c.status).toBe('dispatched');
    c = await complete(c, 'handle', 'dh.handler2', { outcome: 'extend', extraHours: 8 }, '需采购井盖');
    c = await complete(c, 'approveExtension', 'cc.dispatcher1', { approved: true });
    expect(c.deadlineHours).toBe(16);
    c = await complete(c, 'handle', 'dh.handler2', { outcome: 'done' }, '已更换井盖');
    expect(c.status).toBe('handled');
    c = await complete(c, 'verify', 'dh.inspector1', { passed: false }, '井盖未固定');
    expect(c.status).toBe('dispatched');
    c = await complete(c, 'handle', 'dh.handler2', { outcome: 'done' }, '已固定');
    c = await complete(c, 'verify', 'dh.inspector1', { passed: true });
    expect(c.status).toBe('handled');
    c = await complete(c, 'close', 'cc.dispatcher1', {}, '结案');
    expect(c.status).toBe('closed');
    const stages = c.timeline.map((s) => s.elementId);
    expect(stages).toEqual(['reported', 'register', 'dispatch', 'handle', 'dispatch', 'handle', 'approveExtension', 'handle', 'verify', 'handle', 'verify', 'close', 'closed']);
    expect(c.timeline.find((s) => s.comment === '已更换井盖')?.by).toBe(await t.userId('dh.handler2'));
    // The history the performance indicators read (001 Appendix C): one 退回, one 返工, one 延期, no 督办.
    expect(await historyOf(c.id)).toMatchObject({ returnCount: 1, reworkCount: 1, extensionCount: 1, supervisionCount: 0 });
    const history = await historyOf(c.id);
    expect(history.registeredAt).not.toBeNull();
    expect(history.dispatchedAt!.getTime()).toBeGreaterThanOrEqual(history.registeredAt!.getTime());
    expect(history.handledAt!.getTime()).toBeGreaterThanOrEqual(history.dispatchedAt!.getTime());
  });

  it('given a case not worth registering, when the intake voids it, then it is voided (作废) and leaves the open lists', async () => {
    let c = await report();
    c = await complete(c, 'register', 'cc.dispatcher1', { decision: 'void' }, '重复上报');
    expect(c.status).toBe('voided');
    const open = (await (await t.request('GET', '/api/v1/cases?status=reported', { token: await as('admin') })).json()) as { items: Case[] };
    expect(open.items.map((x) => x.id)).not.toContain(c.id);
  });

  it('given a registered case, when parked (挂账) and resumed, then it goes suspended → registered', async () => {
    let c = await report();
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { decision: 'suspend' });
    expect(c.status).toBe('suspended');
    c = await complete(c, 'suspended', 'cc.dispatcher1');
    expect(c.status).toBe('registered');
  });

  it('given a dispatched case past its working-hours deadline, when timers run, then it is listed overdue and a supervision task (督办) opens for leaders', async () => {
    let c = await report({ source: 'inspector', categoryCode: 'E04001' });
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId });
    expect(c.deadlineHours).toBe(2);
    const overdueBefore = (await (await t.request('GET', '/api/v1/cases?overdue=true', { token: await as('admin') })).json()) as { items: Case[] };
    expect(overdueBefore.items.map((x) => x.id)).not.toContain(c.id);
    t.clock.set(new Date(new Date(c.dueAt as string).getTime() + 60_000));
    await fireDueTimers(t.app);
    const overdue = (await (await t.request('GET', '/api/v1/cases?overdue=true', { token: await as('admin') })).json()) as { items: Case[] };
    expect(overdue.items.map((x) => x.id)).toContain(c.id);
    expect((await taskOf(c, 'supervise', 'city.leader')).status).toBe('open');
    expect((await getCase(c.id)).status).toBe('dispatched');
    expect(await historyOf(c.id)).toMatchObject({ supervisionCount: 1, handledAt: null, returnCount: 0 });
  });

  it('given an overdue case, when the notify job runs (twice, as a retry would), then the leader and the responsible unit\'s handler each get one 督办 notice linking the case, and another district\'s handler none', async () => {
    let c = await report({ categoryCode: 'E04001' });
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId });
    t.clock.set(new Date(new Date(c.dueAt as string).getTime() + 60_000));
    await fireDueTimers(t.app);
    expect(await runDueJobs(t.app)).toBeGreaterThanOrEqual(1);
    const j = t.app.db.t.jobs;
    await t.app.db.transaction((tx) => tx.update(j).set({ status: 'pending' }).where(eq(j.serviceType, 'notify')));
    await runDueJobs(t.app);
    const noticesOf = async (username: string) => {
      const res = await t.request('GET', '/api/v1/notifications', { token: await as(username) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { items: { id: string; title: string; link: string }[]; unread: number }).items.filter((n) => n.title.includes(c.caseNumber));
    };
    for (const username of ['city.leader', 'dh.handler2']) {
      const notices = await noticesOf(username);
      expect(notices.map((n) => [n.title, n.link]), username).toEqual([[`案件 ${c.caseNumber} 处置超期，请督办`, `/cases/${c.id}`]]);
    }
    expect(await noticesOf('xl.handler1')).toEqual([]);
    const [notice] = await noticesOf('city.leader');
    expect((await t.request('POST', `/api/v1/notifications/${notice.id}/read`, { token: await as('dh.handler2') })).status).toBe(404);
    expect((await t.request('POST', `/api/v1/notifications/${notice.id}/read`, { token: await as('city.leader') })).status).toBe(200);
    const after = (await (await t.request('GET', '/api/v1/notifications?unread=true', { token: await as('city.leader') })).json()) as { items: { id: string }[] };
    expect(after.items.map((n) => n.id)).not.toContain(notice.id);
  });
});

describe('decisions through the stage forms', () => {
  it('given the dispatch task, when the dispatcher sends variables beside the form, or a unit that is not one of the city\'s responsible units, then 422 names the field and the task stays open', async () => {
    let c = await report();
    c = await complete(c, 'register', 'cc.dispatcher1');
    const task = await taskOf(c, 'dispatch', 'cc.dispatcher1');
    const token = await as('cc.dispatcher1');
    const o = t.app.db.t.organisations;
    const [otherCityUnit] = await t.app.db.read.select({ id: o.id }).from(o).where(eq(o.code, 'other-yxzx'));
    const attempts: [Record<string, unknown>, string][] = [
      [{ variables: { responsibleUnitId: unitId, decision: 'dispatch' } }, 'variables'],
      [{ formData: { decision: 'dispatch', responsibleUnitId: otherCityUnit.id } }, 'formData.responsibleUnitId'],
      [{ formData: { decision: 'dispatch', responsibleUnitId: await t.orgId('demo-dh') } }, 'formData.responsibleUnitId'],
    ];
    for (const [body, field] of attempts) {
      const res = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token, body });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field)).toEqual([field]);
    }
    expect((await taskOf(c, 'dispatch', 'cc.dispatcher1')).status).toBe('open');
    expect((await getCase(c.id)).status).toBe('registered');
  });

  it('given the registration task, when photos after handling are sent with it, then 422 names them and the task stays open', async () => {
    const c = await report();
    const task = await taskOf(c, 'register', 'cc.dispatcher1');
    const photo = await fetch(`${t.baseUrl}/api/v1/attachments`, {
      method: 'POST', body: new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 3)])),
      headers: { authorization: `Bearer ${await as('cc.dispatcher1')}`, 'content-type': 'image/jpeg', 'x-file-name': 'x.jpg' },
    });
    const { id } = (await photo.json()) as { id: string };
    const res = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: await as('cc.dispatcher1'), body: { formData: { decision: 'register' }, attachmentIds: [id] } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field)).toEqual(['attachmentIds']);
    expect((await taskOf(c, 'register', 'cc.dispatcher1')).status).toBe('open');
  });

  it('given a task without a form, when formData is sent, then 422 rather than silently dropping it', async () => {
    let c = await report();
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { decision: 'suspend' });
    const task = await taskOf(c, 'suspended', 'cc.dispatcher1');
    const res = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: await as('cc.dispatcher1'), body: { formData: { resume: true } } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field)).toEqual(['formData']);
  });

  it('given an overdue case whose supervision (督办) is still open, when the case is verified and closed, then it is closed and the supervision task is withdrawn', async () => {
    let c = await report({ categoryCode: 'E04001' });
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId });
    t.clock.set(new Date(new Date(c.dueAt as string).getTime() + 60_000));
    await fireDueTimers(t.app);
    const supervise = await taskOf(c, 'supervise', 'city.leader');
    c = await complete(c, 'handle', 'dh.handler2', { outcome: 'done' });
    c = await complete(c, 'verify', 'dh.inspector1', { passed: true });
    c = await complete(c, 'close', 'cc.dispatcher1');
    expect(c.status).toBe('closed');
    expect(c.overdue).toBe(false);
    const after = (await (await t.request('GET', `/api/v1/tasks/${supervise.id}`, { token: await as('admin') })).json()) as Task;
    expect(after.status).toBe('cancelled');
  });
});

describe('who sees which case', () => {
  it('given a case in 东湖区, when another district\'s inspector lists or reads it, then it is not there; the responsible unit\'s handler sees it', async () => {
    let c = await report();
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId });
    const other = await as('xl.inspector1');
    const list = (await (await t.request('GET', '/api/v1/cases', { token: other })).json()) as { items: Case[] };
    expect(list.items.map((x) => x.id)).not.toContain(c.id);
    expect((await t.request('GET', `/api/v1/cases/${c.id}`, { token: other })).status).toBe(404);
    expect((await t.request('GET', `/api/v1/cases/${c.id}`, { token: await as('dh.handler2') })).status).toBe(200);
  });
});

describe('photos before and after handling', () => {
  const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 1)]);
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 2)]);

  async function upload(username: string, bytes: Buffer, type: string, name = '现场照片.jpg'): Promise<Response> {
    const res = await fetch(`${t.baseUrl}/api/v1/attachments`, {
      method: 'POST', body: new Uint8Array(bytes),
      headers: { authorization: `Bearer ${await as(username)}`, 'content-type': type, 'x-file-name': encodeURIComponent(name) },
    });
    return res;
  }

  it('given photos uploaded by the reporter and the handler, when the case is reported and handled with them, then the case lists them by stage and its readers can download them', async () => {
    const before = (await (await upload('dh.inspector1', jpeg, 'image/jpeg')).json()) as { id: string; name: string };
    expect(before.name).toBe('现场照片.jpg');
    let c = await report({ attachmentIds: [before.id] });
    c = await complete(c, 'register', 'cc.dispatcher1');
    c = await complete(c, 'dispatch', 'cc.dispatcher1', { responsibleUnitId: unitId });
    const afterRes = await upload('dh.handler2', png, 'image/png', '处置后.png');
    expect(afterRes.status).toBe(201);
    const after = (await afterRes.json()) as { id: string };
    const task = await taskOf(c, 'handle', 'dh.handler2');
    const done = await t.request('POST', `/api/v1/tasks/${task.id}/complete`, { token: await as('dh.handler2'), body: { formData: { outcome: 'done' }, attachmentIds: [after.id] } });
    expect(done.status).toBe(200);
    const full = (await (await t.request('GET', `/api/v1/cases/${c.id}`, { token: await as('admin') })).json()) as { attachments: { id: string; stage: string }[] };
    expect(full.attachments.map((a) => [a.id, a.stage])).toEqual([[before.id, 'before'], [after.id, 'after']]);
    const download = await fetch(`${t.baseUrl}/api/v1/attachments/${after.id}`, { headers: { authorization: `Bearer ${await as('cc.dispatcher1')}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await download.arrayBuffer()).equals(png)).toBe(true);
    expect((await fetch(`${t.baseUrl}/api/v1/attachments/${after.id}`, { headers: { authorization: `Bearer ${await as('xl.inspector1')}` } })).status).toBe(404);
  });

  it('given a file whose content is not what its type claims, or too large, when uploaded, then 415 or 413 and nothing is stored', async () => {
    const a = t.app.db.t.attachments;
    const count = async () => (await t.app.db.read.select({ id: a.id }).from(a)).length;
    const before = await count();
    expect((await upload('dh.inspector1', Buffer.from('<script>alert(1)</script>'), 'image/jpeg')).status).toBe(415);
    expect((await upload('dh.inspector1', jpeg, 'text/html')).status).toBe(415);
    expect((await upload('dh.inspector1', Buffer.concat([jpeg, Buffer.alloc(10 * 1024 * 1024)]), 'image/jpeg')).status).toBe(413);
    expect(await count()).toBe(before);
  });

  it('given somebody else\'s upload, when reporting a case with it, then 422 names the attachment and no case is created', async () => {
    const theirs = (await (await upload('xl.inspector1', jpeg, 'image/jpeg')).json()) as { id: string };
    const res = await t.request('POST', '/api/v1/cases', {
      token: await as('dh.inspector1'), body: { source: 'inspector', categoryCode: 'P01001', title: 't', description: 'd', location: point, attachmentIds: [theirs.id] },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { fields: { field: string }[] } }).error.fields.map((f) => f.field)).toEqual(['attachmentIds.0']);
  });
});
