import { describe, expect, it } from 'vitest';
import { parsePeriod, periodContaining, previousPeriod, samePeriodLastYear } from './period.ts';

describe('indicator periods in Beijing time', () => {
  it('given a month, when parsed, then it runs from Beijing midnight of the 1st to that of the next month', () => {
    const march = parsePeriod('month', '2026-03')!;
    expect(march.start.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(march.end.toISOString()).toBe('2026-03-31T16:00:00.000Z');
  });

  it('given a quarter, a day and a year, when parsed, then each has its bounds', () => {
    expect(parsePeriod('quarter', '2026-Q4')!.end.toISOString()).toBe('2026-12-31T16:00:00.000Z');
    expect(parsePeriod('day', '2026-02-28')!.end.toISOString()).toBe('2026-02-28T16:00:00.000Z');
    expect(parsePeriod('year', '2026')!.start.toISOString()).toBe('2025-12-31T16:00:00.000Z');
  });

  it.each([['day', '2026-02-30'], ['day', '2026-00-05'], ['day', '2026-01-00'], ['month', '2026-13'], ['month', '2026-00'], ['quarter', '2026-Q5'], ['month', '2026-3'], ['year', '26'], ['year', '0026']] as const)(
    'given %s %s, when parsed, then it is not a period', (kind, label) => {
      expect(parsePeriod(kind, label)).toBeUndefined();
    });

  it('given an instant late on 31 March UTC, when its month is asked, then it is April in Beijing', () => {
    expect(periodContaining('month', new Date('2026-03-31T17:00:00Z')).label).toBe('2026-04');
  });

  it('given January 2026, when the periods before and a year before are asked, then they are 2025-12 and 2025-01 (环比, 同比)', () => {
    const january = parsePeriod('month', '2026-01')!;
    expect(previousPeriod(january).label).toBe('2025-12');
    expect(samePeriodLastYear(january).label).toBe('2025-01');
    expect(previousPeriod(parsePeriod('quarter', '2026-Q1')!).label).toBe('2025-Q4');
  });
});
