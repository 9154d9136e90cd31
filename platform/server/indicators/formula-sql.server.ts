/**
 * Runs formulas' plans (runtime/src/expr/sql/plan.ts) against the database: one SELECT per
 * dataset computing all of their aggregates — those of every formula computed together (an
 * indicator's basis items) — grouped by region when asked, then each residual formula per group
 * with the aggregates as variables. The row-level SQL nodes are rendered here, per dialect, with
 * every value bound as a parameter; identifiers come only from the dataset registry, never from
 * formula text.
 *
 * WHERE holds the city, the dataset's scope and the rows the aggregates' filters need
 * (runtime/src/expr/sql/pushdown.ts): the filters' shared conjuncts once, and the OR of what
 * remains of each — so an indicator over one facility type or one device type reads those rows
 * through an index, not every row of the city. In a filter only true counts (null and false
 * alike), so `==` with a non-null constant is rendered `=`: the database can use an index for
 * it, and a condition on a left-joined table turns the join into an inner one it may start from.
 */
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import { createEnvironment, DEFAULT_TIME_ZONE, Duration, parseDatetime, parseIsoDuration, type ExprValue, type Variables } from '@tongguan/runtime/expr/index';
import { planFormula, type FormulaPlan, type SqlAggregate, type SqlNode } from '@tongguan/runtime/expr/sql/plan';
import { rowScope, type ScopedNode } from '@tongguan/runtime/expr/sql/pushdown';
import type { EvaluationContext } from '@tongguan/runtime/expr/index';
import type { ExprType } from '@tongguan/runtime/expr/index';
import type { App } from '../app.server.ts';
import type { Db, Dialect } from '../db/database.server.ts';
import { datasetsOf, type Dataset, type RegionLevel } from './datasets.server.ts';

export interface FormulaInput {
  readonly variables?: Variables;
  readonly context?: EvaluationContext;
  /** Compute one value per region of this level instead of one for the whole city. */
  readonly groupBy?: RegionLevel;
}

export interface FormulaResult {
  /** The whole city's value, or (with groupBy) each region's; a region with no row any aggregate counts is absent (its value is the formula over no rows). */
  readonly values: ReadonlyMap<string | null, ExprValue>;
  /** What each aggregate came to, per region: the value's explanation. */
  readonly inputs: ReadonlyMap<string | null, Readonly<Record<string, ExprValue>>>;
}

const WHOLE_CITY = null;

/** Plans a formula over the app's datasets (throws a positioned ExprError when it cannot). */
export function planOver(app: App, source: string, options: { variables?: Parameters<typeof planFormula>[1]['environment'] } = {}): FormulaPlan {
  const datasets = datasetsOf(app);
  return planFormula(source, {
    datasets: Object.fromEntries(Object.entries(datasets).map(([name, d]) => [name, d.spec])),
    environment: options.variables ?? createEnvironment({ functions: app.functions }),
  });
}

/** Computes a planned formula for one city. `db` is the executor (a transaction's or the reader). */
export async function computePlan(app: App, tenantId: string, plan: FormulaPlan, input: FormulaInput = {}, db: Db = app.db.read): Promise<FormulaResult> {
  return (await computePlans(app, tenantId, [plan], input, db))[0]!;
}

/**
 * Computes several planned formulas for one city (an indicator's basis items): one statement per
 * dataset for all their aggregates, per region when grouped; the results in the order of `plans`.
 */
