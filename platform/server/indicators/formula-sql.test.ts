/**
 * Formulas whose aggregates compute in the database (SQLite and PostgreSQL) give what the
 * in-memory evaluator gives over the same rows: the same null semantics, "no data" for a zero
 * denominator, time windows, membership, grouping by region — and the city filter always on.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, ne } from 'drizzle-orm';
import { compile, createEnvironment, ExprError, t as types, type ExprValue } from '@tongguan/runtime/expr/index';
import { datasetType } from '@tongguan/runtime/expr/sql/plan';
import { indicatorContentSchema, PERIOD_TYPE } from '@tongguan/runtime/indicators/definition';
import { periodContaining, previousPeriod } from '@tongguan/runtime/indicators/period';
import { newId } from '../ids.server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { datasetsOf } from './datasets.server.ts';
import { computeFormula, computePlan, computePlans, planOver } from './formula-sql.server.ts';

let t: TestApp;
let demo: string;
let other: string;
let rows: Record<string, ExprValue>[];
const HOUR = 3_600_000;
const STATUSES = ['reported', 'registered', 'dispatched', 'handling', 'verifying', 'closed', 'voided'];
const SOURCES = ['inspector', 'public', 'hotline12345', 'video', 'sensor'];
const DISTRICTS = ['d-east', 'd-west', 'd-north', null];
const GRIDS = ['g1', 'g2', 'g3', 'g4', null];

/** A small deterministic generator: the same rows on every run and both dialects. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

async function insertCases(tenantId: string, count: number, seed: number) {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const now = t.clock.now().getTime();
  const values = Array.from({ length: count }, (_, i) => {
    const reportedAt = new Date(now - Math.floor(random() * 30 * 24) * HOUR);
    const status = pick(STATUSES);
    const deadlineHours = pick([4, 8, 24, 48, 72]);
    const dueAt = random() < 0.8 ? new Date(reportedAt.getTime() + deadlineHours * HOUR) : null;
    const closedAt = status === 'closed' ? new Date(reportedAt.getTime() + Math.floor(random() * 100) * HOUR) : null;
    return {
      id: newId(), tenantId, caseNumber: `T${seed}-${i}`, source: pick(SOURCES), categoryCode: pick(['0101', '0102', '0201']),
      categoryKind: pick(['part', 'event'] as const), title: 'test', description: 'test', gridId: pick(GRIDS), orgId: null,
      districtOrgId: pick(DISTRICTS), responsibleUnitId: null, status: status as 'closed', deadlineHours: deadlineHours + (random() < 0.3 ? 0.5 : 0),
      dueAt, processInstanceId: newId(), reportedAt, closedAt, updatedAt: reportedAt,
      registeredAt: status === 'reported' ? null : new Date(reportedAt.getTime() + HOUR), returnCount: Math.floor(random() * 3),
      reworkCount: random() < 0.2 ? 1 : 0, extensionCount: random() < 0.05 ? 1 : 0, supervisionCount: random() < 0.1 ? 2 : 0,
    };
  });
  for (let i = 0; i < values.length; i += 100) await t.app.db.transaction((tx) => tx.insert(t.app.db.t.cases).values(values.slice(i, i + 100)));
}

/** The tenant's cases as the formula sees them: records with the dataset's field names. */
async function loadRows(tenantId: string): Promise<Record<string, ExprValue>[]> {
  const c = t.app.db.t.cases;
  const all = await t.app.db.read.select().from(c).where(eq(c.tenantId, tenantId));
  return all.map((row) => ({
    id: row.id, number: row.caseNumber, source: row.source, category: row.categoryCode, categoryKind: row.categoryKind, status: row.status,
    gridId: row.gridId, orgId: row.orgId, districtId: row.districtOrgId, unitId: row.responsibleUnitId, deadlineHours: row.deadlineHours,
    dueAt: row.dueAt, reportedAt: row.reportedAt, closedAt: row.closedAt, registeredAt: row.registeredAt, dispatchedAt: row.dispatchedAt,
    handledAt: row.handledAt, returns: row.returnCount, reworks: row.reworkCount, extensions: row.extensionCount, supervisions: row.supervisionCount,
  }));
}

