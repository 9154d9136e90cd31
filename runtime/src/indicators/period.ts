/**
 * Indicator periods (统计周期) in Beijing time: a day, month, quarter or year named as users write
 * it (`2026-03-05`, `2026-03`, `2026-Q1`, `2026`), its instants, the one before (环比) and the same
 * one a year earlier (同比). China has no daylight saving: UTC+8 all year.
 */
export type PeriodKind = 'day' | 'month' | 'quarter' | 'year';

export interface Period {
  readonly kind: PeriodKind;
  /** As written: 2026-03-05, 2026-03, 2026-Q1, 2026. */
  readonly label: string;
  readonly start: Date;
  /** Exclusive. */
  readonly end: Date;
}

const OFFSET_MS = 8 * 3_600_000;
const PATTERNS: Record<PeriodKind, RegExp> = {
  day: /^(\d{4})-(\d{2})-(\d{2})$/,
  month: /^(\d{4})-(\d{2})$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};

/** Beijing midnight of the given calendar day as an instant. */
const beijing = (year: number, monthIndex: number, day: number) => new Date(Date.UTC(year, monthIndex, day) - OFFSET_MS);

/** The period named `label`, or undefined when the label is not one of its kind (or not a real date). */
export function parsePeriod(kind: PeriodKind, label: string): Period | undefined {
  const match = PATTERNS[kind].exec(label);
  if (!match) return undefined;
  const year = Number(match[1]);
  // Date.UTC reads years 0–99 as 1900–1999; no city reports indicators for antiquity anyway.
  if (year < 1900) return undefined;
  switch (kind) {
    case 'day': {
      const month = Number(match[2]) - 1;
      const day = Number(match[3]);
      if (month < 0 || month > 11 || day < 1) return undefined;
      const start = beijing(year, month, day);
      if (new Date(start.getTime() + OFFSET_MS).getUTCDate() !== day) return undefined;
      return { kind, label, start, end: beijing(year, month, day + 1) };
    }
    case 'month': {
      const month = Number(match[2]) - 1;
      if (month < 0 || month > 11) return undefined;
      return { kind, label, start: beijing(year, month, 1), end: beijing(year, month + 1, 1) };
    }
    case 'quarter': {
      const quarter = Number(match[2]) - 1;
      return { kind, label, start: beijing(year, quarter * 3, 1), end: beijing(year, quarter * 3 + 3, 1) };
    }
    case 'year':
      return { kind, label, start: beijing(year, 0, 1), end: beijing(year + 1, 0, 1) };
  }
}

/** The period of `kind` containing `instant`. */
export function periodContaining(kind: PeriodKind, instant: Date): Period {
  const local = new Date(instant.getTime() + OFFSET_MS);
  const [y, m, d] = [local.getUTCFullYear(), local.getUTCMonth() + 1, local.getUTCDate()];
  const pad = (n: number) => String(n).padStart(2, '0');
  const label = { day: `${y}-${pad(m)}-${pad(d)}`, month: `${y}-${pad(m)}`, quarter: `${y}-Q${Math.ceil(m / 3)}`, year: `${y}` }[kind];
  return parsePeriod(kind, label)!;
}

/** The period just before (环比). */
export function previousPeriod(period: Period): Period {
  return periodContaining(period.kind, new Date(period.start.getTime() - 1));
}

/** The same period a year earlier (同比). */
export function samePeriodLastYear(period: Period): Period {
  const local = new Date(period.start.getTime() + OFFSET_MS);
  local.setUTCFullYear(local.getUTCFullYear() - 1);
  return periodContaining(period.kind, new Date(local.getTime() - OFFSET_MS));
}