export async function computePlans(app: App, tenantId: string, plans: readonly FormulaPlan[], input: FormulaInput = {}, db: Db = app.db.read): Promise<FormulaResult[]> {
  const datasets = datasetsOf(app);
  const renderers = plans.map((plan) => new Renderer(app.db.dialect, plan.params.map((param) => param.evaluate(input.variables, input.context))));
  const perGroup = plans.map(() => new Map<string | null, Record<string, ExprValue>>());
  const byDataset = new Map<string, { plan: number; aggregate: SqlAggregate }[]>();
  plans.forEach((plan, p) => {
    for (const aggregate of plan.aggregates) byDataset.set(aggregate.dataset, [...(byDataset.get(aggregate.dataset) ?? []), { plan: p, aggregate }]);
  });
  for (const [name, entries] of byDataset) {
    const dataset = datasets[name]!;
    const groupColumn = input.groupBy ? dataset.regions[input.groupBy] : undefined;
    if (input.groupBy && !groupColumn) throw new Error(`dataset ${name} has no ${input.groupBy} region`);
    const rendererOf = (entry: number) => renderers[entries[entry]!.plan]!;
    const scope = rowScope(entries.map((e) => e.aggregate.filter), (entry, index) => valueKey(rendererOf(entry).value(index)));
    const fields: Record<string, SQL> = {};
    entries.forEach((entry, i) => { fields[`a${i}`] = rendererOf(i).aggregate(entry.aggregate, dataset, scope.filters[i]); });
    if (groupColumn) fields.region = sql`${groupColumn}`;
    const condition = ({ node, from }: ScopedNode) => rendererOf(from).condition(node, dataset);
    let from = db.select(fields).from(dataset.table).$dynamic();
    for (const join of dataset.joins ?? []) from = from.leftJoin(join.table, join.on);
    const query = from.where(and(
      eq(dataset.tenantColumn, tenantId), dataset.scope, ...scope.common.map(condition),
      scope.anyOf ? or(...scope.anyOf.map((all) => and(...all.map(condition)))) : undefined,
    ));
    // SQLite, without statistics, would rather read every facility of the city in district order
    // (entities_district_idx) than sort a type's few thousand: `+` keeps the grouping off indexes,
    // so the rows WHERE needs are read through theirs.
    const grouping = app.db.dialect === 'sqlite' ? sql`+${groupColumn}` : sql`${groupColumn}`;
    const rows = (groupColumn ? await query.groupBy(grouping) : await query) as Record<string, unknown>[];
    for (const row of rows) {
      const region = groupColumn ? (row.region as string | null) : WHOLE_CITY;
      entries.forEach(({ plan, aggregate }, i) => {
        const values = perGroup[plan]!.get(region) ?? {};
        values[aggregate.name] = decode(row[`a${i}`], aggregate);
        perGroup[plan]!.set(region, values);
      });
    }
  }
  return plans.map((plan, p) => resultOf(plan, perGroup[p]!, input));
}

function resultOf(plan: FormulaPlan, perGroup: Map<string | null, Record<string, ExprValue>>, input: FormulaInput): FormulaResult {
  if (!input.groupBy && !perGroup.has(WHOLE_CITY)) perGroup.set(WHOLE_CITY, {});
  const values = new Map<string | null, ExprValue>();
  const inputs = new Map<string | null, Record<string, ExprValue>>();
  for (const [region, aggregates] of perGroup) {
    // A region with rows in one dataset but none in another: that one's aggregates are over no rows.
    const complete: Record<string, ExprValue> = {};
    for (const aggregate of plan.aggregates) complete[aggregate.name] = aggregates[aggregate.name] ?? emptyAggregate(aggregate);
    values.set(region, plan.residual.evaluate(withAggregates(input.variables, complete), input.context));
    inputs.set(region, complete);
  }
  return { values, inputs };
}

/** A bound value as a key: equal keys, equal parameters (a conjunct several formulas share is tested once). */
function valueKey(value: ExprValue): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return `date:${value.getTime()}`;
  if (value instanceof Duration) return `duration:${value.millis}`;
  if (Array.isArray(value)) return `[${(value as ExprValue[]).map(valueKey).join(',')}]`;
  return `${typeof value}:${JSON.stringify(value)}`;
}

/** Plans and computes in one call. */
export async function computeFormula(app: App, tenantId: string, source: string, input: FormulaInput = {}, db: Db = app.db.read): Promise<FormulaResult> {
  return computePlan(app, tenantId, planOver(app, source), input, db);
}

function withAggregates(variables: Variables | undefined, aggregates: Record<string, ExprValue>): Variables {
  if (variables === undefined) return aggregates;
  if (typeof variables === 'function') return (name) => (Object.hasOwn(aggregates, name) ? aggregates[name] : variables(name));
  return { ...variables, ...aggregates };
}

/** An aggregate over no rows, as SQL gives it: 0 for counts, null otherwise. */
const emptyAggregate = (aggregate: SqlAggregate): ExprValue => (aggregate.fn === 'count' || aggregate.fn === 'countDistinct' ? 0 : null);

function decode(raw: unknown, aggregate: SqlAggregate): ExprValue {
  if (raw === null || raw === undefined) return emptyAggregate(aggregate);
  return decodeValue(raw, aggregate.type);
}