const since = () => new Date(t.clock.now().getTime() - 7 * 24 * HOUR);
const variableTypes = { since: types.datetime, threshold: types.number };
const context = () => ({ now: () => t.clock.now() });

/** The same formula evaluated in memory over `items`. */
function inMemory(formula: string, items: Record<string, ExprValue>[]): ExprValue {
  const environment = createEnvironment({ variables: { ...variableTypes, cases: datasetType(datasetsOf(t.app).cases!.spec) } });
  return compile(formula, { environment }).evaluate({ cases: items, since: since(), threshold: 24 }, context());
}

function expectSame(actual: ExprValue | undefined, expected: ExprValue) {
  if (typeof expected === 'number') expect(actual).toBeCloseTo(expected, 9);
  else expect(actual).toEqual(expected);
}

beforeAll(async () => {
  t = await createTestApp();
  demo = await t.tenantId('demo');
  const tn = t.app.db.t.tenants;
  [{ id: other }] = await t.app.db.read.select({ id: tn.id }).from(tn).where(and(ne(tn.id, demo)));
  await insertCases(demo, 400, 7);
  await insertCases(other, 60, 11);
  rows = await loadRows(demo);
});

afterAll(() => t.close());

const FORMULAS = [
  'COUNT(cases)',
  'COUNT(cases, c => c.status == "closed")',
  // 按期结案率 (001 Appendix C): closed on time / closed
  'PERCENT(COUNT(cases, c => c.status == "closed" && c.closedAt <= c.dueAt), COUNT(cases, c => c.status == "closed"))',
  'AVG(FILTER(cases, c => c.closedAt != null), c => c.deadlineHours)',
  'SUM(cases, c => c.deadlineHours * 2 - 1)',
  'MAX(MAP(cases, c => c.reportedAt))',
  'MIN(MAP(FILTER(cases, c => c.source == "video"), c => c.deadlineHours))',
  'COUNT(cases, c => c.reportedAt > NOW() - 72h)',
  'COUNT(cases, c => c.source in ["hotline12345", "public"] && not (c.status in ["closed", "voided"]))',
  'COUNT(cases, c => c.gridId in ["g1", null])',
  'COUNT(cases, c => c.gridId not in ["g1", "g2"])',
  'COUNT_DISTINCT(cases, c => c.gridId)',
  'COUNT(MAP(cases, c => c.gridId))',
  'RATIO(COUNT(cases, c => c.closedAt - c.reportedAt > 48h), COUNT(cases, c => c.closedAt != null))',
  'COUNT(cases, c => (c.dueAt ?? c.reportedAt) < NOW())',
  'SUM(cases, c => IF(c.status == "closed", 1, 0))',
  'SUM(cases, c => c.status == "closed" ? c.deadlineHours : -c.deadlineHours)',
  'COUNT(cases, c => c.gridId == null)',
  'COUNT(cases, c => c.gridId != "g1")',
  'COUNT(cases, c => IS_NULL(c.dueAt) || c.dueAt > c.closedAt)',
  'COUNT(cases, c => c.closedAt > c.dueAt || c.closedAt == null)',
  'COUNT(cases, c => c.reportedAt >= since && c.deadlineHours >= threshold)',
  'AVG(cases, c => c.deadlineHours / (c.deadlineHours - 24))',
  'MAX(MAP(cases, c => c.status))',
  'COUNT(cases, c => COALESCE(c.gridId, c.districtId, "none") == "none")',
  'PERCENT(COUNT(cases, c => c.registeredAt != null && c.returns == 0), COUNT(cases, c => c.registeredAt != null))',
  // Quoted ISO text beside a datetime or a duration is converted, as in memory.
  'COUNT(cases, c => c.reportedAt >= "2026-02-20T00:00:00+08:00")',
  'COUNT(cases, c => c.closedAt - c.reportedAt <= "PT72H")',
  'COUNT(cases, c => "2026-02-25" < c.reportedAt)',
  'SUM(cases, c => c.supervisions)',
];

