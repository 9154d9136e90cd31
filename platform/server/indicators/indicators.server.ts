/**
 * 指标计算: computing a published indicator for a period, for the whole city and per district or
 * grid, storing one value per region (recomputing replaces it: idempotent) with the numbers it
 * came from, and reading values back with 环比 and 同比. A query basis item computes in the
 * database (formula-sql.server.ts); reported and inspection items have no data until entered,
 * which makes the value "no data" — never NaN, Infinity or a made-up 0.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { compile, createEnvironment, t as types, type ExprValue } from '@tongguan/runtime/expr/index';
import { basisType, indicatorContentSchema, INDICATOR_DOMAINS, PERIOD_TYPE, type IndicatorContent, type IndicatorDomain } from '@tongguan/runtime/indicators/definition';
import { indicatorStatus, type IndicatorStatus } from '@tongguan/runtime/indicators/status';
import { parsePeriod, periodContaining, previousPeriod, samePeriodLastYear, type Period } from '@tongguan/runtime/indicators/period';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import type { Db } from '../db/database.server.ts';
import { getPublished } from '../services/definitions.server.ts';
import { computePlans, planOver } from './formula-sql.server.ts';
import { approvedValues } from './reports.server.ts';
import { inspectionTallies } from './inspections.server.ts';
import type { RegionLevel } from './datasets.server.ts';

const CITY = '';

export const computeIndicatorInput = z.object({
  key: z.string().min(1).max(100),
  /** As written for the indicator's period kind: 2026-03-05, 2026-03, 2026-Q1, 2026. */
  period: z.string().min(4).max(10),
  /** Also compute per district or grid (the indicator must list that region level). */
  groupBy: z.enum(['district', 'grid', 'unit']).optional(),
});

export const indicatorValuesQuery = z.object({
  period: z.string().min(4).max(10).optional(),
  regionLevel: z.enum(['city', 'district', 'grid', 'unit']).optional(),
});

type ValueRow = App['db']['t']['indicatorValues']['$inferSelect'];

export interface IndicatorValueOutput {
  regionLevel: string;
  regionId: string | null;
  regionName: string | null;
  period: string;
  value: number | null;
  status: 'ok' | 'noData';
  /** The same region's value one period earlier (环比) and a year earlier (同比), when computed. */
  previous: number | null;
  lastYear: number | null;
  inputs: Record<string, number | null>;
  computedAt: string;
  definitionVersion: number;
}

export interface IndicatorSummary {
  key: string;
  code: string;
  name: string;
  unit: string | null;
  level: number;
  parentCode: string | null;
  collection: IndicatorContent['collection'];
  period: IndicatorContent['period'];
  formula: string | null;
  basis: { key: string; name: string; source: string; formula?: string }[];
  target: IndicatorContent['target'] | null;
  bands: NonNullable<IndicatorContent['bands']> | null;
  /** The template domain it belongs to (道路桥梁隧道, 管网…), for the dashboard's filter. */
  domain: IndicatorContent['domain'] | null;
  version: number;
}

function summaryOf(key: string, version: number, content: IndicatorContent): IndicatorSummary {
  return {
    key, code: content.code, name: content.name, unit: content.unit ?? null, level: content.level, parentCode: content.parentCode ?? null,
    collection: content.collection, period: content.period, formula: content.formula ?? null,
    basis: content.basis.map((item) => ({ key: item.key, name: item.name, source: item.source, ...(item.source === 'query' ? { formula: item.formula } : {}) })),
    target: content.target ?? null, bands: content.bands ?? null, domain: content.domain ?? null, version,
  };
}

const periodVariables = (period: Period) => ({ period: { start: period.start, end: period.end, kind: period.kind } });

const numberOrNull = (value: ExprValue | undefined): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

async function regionsOf(app: App, db: Db, tenantId: string, level: RegionLevel): Promise<Map<string, string>> {
  if (level === 'grid') {
    const g = app.db.t.grids;
    return new Map((await db.select({ id: g.id, name: g.name }).from(g).where(eq(g.tenantId, tenantId))).map((r) => [r.id, r.name]));
  }
  const o = app.db.t.organisations;
  const which = level === 'unit' ? eq(o.kind, 'responsibleUnit') : eq(o.level, 'district');
  return new Map((await db.select({ id: o.id, name: o.name }).from(o).where(and(eq(o.tenantId, tenantId), which))).map((r) => [r.id, r.name]));
}

