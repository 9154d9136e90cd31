import { describe, expect, it } from 'vitest';
import { overdueSpan, spanText } from './overdue.ts';

const t = (key: string, params?: Record<string, unknown>) => {
  const name = key.split('.').pop() ?? key;
  if (name === 'pair') return `${String(params?.a)}+${String(params?.b)}`;
  return params ? `${name}:${String(params.n)}` : name;
};

describe('overdue time of a task', () => {
  it('given no due time, then the task is never overdue', () => {
    expect(overdueSpan(null, '2026-11-22T06:30:00Z')).toBeNull();
  });

  it('given a due time still ahead or exactly now, then the task is not overdue', () => {
    expect(overdueSpan('2026-11-22T06:30:00Z', '2026-11-22T06:00:00Z')).toBeNull();
    expect(overdueSpan('2026-11-22T06:30:00Z', '2026-11-22T06:30:00Z')).toBeNull();
  });

  it('given a due time passed by 2 days, 3 hours and 5 minutes, then the span has those units', () => {
    expect(overdueSpan('2026-11-20T03:25:00Z', '2026-11-22T06:30:00Z')).toEqual({ days: 2, hours: 3, minutes: 5 });
  });

  it('given due times with offsets, then the span compares instants, not wall clocks', () => {
    expect(overdueSpan('2026-11-22T14:00:00+08:00', '2026-11-22T06:45:00Z')).toEqual({ days: 0, hours: 0, minutes: 45 });
  });

  it('given a span, when written out, then the two largest non-zero units are named', () => {
    expect(spanText(t, { days: 2, hours: 0, minutes: 5 })).toBe('days:2+minutes:5');
    expect(spanText(t, { days: 1, hours: 3, minutes: 5 })).toBe('days:1+hours:3');
    expect(spanText(t, { days: 0, hours: 4, minutes: 0 })).toBe('hours:4');
  });

  it('given less than a minute late, when written out, then it says under a minute', () => {
    expect(spanText(t, { days: 0, hours: 0, minutes: 0 })).toBe('underMinute');
  });
});
