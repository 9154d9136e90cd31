/**
 * Working calendar (工作日历) for public-administration deadlines.
 *
 * Pure logic: no clock access, no I/O, no holiday data. Callers pass the
 * current instant in, and the holiday / 调休 make-up-day list comes from
 * configuration (seed data), never from this module.
 *
 * Model
 * -----
 * - A *calendar date* is a `YYYY-MM-DD` string interpreted in the configured
 *   IANA time zone (proleptic Gregorian, years 0001-9999).
 * - A date is a working day when an exception marks it `workday` (调休), or
 *   when it is not marked `holiday` (法定节假日) and its weekday is not in
 *   `weekendDays`.
 * - On a working day, every configured period `[start, end)` of wall-clock
 *   time is working time. Working time is measured in real elapsed
 *   milliseconds between the instants at which those wall-clock times occur.
 *
 * Time zones
 * ----------
 * Wall-clock parts are obtained through `Intl.DateTimeFormat`; no offset is
 * hard-coded. Converting a wall-clock time back to an instant probes the
 * zone's offset one day before and one day after, which is exact for
 * fixed-offset zones (e.g. Asia/Shanghai) and for zones with DST as long as
 * there is at most one offset transition within ±1 day of the time.
 *
 * DST limitation: if a working period contains (or starts/ends in) a DST
 * transition, the period's length is its real elapsed length: a skipped
 * wall-clock time resolves forward by the size of the gap and a repeated
 * wall-clock time resolves to its earlier occurrence (the same rule as
 * Temporal's `disambiguation: 'compatible'`). E.g. a 01:00-03:00 period on a
 * spring-forward night counts as one hour. Chinese zones have no DST.
 */
import { z } from 'zod';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

// ---------------------------------------------------------------------------
// Calendar-date helpers (zone independent; dates are counted as epoch days)
// ---------------------------------------------------------------------------

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(?:([01]\d|2[0-3]):([0-5]\d)|24:00)$/;

/** Days since 1970-01-01 for a proleptic Gregorian date, or `undefined` if invalid. */
function epochDayOf(year: number, month: number, day: number): number | undefined {
  if (year < 1 || month < 1 || month > 12 || day < 1) return undefined;
  const d = new Date(0);
  // setUTCFullYear avoids Date.UTC's 0-99 → 1900-1999 remapping.
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return undefined;
  }
  return Math.round(d.getTime() / MS_PER_DAY);
}

function parseDateString(value: string): number | undefined {
  const match = DATE_PATTERN.exec(value);
  if (!match) return undefined;
  return epochDayOf(Number(match[1]), Number(match[2]), Number(match[3]));
}

function formatEpochDay(epochDay: number): string {
  const d = new Date(epochDay * MS_PER_DAY);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** 0 = Sunday .. 6 = Saturday (1970-01-01 was a Thursday). */
function weekdayOf(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

/** Minutes after midnight for `HH:mm` (`24:00` → 1440). Assumes a validated string. */
function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':');
  return Number(hours) * 60 + Number(minutes);
}

function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Configuration schema
// ---------------------------------------------------------------------------

const timeOfDaySchema = z
  .string()
  .regex(TIME_PATTERN, { message: 'Expected a 24-hour time "HH:mm" (00:00-23:59, or 24:00 as an end)' });

const calendarDateSchema = z.string().refine((value) => parseDateString(value) !== undefined, {
  message: 'Expected an existing calendar date "YYYY-MM-DD"',
});

export const workingPeriodSchema = z
  .object({ start: timeOfDaySchema, end: timeOfDaySchema })
  .refine((period) => minutesOf(period.start) < minutesOf(period.end), {
    message: 'A working period must end after it starts',
    path: ['end'],
  });

export const calendarExceptionSchema = z.object({
  date: calendarDateSchema,
  /** `holiday`: 法定节假日 (day off). `workday`: 调休 make-up working day. */
  kind: z.enum(['holiday', 'workday']),
  name: z.string().optional(),
});