/** Computes, stores and returns an indicator's values for one period. */
export async function computeIndicator(app: App, actor: Actor, raw: unknown): Promise<{ indicator: IndicatorSummary; values: IndicatorValueOutput[] }> {
  assertCan(actor, 'update', 'Indicator');
  const input = parseInput(computeIndicatorInput, raw);
  const { tenantId } = actor.principal;
  const definition = await getPublished(app, tenantId, 'indicator', input.key);
  const content = indicatorContentSchema.parse(definition.content);
  const period = parsePeriod(content.period, input.period);
  if (!period) throw new AppError('validation_failed', {}, { fields: [{ field: 'period', message: '#validation.periodLabel' }] });
  if (input.groupBy && !content.regions.includes(input.groupBy)) {
    throw new AppError('validation_failed', {}, { fields: [{ field: 'groupBy', message: '#validation.regionNotListed' }] });
  }
  if (!content.formula) throw new AppError('validation_failed', {}, { fields: [{ field: 'key', message: '#validation.indicatorGroup' }] });
  return app.db.transaction(async (tx) => {
    const now = app.now();
    const { rows, names } = await storeValues(app, tx, tenantId, { id: definition.id, key: input.key, version: definition.version, content }, period, input.groupBy, actor.principal.userId);
    await auditAs(app, tx, actor, {
      action: 'compute', objectType: 'indicator', objectId: definition.id,
      detail: { key: input.key, version: definition.version, period: period.label, groupBy: input.groupBy ?? null, values: rows.length },
    }, now);
    const values = await withComparisons(app, tx, tenantId, input.key, period, rows, names);
    return { indicator: summaryOf(input.key, definition.version, content), values };
  });
}

export interface PublishedIndicator {
  id: string;
  key: string;
  version: number;
  content: IndicatorContent;
}

/**
 * Computes one indicator for one period — the city and, with `groupBy`, each of its districts or
 * grids — and upserts the values in `tx`. No permission check: callers have done it (the API) or
 * act for the platform (the scheduler).
 */
export async function storeValues(
  app: App, tx: Db, tenantId: string, indicator: PublishedIndicator, period: Period, groupBy: 'district' | 'grid' | 'unit' | undefined, computedBy: string | null,
): Promise<{ rows: ValueRow[]; names: Map<string, string> }> {
  const { content } = indicator;
  const variables = periodVariables(period);
  const context = { now: () => app.now() };
  const { functions } = app;
  const periodEnvironment = createEnvironment({ variables: { period: PERIOD_TYPE }, functions });
  const formula = compile(content.formula!, {
    environment: createEnvironment({ variables: { period: PERIOD_TYPE, ...Object.fromEntries(content.basis.map((item) => [item.key, basisType(item.source)])) }, functions }),
    expectedType: types.number,
  });
  const now = app.now();
  // region level → region id ('' = city) → basis key → number
  const basis = new Map<string, Map<string, Record<string, number | null>>>([['city', new Map([[CITY, {}]])]]);
  const names = new Map<string, string>();
  if (groupBy) {
    const regions = await regionsOf(app, tx, tenantId, groupBy);
    basis.set(groupBy, new Map([...regions.keys()].map((id) => [id, {}])));
    for (const [id, name] of regions) names.set(id, name);
  }
  // The query items planned once; per region level all of them in one call, one statement per dataset (formula-sql.server.ts).
  const plans = content.basis.map((item) => (item.source === 'query' ? planOver(app, item.formula, { variables: periodEnvironment }) : undefined));
  const planned = plans.filter((plan) => plan !== undefined);
  for (const [level, regions] of basis) {
    const computed = planned.length ? await computePlans(app, tenantId, planned, { variables, context, ...(level === 'city' ? {} : { groupBy: level as RegionLevel }) }, tx) : [];
    for (const [i, item] of content.basis.entries()) {
      if (item.source === 'input') {
        // 平台上报: the approved report of the region and period, if any.
        for (const [id, inputs] of regions) inputs[item.key] = (await approvedValues(app, tx, tenantId, indicator.key, level, id, period))?.[item.key] ?? null;
        continue;
      }
      if (item.source === 'inspection') {
        // 实地考察: evaluation points of the done tasks, by region.
        const tallies = await inspectionTallies(app, tx, tenantId, indicator.key, item.key, period);
        for (const [id, inputs] of regions) {
          const tally = level === 'city' ? [...tallies.values()].reduce((a, b) => ({ passed: a.passed + b.passed, total: a.total + b.total }), { passed: 0, total: 0 }) : tallies.get(id) ?? { passed: 0, total: 0 };
          inputs[`${item.key}.passed`] = tally.passed;
          inputs[`${item.key}.total`] = tally.total;
        }
        continue;
      }
      const plan = plans[i]!;
      const result = computed[planned.indexOf(plan)]!;
      for (const [id, inputs] of regions) {
        // A region none of whose rows matched: the formula over no rows (COUNT 0, SUM null).
        const regionKey = level === 'city' ? null : id;
        const value = result.values.has(regionKey) ? result.values.get(regionKey) : overNoRows(plan, variables, context);
        inputs[item.key] = numberOrNull(value);
      }
    }
  }
  const iv = app.db.t.indicatorValues;
  const rows: ValueRow[] = [];
  for (const [level, regions] of basis) {
    for (const [regionId, inputs] of regions) {
      const value = numberOrNull(formula.evaluate({ ...variables, ...formulaVariables(content, inputs) }, context));
      const row: ValueRow = {
        id: newId(), tenantId, indicatorKey: indicator.key, definitionId: indicator.id, definitionVersion: indicator.version,
        regionLevel: level, regionId, periodKind: period.kind, periodStart: period.start, periodEnd: period.end,
        value, status: value === null ? 'noData' : 'ok', inputs, computedAt: now, computedBy,
      };
      await tx.insert(iv).values(row).onConflictDoUpdate({
        target: [iv.tenantId, iv.indicatorKey, iv.regionLevel, iv.regionId, iv.periodKind, iv.periodStart],
        set: { definitionId: row.definitionId, definitionVersion: row.definitionVersion, value: row.value, status: row.status, inputs: row.inputs, periodEnd: row.periodEnd, computedAt: now, computedBy },
      });
      rows.push(row);
    }
  }
  return { rows, names };
}