function decodeValue(raw: unknown, type: ExprType): ExprValue {
  switch (type.kind) {
    case 'datetime':
      return raw instanceof Date ? raw : new Date(typeof raw === 'number' ? raw : Number(raw) || String(raw));
    case 'duration':
      return new Duration(Number(raw));
    case 'boolean':
      return raw === true || raw === 1 || raw === '1' || raw === 't';
    case 'string':
      return String(raw);
    default:
      // PostgreSQL returns bigint and numeric as text.
      return typeof raw === 'number' ? raw : Number(raw);
  }
}

/** Renders row-level SQL nodes; every constant is a bound parameter. */
class Renderer {
  constructor(private readonly dialect: Dialect, private readonly params: readonly ExprValue[]) {}

  value(index: number): ExprValue {
    return this.params[index] ?? null;
  }

  private get pg(): boolean {
    return this.dialect === 'postgres';
  }

  /** The aggregate over the rows `filterNode` lets through (its filter less what WHERE already ensures). */
  aggregate(aggregate: SqlAggregate, dataset: Dataset, filterNode: SqlNode | undefined): SQL {
    const filter = filterNode ? this.condition(filterNode, dataset) : undefined;
    const value = aggregate.value ? this.node(aggregate.value, dataset) : undefined;
    const only = (expr: SQL) => (filter ? sql`CASE WHEN ${filter} THEN ${expr} END` : expr);
    switch (aggregate.fn) {
      case 'count':
        // COUNT(MAP(…)) counts the non-null values, as the language does.
        if (value) return sql`COUNT(${only(value)})`;
        return filter ? sql`COUNT(CASE WHEN ${filter} THEN 1 END)` : sql`COUNT(*)`;
      case 'countDistinct':
        return sql`COUNT(DISTINCT ${only(value!)})`;
      case 'sum':
        return this.pg ? sql`CAST(SUM(${only(value!)}) AS DOUBLE PRECISION)` : sql`SUM(${only(value!)})`;
      case 'avg':
        return sql`AVG(${this.float(only(value!))})`;
      case 'min':
        return sql`MIN(${this.collated(only(value!), aggregate.value!)})`;
      case 'max':
        return sql`MAX(${this.collated(only(value!), aggregate.value!)})`;
    }
  }

  private float(expr: SQL): SQL {
    return this.pg ? sql`CAST(${expr} AS DOUBLE PRECISION)` : sql`CAST(${expr} AS REAL)`;
  }

  /** Strings order by code point, as the language compares them (PostgreSQL's default collation does not). */
  private collated(expr: SQL, node: SqlNode): SQL {
    return this.pg && typeOfNode(node).kind === 'string' ? sql`(${expr}) COLLATE "C"` : expr;
  }

  /**
   * A filter (WHERE, CASE WHEN), where only true counts: equality with a non-null constant as
   * `=` and membership without its guard against a null item give the same rows as the
   * null-safe forms.
   */
  condition(node: SqlNode, dataset: Dataset): SQL {
    if (node.kind === 'binary' && (node.op === 'and' || node.op === 'or')) {
      return sql`(${this.condition(node.left, dataset)} ${sql.raw(node.op === 'and' ? 'AND' : 'OR')} ${this.condition(node.right, dataset)})`;
    }
    if (node.kind === 'binary' && node.op === 'eq') {
      const constant = [node.left, node.right].find((side) => side.kind === 'param');
      if (constant?.kind === 'param' && this.value(constant.index) !== null) return sql`(${this.node(node.left, dataset)} = ${this.node(node.right, dataset)})`;
    }
    if (node.kind === 'in') return this.membership(this.node(node.item, dataset), this.value(node.list), true);
    return this.node(node, dataset);
  }

  node(node: SqlNode, dataset: Dataset): SQL {
    switch (node.kind) {
      case 'field':
        return sql`${dataset.columns[node.field]!}`;
      case 'param':
        return this.param(this.params[node.index] ?? null, node.type);
      case 'not':
        return sql`(NOT ${this.node(node.operand, dataset)})`;
      case 'negate':
        return sql`(-${this.node(node.operand, dataset)})`;
      case 'case':
        return sql`(CASE WHEN ${this.node(node.test, dataset)} THEN ${this.node(node.then, dataset)} ELSE ${this.node(node.otherwise, dataset)} END)`;
      case 'in':
        return this.membership(this.node(node.item, dataset), this.params[node.list] ?? null);
      case 'binary':
        return this.binary(node, dataset);
    }
  }

