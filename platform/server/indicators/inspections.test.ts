/**
 * 实地考察 (000 §5.2.7, table 5.2.8; issue 4 items 3 and 5): evaluation grids drawn at random per
 * district, tasks for the grids' inspectors, evaluation points checked on the spot, and the
 * indicator computed from them. Template indicator 4-2-1 城市窨井盖完好率.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import type { InspectionTaskOutput } from './inspections.server.ts';
import type { IndicatorValueOutput } from './indicators.server.ts';

let t: TestApp;
let east: string;
let eastGrid: { id: string; inside: { lng: number; lat: number } };
let tasks: InspectionTaskOutput[];
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

  it('given four points of which three pass, when submitted and the quarter computed, then 东湖区 is 75 % from 3 of 4 points and the task is done', async () => {
    const task = tasks.find((x) => x.gridId === eastGrid.id)!;
    const res = await submit(task.id, [
      { name: '井盖 1', location: eastGrid.inside, checks: allPass },
      { name: '井盖 2', location: eastGrid.inside, checks: allPass },
      { name: '井盖 3', location: eastGrid.inside, checks: allPass },
      { name: '井盖 4', location: eastGrid.inside, checks: { ...allPass, 井盖与路面平齐: false }, note: '沉降约 2 厘米' },
    ]);
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await res.json()) as InspectionTaskOutput).toMatchObject({ status: 'done' });
    expect((await submit(task.id, [{ name: '井盖', location: eastGrid.inside, checks: allPass }])).status).toBe(409);
    const computed = await t.request('POST', '/api/v1/indicators/compute', { token: await t.tokenFor('admin'), body: { key: '4-2-1', period: '2026-Q1', groupBy: 'district' } });
    const values = ((await computed.json()) as { values: IndicatorValueOutput[] }).values;
    expect(values.find((v) => v.regionId === east)).toMatchObject({ value: 75, status: 'ok', inputs: { 'covers.passed': 3, 'covers.total': 4 } });
    expect(values.find((v) => v.regionLevel === 'city')).toMatchObject({ value: 75, inputs: { 'covers.passed': 3, 'covers.total': 4 } });
    const other = values.find((v) => v.regionLevel === 'district' && v.regionId !== east)!;
    expect(other).toMatchObject({ value: null, status: 'noData' });
    const audit = await t.auditFor(task.id);
    expect(audit.map((a) => a.action)).toEqual(['update']);
  });

  it('given an indicator that is not inspected, when drawing grids for it, then 422', async () => {
    const res = await t.request('POST', '/api/v1/indicators/6-1-7/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-03', perDistrict: 1 } });
    expect(res.status).toBe(422);
    const it = t.app.db.t.inspectionTasks;
    expect(await t.app.db.read.select().from(it).where(and(eq(it.indicatorKey, '6-1-7')))).toEqual([]);
  });
});
