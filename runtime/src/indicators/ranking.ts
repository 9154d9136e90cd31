/**
 * 排名: regions ordered best first by an indicator's value. Which way is better comes from the
 * indicator — a `<=` target (延期率, 返工率, 挂账率: lower is better) or, without a target, a
 * `good` band bounded only above — else higher is better. Regions without a value (no data) come
 * last and get no rank; equal values share a rank (1, 2, 2, 4).
 */
import type { IndicatorContent } from './definition.ts';

/** What decides the direction; null like absent (the API's summaries say null). */
export interface RankingBasis {
  target?: IndicatorContent['target'] | null;
  bands?: IndicatorContent['bands'] | null;
}

export function lowerIsBetter(content: RankingBasis): boolean {
  if (content.target) return content.target.operator === '<=';
  const good = content.bands?.find((band) => band.status === 'good');
  return Boolean(good && good.max !== undefined && good.min === undefined);
}

export function rankRegions<V extends { value: number | null }>(values: readonly V[], content: RankingBasis): (V & { rank: number | null })[] {
  const sign = lowerIsBetter(content) ? 1 : -1;
  const withValue = values.filter((v): v is V & { value: number } => v.value !== null && Number.isFinite(v.value))
    .sort((a, b) => sign * (a.value - b.value));
  const out: (V & { rank: number | null })[] = [];
  withValue.forEach((v, i) => {
    const rank = i > 0 && v.value === withValue[i - 1]!.value ? (out[i - 1]!.rank as number) : i + 1;
    out.push({ ...v, rank });
  });
  for (const v of values) if (v.value === null || !Number.isFinite(v.value)) out.push({ ...v, rank: null });
  return out;
}