/** The basis as the formula reads it: numbers by key, inspection items as { passed, total }. */
function formulaVariables(content: IndicatorContent, inputs: Record<string, number | null>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of content.basis) {
    out[item.key] = item.source === 'inspection' ? { passed: inputs[`${item.key}.passed`] ?? null, total: inputs[`${item.key}.total`] ?? null } : inputs[item.key] ?? null;
  }
  return out;
}

/** A planned formula's value over no rows at all (a region none of whose rows matched). */
function overNoRows(plan: ReturnType<typeof planOver>, variables: Record<string, unknown>, context: { now(): Date }): ExprValue {
  const empty: Record<string, ExprValue> = {};
  for (const aggregate of plan.aggregates) empty[aggregate.name] = aggregate.fn === 'count' || aggregate.fn === 'countDistinct' ? 0 : null;
  return plan.residual.evaluate({ ...variables, ...empty }, context);
}

async function withComparisons(app: App, db: Db, tenantId: string, key: string, period: Period, rows: ValueRow[], names: Map<string, string>): Promise<IndicatorValueOutput[]> {
  const iv = app.db.t.indicatorValues;
  const before = previousPeriod(period);
  const yearAgo = samePeriodLastYear(period);
  const earlier = await db.select({ regionLevel: iv.regionLevel, regionId: iv.regionId, periodStart: iv.periodStart, value: iv.value }).from(iv)
    .where(and(eq(iv.tenantId, tenantId), eq(iv.indicatorKey, key), eq(iv.periodKind, period.kind), inArray(iv.periodStart, [before.start, yearAgo.start])));
  const find = (row: ValueRow, start: Date) => earlier.find((e) => e.regionLevel === row.regionLevel && e.regionId === row.regionId && e.periodStart.getTime() === start.getTime())?.value ?? null;
  return rows.map((row) => ({
    regionLevel: row.regionLevel, regionId: row.regionId || null, regionName: row.regionId ? names.get(row.regionId) ?? null : null,
    period: period.label, value: row.value, status: row.status, previous: find(row, before.start), lastYear: find(row, yearAgo.start),
    inputs: row.inputs, computedAt: row.computedAt.toISOString(), definitionVersion: row.definitionVersion,
  }));
}

