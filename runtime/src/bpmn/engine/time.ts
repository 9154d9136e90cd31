/**
 * ISO 8601 durations, instants and repeating intervals for timers and due dates.
 *
 * Calendar parts (years, months) are added in UTC; days and weeks are exact 24-hour multiples,
 * which is the same as local calendar days in zones without daylight saving time (China).
 */

const DURATION_PATTERN =
  /^(-)?P(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/** Date with optional time; a time without offset is read as UTC (authors should give an offset). */
const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export function isIsoDuration(text: string): boolean {
  return DURATION_PATTERN.test(text) && text !== 'P' && !text.endsWith('T');
}

export function isIsoDateTime(text: string): boolean {
  return DATE_TIME_PATTERN.test(text);
}

/** `from` + an ISO 8601 duration, or undefined when the text is not a duration. */
export function addIsoDuration(from: Date, text: string): Date | undefined {
  if (!isIsoDuration(text)) return undefined;
  const match = DURATION_PATTERN.exec(text)!;
  const sign = match[1] === '-' ? -1 : 1;
  const part = (index: number): number => Number((match[index] ?? '0').replace(',', '.'));
  const result = new Date(from.getTime());
  const years = part(2);
  const months = part(3);
  if (years !== 0 || months !== 0) {
    result.setUTCMonth(result.getUTCMonth() + sign * Math.round(years * 12 + months));
  }
  const millis = part(4) * 7 * DAY + part(5) * DAY + part(6) * HOUR + part(7) * 60_000 + part(8) * 1000;
  return new Date(result.getTime() + sign * millis);
}

/** An instant from ISO text, or undefined. */
export function parseInstant(text: string): Date | undefined {
  if (!isIsoDateTime(text)) return undefined;
  const normalised = text.length === 10 ? `${text}T00:00:00Z` : text.replace(' ', 'T');
  const withZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(normalised) ? normalised : `${normalised}Z`;
  const date = new Date(withZone);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

export interface RepeatingInterval {
  /** Number of occurrences; null = unbounded (`R/…`). */
  readonly repetitions: number | null;
  readonly start?: Date;
  readonly duration: string;
}

/** `R[n]/[start/]duration` (ISO 8601-2 repeating interval), or undefined. */
export function parseRepeatingInterval(text: string): RepeatingInterval | undefined {
  const parts = text.split('/');
  const head = parts[0] ?? '';
  if (!/^R\d*$/.test(head) || parts.length < 2 || parts.length > 3) return undefined;
  const repetitions = head.length === 1 ? null : Number(head.slice(1));
  if (parts.length === 2) {
    return isIsoDuration(parts[1]!) ? { repetitions, duration: parts[1]! } : undefined;
  }
  const start = parseInstant(parts[1]!);
  if (start === undefined || !isIsoDuration(parts[2]!)) return undefined;
  return { repetitions, start, duration: parts[2]! };
}
