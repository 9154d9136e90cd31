/**
 * 综合评价 (001 §4.1.4 item 4, 002 §4.1.6): the evaluation result of a month — every scored
 * third-level indicator's stored value per district, the points it earns by its scoring method,
 * each district's total out of the full score, and the ranking. Computed from the stored values
 * (they keep their inputs), so a result is as explainable as its values.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { earnedPoints, indicatorContentSchema, type IndicatorContent } from '@tongguan/runtime/indicators/definition';
import { parsePeriod, periodContaining } from '@tongguan/runtime/indicators/period';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { parseInput } from '../errors.server.ts';

export const evaluationQuery = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() });

export interface EvaluationResult {
  month: string;
  maxScore: number;
  indicators: { key: string; code: string; name: string; unit: string | null; score: number; period: string }[];
  districts: {
    regionId: string;
    name: string;
    total: number;
    rank: number;
    /** Indicator key → its value (null = no data) and the points earned. */
    byIndicator: Record<string, { value: number | null; earned: number }>;
    /** Indicators without a value for the district (they earn nothing). */
    missing: string[];
  }[];
}

export async function evaluationResults(app: App, actor: Actor, raw: unknown): Promise<EvaluationResult> {
  assertCan(actor, 'read', 'Indicator');
  const { month: asked } = parseInput(evaluationQuery, raw);
  const month = (asked && parsePeriod('month', asked)) || periodContaining('month', app.now());
  const { tenantId } = actor.principal;
  const d = app.db.t.definitions;
  const published = await app.db.read.select({ key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const latest = new Map<string, IndicatorContent>();
  const versions = new Map<string, number>();
  for (const row of published) {
    if ((versions.get(row.key) ?? 0) > row.version) continue;
    versions.set(row.key, row.version);
    latest.set(row.key, indicatorContentSchema.parse(row.content));
  }
  const scored = [...latest.entries()].filter(([, c]) => c.level === 3 && (c.score ?? 0) > 0 && c.regions.includes('district'))
    .sort(([, a], [, b]) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  const periods = new Map(scored.map(([key, c]) => [key, periodContaining(c.period, month.start)] as const));
  const o = app.db.t.organisations;
  // Ranked among all the city's districts; who may read which district's result is decided after.
  const districts = await app.db.read.select({ id: o.id, name: o.name }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.level, 'district')));
  const iv = app.db.t.indicatorValues;
  const rows = scored.length && districts.length ? await app.db.read.select({ key: iv.indicatorKey, regionId: iv.regionId, periodKind: iv.periodKind, periodStart: iv.periodStart, value: iv.value })
    .from(iv).where(and(eq(iv.tenantId, tenantId), eq(iv.regionLevel, 'district'), inArray(iv.indicatorKey, scored.map(([key]) => key)),
      inArray(iv.periodStart, [...new Set([...periods.values()].map((p) => p.start.getTime()))].map((ms) => new Date(ms))))) : [];
  const valueOf = (key: string, regionId: string) => {
    const period = periods.get(key)!;
    const row = rows.find((r) => r.key === key && r.regionId === regionId && r.periodKind === period.kind && r.periodStart.getTime() === period.start.getTime());
    return row ? row.value : undefined;
  };
  const results = districts.map((district) => {
    const byIndicator: Record<string, { value: number | null; earned: number }> = {};
    const missing: string[] = [];
    let total = 0;
    for (const [key, content] of scored) {
      const stored = valueOf(key, district.id);
      if (stored === undefined || stored === null) missing.push(key);
      const value = stored ?? null;
      const earned = earnedPoints(content, value);
      byIndicator[key] = { value, earned };
      total += earned;
    }
    return { regionId: district.id, name: district.name, total: Math.round(total * 100) / 100, rank: 0, byIndicator, missing };
  }).sort((a, b) => b.total - a.total || a.name.localeCompare(b.name, 'zh-CN'));
  // Equal totals share a rank (1, 2, 2, 4).
  results.forEach((result, i) => { result.rank = i > 0 && result.total === results[i - 1]!.total ? results[i - 1]!.rank : i + 1; });
  const visible = results.filter((result) => can(actor, 'read', 'Indicator', { regionId: result.regionId }));
  return {
    month: month.label,
    maxScore: scored.reduce((sum, [, c]) => sum + (c.score ?? 0), 0),
    indicators: scored.map(([key, c]) => ({ key, code: c.code, name: c.name, unit: c.unit ?? null, score: c.score ?? 0, period: periods.get(key)!.label })),
    districts: visible,
  };
}
