import { describe, expect, it } from 'vitest';
import { indicatorStatus } from './status.ts';

const bands = [{ status: 'good' as const, min: 90 }, { status: 'fair' as const, min: 80, max: 90 }, { status: 'poor' as const, max: 80 }];

describe('indicatorStatus', () => {
  it('given bands, when a value falls on a boundary, then min is inclusive and max exclusive (docs/indicators.md §1)', () => {
    expect(indicatorStatus({ bands }, 95)).toBe('good');
    expect(indicatorStatus({ bands }, 90)).toBe('good');
    expect(indicatorStatus({ bands }, 89.99)).toBe('fair');
    expect(indicatorStatus({ bands }, 80)).toBe('fair');
    expect(indicatorStatus({ bands }, 79)).toBe('poor');
  });

  it('given bands that leave a gap, when the value falls in it, then there is no status', () => {
    expect(indicatorStatus({ bands: [{ status: 'good', min: 90 }, { status: 'poor', max: 50 }] }, 70)).toBeNull();
  });

  it('given only a target, when met or missed, then good or poor in either direction', () => {
    expect(indicatorStatus({ target: { operator: '>=', value: 95 } }, 96)).toBe('good');
    expect(indicatorStatus({ target: { operator: '>=', value: 95 } }, 94)).toBe('poor');
    expect(indicatorStatus({ target: { operator: '<=', value: 3 } }, 2)).toBe('good');
    expect(indicatorStatus({ target: { operator: '<=', value: 3 } }, 4)).toBe('poor');
  });

  it('given no value, or neither bands nor target, then no status', () => {
    expect(indicatorStatus({ bands }, null)).toBeNull();
    expect(indicatorStatus({ target: { operator: '>=', value: 1 } }, Number.NaN)).toBeNull();
    expect(indicatorStatus({}, 50)).toBeNull();
  });
});
