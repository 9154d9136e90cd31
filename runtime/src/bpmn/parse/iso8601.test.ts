import { describe, expect, it } from 'vitest';
import { isIso8601Timer, looksLikeIso8601 } from './iso8601.ts';

describe('ISO 8601 timer text (BPMN 2.0 §10.5.4 timer event definition)', () => {
  it.each(['PT5M', 'P2D', 'P1Y2M10DT2H30M', 'PT0.5S', 'P3W'])('accepts the duration %s', (text) => {
    expect(isIso8601Timer('duration', text)).toBe(true);
  });

  it.each(['P', 'PT', 'PT5X', '5M', 'P1DT'])('rejects the duration %s', (text) => {
    expect(isIso8601Timer('duration', text)).toBe(false);
  });

  it.each(['2025-03-01T09:00', '2025-03-01T09:00:00Z', '2025-03-01T09:00:00.250+08:00'])('accepts the date-time %s', (text) => {
    expect(isIso8601Timer('date', text)).toBe(true);
  });

  it.each(['2025-02-30T09:00', '2025-03-01', '2025-03-01T24:00', 'tomorrow'])('rejects the date-time %s', (text) => {
    expect(isIso8601Timer('date', text)).toBe(false);
  });

  it.each(['R/PT1H', 'R3/PT10M', 'R2/2025-03-01T09:00:00Z/P1D'])('accepts the cycle %s', (text) => {
    expect(isIso8601Timer('cycle', text)).toBe(true);
  });

  it.each(['PT1H', 'R3', 'R3/', 'R/P1D/2025-12-31T00:00Z', '0 0 9 * * ?'])('rejects the cycle %s', (text) => {
    expect(isIso8601Timer('cycle', text)).toBe(false);
  });

  it('treats P…, R…/ and date-like text as meant to be ISO 8601, and names as expressions', () => {
    expect([looksLikeIso8601('PT5X'), looksLikeIso8601('R2/x'), looksLikeIso8601('2025-13'), looksLikeIso8601('deadline'), looksLikeIso8601('Priority')]).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});