/** The city's published indicators (latest versions), in code order. */
export async function listIndicators(app: App, actor: Actor): Promise<IndicatorSummary[]> {
  assertCan(actor, 'read', 'Indicator');
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published'))).orderBy(asc(d.key), asc(d.version));
  const latest = new Map<string, IndicatorSummary>();
  for (const row of rows) latest.set(row.key, summaryOf(row.key, row.version, indicatorContentSchema.parse(row.content)));
  return [...latest.values()].sort((a, b) => compareCodes(a.code, b.code));
}

const compareCodes = (a: string, b: string) => {
  const [x, y] = [a.split('-').map(Number), b.split('-').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? -1) !== (y[i] ?? -1)) return (x[i] ?? -1) - (y[i] ?? -1);
  return 0;
};

/** At most this many values per answer (newest periods first): a grid-level indicator over years is large. */
const VALUES_LIMIT = 2000;

/** Stored values of one indicator, newest period first; a district's staff see their districts'. */
export async function indicatorValues(app: App, actor: Actor, key: string, raw: unknown): Promise<IndicatorValueOutput[]> {
  assertCan(actor, 'read', 'Indicator');
  const query = parseInput(indicatorValuesQuery, raw);
  const { tenantId } = actor.principal;
  const definition = await getPublished(app, tenantId, 'indicator', key).catch(() => { throw notFound('indicator'); });
  const content = indicatorContentSchema.parse(definition.content);
  const period = query.period ? parsePeriod(content.period, query.period) : undefined;
  if (query.period && !period) throw new AppError('validation_failed', {}, { fields: [{ field: 'period', message: '#validation.periodLabel' }] });
  const iv = app.db.t.indicatorValues;
  const where = (starts?: Date[]) => and(
    eq(iv.tenantId, tenantId), eq(iv.indicatorKey, key), eq(iv.periodKind, content.period),
    starts ? inArray(iv.periodStart, starts) : undefined,
    query.regionLevel ? eq(iv.regionLevel, query.regionLevel) : undefined,
  );
  const rows = (await app.db.read.select().from(iv).where(where(period ? [period.start] : undefined)).orderBy(desc(iv.periodStart), asc(iv.regionLevel)).limit(VALUES_LIMIT))
    .filter((row) => can(actor, 'read', 'Indicator', { regionId: row.regionId || null }));
  // 环比 and 同比 from the periods before, whether or not they are in this answer.
  const periodsOf = new Map(rows.map((row) => [row.periodStart.getTime(), periodContaining(content.period, row.periodStart)] as const));
  const comparisonStarts = [...new Set([...periodsOf.values()].flatMap((p) => [previousPeriod(p).start.getTime(), samePeriodLastYear(p).start.getTime()]))].map((ms) => new Date(ms));
  const earlier = comparisonStarts.length
    ? await app.db.read.select({ regionLevel: iv.regionLevel, regionId: iv.regionId, periodStart: iv.periodStart, value: iv.value }).from(iv).where(where(comparisonStarts))
    : [];
  const index = new Map(earlier.map((e) => [`${e.regionLevel}|${e.regionId}|${e.periodStart.getTime()}`, e.value] as const));
  const at = (row: ValueRow, start: Date) => index.get(`${row.regionLevel}|${row.regionId}|${start.getTime()}`) ?? null;
  const names = new Map<string, string>();
  for (const level of ['district', 'grid', 'unit'] as const) for (const [id, name] of await regionsOf(app, app.db.read, tenantId, level)) names.set(id, name);
  return rows.map((row) => {
    const rowPeriod = periodsOf.get(row.periodStart.getTime())!;
    return {
      regionLevel: row.regionLevel, regionId: row.regionId || null, regionName: row.regionId ? names.get(row.regionId) ?? null : null,
      period: rowPeriod.label, value: row.value, status: row.status, previous: at(row, previousPeriod(rowPeriod).start), lastYear: at(row, samePeriodLastYear(rowPeriod).start),
      inputs: row.inputs, computedAt: row.computedAt.toISOString(), definitionVersion: row.definitionVersion,
    };
  });
}

/** Periods in a dashboard card's trend line. */
const TREND_PERIODS = 6;

