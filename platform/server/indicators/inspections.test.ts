/**
 * 实地考察 (000 §5.2.7, table 5.2.8; 001 §4.1.4 item 4; issue 4 items 3 and 5): evaluation grids
 * drawn at random per district, tasks distributed to the grids' inspectors, evaluation points
 * checked on the spot with photos, and the indicator computed from them. Template indicator
 * 4-2-1 城市窨井盖完好率.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { createTestApp, TEST_PASSWORD, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import type { InspectionTaskOutput } from './inspections.server.ts';
import type { IndicatorValueOutput } from './indicators.server.ts';

let t: TestApp;
let east: string;
let eastGrid: { id: string; inside: { lng: number; lat: number } };
let tasks: InspectionTaskOutput[];
let photoId: string;
let photoTaskId: string;
const CHECKLIST = ['井盖无缺失', '井盖无破损', '井盖无移位、无异响', '井盖与路面平齐'];
const allPass = Object.fromEntries(CHECKLIST.map((item) => [item, true]));

beforeAll(async () => {
  t = await createTestApp();
  east = await t.orgId('demo-dh');
  const g = t.app.db.t.grids;
  const [grid] = await t.app.db.read.select({ id: g.id, bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId('demo-dh-lq-jx')));
  const [minX, minY, maxX, maxY] = grid!.bbox;
  eastGrid = { id: grid!.id, inside: { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 } };
});

afterAll(() => t.close());

const sampleAll = async (perDistrict: number) => {
  const res = await t.request('POST', '/api/v1/indicators/4-2-1/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-Q1', perDistrict } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { items: InspectionTaskOutput[] }).items;
};
const submit = async (id: string, points: unknown, username = 'dh.inspector1') =>
  t.request('POST', `/api/v1/inspection-tasks/${id}/results`, { token: await t.tokenFor(username), body: { points } });

describe('field inspection (实地考察)', () => {
  it('given one grid per district asked for, when drawn twice for a quarter, then every district has exactly one task and the second draw adds none', async () => {
    const first = (await (await t.request('POST', '/api/v1/indicators/4-2-1/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-Q2', perDistrict: 1 } })).json()) as { items: InspectionTaskOutput[] };
    const districts = first.items.map((task) => task.districtOrgId);
    expect(districts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(districts).size).toBe(districts.length);
    const again = (await (await t.request('POST', '/api/v1/indicators/4-2-1/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-Q2', perDistrict: 1 } })).json()) as { items: InspectionTaskOutput[] };
    expect(again.items).toEqual([]);
  });

  it('given every grid of the city asked for, when drawn and drawn again, then each grid has one task and the second draw adds none', async () => {
    const g = t.app.db.t.grids;
    const grids = await t.app.db.read.select({ id: g.id }).from(g).where(eq(g.tenantId, await t.tenantId('demo')));
    // The demo city's districts have a handful of grids each: draw all of 东湖区's so the test knows its grid is in.
    tasks = await sampleAll(grids.length);
    expect(new Set(tasks.map((task) => task.gridId)).size).toBe(tasks.length);
    expect(tasks.some((task) => task.gridId === eastGrid.id)).toBe(true);
    expect(tasks.every((task) => task.checklist.length === 4 && task.status === 'open')).toBe(true);
    expect(await sampleAll(grids.length)).toEqual([]);
  });

  it('given the tasks, when 东湖区\'s inspector lists them, then only grids of their area are there', async () => {
    const list = (await (await t.request('GET', '/api/v1/inspection-tasks?status=open', { token: await t.tokenFor('dh.inspector1') })).json()) as { items: InspectionTaskOutput[] };
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.every((task) => task.districtOrgId === east)).toBe(true);
    expect(list.items.some((task) => task.gridId === eastGrid.id)).toBe(true);
  });

  it('given a point outside the grid, a missing answer and an unknown item, when submitted, then 422 names each field and the task stays open', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    const res = await submit(task.id, [
      { name: '井盖 A', location: { lng: eastGrid.inside.lng + 1, lat: eastGrid.inside.lat }, checks: allPass },
      { name: '井盖 B', location: eastGrid.inside, checks: { ...allPass, 井盖无破损: 'yes', 颜色: true } },
    ]);
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields).toEqual(expect.arrayContaining([
      { field: 'points.0.location', message: '评价点位不在抽查的评价网格内' },
      { field: 'points.1.checks.井盖无破损', message: '须填写' },
      { field: 'points.1.checks.颜色', message: '不是该检查表的检查项' },
    ]));
    const it = t.app.db.t.inspectionTasks;
    expect((await t.app.db.read.select({ status: it.status }).from(it).where(eq(it.id, task.id)))[0]!.status).toBe('open');
  });

  it('given 东湖区 staff who are not inspectors, when they submit results for their own grid, then 403: a district does not inspect itself', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    expect((await submit(task.id, [{ name: '井盖', location: eastGrid.inside, checks: allPass }], 'dh.intake')).status).toBe(403);
  });

  it('given another district\'s inspector, when submitting for a 东湖区 grid, then the task is not theirs (404)', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    expect((await submit(task.id, [{ name: '井盖', location: eastGrid.inside, checks: allPass }], 'xl.inspector1')).status).toBe(404);
  });

  it('given the drawn tasks, then each went to an inspector of its grid, who was notified and finds it under 我的任务', async () => {
    const it = t.app.db.t.inspectionTasks;
    const rows = await t.app.db.read.select({ id: it.id, gridId: it.gridId, assigneeId: it.assigneeId, orgId: it.orgId }).from(it).where(eq(it.tenantId, await t.tenantId('demo')));
    const inspector1 = await t.userId('dh.inspector1');
    const east = rows.find((row) => row.gridId === eastGrid.id)!;
    // 龙泉街道's grids are 张小龙's (dh.inspector1, the only inspector of the street).
    expect(east.assigneeId).toBe(inspector1);
    expect(rows.every((row) => row.assigneeId !== null)).toBe(true);
    const hp = await t.orgId('demo-dh-hp');
    const o = t.app.db.t.organisations;
    const hpPath = (await t.app.db.read.select({ path: o.path }).from(o).where(eq(o.id, hp)))[0]!.path;
    const underHp = await t.app.db.read.select({ id: o.id }).from(o).where(like(o.path, `${hpPath}%`));
    const hpTasks = rows.filter((row) => underHp.some((org) => org.id === row.orgId));
    expect(hpTasks.length).toBeGreaterThan(0);
    const dh2 = await t.userId('dh.inspector2');
    expect(hpTasks.every((row) => row.assigneeId === dh2)).toBe(true);
    const mine = (await (await t.request('GET', '/api/v1/inspection-tasks?assignee=me', { token: await t.tokenFor('dh.inspector1') })).json()) as { items: InspectionTaskOutput[] };
    expect(mine.items.length).toBeGreaterThan(0);
    expect(mine.items.every((task) => task.assigneeId === inspector1 && task.assigneeName === '张小龙')).toBe(true);
    expect(mine.items.some((task) => task.gridId === eastGrid.id)).toBe(true);
    const n = t.app.db.t.notifications;
    const notices = await t.app.db.read.select({ title: n.title, link: n.link }).from(n).where(eq(n.userId, inspector1));
    expect(notices.some((notice) => notice.title.startsWith('实地考察任务') && notice.link?.startsWith('/inspections'))).toBe(true);
  });

  it('given an administrator, when reassigning a task, then only inspectors of its grid are offered or accepted, and each change is audited', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    const admin = await t.tokenFor('admin');
    const candidates = (await (await t.request('GET', `/api/v1/inspection-tasks/${task.id}/candidates`, { token: admin })).json()) as { items: { id: string; displayName: string; openTasks: number }[] };
    expect(candidates.items.map((c) => c.displayName)).toEqual(['张小龙']);
    expect(candidates.items[0]!.openTasks).toBeGreaterThan(0);
    for (const other of ['dh.inspector2', 'xl.inspector1', 'dh.intake']) {
      const res = await t.request('POST', `/api/v1/inspection-tasks/${task.id}/assign`, { token: admin, body: { assigneeId: await t.userId(other) } });
      expect(res.status, other).toBe(422);
      expect(((await res.json()) as ErrorJson).error.fields).toEqual([{ field: 'assigneeId', message: '须为该评价网格所在片区的监督员' }]);
    }
    expect((await t.request('POST', `/api/v1/inspection-tasks/${task.id}/assign`, { token: await t.tokenFor('dh.inspector1'), body: { assigneeId: null } })).status).toBe(403);
    const cleared = await t.request('POST', `/api/v1/inspection-tasks/${task.id}/assign`, { token: admin, body: { assigneeId: null } });
    expect(cleared.status).toBe(200);
    expect((await cleared.json()) as InspectionTaskOutput).toMatchObject({ assigneeId: null, assigneeName: null });
    const back = await t.request('POST', `/api/v1/inspection-tasks/${task.id}/assign`, { token: admin, body: { assigneeId: await t.userId('dh.inspector1') } });
    expect((await back.json()) as InspectionTaskOutput).toMatchObject({ assigneeName: '张小龙', status: 'open' });
    const audit = await t.auditFor(task.id);
    expect(audit.map((a) => a.action)).toEqual(['update', 'update']);
  });

  it('given a district-level inspector who also covers the grid, when they submit a task distributed to 张小龙, then 403 and nothing is written', async () => {
    const admin = await t.tokenFor('admin');
    const created = await t.request('POST', '/api/v1/users', { token: admin, body: {
      username: 'dh.inspector9', displayName: '区级监督员', password: TEST_PASSWORD, phone: '13800000009',
      memberships: [{ orgId: east, position: 'inspector' }], roleIds: [await t.roleId('inspector')],
    } });
    expect(created.status, await created.clone().text()).toBe(201);
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    const candidates = (await (await t.request('GET', `/api/v1/inspection-tasks/${task.id}/candidates`, { token: admin })).json()) as { items: { displayName: string }[] };
    expect(candidates.items.map((c) => c.displayName).sort()).toEqual(['区级监督员', '张小龙'].sort());
    const res = await submit(task.id, [{ name: '井盖', location: eastGrid.inside, checks: allPass }], 'dh.inspector9');
    expect(res.status).toBe(403);
    const it = t.app.db.t.inspectionTasks;
    expect((await t.app.db.read.select({ status: it.status }).from(it).where(eq(it.id, task.id)))[0]!.status).toBe('open');
  });

  it('given the district-level inspector with no open tasks, when a new quarter is drawn, then the least-loaded inspector of each grid gets it', async () => {
    const res = await t.request('POST', '/api/v1/indicators/4-2-1/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-Q3', perDistrict: 1 } });
    const drawn = ((await res.json()) as { items: InspectionTaskOutput[] }).items;
    const inEast = drawn.filter((task) => task.districtOrgId === east);
    expect(inEast).toHaveLength(1);
    // 张小龙 and the street inspectors hold the open Q1/Q2 tasks; the new district inspector none.
    expect(inEast[0]).toMatchObject({ assigneeName: '区级监督员' });
  });

  it('given photos, when an inspector submits them with a point, then only their own unused photos are taken and each is readable where the task is', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    const upload = async (username: string, type: string, bytes: Buffer) => {
      const res = await fetch(`${t.baseUrl}/api/v1/attachments`, {
        method: 'POST', body: new Uint8Array(bytes), headers: { authorization: `Bearer ${await t.tokenFor(username)}`, 'content-type': type, 'x-file-name': encodeURIComponent('井盖.png') },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return ((await res.json()) as { id: string }).id;
    };
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);
    const pdf = Buffer.from('%PDF-1.4 test');
    const mine = await upload('dh.inspector1', 'image/png', png);
    const notAPhoto = await upload('dh.inspector1', 'application/pdf', pdf);
    const someoneElses = await upload('dh.inspector2', 'image/png', png);
    for (const [photoIds, field] of [[[mine, notAPhoto], 'points.0.photoIds.1'], [[someoneElses], 'points.0.photoIds.0'], [['nope'], 'points.0.photoIds.0']] as const) {
      const res = await submit(task.id, [{ name: '井盖', location: eastGrid.inside, checks: allPass, photoIds }]);
      expect(res.status).toBe(422);
      expect(((await res.json()) as ErrorJson).error.fields).toEqual([{ field, message: '附件不存在、不属于你或已被使用' }]);
    }
    const a = t.app.db.t.attachments;
    expect((await t.app.db.read.select({ task: a.inspectionTaskId }).from(a).where(eq(a.id, mine)))[0]!.task).toBeNull();
    photoTaskId = task.id;
    photoId = mine;
  });

  it('given four points of which three pass, when submitted and the quarter computed, then 东湖区 is 75 % from 3 of 4 points and the task is done', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    const res = await submit(task.id, [
      { name: '井盖 1', location: eastGrid.inside, checks: allPass, photoIds: [photoId] },
      { name: '井盖 2', location: eastGrid.inside, checks: allPass },
      { name: '井盖 3', location: eastGrid.inside, checks: allPass },
      { name: '井盖 4', location: eastGrid.inside, checks: { ...allPass, 井盖与路面平齐: false }, note: '沉降约 2 厘米' },
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    const done = (await res.json()) as InspectionTaskOutput;
    expect(done).toMatchObject({ status: 'done', assigneeName: '张小龙' });
    expect(done.points![0]!.photoIds).toEqual([photoId]);
    // The photo now belongs to the task: readable by whoever may see the task, not by another district, not reusable.
    expect(photoTaskId).toBe(task.id);
    const download = (username: string) => t.tokenFor(username).then((token) => fetch(`${t.baseUrl}/api/v1/attachments/${photoId}`, { headers: { authorization: `Bearer ${token}` } }));
    expect((await download('admin')).status).toBe(200);
    expect((await download('dh.inspector9')).status).toBe(200);
    expect((await download('xl.inspector1')).status).toBe(404);
    expect((await submit(task.id, [{ name: '井盖', location: eastGrid.inside, checks: allPass }])).status).toBe(409);
    const computed = await t.request('POST', '/api/v1/indicators/compute', { token: await t.tokenFor('admin'), body: { key: '4-2-1', period: '2026-Q1', groupBy: 'district' } });
    const values = ((await computed.json()) as { values: IndicatorValueOutput[] }).values;
    expect(values.find((v) => v.regionId === east)).toMatchObject({ value: 75, status: 'ok', inputs: { 'covers.passed': 3, 'covers.total': 4 } });
    expect(values.find((v) => v.regionLevel === 'city')).toMatchObject({ value: 75, inputs: { 'covers.passed': 3, 'covers.total': 4 } });
    const other = values.find((v) => v.regionLevel === 'district' && v.regionId !== east)!;
    expect(other).toMatchObject({ value: null, status: 'noData' });
    const audit = await t.auditFor(task.id);
    expect(audit.map((a) => a.action)).toEqual(['update', 'update', 'update']);
  });

  it('given an indicator naming its 评价网格 and 评价点位, when saved with an unknown grid, then 422 names it; when published, then only its grids are drawn and fewer points than asked are refused', async () => {
    const admin = await t.tokenFor('admin');
    const g = t.app.db.t.grids;
    const [grid] = await t.app.db.read.select({ code: g.code }).from(g).where(eq(g.id, eastGrid.id));
    const content = (grids: string[]) => ({
      code: '4-2-9', name: '井盖抽查（测试）', unit: '%', level: 3, parentCode: '4-2', domain: 'water', collection: 'inspection', period: 'month',
      basis: [{ key: 'covers', name: '井盖', source: 'inspection', checklist: ['井盖无缺失'], grids, minPoints: 2 }],
      formula: 'PERCENT(covers.passed, covers.total)',
    });
    const bad = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'indicator', key: 'covers-sampled', name: '井盖抽查', content: content([grid!.code, 'NO-SUCH-GRID']) } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as ErrorJson).error.fields).toEqual([{ field: 'content.basis.0.grids.1', message: '网格不存在' }]);
    const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'indicator', key: 'covers-sampled', name: '井盖抽查', content: content([grid!.code]) } });
    expect(created.status, await created.clone().text()).toBe(201);
    const published = await t.request('POST', `/api/v1/definitions/${((await created.json()) as { id: string }).id}/publish`, { token: admin, body: { comment: 'v1' } });
    expect(published.status).toBe(200);
    const drawn = await t.request('POST', '/api/v1/indicators/covers-sampled/inspections', { token: admin, body: { period: '2026-03', perDistrict: 5 } });
    const items = ((await drawn.json()) as { items: InspectionTaskOutput[] }).items;
    expect(items.map((task) => task.gridId)).toEqual([eastGrid.id]);
    // The district-level inspector has the fewest open tasks by now.
    expect(items[0]).toMatchObject({ minPoints: 2, assigneeName: '区级监督员' });
    const one = await submit(items[0]!.id, [{ name: '井盖', location: eastGrid.inside, checks: { 井盖无缺失: true } }], 'dh.inspector9');
    expect(one.status).toBe(422);
    expect(((await one.json()) as ErrorJson).error.fields).toEqual([{ field: 'points', message: '每个评价网格至少须记录 2 个评价点位' }]);
    const two = await submit(items[0]!.id, [{ name: '井盖 1', location: eastGrid.inside, checks: { 井盖无缺失: true } }, { name: '井盖 2', location: eastGrid.inside, checks: { 井盖无缺失: false } }], 'dh.inspector9');
    expect(two.status).toBe(200);
  });

  it('given an indicator that is not inspected, when drawing grids for it, then 422', async () => {
    const res = await t.request('POST', '/api/v1/indicators/6-1-7/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-03', perDistrict: 1 } });
    expect(res.status).toBe(422);
    const it = t.app.db.t.inspectionTasks;
    expect(await t.app.db.read.select().from(it).where(and(eq(it.indicatorKey, '6-1-7')))).toEqual([]);
  });
});