describe('formulas computed in the database', () => {
  it.each(FORMULAS)('given the city\'s cases, when %s is computed in SQL, then it equals the in-memory result', async (formula) => {
    const plan = planOver(t.app, formula, { variables: createEnvironment({ variables: variableTypes }) });
    expect(plan.aggregates.length).toBeGreaterThan(0);
    const result = await computePlan(t.app, demo, plan, { variables: { since: since(), threshold: 24 }, context: context() });
    expectSame(result.values.get(null), inMemory(formula, rows));
  });

  it('given a zero denominator, when the ratio is computed, then it is no data (null), never NaN or 0', async () => {
    const formula = 'PERCENT(COUNT(cases, c => c.source == "none"), COUNT(cases, c => c.source == "nothing"))';
    const result = await computeFormula(t.app, demo, formula);
    expect(result.values.get(null)).toBeNull();
    expect(result.inputs.get(null)).toEqual({ __aggregate0: 0, __aggregate1: 0 });
    expect(inMemory(formula, rows)).toBeNull();
  });

  it('given a sum over no rows, when computed, then it is null (no data) as in the language', async () => {
    const result = await computeFormula(t.app, demo, 'SUM(FILTER(cases, c => c.source == "none"), c => c.deadlineHours)');
    expect(result.values.get(null)).toBeNull();
  });

  it('given cases in two cities, when each is computed, then each counts only its own', async () => {
    expect((await computeFormula(t.app, demo, 'COUNT(cases)')).values.get(null)).toBe(rows.length);
    expect((await computeFormula(t.app, other, 'COUNT(cases)')).values.get(null)).toBe((await loadRows(other)).length);
  });

  it('given grouping by district, when 按期结案率 is computed, then each district equals the in-memory result over its rows', async () => {
    const formula = 'PERCENT(COUNT(cases, c => c.status == "closed" && c.closedAt <= c.dueAt), COUNT(cases, c => c.status == "closed"))';
    const result = await computeFormula(t.app, demo, formula, { groupBy: 'district' });
    const districts = new Set(rows.map((row) => row.districtId as string | null));
    expect(new Set(result.values.keys())).toEqual(districts);
    for (const district of districts) {
      expectSame(result.values.get(district), inMemory(formula, rows.filter((row) => row.districtId === district)));
    }
  });
});

