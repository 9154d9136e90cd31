/**
 * An indicator value's status colour on the dashboard (状态: 良好 / 一般 / 较差). With `bands`
 * the first band that holds decides — `min` inclusive, `max` exclusive, so bands
 * `[{good, min 90}, {fair, min 80, max 90}, {poor, max 80}]` put 90 in good and 80 in fair. Without
 * bands the target decides: met is good, missed is poor. No value (no data), or neither bands nor
 * target: no status — never a made-up colour.
 */
import type { IndicatorContent } from './definition.ts';

export type IndicatorStatus = 'good' | 'fair' | 'poor';

export function indicatorStatus(content: Pick<IndicatorContent, 'bands' | 'target'>, value: number | null): IndicatorStatus | null {
  if (value === null || !Number.isFinite(value)) return null;
  if (content.bands?.length) {
    const band = content.bands.find((b) => (b.min === undefined || value >= b.min) && (b.max === undefined || value < b.max));
    return band?.status ?? null;
  }
  if (content.target) return (content.target.operator === '>=' ? value >= content.target.value : value <= content.target.value) ? 'good' : 'poor';
  return null;
}
