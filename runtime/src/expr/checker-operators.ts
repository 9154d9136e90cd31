/** Static typing of operators: the result type of an operator over operand types, or undefined. */
import type { BinaryOperator, Expr } from './ast.ts';
import { parseDatetime, parseIsoDuration, parsePlainDate } from './temporal.ts';
import { isUnknown, t, type ExprType } from './types.ts';

const ORDERED_KINDS = new Set(['number', 'string', 'datetime', 'date', 'duration']);
const TEMPORAL_KINDS = new Set(['datetime', 'date', 'duration']);

/** Whether a string literal denotes a value of the temporal type (ISO 8601 text). */
export function literalFits(node: Expr, type: ExprType): boolean {
  if (node.kind !== 'String') return false;
  if (type.kind === 'datetime') return parseDatetime(node.value, 'UTC') !== undefined;
  if (type.kind === 'date') return parsePlainDate(node.value) !== undefined || parseDatetime(node.value, 'UTC') !== undefined;
  if (type.kind === 'duration') return parseIsoDuration(node.value) !== undefined;
  return false;
}

/** A temporal operand against a string literal: ok when the literal parses, else invalid. */
export function temporalLiteralPair(
  left: Expr,
  leftType: ExprType,
  right: Expr,
  rightType: ExprType,
): 'none' | 'valid' | { readonly node: Expr; readonly expected: ExprType } {
  for (const [literal, literalType, other] of [[right, rightType, leftType], [left, leftType, rightType]] as const) {
    if (literalType.kind === 'string' && TEMPORAL_KINDS.has(other.kind) && literal.kind === 'String') {
      return literalFits(literal, other) ? 'valid' : { node: literal, expected: other };
    }
  }
  return 'none';
}

function arithmetic(operator: BinaryOperator, l: ExprType, r: ExprType): ExprType | undefined {
  const pair = `${l.kind} ${r.kind}`;
  switch (operator) {
    case '+':
      if (pair === 'number number') return t.number;
      if (l.kind === 'string' && ['string', 'number', 'boolean'].includes(r.kind)) return t.string;
      if (r.kind === 'string' && ['number', 'boolean'].includes(l.kind)) return t.string;
      if (pair === 'datetime duration' || pair === 'duration datetime') return t.datetime;
      if (pair === 'duration duration') return t.duration;
      return undefined;
    case '-':
      if (pair === 'number number') return t.number;
      if (pair === 'datetime duration') return t.datetime;
      if (pair === 'datetime datetime' || pair === 'duration duration' || pair === 'date date') return t.duration;
      return undefined;
    case '*':
      if (pair === 'number number') return t.number;
      if (pair === 'duration number' || pair === 'number duration') return t.duration;
      return undefined;
    case '/':
      if (pair === 'number number' || pair === 'duration duration') return t.number;
      if (pair === 'duration number') return t.duration;
      return undefined;
    case '%':
      return pair === 'number number' ? t.number : undefined;
    default:
      return undefined;
  }
}

/**
 * Result type of an arithmetic, comparison or membership operator (logic and `??` are typed by
 * the checker itself). `any`/`null` operands make arithmetic results `any`.
 */
export function binaryType(operator: BinaryOperator, l: ExprType, r: ExprType): ExprType | undefined {
  switch (operator) {
    case '+':
    case '-':
    case '*':
    case '/':
    case '%':
      if (isUnknown(l) || isUnknown(r)) {
        // Only `+` is defined on strings; the other side may still rule the operator out.
        const known = isUnknown(l) ? r : l;
        if (isUnknown(known)) return t.any;
        const plausible = ['number', 'duration', 'datetime', 'date'].includes(known.kind) || (operator === '+' && known.kind === 'string') || (operator === '+' && known.kind === 'boolean');
        return plausible ? t.any : undefined;
      }
      return arithmetic(operator, l, r);
    case '<':
    case '<=':
    case '>':
    case '>=':
      if (isUnknown(l) || isUnknown(r)) {
        const known = isUnknown(l) ? r : l;
        return isUnknown(known) || ORDERED_KINDS.has(known.kind) ? t.boolean : undefined;
      }
      return l.kind === r.kind && ORDERED_KINDS.has(l.kind) ? t.boolean : undefined;
    case '==':
    case '!=':
      return t.boolean;
    case 'in':
    case 'not in':
      if (isUnknown(r) || r.kind === 'list') return t.boolean;
      if (r.kind === 'string') return isUnknown(l) || l.kind === 'string' ? t.boolean : undefined;
      return undefined;
    default:
      return undefined;
  }
}

/** `==` between values of these types can never be true (a likely mistake, reported as a warning). */
export function neverEqual(l: ExprType, r: ExprType): boolean {
  if (isUnknown(l) || isUnknown(r) || l.kind === 'any' || r.kind === 'any') return false;
  if (l.kind === 'datetime' && r.kind === 'date') return false;
  if (l.kind === 'date' && r.kind === 'datetime') return false;
  return l.kind !== r.kind;
}
