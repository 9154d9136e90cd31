import { describe, expect, it } from 'vitest';
import { earnedPoints, indicatorContentSchema } from './definition.ts';

const base = { code: '6-1-2', name: '准确立案率', level: 3, parentCode: '6-1', collection: 'realtime', period: 'month', formula: 'a', basis: [{ key: 'a', name: 'a', source: 'query', formula: 'COUNT(cases)' }] };
const indicator = (extra: Record<string, unknown>) => indicatorContentSchema.parse({ ...base, ...extra });

describe('points an indicator earns (综合评价, 001 §4.1.4 评分方法)', () => {
  it('given a "≥ 95" target and a score of 2, when the value is 95, 100 or 47.5, then it earns 2, 2 and 1', () => {
    const content = indicator({ target: { operator: '>=', value: 95 }, score: 2 });
    expect([95, 100, 47.5].map((v) => earnedPoints(content, v))).toEqual([2, 2, 1]);
  });

  it('given a "≤ 3" target (延期率), when the value is 2, 4.5 or 9, then it earns the full score, half and nothing', () => {
    const content = indicator({ target: { operator: '<=', value: 3 }, score: 2 });
    expect([2, 4.5, 9].map((v) => earnedPoints(content, v))).toEqual([2, 1, 0]);
  });

  it('given no data, when scored, then it earns nothing; given no target, then the full score', () => {
    expect(earnedPoints(indicator({ target: { operator: '>=', value: 90 }, score: 5 }), null)).toBe(0);
    expect(earnedPoints(indicator({ score: 5 }), 12)).toBe(5);
  });

  it('given a scoring formula, when scored, then it decides, clamped to 0 … score', () => {
    const content = indicator({ target: { operator: '>=', value: 90 }, score: 5, scoringFormula: 'IF(value >= target, score, score - (target - value) * 0.5)' });
    expect([95, 88, 70].map((v) => earnedPoints(content, v))).toEqual([5, 4, 0]);
  });
});