  private binary(node: Extract<SqlNode, { kind: 'binary' }>, dataset: Dataset): SQL {
    const left = this.node(node.left, dataset);
    const right = this.node(node.right, dataset);
    const leftType = typeOfNode(node.left);
    const strings = leftType.kind === 'string' || typeOfNode(node.right).kind === 'string';
    const ordered = (operator: string) => (this.pg && strings
      ? sql`((${left}) COLLATE "C" ${sql.raw(operator)} (${right}) COLLATE "C")`
      : sql`(${left} ${sql.raw(operator)} ${right})`);
    switch (node.op) {
      case 'and': return sql`(${left} AND ${right})`;
      case 'or': return sql`(${left} OR ${right})`;
      case 'coalesce': return sql`COALESCE(${left}, ${right})`;
      case 'eq': return this.pg ? sql`(${left} IS NOT DISTINCT FROM ${right})` : sql`(${left} IS ${right})`;
      case 'ne': return this.pg ? sql`(${left} IS DISTINCT FROM ${right})` : sql`(${left} IS NOT ${right})`;
      case 'lt': return ordered('<');
      case 'le': return ordered('<=');
      case 'gt': return ordered('>');
      case 'ge': return ordered('>=');
      case 'add': return sql`(${left} + ${right})`;
      case 'mul': return sql`(${left} * ${right})`;
      // A zero divisor gives null ("no data"), as in the language.
      case 'div': return sql`(${this.float(left)} / NULLIF(${right}, 0))`;
      case 'mod': throw new Error('the planner refuses % in SQL');
      case 'sub':
        if (leftType.kind === 'datetime') {
          // datetime − datetime: a duration in milliseconds.
          return this.pg ? sql`(EXTRACT(EPOCH FROM (${left} - ${right})) * 1000)` : sql`(${left} - ${right})`;
        }
        return sql`(${left} - ${right})`;
    }
  }

  /** `item in list`, true or false; in a filter (`truthy`) null stands for false, so the guard against a null item is left out. */
  private membership(item: SQL, list: ExprValue, truthy = false): SQL {
    // A null list: membership is unknown, as in the language.
    if (list === null) return sql`NULL`;
    const items = Array.isArray(list) ? (list as ExprValue[]) : [];
    const values = items.filter((value) => value !== null);
    const withNull = values.length < items.length;
    const listed = sql.join(values.map((value) => this.param(value, undefined)), sql`, `);
    const inList = !values.length ? sql`(1 = 0)` : truthy ? sql`(${item} IN (${listed}))` : sql`(${item} IS NOT NULL AND ${item} IN (${listed}))`;
    return withNull ? sql`(${inList} OR ${item} IS NULL)` : inList;
  }

  /** A bound value, typed for PostgreSQL (which cannot infer `$1 - $2`) and encoded for SQLite. */
  private param(raw: ExprValue, type: ExprType | undefined): SQL {
    if (raw === null) return sql`NULL`;
    // Quoted ISO text standing for a date-time or a duration (the planner typed it so).
    const value = typeof raw === 'string' && type?.kind === 'datetime' ? parseDatetime(raw, DEFAULT_TIME_ZONE) ?? raw
      : typeof raw === 'string' && type?.kind === 'duration' ? parseIsoDuration(raw) ?? raw : raw;
    if (typeof value === 'string' && (type?.kind === 'datetime' || type?.kind === 'duration')) throw new Error(`"${value}" is not a ${type.kind}`);
    if (value instanceof Date) return this.pg ? sql`CAST(${value.toISOString()} AS TIMESTAMPTZ)` : sql`${value.getTime()}`;
    if (value instanceof Duration) return this.pg ? sql`CAST(${value.millis} AS DOUBLE PRECISION)` : sql`${value.millis}`;
    if (typeof value === 'boolean') return this.pg ? sql`CAST(${value} AS BOOLEAN)` : sql`${value ? 1 : 0}`;
    if (typeof value === 'number') return this.pg ? sql`CAST(${value} AS DOUBLE PRECISION)` : sql`${value}`;
    if (typeof value === 'string') return this.pg ? sql`CAST(${value} AS TEXT)` : sql`${value}`;
    throw new Error(`a ${type?.kind ?? typeof value} value cannot be a SQL parameter`);
  }
}

function typeOfNode(node: SqlNode): ExprType {
  switch (node.kind) {
    case 'field': case 'param': case 'binary': return node.type;
    case 'negate': return typeOfNode(node.operand);
    case 'case': return typeOfNode(node.then);
    default: return { kind: 'boolean' } as ExprType;
  }
}
