/**
 * Run-time values. Variables are plain JSON-like data; temporal values have their own classes so
 * they are told apart from strings at run time, and serialise to ISO 8601 text in JSON:
 * - datetime: a JS `Date` (an instant); ISO strings are accepted where a datetime is expected;
 * - date: `PlainDate` (`YYYY-MM-DD`, a calendar date in the evaluation time zone);
 * - duration: `Duration` (exact milliseconds; `1d` = 24 h).
 */

export class Duration {
  constructor(readonly millis: number) {}

  /** ISO 8601 duration, e.g. `PT72H`, `PT1H30M`, `-PT5S`. */
  toJSON(): string {
    const sign = this.millis < 0 ? '-' : '';
    let rest = Math.abs(this.millis);
    const hours = Math.floor(rest / 3_600_000);
    rest -= hours * 3_600_000;
    const minutes = Math.floor(rest / 60_000);
    rest -= minutes * 60_000;
    const seconds = rest / 1000;
    const parts = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
    return `${sign}PT${parts || '0S'}`;
  }

  toString(): string {
    return this.toJSON();
  }
}

export class PlainDate {
  /** `iso` must be a valid `YYYY-MM-DD` (use `parsePlainDate` for untrusted text). */
  constructor(readonly iso: string) {}

  toJSON(): string {
    return this.iso;
  }

  toString(): string {
    return this.iso;
  }
}

export interface ExprRecord {
  readonly [field: string]: ExprValue;
}

export type ExprValue = null | boolean | number | string | Date | PlainDate | Duration | readonly ExprValue[] | ExprRecord;

export function isRecord(value: unknown): value is ExprRecord {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof PlainDate) &&
    !(value instanceof Duration)
  );
}

/** A JS value from the outside world as an expression value (`undefined` → null). */
export function fromJs(value: unknown): ExprValue {
  return value === undefined ? null : (value as ExprValue);
}

/** The type name of a run-time value, for messages. */
export function kindOfValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof Date) return 'datetime';
  if (value instanceof PlainDate) return 'date';
  if (value instanceof Duration) return 'duration';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'record';
  return typeof value;
}

/** Short text of a value for error messages. */
export function describeValue(value: unknown): string {
  const kind = kindOfValue(value);
  if (kind === 'null' || kind === 'list' || kind === 'record') return kind;
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `${kind} ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text)}`;
}

/** Null-safe deep equality (`==`): null equals only null; values of different kinds are unequal. */
export function valuesEqual(a: ExprValue, b: ExprValue): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (a instanceof Date) return b instanceof Date && a.getTime() === b.getTime();
  if (a instanceof PlainDate) return b instanceof PlainDate && a.iso === b.iso;
  if (a instanceof Duration) return b instanceof Duration && a.millis === b.millis;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => valuesEqual(item, (b as ExprValue[])[i]!));
  }
  if (isRecord(a) && isRecord(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && valuesEqual(a[key]!, b[key]!));
  }
  return false;
}
