/**
 * A card's trend (趋势) as a small line: one point per period, a gap where a period has no data,
 * the last point marked. Plain SVG, so a dashboard of fifty cards stays light on a phone; the
 * periods and values are in the title for screen readers and on hover.
 */
import { formatIndicatorNumber } from './indicator-value.tsx';

interface Props {
  points: readonly { period: string; value: number | null }[];
  unit?: string | null;
  width?: number;
  height?: number;
  testId?: string;
}

export function Sparkline({ points, unit, width = 120, height = 28, testId }: Props) {
  const numbers = points.map((p) => p.value).filter((v): v is number => v !== null);
  const title = points.map((p) => `${p.period} ${p.value === null ? '—' : `${formatIndicatorNumber(p.value)}${unit ?? ''}`}`).join('；');
  if (!numbers.length) return null;
  const min = Math.min(...numbers);
  const max = Math.max(...numbers);
  const pad = 3;
  const x = (i: number) => pad + (points.length === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (points.length - 1));
  const y = (v: number) => (max === min ? height / 2 : pad + ((max - v) * (height - 2 * pad)) / (max - min));
  // Runs of consecutive periods with data become one line each.
  const runs: string[] = [];
  let run: string[] = [];
  points.forEach((p, i) => {
    if (p.value === null) {
      if (run.length) runs.push(run.join(' '));
      run = [];
    } else run.push(`${x(i).toFixed(1)},${y(p.value).toFixed(1)}`);
  });
  if (run.length) runs.push(run.join(' '));
  const lastIndex = points.map((p) => p.value !== null).lastIndexOf(true);
  const last = points[lastIndex]!;
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title} data-testid={testId} data-points={numbers.length}>
      <title>{title}</title>
      {runs.map((line) => <polyline key={line} points={line} fill="none" stroke="#1677ff" strokeWidth={1.5} />)}
      <circle cx={x(lastIndex)} cy={y(last.value as number)} r={2.5} fill="#1677ff" />
    </svg>
  );
}
