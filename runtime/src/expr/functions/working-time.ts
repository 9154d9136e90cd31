/**
 * Working-time functions over the working calendar (工作日历: periods, weekends, holidays and 调休
 * make-up days), which the caller supplies through the evaluation context. Day boundaries are the
 * calendar's own time zone.
 */
import { parsePlainDate } from '../temporal.ts';
import { t } from '../types.ts';
import { PlainDate, type ExprValue } from '../values.ts';
import { argumentTypeError, datetimeArg, integerArg, invalidArgument, toDuration, toDatetime } from './args.ts';
import { TEMPORAL, param } from './define.ts';
import type { CallContext, FunctionDefinition } from './registry.ts';

const MS_PER_HOUR = 3_600_000;

/** The calendar date (`YYYY-MM-DD`) of a date or datetime argument, in the calendar's zone. */
function calendarDate(args: readonly ExprValue[], call: CallContext, index: number): string {
  const value = args[index]!;
  if (value instanceof PlainDate) return value.iso;
  if (typeof value === 'string' && parsePlainDate(value) !== undefined) return value;
  const calendar = call.calendar();
  return calendar.dateOf(datetimeArg(call, args, index));
}

/** Hours as a number or a duration (`24` and `24h` mean the same). */
function hoursArg(args: readonly ExprValue[], call: CallContext): number {
  const value = args[1]!;
  const duration = typeof value === 'number' ? undefined : toDuration(value);
  if (typeof value !== 'number' && duration === undefined) throw argumentTypeError(call, 1, 'number or duration', value);
  const hours = duration === undefined ? (value as number) : duration.millis / MS_PER_HOUR;
  if (hours < 0) throw invalidArgument(call, 1, 'negative');
  if (!Number.isFinite(hours)) throw invalidArgument(call, 1, 'outOfRange');
  return hours;
}

export const workingTimeFunctions: readonly FunctionDefinition[] = [
  {
    name: 'ADD_WORKING_HOURS',
    category: 'workingTime',
    description: {
      'zh-CN': '按工作日历加工作小时（跳过午休、夜间、周末和节假日，调休日照常计算），用于处置时限',
      en: 'Adds working hours using the working calendar (skips breaks, nights, weekends and holidays; counts make-up workdays)',
    },
    example: 'ADD_WORKING_HOURS(NOW(), 24)',
    signatures: [{ params: [param('start', t.datetime), param('hours', [t.number, t.duration])], returns: t.datetime }],
    evaluate: (args, call) => {
      const start = datetimeArg(call, args, 0);
      const hours = hoursArg(args, call);
      return call.calendar().addWorkingHours(start, hours);
    },
  },
  {
    name: 'ADD_WORKING_DAYS',
    category: 'workingTime',
    description: {
      'zh-CN': '按工作日历加减工作日，返回日期（不计起始日）',
      en: 'Adds (or subtracts) working days using the working calendar; returns a date (the start day is not counted)',
    },
    example: 'ADD_WORKING_DAYS(TODAY(), 3)',
    signatures: [{ params: [param('start', TEMPORAL), param('days', t.number)], returns: t.date }],
    evaluate: (args, call) => {
      const days = integerArg(call, args, 1);
      return new PlainDate(call.calendar().addWorkingDays(calendarDate(args, call, 0), days));
    },
  },
  {
    name: 'WORKING_HOURS_BETWEEN',
    category: 'workingTime',
    description: {
      'zh-CN': '两个时间之间的工作小时数（b 早于 a 时为负数，可用于计算超期时长）',
      en: 'Working hours from a to b (negative when b is before a, e.g. how far overdue)',
    },
    example: 'WORKING_HOURS_BETWEEN(dueAt, NOW()) > 0',
    signatures: [{ params: [param('a', TEMPORAL), param('b', TEMPORAL)], returns: t.number }],
    evaluate: (args, call) => {
      const timeZone = call.calendar().config.timeZone;
      const a = toDatetime(args[0]!, timeZone) ?? datetimeArg(call, args, 0);
      const b = toDatetime(args[1]!, timeZone) ?? datetimeArg(call, args, 1);
      return call.calendar().workingMillisBetween(a, b) / MS_PER_HOUR;
    },
  },
  {
    name: 'IS_WORKING_DAY',
    category: 'workingTime',
    description: { 'zh-CN': '是否为工作日（含调休上班日，不含节假日）', en: 'Whether the date is a working day (make-up workdays count, holidays do not)' },
    signatures: [{ params: [param('date', TEMPORAL)], returns: t.boolean }],
    evaluate: (args, call) => call.calendar().isWorkingDay(calendarDate(args, call, 0)),
  },
  {
    name: 'IS_WORKING_TIME',
    category: 'workingTime',
    description: { 'zh-CN': '该时刻是否在工作时间内', en: 'Whether the instant is inside working time' },
    signatures: [{ params: [param('instant', t.datetime)], returns: t.boolean }],
    evaluate: (args, call) => call.calendar().isWorkingTime(datetimeArg(call, args, 0)),
  },
];
