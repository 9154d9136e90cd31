import { describe, expect, it } from 'vitest';
import { createEnvironment } from '../environment.ts';
import { ExprError } from '../errors.ts';
import { t } from '../types.ts';
import { planFormula, type DatasetSpec } from './plan.ts';

const devices: DatasetSpec = { fields: { lastSeen: { type: t.datetime }, connected: { type: t.boolean }, kind: { type: t.string }, level: { type: t.number } } };
const plan = (source: string, variables: Record<string, ReturnType<typeof t.list> | typeof t.number | typeof t.datetime> = {}) =>
  planFormula(source, { datasets: { devices }, environment: createEnvironment({ variables }) });

describe('planning a formula over datasets', () => {
  it('given 2-2-2 在线监测率 (000 table 5.2.4), when planned, then two aggregates go to SQL and the ratio stays in the residual', () => {
    const formula = plan('PERCENT(COUNT(devices, d => d.connected && d.lastSeen > NOW() - 72h), COUNT(devices, d => d.connected))');
    expect(formula.aggregates.map((a) => [a.dataset, a.fn])).toEqual([['devices', 'count'], ['devices', 'count']]);
    // NOW() - 72h reads no row: one parameter, evaluated before the query.
    expect(formula.params).toHaveLength(1);
    const now = new Date('2026-03-02T00:00:00Z');
    expect(formula.params[0]!.evaluate({}, { now: () => now })).toEqual(new Date(now.getTime() - 72 * 3_600_000));
    expect(formula.residual.evaluate({ __aggregate0: 3, __aggregate1: 4 })).toBe(75);
    expect(formula.residual.evaluate({ __aggregate0: 0, __aggregate1: 0 })).toBeNull();
  });

  it('given row fields inside the predicate, when planned, then they become field nodes of the dataset', () => {
    const [aggregate] = plan('COUNT(devices, d => d.level >= limit)', { limit: t.number }).aggregates;
    expect(aggregate!.filter).toMatchObject({ kind: 'binary', op: 'ge', left: { kind: 'field', field: 'level' }, right: { kind: 'param', index: 0 } });
  });

  it('given FILTER then MAP, when planned, then the filter and the selector both reach the aggregate', () => {
    const [aggregate] = plan('MAX(MAP(FILTER(devices, d => d.kind == "gas"), d => d.level))').aggregates;
    expect(aggregate).toMatchObject({ fn: 'max', filter: { kind: 'binary', op: 'eq' }, value: { kind: 'field', field: 'level' } });
  });

  it('given a formula with no dataset, when planned, then nothing goes to SQL and it evaluates as usual', () => {
    const formula = plan('ROUND(x * 2, 1)', { x: t.number });
    expect(formula.aggregates).toEqual([]);
    expect(formula.residual.evaluate({ x: 1.26 })).toBe(2.5);
  });

  it.each([
    ['LEN(DISTINCT(devices))', 'datasetOutsideAggregate'],
    ['COUNT(devices, d => LEN(d.kind) > 2)', 'notInDatabase'],
    ['SUM(devices, d => d.level % 2)', 'notInDatabase'],
    ['COUNT(devices, d => d == null)', 'notInDatabase'],
    ['COUNT(devices, d => d.colour == "red")', 'unknownField'],
  ])('given %s, when planned, then it is refused with %s', (source, code) => {
    expect(() => plan(source)).toThrow(ExprError);
    try {
      plan(source);
    } catch (error) {
      expect((error as ExprError).code).toBe(code);
    }
  });
});
