/**
 * Date and time helpers in an IANA time zone (default Asia/Shanghai: Chinese users' day boundaries).
 * Wall-clock parts come from `Intl.DateTimeFormat`; no offset is hard-coded, so the host's own zone
 * never matters. ISO text without an offset is read as wall-clock time in the evaluation zone.
 */
import { Duration, PlainDate } from './values.ts';

export const DEFAULT_TIME_ZONE = 'Asia/Shanghai';
const MS_PER_DAY = 86_400_000;

export interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
  /** 1 = Monday … 7 = Sunday (ISO 8601). */
  readonly weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** Days since 1970-01-01 of a proleptic Gregorian date, or undefined when it does not exist. */
export function epochDayOf(year: number, month: number, day: number): number | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1) return undefined;
  const probe = new Date(0);
  probe.setUTCFullYear(year, month - 1, day);
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined;
  return Math.round(probe.getTime() / MS_PER_DAY);
}

export function plainDateFromEpochDay(epochDay: number): PlainDate {
  const d = new Date(epochDay * MS_PER_DAY);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return new PlainDate(`${year}-${month}-${day}`);
}

export function epochDayOfPlainDate(date: PlainDate): number {
  return epochDayOf(Number(date.iso.slice(0, 4)), Number(date.iso.slice(5, 7)), Number(date.iso.slice(8, 10)))!;
}

export function parsePlainDate(text: string): PlainDate | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  return epochDayOf(Number(match[1]), Number(match[2]), Number(match[3])) === undefined ? undefined : new PlainDate(text);
}

export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const ms = instant.getTime();
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year!;
  const month = parts.month!;
  const day = parts.day!;
  const epochDay = epochDayOf(year, month, day) ?? 0;
  return {
    year,
    month,
    day,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
    millisecond: ((ms % 1000) + 1000) % 1000,
    weekday: ((((epochDay + 3) % 7) + 7) % 7) + 1,
  };
}

export function dateOf(instant: Date, timeZone: string): PlainDate {
  const wall = wallClockOf(instant, timeZone);
  return plainDateFromEpochDay(epochDayOf(wall.year, wall.month, wall.day)!);
}

/** Zone offset (wall time minus UTC, in ms) at an instant. */
function offsetAt(instantMs: number, timeZone: string): number {
  const wholeSecond = Math.floor(instantMs / 1000) * 1000;
  const wall = wallClockOf(new Date(wholeSecond), timeZone);
  const wallMs = epochDayOf(wall.year, wall.month, wall.day)! * MS_PER_DAY + ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000;
  return wallMs - wholeSecond;
}

/**
 * The instant at which the zone's wall clock shows `msOfDay` on `epochDay`; a repeated wall time
 * resolves to its earlier occurrence and a skipped one moves forward by the gap (Temporal's
 * `compatible` disambiguation, as in the working calendar).
 */
export function instantOf(epochDay: number, msOfDay: number, timeZone: string): Date {
  const naive = epochDay * MS_PER_DAY + msOfDay;
  const before = offsetAt(naive - MS_PER_DAY, timeZone);
  const after = offsetAt(naive + MS_PER_DAY, timeZone);
  if (before === after) return new Date(naive - before);
  const candidates = [naive - before, naive - after]
    .filter((candidate) => candidate + offsetAt(candidate, timeZone) === naive)
    .sort((x, y) => x - y);
  return new Date(candidates[0] ?? naive - before);
}

export function startOfDay(date: PlainDate, timeZone: string): Date {
  return instantOf(epochDayOfPlainDate(date), 0, timeZone);
}

const ISO_DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses ISO 8601 date-time text: `2025-03-04T09:30:00Z`, `2025-03-04T09:30+08:00`,
 * `2025-03-04 09:30` (wall time in `timeZone`) or `2025-03-04` (midnight in `timeZone`).
 */
export function parseDatetime(text: string, timeZone: string): Date | undefined {
  const match = ISO_DATETIME.exec(text.trim());
  if (match === null) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const epochDay = epochDayOf(Number(y), Number(mo), Number(d));
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (epochDay === undefined || hour > 23 || minute > 59 || second > 59) return undefined;
  const msOfDay = ((hour * 60 + minute) * 60 + second) * 1000 + Math.floor(Number(`0.${fraction || '0'}`) * 1000);
  if (zone === undefined) return instantOf(epochDay, msOfDay, timeZone);
  if (zone.toUpperCase() === 'Z') return new Date(epochDay * MS_PER_DAY + msOfDay);
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4));
  if (offsetMinutes > 18 * 60) return undefined;
  return new Date(epochDay * MS_PER_DAY + msOfDay - sign * offsetMinutes * 60_000);
}

const ISO_DURATION = /^(-)?P(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/** Parses an ISO 8601 duration without years/months (their length varies): `PT72H`, `P3DT4H`, `P2W`. */
export function parseIsoDuration(text: string): Duration | undefined {
  const match = ISO_DURATION.exec(text.trim());
  if (match === null || text.trim().endsWith('T') || match.slice(2).every((part) => part === undefined)) return undefined;
  const [, sign, w = '0', d = '0', h = '0', m = '0', s = '0'] = match;
  const millis = Math.round(
    Number(w) * 604_800_000 + Number(d) * 86_400_000 + Number(h) * 3_600_000 + Number(m) * 60_000 + Number(s) * 1000,
  );
  return new Duration(sign === '-' ? -millis : millis);
}

/** Adds whole calendar days keeping the wall-clock time in the zone (DST-safe). */
export function addCalendarDays(instant: Date, days: number, timeZone: string): Date {
  const wall = wallClockOf(instant, timeZone);
  const epochDay = epochDayOf(wall.year, wall.month, wall.day)! + days;
  const msOfDay = ((wall.hour * 60 + wall.minute) * 60 + wall.second) * 1000 + wall.millisecond;
  return instantOf(epochDay, msOfDay, timeZone);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}