export interface DashboardCard extends IndicatorSummary {
  /** The period shown, as written (2026-03). */
  shownPeriod: string;
  value: number | null;
  status: 'ok' | 'noData' | 'notComputed';
  previous: number | null;
  /** 同比: the same period a year before. */
  lastYear: number | null;
  /** The card's last periods, oldest first, ending with the one shown (null: no data or not computed). */
  trend: { period: string; value: number | null }[];
  /** Each district's value in the period shown (the ranking and the map), as far as the caller may see. */
  districts: { regionId: string; regionName: string | null; value: number | null }[];
  /** Whose value the card shows: the city's, or (for a district's staff) their district's. */
  regionName: string | null;
  /** Against the target: true met, false missed, null without a target or a value. */
  meetsTarget: boolean | null;
  /** 良好 / 一般 / 较差 by the bands (or the target); null without a value or either. */
  statusBand: IndicatorStatus | null;
  computedAt: string | null;
}

export const dashboardQuery = z.object({ month: z.string().regex(/^\d{4}-\d{2}$/).optional() });
const dashboardFilter = dashboardQuery.extend({ domain: z.enum(INDICATOR_DOMAINS).optional() });

/**
 * 指标看板: every third-level indicator with its value for the month (or its own period
 * containing it), optionally of one domain; `domains` are those the city's indicators cover.
 */
export async function indicatorDashboard(app: App, actor: Actor, raw: unknown): Promise<{ month: string; domain: IndicatorDomain | null; domains: IndicatorDomain[]; cards: DashboardCard[]; groups: IndicatorSummary[] }> {
  assertCan(actor, 'read', 'Indicator');
  const { month: asked, domain } = parseInput(dashboardFilter, raw);
  const month = (asked && parsePeriod('month', asked)) || periodContaining('month', app.now());
  const all = await listIndicators(app, actor);
  const domains = INDICATOR_DOMAINS.filter((d) => all.some((i) => i.domain === d));
  const indicators = domain ? all.filter((i) => i.domain === domain) : all;
  const { tenantId } = actor.principal;
  const iv = app.db.t.indicatorValues;
  const cards: DashboardCard[] = [];
  const leaves = indicators.filter((i) => i.level === 3);
  const periods = new Map(leaves.map((i) => [i.key, periodContaining(i.period, month.start)] as const));
  // The trend's periods (the previous ones among them) and the same period a year before.
  const trendOf = (period: Period) => {
    const out = [period];
    while (out.length < TREND_PERIODS) out.unshift(previousPeriod(out[0]!));
    return out;
  };
  const starts = [...new Set([...periods.values()].flatMap((p) => [...trendOf(p), samePeriodLastYear(p)].map((x) => x.start.getTime())))].map((ms) => new Date(ms));
  const rows = leaves.length ? await app.db.read.select().from(iv).where(and(eq(iv.tenantId, tenantId), inArray(iv.indicatorKey, leaves.map((i) => i.key)), inArray(iv.periodStart, starts))) : [];
  const visible = rows.filter((row) => can(actor, 'read', 'Indicator', { regionId: row.regionId || null }));
  const names = await regionsOf(app, app.db.read, tenantId, 'district');
  for (const indicator of leaves) {
    const period = periods.get(indicator.key)!;
    const pick = (start: Date) => {
      const mine = visible.filter((r) => r.indicatorKey === indicator.key && r.periodKind === period.kind && r.periodStart.getTime() === start.getTime());
      return mine.find((r) => r.regionLevel === 'city') ?? mine.find((r) => r.regionLevel === 'district');
    };
    const pickAt = (start: Date, region: string | undefined) => (region
      ? visible.find((r) => r.indicatorKey === indicator.key && r.periodKind === period.kind && r.periodStart.getTime() === start.getTime() && `${r.regionLevel}:${r.regionId}` === region)
      : pick(start));
    const current = pick(period.start);
    const before = pick(previousPeriod(period).start);
    const value = current?.value ?? null;
    const target = indicator.target;
    const shownRegion = current ? `${current.regionLevel}:${current.regionId}` : undefined;
    // The trend follows the region the card shows (the city, or a district's staff's district).
    const trend = trendOf(period).map((p) => {
      const row = visible.find((r) => r.indicatorKey === indicator.key && r.periodKind === p.kind && r.periodStart.getTime() === p.start.getTime()
        && (shownRegion ? `${r.regionLevel}:${r.regionId}` === shownRegion : r.regionLevel === 'city'));
      return { period: p.label, value: row?.value ?? null };
    });
    const districts = visible.filter((r) => r.indicatorKey === indicator.key && r.regionLevel === 'district' && r.periodKind === period.kind && r.periodStart.getTime() === period.start.getTime())
      .map((r) => ({ regionId: r.regionId, regionName: names.get(r.regionId) ?? null, value: r.value }));
    cards.push({
      ...indicator, shownPeriod: period.label, value, status: current ? current.status : 'notComputed', previous: before?.value ?? null,
      lastYear: pickAt(samePeriodLastYear(period).start, shownRegion)?.value ?? null, trend, districts,
      regionName: current && current.regionId ? names.get(current.regionId) ?? null : null,
      meetsTarget: target && value !== null ? (target.operator === '>=' ? value >= target.value : value <= target.value) : null,
      statusBand: indicatorStatus({ bands: indicator.bands ?? undefined, target: indicator.target ?? undefined }, value),
      computedAt: current ? current.computedAt.toISOString() : null,
    });
  }
  return { month: month.label, domain: domain ?? null, domains, cards, groups: indicators.filter((i) => i.level < 3) };
}