describe('formulas computed together, one statement per dataset', () => {
  const plansOf = (formulas: readonly string[]) => formulas.map((formula) => planOver(t.app, formula, { variables: createEnvironment({ variables: variableTypes }) }));
  const inputs = () => ({ variables: { since: since(), threshold: 24 }, context: context() });

  it('given every formula above at once (some aggregates without a filter), when computed, then each equals the in-memory result', async () => {
    const results = await computePlans(t.app, demo, plansOf(FORMULAS), inputs());
    FORMULAS.forEach((formula, i) => expectSame(results[i]!.values.get(null), inMemory(formula, rows)));
  });

  it('given only formulas whose every aggregate filters (the rows they need go to WHERE), when computed, then each equals the in-memory result', async () => {
    const filtered = FORMULAS.filter((formula) => plansOf([formula])[0]!.aggregates.every((aggregate) => aggregate.filter));
    expect(filtered.length).toBeGreaterThan(10);
    const results = await computePlans(t.app, demo, plansOf(filtered), inputs());
    filtered.forEach((formula, i) => expectSame(results[i]!.values.get(null), inMemory(formula, rows)));
  });

  const template = join(import.meta.dirname, '../../../templates/five-domains/indicators/case-performance.json');
  const indicators = (JSON.parse(readFileSync(template, 'utf8')) as { content: unknown }[]).map((entry) => indicatorContentSchema.parse(entry.content))
    .filter((content) => content.level === 3)
    .map((content) => [content.code, content.basis.flatMap((item) => (item.source === 'query' ? [item.formula] : []))] as const);

  it.each(indicators)('given 6-1 indicator %s, when its query items are computed together for the city and by district, then each equals the in-memory result', async (_code, formulas) => {
    const casesType = datasetType(datasetsOf(t.app).cases!.spec);
    const evaluate = (formula: string, cases: Record<string, ExprValue>[], period: Record<string, unknown>) =>
      compile(formula, { environment: createEnvironment({ variables: { period: PERIOD_TYPE, cases: casesType } }) }).evaluate({ period, cases }, context());
    const plans = formulas.map((formula) => planOver(t.app, formula, { variables: createEnvironment({ variables: { period: PERIOD_TYPE } }) }));
    const districts = new Set(rows.map((row) => row.districtId as string | null));
    const month = periodContaining('month', t.clock.now());
    for (const p of [month, previousPeriod(month)]) {
      const period = { start: p.start, end: p.end, kind: p.kind };
      const city = await computePlans(t.app, demo, plans, { variables: { period }, context: context() });
      const byDistrict = await computePlans(t.app, demo, plans, { variables: { period }, context: context(), groupBy: 'district' });
      formulas.forEach((formula, i) => {
        expectSame(city[i]!.values.get(null), evaluate(formula, rows, period));
        const got = byDistrict[i]!.values;
        // A district none of whose rows counts is absent: its value is the formula over no rows.
        for (const district of districts) expectSame(got.has(district) ? got.get(district) : evaluate(formula, [], period), evaluate(formula, rows.filter((row) => row.districtId === district), period));
      });
    }
  });
});

describe('formulas that cannot run in the database are refused with the place and the reason', () => {
  const refusal = (formula: string) => {
    try {
      planOver(t.app, formula);
    } catch (error) {
      if (error instanceof ExprError) return error;
      throw error;
    }
    throw new Error(`${formula} was accepted`);
  };

  it('given a dataset used as a plain list, when planned, then datasetOutsideAggregate points at it', () => {
    const error = refusal('COUNT(cases) + LEN(DISTINCT(cases))');
    expect(error.code).toBe('datasetOutsideAggregate');
    expect('COUNT(cases) + LEN(DISTINCT(cases))'.slice(error.start, error.end)).toBe('cases');
    expect(error.messageIn('zh-CN')).toContain('数据集 “cases”');
  });

  it('given a function with no SQL form in a condition, when planned, then notInDatabase names it at its position', () => {
    const formula = 'COUNT(cases, c => CONTAINS(c.source, "hot"))';
    const error = refusal(formula);
    expect(error.code).toBe('notInDatabase');
    expect(formula.slice(error.start, error.end)).toBe('CONTAINS(c.source, "hot")');
    expect(error.messageIn('en')).toContain('CONTAINS');
    expect(error.messageIn('zh-CN')).toContain('无法在数据库中计算');
  });

  it('given `in` with text on the right (a substring test) or a date constant, when planned, then each is refused', () => {
    expect(refusal('COUNT(cases, c => c.category in "010203")').params.reason).toBe('listValue');
    expect(refusal('COUNT(cases, c => c.reportedAt == TODAY())').params.reason).toBe('valueType');
  });

  it('given % on row values, when planned, then it is refused (SQL remainders differ from the language\'s)', () => {
    expect(refusal('SUM(cases, c => c.deadlineHours % 7)').code).toBe('notInDatabase');
  });

  it('given an aggregate inside a condition, when planned, then nestedAggregate is refused', () => {
    const error = refusal('COUNT(cases, c => c.deadlineHours > AVG(cases, d => d.deadlineHours))');
    expect(error.code).toBe('notInDatabase');
    expect(error.params.reason).toBe('nestedAggregate');
  });

  it('given an unknown field, when planned, then the checker names it with its position', () => {
    const formula = 'COUNT(cases, c => c.colour == "red")';
    const error = refusal(formula);
    expect(error.code).toBe('unknownField');
    expect(formula.slice(error.start, error.end)).toContain('colour');
  });
});
