import { describe, expect, it } from 'vitest';
import { expandRule } from './case-number.server.ts';

describe('case number rule', () => {
  it('given {yyyyMMdd}{seq:4}, when expanded for a Beijing-time day, then the day is the period and the sequence is padded', () => {
    // 2026-11-21T17:30Z is already 22 November in Asia/Shanghai.
    const rule = expandRule('{yyyyMMdd}{seq:4}', new Date('2026-11-21T17:30:00Z'));
    expect(rule.period).toBe('20261122');
    expect(rule.format(7)).toBe('202611220007');
  });

  it('given literals and a monthly counter, when expanded, then literals stay and the period is the month', () => {
    const rule = expandRule('JN-{yyyyMM}-{seq:6}', new Date('2026-03-02T02:00:00Z'));
    expect(rule.period).toBe('202603');
    expect(rule.format(123)).toBe('JN-202603-000123');
  });

  it('given no date token, when expanded, then one counter runs forever', () => {
    expect(expandRule('C{seq:5}', new Date()).period).toBe('all');
  });
});
