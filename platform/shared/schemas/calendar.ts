/**
 * 工作日历: the working-time parameter plus per-date exceptions (法定节假日 holidays and 调休
 * make-up working days). Deadlines in working hours are computed by the runtime calendar.
 */
import { z } from 'zod';
import { workingCalendarConfigSchema } from '@tongguan/runtime/calendar/working-calendar';
import { nameSchema } from './common.ts';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(value: string): boolean {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An existing calendar date `YYYY-MM-DD` (years 1970–2100 keep the data plausible). */
export const calendarDateSchema = z.string().refine((v) => isCalendarDate(v) && v >= '1970' && v < '2101', { message: '#validation.date' });

/** Which message explains a rule of the runtime's calendar configuration, by top-level field. */
const WORKING_TIME_MESSAGES: Record<string, string> = {
  timeZone: '#validation.timeZone',
  workingPeriods: '#validation.workingPeriods',
  weekendDays: '#validation.weekendDays',
};

/**
 * The `calendar.workingTime` parameter. The rules (IANA zone, ascending non-overlapping HH:mm
 * periods, at least one working weekday) are the runtime calendar's own, so a value accepted
 * here always builds a calendar; its English messages are replaced by catalog keys.
 */
export const workingTimeSchema = z.object({
  timeZone: z.string().trim().min(1).max(64),
  workingPeriods: z.array(z.object({ start: z.string(), end: z.string() })).min(1).max(12),
  weekendDays: z.array(z.number().int().min(0).max(6)).max(6),
}).superRefine((value, ctx) => {
  const result = workingCalendarConfigSchema.safeParse({ ...value, exceptions: [] });
  if (result.success) return;
  for (const issue of result.error.issues) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: WORKING_TIME_MESSAGES[String(issue.path[0])] ?? '#validation.workingPeriods' });
  }
});
export type WorkingTime = z.output<typeof workingTimeSchema>;

export const calendarDayKindSchema = z.enum(['holiday', 'workday']);

export const calendarDayInput = z.object({
  date: calendarDateSchema,
  kind: calendarDayKindSchema,
  name: nameSchema.nullable().optional(),
});
export type CalendarDayInput = z.input<typeof calendarDayInput>;

/** Body of PUT /calendar/days/{date}: the date comes from the path. */
export const calendarDayBody = calendarDayInput.omit({ date: true });
export const calendarDateParams = z.object({ date: calendarDateSchema });

export const calendarImportInput = z.object({
  days: z.array(calendarDayInput).min(1).max(2000),
}).superRefine((input, ctx) => {
  const seen = new Set<string>();
  input.days.forEach((day, i) => {
    if (seen.has(day.date)) ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: '#validation.duplicateDate' });
    seen.add(day.date);
  });
});
export type CalendarImportInput = z.input<typeof calendarImportInput>;

export const calendarImportOutput = z.object({ created: z.number().int(), updated: z.number().int() });
export type CalendarImportOutput = z.infer<typeof calendarImportOutput>;

export const calendarQuery = z.object({
  /** Defaults to the current year. */
  year: z.coerce.number().int().min(1970).max(2100).optional(),
});
export type CalendarQuery = z.input<typeof calendarQuery>;

export const calendarDayOutput = z.object({
  date: z.string(),
  kind: calendarDayKindSchema,
  name: z.string().nullable(),
});
export type CalendarDayOutput = z.infer<typeof calendarDayOutput>;

export const calendarOutput = z.object({
  year: z.number().int(),
  workingTime: z.object({
    timeZone: z.string(),
    workingPeriods: z.array(z.object({ start: z.string(), end: z.string() })),
    weekendDays: z.array(z.number().int()),
  }),
  days: z.array(calendarDayOutput),
});
export type CalendarOutput = z.infer<typeof calendarOutput>;

export const deadlineInput = z.object({
  /** ISO 8601 instant with offset, e.g. 2026-02-13T16:00:00+08:00. */
  start: z.iso.datetime({ offset: true }),
  /** Working hours (时限); fractions allowed. About five working years at most. */
  hours: z.number().min(0).max(10_000),
});
export type DeadlineInput = z.input<typeof deadlineInput>;

export const deadlineOutput = z.object({
  start: z.string(),
  hours: z.number(),
  deadline: z.string(),
  /** The deadline's calendar date in the calendar's time zone. */
  deadlineDate: z.string(),
});
export type DeadlineOutput = z.infer<typeof deadlineOutput>;
