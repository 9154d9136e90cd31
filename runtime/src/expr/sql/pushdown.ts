/**
 * Which rows a statement computing several aggregates over one dataset needs (docs/expressions.md
 * §10): a row that passes no aggregate's filter changes none of them — COUNT(CASE WHEN …) skips
 * it, SUM/AVG/MIN/MAX ignore the null it gives — so the statement may leave it out in WHERE,
 * where the database can use an index instead of reading every row of the city.
 *
 * The filters' top-level conjuncts that all of them share go to WHERE once and are taken out of
 * each filter (every row that reaches an aggregate satisfies them); what remains of each filter
 * is OR-ed into WHERE too, without repeats and without a disjunct that implies another (its
 * conjuncts include all of the other's), so `metric == "ph" && max <= 9` leaves only
 * `metric == "ph"` beside it. When one aggregate has no filter, or nothing remains of one, every
 * row (or every row passing the shared part) counts and no disjunction is added.
 *
 * Conjuncts are compared by their shape and their parameters' values: `keyOf` is given each
 * parameter's key (its value as the platform will bind it), since filters of several formulas
 * each number their own parameters. Pure: no SQL text here.
 */
import { t } from '../types.ts';
import type { SqlNode } from './plan.ts';

/** A node of the filter of input `from` (whose parameters it refers to). */
export interface ScopedNode {
  readonly node: SqlNode;
  readonly from: number;
}

export interface RowScope {
  /** Conjuncts true for every row any aggregate counts. */
  readonly common: readonly ScopedNode[];
  /** Beyond `common`, a row counts for some aggregate only if one of these conjunctions holds; absent: every row passing `common` may count. */
  readonly anyOf?: readonly (readonly ScopedNode[])[];
  /** Each input's filter without the common conjuncts; undefined where every row passing WHERE counts. */
  readonly filters: readonly (SqlNode | undefined)[];
}

/** A parameter's key: the value it is bound to, typed (e.g. `datetime:1774972800000`). */
export type ParamKey = (from: number, index: number) => string;

/** Splits filters into what all share, what each needs beyond that, and the rows any of them needs. */
export function rowScope(filters: readonly (SqlNode | undefined)[], paramKey: ParamKey): RowScope {
  if (!filters.length || filters.some((filter) => filter === undefined)) return { common: [], filters };
  const conjuncts = filters.map((filter, from) => unique(flatten(filter!, 'and').map((node) => ({ node, from, key: keyOf(node, from, paramKey) }))));
  const shared = conjuncts.slice(1).reduce((keys, list) => new Set(list.map((c) => c.key).filter((key) => keys.has(key))), new Set(conjuncts[0]!.map((c) => c.key)));
  const common = conjuncts[0]!.filter((c) => shared.has(c.key)).map(({ node, from }) => ({ node, from }));
  const rest = conjuncts.map((list) => list.filter((c) => !shared.has(c.key)));
  const remaining = rest.map((list) => (list.length ? list.map((c) => c.node).reduce((left, right) => ({ kind: 'binary', op: 'and', left, right, type: t.boolean })) : undefined));
  if (rest.some((list) => !list.length)) return { common, filters: remaining };
  // (a OR b) as a disjunct is a and b as disjuncts of their own.
  const disjuncts = rest.flatMap((list) => (list.length === 1 && isOp(list[0]!.node, 'or')
    ? flatten(list[0]!.node, 'or').map((node) => unique(flatten(node, 'and').map((n) => ({ node: n, from: list[0]!.from, key: keyOf(n, list[0]!.from, paramKey) }))))
    : [list]));
  const sets = disjuncts.map((list) => new Set(list.map((c) => c.key)));
  const kept = disjuncts.filter((_, i) => !sets.some((other, j) => j !== i && isSubset(other, sets[i]!) && (other.size < sets[i]!.size || j < i)));
  return { common, anyOf: kept.map((list) => list.map(({ node, from }) => ({ node, from }))), filters: remaining };
}

const isOp = (node: SqlNode, op: 'and' | 'or'): node is Extract<SqlNode, { kind: 'binary' }> => node.kind === 'binary' && node.op === op;

function flatten(node: SqlNode, op: 'and' | 'or'): SqlNode[] {
  return isOp(node, op) ? [...flatten(node.left, op), ...flatten(node.right, op)] : [node];
}

function unique<T extends { key: string }>(items: readonly T[]): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(item.key) && seen.add(item.key));
}

const isSubset = (small: ReadonlySet<string>, big: ReadonlySet<string>) => [...small].every((key) => big.has(key));

/** A node's shape with its parameters' keys: equal keys, equal SQL and bound values. */
export function keyOf(node: SqlNode, from: number, paramKey: ParamKey): string {
  switch (node.kind) {
    case 'field': return `f:${node.field}`;
    case 'param': return `p:${node.type.kind}:${paramKey(from, node.index)}`;
    case 'not': return `not(${keyOf(node.operand, from, paramKey)})`;
    case 'negate': return `neg(${keyOf(node.operand, from, paramKey)})`;
    case 'in': return `in(${keyOf(node.item, from, paramKey)},${paramKey(from, node.list)})`;
    case 'case': return `case(${keyOf(node.test, from, paramKey)},${keyOf(node.then, from, paramKey)},${keyOf(node.otherwise, from, paramKey)})`;
    case 'binary': return `${node.op}:${node.type.kind}(${keyOf(node.left, from, paramKey)},${keyOf(node.right, from, paramKey)})`;
  }
}
