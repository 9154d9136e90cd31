import { describe, expect, it } from 'vitest';
import { createEnvironment } from '../environment.ts';
import { t } from '../types.ts';
import { planFormula, type DatasetSpec, type SqlNode } from './plan.ts';
import { keyOf, rowScope } from './pushdown.ts';

const daily: DatasetSpec = { fields: { deviceType: { type: t.string }, metric: { type: t.string }, day: { type: t.datetime }, max: { type: t.number } } };
const environment = createEnvironment({ variables: { since: t.datetime } });
const since = new Date('2026-03-01T00:00:00+08:00');

/** The filters of several formulas, each with its own parameters (evaluated as the platform would). */
function filtersOf(...formulas: string[]) {
  const plans = formulas.map((source) => planFormula(source, { datasets: { daily }, environment }));
  const entries = plans.flatMap((plan) => plan.aggregates.map((aggregate) => ({ filter: aggregate.filter, params: plan.params.map((p) => p.evaluate({ since })) })));
  const paramKey = (from: number, index: number) => JSON.stringify(entries[from]!.params[index] ?? null);
  const render = (node: SqlNode, from: number) => keyOf(node, from, paramKey);
  return { filters: entries.map((e) => e.filter), paramKey, render };
}

describe('the rows a statement of several aggregates needs', () => {
  it('given filters sharing conjuncts, when scoped, then the shared ones are tested once for all and taken out of each filter', () => {
    const { filters, paramKey, render } = filtersOf(
      'MAX(MAP(FILTER(daily, r => r.deviceType == "tunnel" && r.day >= since && r.metric == "settlement"), r => r.max))',
      'COUNT(daily, r => r.deviceType == "tunnel" && r.day >= since && r.metric == "humidity")',
    );
    const scope = rowScope(filters, paramKey);
    expect(scope.common.map((c) => render(c.node, c.from))).toEqual([expect.stringContaining('f:deviceType'), expect.stringContaining('f:day')]);
    expect(scope.filters.map((f, i) => render(f!, i))).toEqual([expect.stringContaining('"settlement"'), expect.stringContaining('"humidity"')]);
    expect(scope.anyOf).toHaveLength(2);
  });

  it('given a disjunct that implies another, when scoped, then only the weaker one is kept (and a repeated one once)', () => {
    const { filters, paramKey, render } = filtersOf(
      'COUNT(daily, r => r.metric == "ph" && r.max <= 9)',
      'COUNT(daily, r => r.metric == "ph")',
      'MAX(MAP(FILTER(daily, r => r.metric == "ph"), r => r.max))',
    );
    const scope = rowScope(filters, paramKey);
    expect(scope.common.map((c) => render(c.node, c.from))).toEqual([expect.stringContaining('"ph"')]);
    // Nothing remains of the second and third filters: every row passing the shared part counts for them.
    expect(scope.anyOf).toBeUndefined();
    expect(scope.filters.map((f, i) => (f ? render(f, i) : undefined))).toEqual([expect.stringContaining('le:boolean'), undefined, undefined]);
  });

  it('given a filter that is itself an OR, when scoped, then its parts are disjuncts beside the others\' and the implied ones drop out', () => {
    const { filters, paramKey, render } = filtersOf(
      'COUNT(daily, r => (r.metric == "nh3" && r.max < 5) || (r.metric == "h2s" && r.max < 1))',
      'COUNT(daily, r => r.metric == "nh3")',
      'COUNT(daily, r => r.metric == "h2s")',
    );
    const scope = rowScope(filters, paramKey);
    expect(scope.common).toEqual([]);
    expect(scope.anyOf!.map((all) => all.map((c) => render(c.node, c.from)))).toEqual([[expect.stringContaining('"nh3"')], [expect.stringContaining('"h2s"')]]);
  });

  it('given an aggregate without a filter, when scoped, then every row counts and nothing is pushed down', () => {
    const { filters, paramKey } = filtersOf('COUNT(daily)', 'COUNT(daily, r => r.metric == "ph")');
    const scope = rowScope(filters, paramKey);
    expect(scope).toEqual({ common: [], filters });
  });

  it('given the same constant in two formulas (each its own parameter) and different constants at the same index, when scoped, then they are compared by value', () => {
    const { filters, paramKey, render } = filtersOf('COUNT(daily, r => r.day >= since && r.metric == "a")', 'COUNT(daily, r => r.day >= since && r.metric == "b")');
    const scope = rowScope(filters, paramKey);
    expect(scope.common.map((c) => render(c.node, c.from))).toEqual([expect.stringContaining('f:day')]);
    expect(scope.anyOf).toHaveLength(2);
  });
});