/** Computes every third-level indicator for the period containing `month` (city and each region level it lists). */
export async function computeIndicatorsForMonth(app: App, actor: Actor, raw: unknown): Promise<{ computed: number }> {
  assertCan(actor, 'update', 'Indicator');
  const { month: asked } = parseInput(dashboardQuery, raw);
  const month = (asked && parsePeriod('month', asked)) || periodContaining('month', app.now());
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, content: d.content }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const keys = new Map<string, IndicatorContent>();
  for (const row of rows) keys.set(row.key, indicatorContentSchema.parse(row.content));
  let computed = 0;
  for (const [key, content] of keys) {
    if (content.level !== 3 || !content.formula) continue;
    const period = periodContaining(content.period, month.start);
    const levels = content.regions.filter((r): r is 'district' | 'grid' | 'unit' => r !== 'city');
    for (const groupBy of levels.length ? levels : [undefined]) await computeIndicator(app, actor, { key, period: period.label, ...(groupBy ? { groupBy } : {}) });
    computed += 1;
  }
  return { computed };
}

/** An indicator with all its stored values (the detail page). */
export async function indicatorDetail(app: App, actor: Actor, key: string): Promise<{ indicator: IndicatorSummary; values: IndicatorValueOutput[] }> {
  assertCan(actor, 'read', 'Indicator');
  const definition = await getPublished(app, actor.principal.tenantId, 'indicator', key).catch(() => { throw notFound('indicator'); });
  const content = indicatorContentSchema.parse(definition.content);
  return { indicator: summaryOf(key, definition.version, content), values: await indicatorValues(app, actor, key, {}) };
}

/** The grids the caller may see, each with the district it lies in (a choropleth by district is drawn with them). */
export async function gridsByDistrict(app: App, actor: Actor): Promise<{ id: string; code: string; name: string; geometry: { type: 'Polygon'; coordinates: number[][][] }; districtId: string | null }[]> {
  if (!can(actor, 'read', 'Grid')) return [];
  const { tenantId } = actor.principal;
  const o = app.db.t.organisations;
  const orgs = await app.db.read.select({ id: o.id, path: o.path, level: o.level }).from(o).where(eq(o.tenantId, tenantId));
  const districts = new Set(orgs.filter((org) => org.level === 'district').map((org) => org.id));
  const pathOf = new Map(orgs.map((org) => [org.id, org.path]));
  const g = app.db.t.grids;
  const grids = await app.db.read.select({ id: g.id, code: g.code, name: g.name, geometry: g.geometry, orgId: g.orgId }).from(g).where(eq(g.tenantId, tenantId)).orderBy(asc(g.code));
  return grids.filter((grid) => can(actor, 'read', 'Grid', { id: grid.id, orgId: grid.orgId })).map((grid) => ({
    id: grid.id, code: grid.code, name: grid.name, geometry: grid.geometry as { type: 'Polygon'; coordinates: number[][][] },
    districtId: (pathOf.get(grid.orgId) ?? '').split('/').find((id) => districts.has(id)) ?? null,
  }));
}
