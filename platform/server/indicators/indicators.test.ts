/**
 * Computing indicators (issue 4 item 4) with the template's performance evaluation (item 6):
 * values per city and district, stored with their inputs, idempotent recomputation, 环比/同比,
 * "no data" instead of 0 or NaN, and who may compute or read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { newId } from '../ids.server.ts';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import { indicatorDashboard, type IndicatorValueOutput } from './indicators.server.ts';
import { authenticateBearer } from '../auth/auth.server.ts';
import type { Actor } from '../app.server.ts';

let t: TestApp;
let admin: string;
let demo: string;
let east: string;
let west: string;
const HOUR = 3_600_000;
// Beijing 2026-03-10 10:00 and 2026-02-10 10:00
const MARCH = new Date('2026-03-10T02:00:00Z');
const FEBRUARY = new Date('2026-02-10T02:00:00Z');

interface CaseHistory { district: string | null; registeredAt: Date | null; status: string; closedLate?: boolean; extensions?: number; unit?: string }

async function insertCase(history: CaseHistory) {
  const registered = history.registeredAt;
  const dueAt = registered ? new Date(registered.getTime() + 24 * HOUR) : null;
  const closedAt = history.status === 'closed' && registered ? new Date(registered.getTime() + (history.closedLate ? 48 : 12) * HOUR) : null;
  await t.app.db.transaction((tx) => tx.insert(t.app.db.t.cases).values({
    id: newId(), tenantId: demo, caseNumber: `IND-${newId()}`, source: 'inspector', categoryCode: '0101', categoryKind: 'part', title: 'x', description: 'x',
    gridId: null, orgId: null, districtOrgId: history.district, responsibleUnitId: history.unit ?? null, status: history.status as 'closed', deadlineHours: 24, dueAt,
    processInstanceId: newId(), reportedAt: registered ?? MARCH, closedAt, updatedAt: MARCH, registeredAt: registered, dispatchedAt: registered,
    handledAt: closedAt, extensionCount: history.extensions ?? 0,
  }));
}

const compute = (body: unknown, token = admin) => t.request('POST', '/api/v1/indicators/compute', { token, body });
const values = async (response: Response) => ((await response.json()) as { values: IndicatorValueOutput[] }).values;
const regionValue = (items: IndicatorValueOutput[], regionId: string | null) => items.find((v) => v.regionId === regionId);

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('admin');
  demo = await t.tenantId('demo');
  east = await t.orgId('demo-dh');
  west = await t.orgId('demo-xl');
  // March: 东湖区 4 closed (1 late) + 1 open with an extension; 西岭区 1 closed on time; one case never registered.
  for (const closedLate of [false, false, false, true]) await insertCase({ district: east, registeredAt: MARCH, status: 'closed', closedLate });
  await insertCase({ district: east, registeredAt: MARCH, status: 'dispatched', extensions: 1 });
  await insertCase({ district: west, registeredAt: MARCH, status: 'closed' });
  await insertCase({ district: east, registeredAt: null, status: 'reported' });
  // February: 东湖区 2 closed, both late.
  for (let i = 0; i < 2; i++) await insertCase({ district: east, registeredAt: FEBRUARY, status: 'closed', closedLate: true });
});

afterAll(() => t.close());

describe('computing an indicator', () => {
  it('given March\'s cases, when 6-1-7 按期结案率 is computed by district, then the city and each district get their value with the numbers behind it', async () => {
    const response = await compute({ key: '6-1-7', period: '2026-03', groupBy: 'district' });
    expect(response.status).toBe(200);
    const items = await values(response);
    expect(regionValue(items, null)).toMatchObject({ regionLevel: 'city', value: 80, status: 'ok', inputs: { onTime: 4, closed: 5 }, period: '2026-03' });
    expect(regionValue(items, east)).toMatchObject({ regionLevel: 'district', regionName: '东湖区', value: 75, inputs: { onTime: 3, closed: 4 } });
    expect(regionValue(items, west)).toMatchObject({ value: 100, inputs: { onTime: 1, closed: 1 } });
  });

  it('given a district without cases, when computed, then its value is no data — not 0, not NaN', async () => {
    const items = await values(await compute({ key: '6-1-7', period: '2026-03', groupBy: 'district' }));
    const empty = items.filter((v) => v.regionLevel === 'district' && v.regionId !== east && v.regionId !== west);
    expect(empty.length).toBeGreaterThan(0);
    for (const item of empty) expect(item).toMatchObject({ value: null, status: 'noData', inputs: { onTime: 0, closed: 0 } });
  });

  it('given a rate with a target, when computed, then 6-1-8 延期率 counts the extended case among those registered', async () => {
    const items = await values(await compute({ key: '6-1-8', period: '2026-03' }));
    expect(regionValue(items, null)).toMatchObject({ value: (1 / 6) * 100, inputs: { extended: 1, registered: 6 } });
  });

  it('given the same period computed again, when stored, then each region keeps exactly one value (recomputation is idempotent) and each run is audited', async () => {
    const mark = await t.auditMark();
    await compute({ key: '6-1-7', period: '2026-03', groupBy: 'district' });
    await compute({ key: '6-1-7', period: '2026-03', groupBy: 'district' });
    const iv = t.app.db.t.indicatorValues;
    const [{ n }] = await t.app.db.read.select({ n: count() }).from(iv).where(and(eq(iv.tenantId, demo), eq(iv.indicatorKey, '6-1-7'), eq(iv.regionLevel, 'city')));
    expect(Number(n)).toBe(1);
    const audit = await t.auditSince(mark);
    expect(audit.map((a) => a.action)).toEqual(['compute', 'compute']);
    expect(audit[0]!.detail).toMatchObject({ key: '6-1-7', period: '2026-03', groupBy: 'district' });
  });

  it('given February computed before March, when March is computed, then each value carries the previous period (环比)', async () => {
    const february = await values(await compute({ key: '6-1-7', period: '2026-02', groupBy: 'district' }));
    expect(regionValue(february, null)).toMatchObject({ value: 0, inputs: { onTime: 0, closed: 2 } });
    const march = await values(await compute({ key: '6-1-7', period: '2026-03', groupBy: 'district' }));
    expect(regionValue(march, null)).toMatchObject({ value: 80, previous: 0, lastYear: null });
    expect(regionValue(march, east)).toMatchObject({ previous: 0 });
  });

  it('given stored values, when read back, then they list newest first; a district\'s staff see only their district; a handler is refused', async () => {
    const all = (await (await t.request('GET', '/api/v1/indicators/6-1-7/values', { token: admin })).json()) as { items: IndicatorValueOutput[] };
    expect(all.items[0]!.period).toBe('2026-03');
    // Asked for one period, the 环比 still comes from the period before.
    const march = (await (await t.request('GET', '/api/v1/indicators/6-1-7/values?period=2026-03&regionLevel=city', { token: admin })).json()) as { items: IndicatorValueOutput[] };
    expect(march.items).toEqual([expect.objectContaining({ period: '2026-03', value: 80, previous: 0 })]);
    expect(all.items.some((v) => v.period === '2026-02')).toBe(true);
    const staff = (await (await t.request('GET', '/api/v1/indicators/6-1-7/values', { token: await t.tokenFor('dh.intake') })).json()) as { items: IndicatorValueOutput[] };
    expect(staff.items.length).toBeGreaterThan(0);
    expect(new Set(staff.items.map((v) => v.regionId))).toEqual(new Set([east]));
    expect((await t.request('GET', '/api/v1/indicators/6-1-7/values', { token: await t.tokenFor('dh.handler2') })).status).toBe(403);
  });

  it('given the published indicators, when listed, then the 000 system and the performance evaluation are there in code order', async () => {
    const list = (await (await t.request('GET', '/api/v1/indicators', { token: admin })).json()) as { items: { code: string }[] };
    const codes = list.items.map((i) => i.code);
    expect(codes.slice(0, 6)).toEqual(['1', '1-1', '1-1-1', '1-1-2', '1-1-3', '1-2']);
    expect(codes.slice(codes.indexOf('1-3-2'), codes.indexOf('1-3-2') + 4)).toEqual(['1-3-2', '1-4', '1-4-1', '2']);
    expect(codes.slice(codes.indexOf('6'), codes.indexOf('6') + 4)).toEqual(['6', '6-1', '6-1-1', '6-1-2']);
    expect(codes.indexOf('6-1-10')).toBeGreaterThan(codes.indexOf('6-1-9'));
  });
});

describe('performance per department (绩效评价 by responsible unit)', () => {
  it('given cases handled by a responsible unit, when 6-1-7 is computed by unit, then that unit gets its rate and units without cases no data', async () => {
    const unit = await t.orgId('demo-dh-lq-zfzd');
    await insertCase({ district: east, registeredAt: MARCH, status: 'closed', unit });
    await insertCase({ district: east, registeredAt: MARCH, status: 'closed', closedLate: true, unit });
    const res = await compute({ key: '6-1-7', period: '2026-03', groupBy: 'unit' });
    expect(res.status, await res.clone().text()).toBe(200);
    const items = await values(res);
    expect(regionValue(items, unit)).toMatchObject({ regionLevel: 'unit', regionName: '龙泉街道综合执法中队', value: 50, inputs: { onTime: 1, closed: 2 } });
    const others = items.filter((v) => v.regionLevel === 'unit' && v.regionId !== unit);
    expect(others.length).toBeGreaterThan(0);
    expect(others.every((v) => v.status === 'noData')).toBe(true);
  });
});

describe('comprehensive evaluation (综合评价)', () => {
  it('given March computed by district, when the evaluation is read, then each district earns points per scored indicator, totals and ranks', async () => {
    for (const key of ['6-1-2', '6-1-4', '6-1-8']) expect((await compute({ key, period: '2026-03', groupBy: 'district' })).status).toBe(200);
    const res = await t.request('GET', '/api/v1/evaluations?month=2026-03', { token: admin });
    expect(res.status).toBe(200);
    const result = (await res.json()) as { maxScore: number; indicators: { key: string }[]; districts: { regionId: string; total: number; rank: number; byIndicator: Record<string, { value: number | null; earned: number }>; missing: string[] }[] };
    // The template scores 34 indicators of table 5.1.5 at 2.5 points each and three case measures at 2.
    expect(result.maxScore).toBe(91);
    const cases = (keys: string[]) => keys.filter((key) => key.startsWith('6-1-'));
    expect(cases(result.indicators.map((i) => i.key))).toEqual(['6-1-2', '6-1-4', '6-1-8']);
    const westResult = result.districts.find((d) => d.regionId === west)!;
    // 西岭区: its one case registered, handled and closed on time, no extension — full marks of the case measures (the others have no data: no points).
    expect(westResult).toMatchObject({ total: 6, rank: 1 });
    expect(cases(westResult.missing)).toEqual([]);
    expect(westResult.missing).toContain('2-2-1');
    const eastResult = result.districts.find((d) => d.regionId === east)!;
    // 东湖区: one case of several extended, far over the 3 % limit of 延期率 (001 Appendix C item 34): no points for it.
    expect(eastResult.byIndicator['6-1-8']!.value).toBeGreaterThan(3);
    expect(eastResult.byIndicator['6-1-8']!.earned).toBe(0);
    expect(eastResult.rank).toBe(2);
    expect(eastResult.total).toBeLessThan(6);
    const idle = result.districts.filter((d) => d.regionId !== east && d.regionId !== west);
    expect(idle.length).toBeGreaterThan(0);
    for (const district of idle) {
      expect(district).toMatchObject({ total: 0, rank: 3 });
      expect(cases(district.missing)).toEqual(['6-1-2', '6-1-4', '6-1-8']);
    }
  });

  it('given 东湖区 staff, when they read the evaluation, then only their district is there, with its rank among all districts', async () => {
    const result = (await (await t.request('GET', '/api/v1/evaluations?month=2026-03', { token: await t.tokenFor('dh.intake') })).json()) as { districts: { regionId: string; rank: number }[] };
    expect(result.districts.map((d) => d.regionId)).toEqual([east]);
    expect(result.districts[0]!.rank).toBe(2);
  });
});

describe('bad requests for a computation', () => {
  it('given a period not written as the indicator counts it, when computed, then 422 names the period in Chinese and nothing is stored', async () => {
    const response = await compute({ key: '6-1-1', period: '2026-3' });
    expect(response.status).toBe(422);
    const body = (await response.json()) as ErrorJson;
    expect(body.error.fields).toEqual([{ field: 'period', message: expect.stringContaining('月 2026-03') }]);
    const iv = t.app.db.t.indicatorValues;
    expect((await t.app.db.read.select().from(iv).where(eq(iv.indicatorKey, '6-1-1')))).toEqual([]);
  });

  it('given an unknown indicator or a group, when computed, then 404 or 422', async () => {
    expect((await compute({ key: 'no-such', period: '2026-03' })).status).toBe(404);
    expect((await compute({ key: '6-1', period: '2026-03' })).status).toBe(422);
  });

  it('given a region level the indicator does not list, when computed by grid, then 422 names groupBy', async () => {
    const body = (await (await compute({ key: '6-1-7', period: '2026-03', groupBy: 'grid' })).json()) as ErrorJson;
    expect(body.error.fields?.[0]?.field).toBe('groupBy');
  });
});

describe('指标看板 by domain', () => {
  const actorFor = async (username: string): Promise<Actor> => {
    const principal = await authenticateBearer(t.app, await t.tokenFor(username));
    return { principal: principal!, meta: { ip: null, userAgent: null }, locale: 'zh-CN' };
  };

  it('given computed March values, when the dashboard is asked for one domain, then only its indicators come, each with a status from its target', async () => {
    await compute({ key: '6-1-2', period: '2026-03' });
    const actor = await actorFor('admin');
    const all = await indicatorDashboard(t.app, actor, { month: '2026-03' });
    expect(all.domains).toEqual(['roads', 'pipelines', 'waste', 'water', 'fire', 'cases']);
    const cases = await indicatorDashboard(t.app, actor, { month: '2026-03', domain: 'cases' });
    expect(cases.domain).toBe('cases');
    expect(cases.cards.map((c) => c.code)).toEqual(all.cards.filter((c) => c.domain === 'cases').map((c) => c.code));
    expect(cases.cards.every((c) => c.code.startsWith('6-1-'))).toBe(true);
    expect(cases.groups.every((g) => g.domain === 'cases')).toBe(true);
    const accurate = cases.cards.find((c) => c.code === '6-1-2')!;
    // 6 registered, none voided: 100 % against the target ≥ 95 %.
    expect(accurate.value).toBe(100);
    expect(accurate.statusBand).toBe('good');
    expect(cases.cards.find((c) => c.code === '6-1-11')!.statusBand).toBeNull();
  });

  it('given 立案数 computed for March, February and March a year before, when the dashboard is read, then its card has 环比, 同比, a six-month trend and every district\'s value', async () => {
    for (const period of ['2025-03', '2026-02', '2026-03']) expect((await compute({ key: '6-1-1', period, groupBy: 'district' })).status).toBe(200);
    const actor = await actorFor('admin');
    const board = await indicatorDashboard(t.app, actor, { month: '2026-03', domain: 'cases' });
    const registered = board.cards.find((c) => c.code === '6-1-1')!;
    // March 2025 had no case: 同比 is a real 0 (a count), not no data.
    expect(registered.value).toBeGreaterThan(0);
    expect(registered.lastYear).toBe(0);
    expect(registered.previous).not.toBeNull();
    expect(registered.trend.map((p) => p.period)).toEqual(['2025-10', '2025-11', '2025-12', '2026-01', '2026-02', '2026-03']);
    expect(registered.trend.at(-1)).toEqual({ period: '2026-03', value: registered.value });
    expect(registered.trend.at(-2)!.value).toBe(registered.previous);
    expect(registered.trend[0]!.value).toBeNull();
    expect(registered.districts.find((d) => d.regionId === east)).toMatchObject({ regionName: '东湖区', value: expect.any(Number) });
    // A district's staff see their own district only, on the card, in the trend and in the districts.
    const district = await indicatorDashboard(t.app, await actorFor('dh.intake'), { month: '2026-03', domain: 'cases' });
    const theirs = district.cards.find((c) => c.code === '6-1-1')!;
    expect(theirs.districts.map((d) => d.regionId)).toEqual([east]);
    expect(theirs.trend.at(-1)!.value).toBe(registered.districts.find((d) => d.regionId === east)!.value);
  });

  it('given a domain the platform does not know, when asked, then 422 names the field', async () => {
    const actor = await actorFor('admin');
    await expect(indicatorDashboard(t.app, actor, { domain: 'space' })).rejects.toMatchObject({ code: 'validation_failed', issues: [expect.objectContaining({ path: ['domain'] })] });
  });
});