export const workingCalendarConfigSchema = z
  .object({
    timeZone: z
      .string()
      .refine(isValidTimeZone, { message: 'Unknown IANA time zone' })
      .default('Asia/Shanghai'),
    workingPeriods: z.array(workingPeriodSchema).min(1, { message: 'At least one working period is required' }),
    weekendDays: z
      .array(z.number().int().min(0).max(6))
      .default([0, 6])
      .refine((days) => new Set(days).size === days.length, { message: 'Weekend days must be unique' })
      .refine((days) => days.length < 7, { message: 'At least one day of the week must be a working day' }),
    exceptions: z.array(calendarExceptionSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const periods = config.workingPeriods;
    for (let i = 1; i < periods.length; i++) {
      const previous = periods[i - 1]!;
      const current = periods[i]!;
      if (minutesOf(current.start) < minutesOf(previous.end)) {
        ctx.addIssue({
          code: 'custom',
          path: ['workingPeriods', i],
          message: `Working periods must be ascending and non-overlapping: ${current.start}-${current.end} begins before ${previous.start}-${previous.end} ends`,
        });
      }
    }
    const seen = new Map<string, number>();
    config.exceptions.forEach((exception, index) => {
      const first = seen.get(exception.date);
      if (first !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['exceptions', index, 'date'],
          message: `Duplicate exception for ${exception.date} (already declared at exceptions[${first}])`,
        });
      } else {
        seen.set(exception.date, index);
      }
    });
  });

export type WorkingCalendarConfigInput = z.input<typeof workingCalendarConfigSchema>;
export type WorkingCalendarConfig = z.output<typeof workingCalendarConfigSchema>;

// ---------------------------------------------------------------------------
// Calendar
// ---------------------------------------------------------------------------

export interface WorkingCalendar {
  /** The parsed configuration (defaults applied). */
  readonly config: WorkingCalendarConfig;
  /** Whether the calendar date `YYYY-MM-DD` is a working day. */
  isWorkingDay(date: string): boolean;
  /** Whether the instant falls inside a working period of a working day. */
  isWorkingTime(instant: Date): boolean;
  /**
   * Deadline computation: the earliest instant `t >= start` such that
   * `workingMillisBetween(start, t)` equals `hours` of working time.
   * Consequences: `hours = 0` returns `start` unchanged; a start outside
   * working time begins counting at the next working period; a deadline that
   * exactly exhausts a period ends at that period's end (e.g. 12:00, not 13:30).
   * Fractional hours are allowed and rounded to the millisecond.
   */
  addWorkingHours(start: Date, hours: number): Date;
  /**
   * Working milliseconds between two instants. Negative when `b` is before
   * `a` (e.g. how far past a deadline a case is), so it is antisymmetric.
   */
  workingMillisBetween(a: Date, b: Date): number;
  /**
   * The date `n` working days after (`n > 0`) or before (`n < 0`) `date`,
   * not counting `date` itself. `n = 0` returns `date` unchanged even when it
   * is not a working day.
   */
  addWorkingDays(date: string, n: number): string;
  /** The first working day strictly after `date` (same as `addWorkingDays(date, 1)`). */
  nextWorkingDay(date: string): string;
  /** The calendar date `YYYY-MM-DD` of an instant in the configured time zone. */
  dateOf(instant: Date): string;
}

interface WallClock {
  epochDay: number;
  /** Milliseconds since local midnight, whole seconds only. */
  msOfDay: number;
}

/**
 * Builds a calendar from a configuration. Throws a `ZodError` when the
 * configuration is invalid.
 */
