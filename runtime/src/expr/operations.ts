/**
 * Run-time semantics of the operators, shared by compiled closures and built-in functions.
 * Null rules ("no data", SQL-like): arithmetic with null gives null; division or modulo by zero
 * gives null; results that are not finite give null. Each function returns `undefined` when the
 * operand kinds do not fit, and the caller raises a positioned error.
 */
import { toDatetime, toDuration, toPlainDate } from './functions/args.ts';
import { addCalendarDays, epochDayOfPlainDate, plainDateFromEpochDay } from './temporal.ts';
import { Duration, PlainDate, valuesEqual, type ExprValue } from './values.ts';

const MS_PER_DAY = 86_400_000;
const finite = (value: number): number | null => (Number.isFinite(value) ? value : null);

/** Brings a string operand to the temporal kind of the other operand (ISO text from JSON). */
function alignTemporal(a: ExprValue, b: ExprValue, timeZone: string): [ExprValue, ExprValue] {
  if (typeof a === 'string' && typeof b !== 'string') return [coerceLike(b, a, timeZone) ?? a, b];
  if (typeof b === 'string' && typeof a !== 'string') return [a, coerceLike(a, b, timeZone) ?? b];
  if (a instanceof Date && b instanceof PlainDate) return [a, toDatetime(b, timeZone)!];
  if (a instanceof PlainDate && b instanceof Date) return [toDatetime(a, timeZone)!, b];
  return [a, b];
}

function coerceLike(model: ExprValue, text: string, timeZone: string): ExprValue | undefined {
  // Text beside a duration is an instant (`dueAt + 1h`) or another duration (`"PT1H" + 1h`).
  if (model instanceof Duration) return toDatetime(text, timeZone) ?? toDuration(text);
  if (model instanceof Date) return toDatetime(text, timeZone);
  if (model instanceof PlainDate) return toPlainDate(text, timeZone);
  return undefined;
}

export function add(a: ExprValue, b: ExprValue, timeZone: string): ExprValue | undefined {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return finite(a + b);
  if (typeof a === 'string') {
    if (typeof b === 'string' || typeof b === 'number' || typeof b === 'boolean') return a + String(b);
  }
  if (typeof b === 'string' && (typeof a === 'number' || typeof a === 'boolean')) return String(a) + b;
  const [x, y] = alignTemporal(a, b, timeZone);
  if (x instanceof Duration && y instanceof Duration) return new Duration(x.millis + y.millis);
  if (x instanceof Date && y instanceof Duration) return new Date(x.getTime() + y.millis);
  if (x instanceof Duration && y instanceof Date) return new Date(y.getTime() + x.millis);
  return undefined;
}

export function subtract(a: ExprValue, b: ExprValue, timeZone: string): ExprValue | undefined {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return finite(a - b);
  const [x, y] = alignTemporal(a, b, timeZone);
  if (x instanceof Duration && y instanceof Duration) return new Duration(x.millis - y.millis);
  if (x instanceof Date && y instanceof Duration) return new Date(x.getTime() - y.millis);
  if (x instanceof Date && y instanceof Date) return new Duration(x.getTime() - y.getTime());
  if (x instanceof PlainDate && y instanceof PlainDate) {
    return new Duration((epochDayOfPlainDate(x) - epochDayOfPlainDate(y)) * MS_PER_DAY);
  }
  return undefined;
}

export function multiply(a: ExprValue, b: ExprValue): ExprValue | undefined {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return finite(a * b);
  if (a instanceof Duration && typeof b === 'number') return Number.isFinite(b) ? new Duration(Math.round(a.millis * b)) : null;
  if (typeof a === 'number' && b instanceof Duration) return Number.isFinite(a) ? new Duration(Math.round(a * b.millis)) : null;
  return undefined;
}

export function divide(a: ExprValue, b: ExprValue): ExprValue | undefined {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : finite(a / b);
  if (a instanceof Duration && typeof b === 'number') return b === 0 ? null : new Duration(Math.round(a.millis / b));
  if (a instanceof Duration && b instanceof Duration) return b.millis === 0 ? null : finite(a.millis / b.millis);
  return undefined;
}

export function modulo(a: ExprValue, b: ExprValue): ExprValue | undefined {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return b === 0 ? null : finite(a % b);
  return undefined;
}

export function negate(a: ExprValue): ExprValue | undefined {
  if (a === null) return null;
  if (typeof a === 'number') return a === 0 ? 0 : -a;
  if (a instanceof Duration) return new Duration(-a.millis);
  return undefined;
}

/** Ordering of two non-null values: negative, 0 or positive; undefined when incomparable. */
export function compare(a: ExprValue, b: ExprValue, timeZone: string): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const [x, y] = alignTemporal(a, b, timeZone);
  if (x instanceof Date && y instanceof Date) return x.getTime() - y.getTime();
  if (x instanceof PlainDate && y instanceof PlainDate) return x.iso < y.iso ? -1 : x.iso > y.iso ? 1 : 0;
  if (x instanceof Duration && y instanceof Duration) return x.millis - y.millis;
  return undefined;
}

/** `==`: null-safe; ISO text equals the temporal value it denotes. */
export function equals(a: ExprValue, b: ExprValue, timeZone: string): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'string' || typeof b === 'string') {
    const [x, y] = alignTemporal(a, b, timeZone);
    return valuesEqual(x, y);
  }
  return valuesEqual(a, b);
}

/** `x in container`: list membership (by `==`) or substring; null container gives null. */
export function contains(container: ExprValue, item: ExprValue, timeZone: string): boolean | null | undefined {
  if (container === null) return null;
  if (Array.isArray(container)) return (container as readonly ExprValue[]).some((element) => equals(element, item, timeZone));
  if (typeof container === 'string') {
    if (item === null) return null;
    return typeof item === 'string' ? container.includes(item) : undefined;
  }
  return undefined;
}

/** Adds whole days to a date or datetime (datetimes keep their wall-clock time in the zone). */
export function addDays(value: Date | PlainDate, days: number, timeZone: string): Date | PlainDate {
  if (value instanceof PlainDate) return plainDateFromEpochDay(epochDayOfPlainDate(value) + days);
  return addCalendarDays(value, days, timeZone);
}
