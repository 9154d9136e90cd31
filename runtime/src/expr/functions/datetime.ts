/**
 * Dates, times and durations. Calendar parts (YEAR, DAY, HOUR …) and day boundaries use the
 * evaluation time zone (default Asia/Shanghai), never the host's zone.
 */
import { DURATION_UNITS } from '../lexer.ts';
import { addDays } from '../operations.ts';
import { dateOf, epochDayOf, epochDayOfPlainDate, parseDatetime, plainDateFromEpochDay, wallClockOf, type WallClock } from '../temporal.ts';
import { t, type ExprType } from '../types.ts';
import { Duration, PlainDate, type ExprValue } from '../values.ts';
import { dateArg, datetimeArg, durationArg, integerArg, invalidArgument, numberArg, stringArg, toDatetime, finiteOrNull } from './args.ts';
import { TEMPORAL, param } from './define.ts';
import type { CallContext, FunctionDefinition } from './registry.ts';

const MS_PER_HOUR = 3_600_000;

/** Wall-clock parts of a date or datetime argument in the evaluation zone. */
function partsOf(args: readonly ExprValue[], call: CallContext): WallClock {
  const value = args[0]!;
  if (value instanceof PlainDate) return wallClockOf(toDatetime(value, 'UTC')!, 'UTC');
  return wallClockOf(datetimeArg(call, args, 0), call.timeZone);
}

const part = (name: string, zh: string, en: string, pick: (wall: WallClock) => number, accepts: readonly ExprType[] = TEMPORAL): FunctionDefinition => ({
  name,
  category: 'datetime',
  description: { 'zh-CN': zh, en },
  signatures: [{ params: [param('value', accepts)], returns: t.number }],
  evaluate: (args, call) => pick(partsOf(args, call)),
});

const durationIn = (name: string, zh: string, en: string, unit: number): FunctionDefinition => ({
  name,
  category: 'datetime',
  description: { 'zh-CN': zh, en },
  example: `${name}(deadline - NOW())`,
  signatures: [{ params: [param('duration', t.duration)], returns: t.number }],
  evaluate: (args, call) => durationArg(call, args, 0).millis / unit,
});

