/** Scheduled indicator computation (issue 4 item 4): current and previous period, every city, audited, idempotent. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { computeDueIndicators } from './schedule.server.ts';

let t: TestApp;

beforeAll(async () => {
  // The test clock starts on 2026-03-02, 10:00 Beijing time: the current month is 2026-03, the previous 2026-02.
  t = await createTestApp();
});

afterAll(() => t.close());

describe('scheduled indicator computation', () => {
  it('given the template indicators, when the schedule runs, then each city gets this month\'s and last month\'s values per city, district and responsible unit, and one audit entry', async () => {
    const mark = await t.auditMark();
    const { values } = await computeDueIndicators(t.app);
    expect(values).toBeGreaterThan(0);
    const iv = t.app.db.t.indicatorValues;
    const demo = await t.tenantId('demo');
    const rows = await t.app.db.read.select({ regionLevel: iv.regionLevel, periodStart: iv.periodStart, status: iv.status, value: iv.value })
      .from(iv).where(and(eq(iv.tenantId, demo), eq(iv.indicatorKey, '6-1-1')));
    expect(new Set(rows.map((r) => r.periodStart.toISOString()))).toEqual(new Set(['2026-01-31T16:00:00.000Z', '2026-02-28T16:00:00.000Z']));
    expect(new Set(rows.map((r) => r.regionLevel))).toEqual(new Set(['city', 'district', 'unit']));
    // 立案数 of a city without cases is 0 (a count), 按期结案率 is no data (0 of 0).
    expect(rows.filter((r) => r.regionLevel === 'city').map((r) => r.value)).toEqual([0, 0]);
    const [rate] = await t.app.db.read.select({ status: iv.status, value: iv.value }).from(iv)
      .where(and(eq(iv.tenantId, demo), eq(iv.indicatorKey, '6-1-7'), eq(iv.regionLevel, 'city')));
    expect(rate).toEqual({ status: 'noData', value: null });
    const audit = await t.auditSince(mark);
    expect(audit.map((a) => [a.action, a.actorName])).toEqual([['compute', 'scheduler'], ['compute', 'scheduler']]);
    // Every template indicator computed on this database (a failing one is logged and skipped).
    expect(audit.map((a) => (a.detail as { failed: string[] }).failed)).toEqual([[], []]);
  });

  it('given values already there, when the schedule runs again, then the number of values does not change', async () => {
    const iv = t.app.db.t.indicatorValues;
    const before = Number((await t.app.db.read.select({ n: count() }).from(iv))[0]!.n);
    await computeDueIndicators(t.app);
    expect(Number((await t.app.db.read.select({ n: count() }).from(iv))[0]!.n)).toBe(before);
  });
});
