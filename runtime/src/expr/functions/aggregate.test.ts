import { describe, expect, it } from 'vitest';
import { Duration } from '../values.ts';
import { failure, run } from './test-support.ts';

const items = [
  { level: 1, amount: 10, grid: 'A' },
  { level: 3, amount: null, grid: 'B' },
  { level: 5, amount: 30, grid: 'A' },
];

describe('given the aggregate functions over lists', () => {
  it.each([
    ['COUNT(items)', 3],
    ['COUNT([1, null, 2])', 2],
    ['COUNT(items, i => i.level > 2)', 2],
    ['COUNT(items, i => i.amount > 5)', 2],
    ['SUM(items, i => i.amount)', 40],
    ['SUM([1, 2, null])', 3],
    ['SUM([])', null],
    ['AVG(items, i => i.amount)', 20],
    ['AVG([])', null],
    ['MAX(MAP(items, i => i.level))', 5],
    ['DISTINCT(items, i => i.grid)', ['A', 'B']],
    ['DISTINCT([1, 1, 2, null, null])', [1, 2, null]],
    ['COUNT_DISTINCT(items, i => i.grid)', 2],
    ['COUNT_DISTINCT([1, null, 1])', 1],
    ['MAP(items, i => i.level * 2)', [2, 6, 10]],
    ['LEN(FILTER(items, i => i.grid == "A"))', 2],
    ['ANY(items, i => i.level > 4)', true],
    ['ALL(items, i => i.level > 4)', false],
    ['ALL([], i => false)', true],
    ['COUNT(x)', null],
    ['items.COUNT(i => i.level >= 3)', 2],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source, { items })).toEqual(expected);
  });

  it('when lambdas are nested, then inner lambdas see outer parameters', () => {
    const groups = [{ limit: 2, values: [1, 2, 3] }, { limit: 0, values: [1] }];
    expect(run('MAP(groups, g => COUNT(g.values, v => v > g.limit))', { groups })).toEqual([1, 1]);
  });

  it('when a lambda parameter shadows a variable, then the parameter wins inside the lambda', () => {
    expect(run('SUM(MAP(xs, x => x * 2)) + x', { xs: [1, 2], x: 100 })).toBe(106);
  });

  it('when durations are summed and averaged, then the results are durations', () => {
    expect(run('SUM([1h, 30min])')).toEqual(new Duration(5_400_000));
    expect(run('AVG([1h, 3h])')).toEqual(new Duration(7_200_000));
  });

  it('when a predicate returns null for an item, then the item does not count', () => {
    expect(run('COUNT(xs, x => x > 1)', { xs: [null, 2, 3] })).toBe(2);
  });

  it('when a predicate returns a non-boolean at run time, then a runtimeType error is raised', () => {
    expect(failure('COUNT(xs, x => x.flag)', { xs: [{ flag: 'yes' }] })).toMatchObject({ code: 'runtimeType', params: { name: 'COUNT', index: 2 } });
  });

  it('when SUM meets text at run time, then a runtimeType error is raised', () => {
    expect(failure('SUM(xs)', { xs: [1, 'two'] }).code).toBe('runtimeType');
  });

  it('when SUM mixes numbers and durations at run time, then a runtimeType error is raised', () => {
    expect(failure('SUM(xs)', { xs: [1, 'PT1H'] }).code).toBe('runtimeType');
  });

  it('when the list argument is not a list at run time, then a runtimeType error is raised', () => {
    expect(failure('COUNT(xs)', { xs: 'abc' })).toMatchObject({ code: 'runtimeType', params: { expected: 'list' } });
  });
});
