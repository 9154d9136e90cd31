/** District ranking (issue 4 item 7): best first in the indicator's own direction, no data last, ties share a rank. */
import { describe, expect, it } from 'vitest';
import { lowerIsBetter, rankRegions } from './ranking.ts';

const regions = [
  { id: 'a', value: 92 }, { id: 'b', value: null }, { id: 'c', value: 98.5 }, { id: 'd', value: 92 }, { id: 'e', value: 70 },
];

describe('rankRegions', () => {
  it('given a ≥ target (e.g. 结案率), then the highest value ranks first, ties share a rank and no data comes last unranked', () => {
    expect(rankRegions(regions, { target: { operator: '>=', value: 90 } }).map((r) => [r.id, r.rank])).toEqual([['c', 1], ['a', 2], ['d', 2], ['e', 4], ['b', null]]);
  });

  it('given a ≤ target (e.g. 6-1-8 延期率), then the lowest value ranks first', () => {
    expect(rankRegions(regions, { target: { operator: '<=', value: 5 } }).map((r) => [r.id, r.rank])).toEqual([['e', 1], ['a', 2], ['d', 2], ['c', 4], ['b', null]]);
  });

  it('given no target, then bands decide: a good band bounded only above means lower is better; otherwise, and with neither, higher is better', () => {
    expect(lowerIsBetter({ bands: [{ status: 'good', max: 5 }, { status: 'poor', min: 5 }] })).toBe(true);
    expect(lowerIsBetter({ bands: [{ status: 'good', min: 90 }, { status: 'poor', max: 90 }] })).toBe(false);
    expect(lowerIsBetter({})).toBe(false);
  });
});
