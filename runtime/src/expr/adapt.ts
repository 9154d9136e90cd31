/**
 * Run-time adaptation of values to their static type where they enter an expression (variables,
 * record fields, `any` results the caller expects typed): primitives are verified, ISO 8601 text
 * becomes `Date` / `PlainDate` / `Duration`. Values inside lists are not adapted (functions
 * convert what they read).
 */
import { ExprError, type Span } from './errors.ts';
import { toDatetime, toDuration, toPlainDate } from './functions/args.ts';
import type { MessageParams } from './messages.ts';
import type { Frame } from './runtime.ts';
import type { ExprType } from './types.ts';
import { describeValue, isRecord, type ExprValue } from './values.ts';

export type Evaluator = (frame: Frame) => ExprValue;
export type Adapter = (value: ExprValue, frame: Frame) => ExprValue;

const NOWHERE: Span = { start: 0, end: 0, line: 1, column: 1 };

/**
 * The adapter for values of static type `type`, or undefined when none is needed. `subject`
 * names the value in errors (`{ subject: 'variable', name: 'dueAt' }`).
 */
export function adapterFor(type: ExprType, subject: MessageParams, span: Span = NOWHERE): Adapter | undefined {
  const fail = (value: ExprValue): never => {
    throw new ExprError('runtimeType', span, { ...subject, expected: type.kind, actual: describeValue(value) });
  };
  switch (type.kind) {
    case 'number':
      return (value) => (typeof value === 'number' ? (value - value === 0 ? value : null) : value === null ? null : fail(value));
    case 'string':
      return (value) => (value === null || typeof value === 'string' ? value : fail(value));
    case 'boolean':
      return (value) => (value === null || typeof value === 'boolean' ? value : fail(value));
    case 'datetime':
      return (value, frame) => (value === null ? null : (toDatetime(value, frame.timeZone) ?? fail(value)));
    case 'date':
      return (value, frame) => (value === null ? null : (toPlainDate(value, frame.timeZone) ?? fail(value)));
    case 'duration':
      return (value) => (value === null ? null : (toDuration(value) ?? fail(value)));
    case 'list':
      return (value) => (value === null || Array.isArray(value) ? value : fail(value));
    case 'record':
      return (value) => (value === null || isRecord(value) ? value : fail(value));
    default:
      return undefined;
  }
}
