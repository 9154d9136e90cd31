/**
 * Run-time argument conversion for function implementations. Arguments typed `any` at check time
 * can hold anything, so each function converts what it reads and fails with a positioned
 * `runtimeType` error instead of computing garbage. ISO text is accepted for temporal arguments
 * because process variables round-trip through JSON.
 */
import { ExprError } from '../errors.ts';
import type { ArgumentReason } from '../messages.ts';
import { dateOf, parseDatetime, parseIsoDuration, parsePlainDate, startOfDay } from '../temporal.ts';
import { Duration, PlainDate, describeValue, type ExprValue } from '../values.ts';
import type { CallContext, ExprLambda } from './registry.ts';

/** A positioned `runtimeType` error for argument `index` (0-based). */
export function argumentTypeError(call: CallContext, index: number, expected: string, value: ExprValue): ExprError {
  return new ExprError('runtimeType', call.span, {
    subject: 'argument',
    name: call.name,
    index: index + 1,
    expected,
    actual: describeValue(value),
  });
}

/** An `invalidArgument` error for argument `index` (0-based; undefined = the arguments together). */
export function invalidArgument(call: CallContext, index: number | undefined, reason: ArgumentReason): ExprError {
  return new ExprError('invalidArgument', call.span, { name: call.name, reason, ...(index === undefined ? {} : { argument: index + 1 }) });
}

export function numberArg(call: CallContext, args: readonly ExprValue[], index: number): number {
  const value = args[index] ?? null;
  if (typeof value !== 'number') throw argumentTypeError(call, index, 'number', value);
  return value;
}

export function integerArg(call: CallContext, args: readonly ExprValue[], index: number): number {
  const value = numberArg(call, args, index);
  if (!Number.isSafeInteger(value)) throw invalidArgument(call, index, 'notInteger');
  return value;
}

export function stringArg(call: CallContext, args: readonly ExprValue[], index: number): string {
  const value = args[index] ?? null;
  if (typeof value !== 'string') throw argumentTypeError(call, index, 'string', value);
  return value;
}

export function booleanArg(call: CallContext, args: readonly ExprValue[], index: number): boolean {
  const value = args[index] ?? null;
  if (typeof value !== 'boolean') throw argumentTypeError(call, index, 'boolean', value);
  return value;
}

export function listArg(call: CallContext, args: readonly ExprValue[], index: number): readonly ExprValue[] {
  const value = args[index] ?? null;
  if (!Array.isArray(value)) throw argumentTypeError(call, index, 'list', value);
  return value as readonly ExprValue[];
}

export function lambdaArg(call: CallContext, index: number): ExprLambda {
  const lambda = call.lambda(index);
  if (lambda === undefined) throw invalidArgument(call, index, 'notALambda');
  return lambda;
}

/** A datetime from a Date, ISO text, or a date (its start in the evaluation time zone). */
export function toDatetime(value: ExprValue, timeZone: string): Date | undefined {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? undefined : value;
  if (typeof value === 'string') return parseDatetime(value, timeZone);
  if (value instanceof PlainDate) return startOfDay(value, timeZone);
  return undefined;
}

/** A calendar date from a PlainDate, `YYYY-MM-DD`, or a datetime (its date in the time zone). */
export function toPlainDate(value: ExprValue, timeZone: string): PlainDate | undefined {
  if (value instanceof PlainDate) return value;
  if (typeof value === 'string') {
    const date = parsePlainDate(value);
    if (date !== undefined) return date;
  }
  const instant = value instanceof Date || typeof value === 'string' ? toDatetime(value, timeZone) : undefined;
  return instant === undefined ? undefined : dateOf(instant, timeZone);
}

export function toDuration(value: ExprValue): Duration | undefined {
  if (value instanceof Duration) return value;
  return typeof value === 'string' ? parseIsoDuration(value) : undefined;
}

export function datetimeArg(call: CallContext, args: readonly ExprValue[], index: number): Date {
  const value = args[index] ?? null;
  const instant = toDatetime(value, call.timeZone);
  if (instant === undefined) throw argumentTypeError(call, index, 'datetime', value);
  return instant;
}

export function dateArg(call: CallContext, args: readonly ExprValue[], index: number): PlainDate {
  const value = args[index] ?? null;
  const date = toPlainDate(value, call.timeZone);
  if (date === undefined) throw argumentTypeError(call, index, 'date', value);
  return date;
}

export function durationArg(call: CallContext, args: readonly ExprValue[], index: number): Duration {
  const value = args[index] ?? null;
  const duration = toDuration(value);
  if (duration === undefined) throw argumentTypeError(call, index, 'duration', value);
  return duration;
}

/** "No data" instead of NaN or ±Infinity. */
export function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