export function createWorkingCalendar(input: WorkingCalendarConfigInput): WorkingCalendar {
  const config = workingCalendarConfigSchema.parse(input);
  const weekend = new Set(config.weekendDays);
  const exceptions = new Map<number, 'holiday' | 'workday'>();
  for (const exception of config.exceptions) {
    exceptions.set(parseDateString(exception.date)!, exception.kind);
  }
  const periods = config.workingPeriods.map((p) => ({
    startMs: minutesOf(p.start) * MS_PER_MINUTE,
    endMs: minutesOf(p.end) * MS_PER_MINUTE,
  }));

  const formatter = new Intl.DateTimeFormat('en-US', {
    timeZone: config.timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });

  function wallClockOf(instantMs: number): WallClock {
    const parts: Record<string, number> = {};
    for (const part of formatter.formatToParts(instantMs)) {
      if (part.type !== 'literal') parts[part.type] = Number(part.value);
    }
    const epochDay = epochDayOf(parts.year!, parts.month!, parts.day!);
    if (epochDay === undefined) {
      throw new RangeError(`Instant ${new Date(instantMs).toISOString()} is outside the supported date range`);
    }
    // Some engines render midnight as hour 24 even with h23; normalise.
    const hour = parts.hour! % 24;
    return { epochDay, msOfDay: (hour * 3600 + parts.minute! * 60 + parts.second!) * 1000 };
  }

  /** Zone offset (local wall time minus UTC) in effect at an instant. */
  function offsetAt(instantMs: number): number {
    const wholeSecond = Math.floor(instantMs / 1000) * 1000;
    const wall = wallClockOf(wholeSecond);
    return wall.epochDay * MS_PER_DAY + wall.msOfDay - wholeSecond;
  }

  /** Instant at which the wall clock of `epochDay` shows `msOfDay` (compatible disambiguation). */
  function instantOf(epochDay: number, msOfDay: number): number {
    const naive = epochDay * MS_PER_DAY + msOfDay;
    const offsetBefore = offsetAt(naive - MS_PER_DAY);
    const offsetAfter = offsetAt(naive + MS_PER_DAY);
    if (offsetBefore === offsetAfter) return naive - offsetBefore;
    const candidates = [naive - offsetBefore, naive - offsetAfter]
      .filter((candidate) => candidate + offsetAt(candidate) === naive)
      .sort((x, y) => x - y);
    // Repeated wall time: earlier occurrence. Skipped wall time: shift forward by the gap.
    return candidates[0] ?? naive - offsetBefore;
  }

  function isWorkingEpochDay(epochDay: number): boolean {
    const exception = exceptions.get(epochDay);
    if (exception !== undefined) return exception === 'workday';
    return !weekend.has(weekdayOf(epochDay));
  }

  /** Working intervals `[start, end)` of a day as instants (empty on non-working days). */
  function intervalsOn(epochDay: number): Array<[number, number]> {
    if (!isWorkingEpochDay(epochDay)) return [];
    return periods.map((p) => [instantOf(epochDay, p.startMs), instantOf(epochDay, p.endMs)]);
  }

  function requireDate(date: string, label = 'date'): number {
    const epochDay = typeof date === 'string' ? parseDateString(date) : undefined;
    if (epochDay === undefined) {
      throw new RangeError(`Invalid ${label} ${JSON.stringify(date)}: expected an existing calendar date "YYYY-MM-DD"`);
    }
    return epochDay;
  }

  function requireInstant(instant: Date, label: string): number {
    const ms = instant instanceof Date ? instant.getTime() : Number.NaN;
    if (!Number.isFinite(ms)) throw new RangeError(`Invalid ${label}: expected a valid Date`);
    return ms;
  }

  function step(epochDay: number, n: number): number {
    let day = epochDay;
    const direction = Math.sign(n);
    let remaining = Math.abs(n);
    while (remaining > 0) {
      day += direction;
      if (isWorkingEpochDay(day)) remaining--;
    }
    return day;
  }

  function between(fromMs: number, toMs: number): number {
    let total = 0;
    // A period on local date D lies within D, so start at the date of `fromMs`.
    for (let day = wallClockOf(fromMs).epochDay; instantOf(day, 0) < toMs; day++) {
      for (const [start, end] of intervalsOn(day)) {
        const overlap = Math.min(end, toMs) - Math.max(start, fromMs);
        if (overlap > 0) total += overlap;
      }
    }
    return total;
  }

  return {
    config,

    isWorkingDay(date) {
      return isWorkingEpochDay(requireDate(date));
    },

    isWorkingTime(instant) {
      const ms = requireInstant(instant, 'instant');
      return intervalsOn(wallClockOf(ms).epochDay).some(([start, end]) => start <= ms && ms < end);
    },

    addWorkingHours(start, hours) {
      const startMs = requireInstant(start, 'start');
      if (typeof hours !== 'number' || !Number.isFinite(hours) || hours < 0) {
        throw new RangeError(`Invalid hours ${String(hours)}: expected a finite number >= 0`);
      }
      let remaining = Math.round(hours * MS_PER_HOUR);
      if (remaining === 0) return new Date(startMs);
      // Terminates: exceptions are finite and at least one weekday is a working day.
      for (let day = wallClockOf(startMs).epochDay; ; day++) {
        for (const [periodStart, periodEnd] of intervalsOn(day)) {
          const from = Math.max(periodStart, startMs);
          const available = periodEnd - from;
          if (available <= 0) continue;
          if (remaining <= available) return new Date(from + remaining);
          remaining -= available;
        }
      }
    },

    workingMillisBetween(a, b) {
      const aMs = requireInstant(a, 'a');
      const bMs = requireInstant(b, 'b');
      if (aMs === bMs) return 0;
      return aMs < bMs ? between(aMs, bMs) : -between(bMs, aMs);
    },

    addWorkingDays(date, n) {
      const epochDay = requireDate(date);
      if (!Number.isSafeInteger(n)) throw new RangeError(`Invalid n ${String(n)}: expected an integer`);
      return formatEpochDay(step(epochDay, n));
    },

    nextWorkingDay(date) {
      return formatEpochDay(step(requireDate(date), 1));
    },

    dateOf(instant) {
      return formatEpochDay(wallClockOf(requireInstant(instant, 'instant')).epochDay);
    },
  };
}