export const datetimeFunctions: readonly FunctionDefinition[] = [
  {
    name: 'NOW',
    category: 'datetime',
    description: { 'zh-CN': '当前时间', en: 'The current instant' },
    signatures: [{ params: [], returns: t.datetime }],
    evaluate: (_args, call) => call.now(),
  },
  {
    name: 'TODAY',
    category: 'datetime',
    description: { 'zh-CN': '今天的日期（按时区，默认北京时间）', en: "Today's date in the evaluation time zone (default Asia/Shanghai)" },
    signatures: [{ params: [], returns: t.date }],
    evaluate: (_args, call) => dateOf(call.now(), call.timeZone),
  },
  {
    name: 'DATE',
    category: 'datetime',
    description: {
      'zh-CN': '构造日期：DATE(年, 月, 日)，或把文本/日期时间转为日期',
      en: 'DATE(year, month, day), or the date of a text or datetime',
    },
    example: 'DATE(2025, 10, 1)',
    signatures: [
      { params: [param('year', t.number), param('month', t.number), param('day', t.number)], returns: t.date },
      { params: [param('value', [t.string, t.datetime, t.date])], returns: t.date },
    ],
    evaluate: (args, call) => {
      if (args.length === 1) return dateArg(call, args, 0);
      const epochDay = epochDayOf(integerArg(call, args, 0), integerArg(call, args, 1), integerArg(call, args, 2));
      if (epochDay === undefined) throw invalidArgument(call, undefined, 'invalidDate');
      return plainDateFromEpochDay(epochDay);
    },
  },
  {
    name: 'DATETIME',
    category: 'datetime',
    description: {
      'zh-CN': '把 ISO 8601 文本转为日期时间；没有时区的时间按求值时区（默认北京时间）理解',
      en: 'Parses ISO 8601 text; a time without offset is read in the evaluation time zone',
    },
    example: 'DATETIME("2025-10-01T09:00")',
    signatures: [{ params: [param('value', [t.string, t.date, t.datetime])], returns: t.datetime }],
    evaluate: (args, call) => {
      const value = args[0]!;
      if (typeof value === 'string') {
        const instant = parseDatetime(value, call.timeZone);
        if (instant === undefined) throw invalidArgument(call, 0, 'invalidDatetime');
        return instant;
      }
      return datetimeArg(call, args, 0);
    },
  },
  part('YEAR', '年份', 'Year', (wall) => wall.year),
  part('MONTH', '月份（1-12）', 'Month (1-12)', (wall) => wall.month),
  part('DAY', '日（1-31）', 'Day of the month (1-31)', (wall) => wall.day),
  part('WEEKDAY', '星期几（1=星期一 … 7=星期日）', 'Day of the week (1 = Monday … 7 = Sunday)', (wall) => wall.weekday),
  part('HOUR', '小时（0-23）', 'Hour (0-23)', (wall) => wall.hour, [t.datetime]),
  part('MINUTE', '分钟（0-59）', 'Minute (0-59)', (wall) => wall.minute, [t.datetime]),
  {
    name: 'ADD_DAYS',
    category: 'datetime',
    description: {
      'zh-CN': '加减自然日（日期时间保持当地钟点）',
      en: 'Adds calendar days (a datetime keeps its local wall-clock time)',
    },
    example: 'ADD_DAYS(TODAY(), 7)',
    signatures: [{ params: [param('value', TEMPORAL), param('days', t.number)], returns: (argTypes) => (argTypes[0]!.kind === 'date' || argTypes[0]!.kind === 'datetime' ? argTypes[0]! : t.any) }],
    evaluate: (args, call) => {
      const days = integerArg(call, args, 1);
      const value = args[0]!;
      return addDays(value instanceof PlainDate ? value : datetimeArg(call, args, 0), days, call.timeZone);
    },
  },
  {
    name: 'ADD_HOURS',
    category: 'datetime',
    description: { 'zh-CN': '加减小时（自然时间）', en: 'Adds hours of elapsed time' },
    signatures: [{ params: [param('value', t.datetime), param('hours', t.number)], returns: t.datetime }],
    evaluate: (args, call) => new Date(datetimeArg(call, args, 0).getTime() + Math.round(numberArg(call, args, 1) * MS_PER_HOUR)),
  },
  {
    name: 'DAYS_BETWEEN',
    category: 'datetime',
    description: {
      'zh-CN': '两个日期相差的自然日数（b - a，按时区取日期）',
      en: 'Calendar days from a to b (b - a), dates taken in the evaluation time zone',
    },
    signatures: [{ params: [param('a', TEMPORAL), param('b', TEMPORAL)], returns: t.number }],
    evaluate: (args, call) => epochDayOfPlainDate(dateArg(call, args, 1)) - epochDayOfPlainDate(dateArg(call, args, 0)),
  },
  {
    name: 'HOURS_BETWEEN',
    category: 'datetime',
    description: { 'zh-CN': '两个时间相差的小时数（b - a，自然时间，可为小数）', en: 'Elapsed hours from a to b (b - a, fractional)' },
    signatures: [{ params: [param('a', TEMPORAL), param('b', TEMPORAL)], returns: t.number }],
    evaluate: (args, call) => (datetimeArg(call, args, 1).getTime() - datetimeArg(call, args, 0).getTime()) / MS_PER_HOUR,
  },
  {
    name: 'DURATION',
    category: 'datetime',
    description: {
      'zh-CN': '构造时长：DURATION(数量, 单位)，单位为 "ms"/"s"/"min"/"h"/"d"/"w"；或 ISO 8601 文本如 "PT72H"',
      en: 'DURATION(amount, unit) with unit "ms"/"s"/"min"/"h"/"d"/"w", or ISO 8601 text such as "PT72H"',
    },
    example: 'NOW() + DURATION(slaHours, "h")',
    signatures: [
      { params: [param('amount', t.number), param('unit', t.string)], returns: t.duration },
      { params: [param('iso', [t.string, t.duration])], returns: t.duration },
    ],
    evaluate: (args, call) => {
      if (args.length === 1) {
        if (typeof args[0] === 'string' || args[0] instanceof Duration) return durationArg(call, args, 0);
        stringArg(call, args, 0);
      }
      const unit = stringArg(call, args, 1);
      if (!Object.hasOwn(DURATION_UNITS, unit)) throw invalidArgument(call, 1, 'unknownUnit');
      const millis = finiteOrNull(numberArg(call, args, 0) * DURATION_UNITS[unit as keyof typeof DURATION_UNITS]);
      return millis === null ? null : new Duration(Math.round(millis));
    },
  },
  durationIn('DAYS', '时长折合的天数（1 天 = 24 小时）', 'The duration in days (1 day = 24 h)', 86_400_000),
  durationIn('HOURS', '时长折合的小时数', 'The duration in hours', MS_PER_HOUR),
  durationIn('MINUTES', '时长折合的分钟数', 'The duration in minutes', 60_000),
  durationIn('SECONDS', '时长折合的秒数', 'The duration in seconds', 1_000),
];
