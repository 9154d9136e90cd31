/**
 * Closures for operators. Null rules: arithmetic with null → null; `/` and `%` by zero → null;
 * `==`/`!=` are null-safe (`null == null` is true); ordering with null → null; logic is
 * three-valued like SQL (`null && false` → false, `null || true` → true, `!null` → null); a
 * condition (`?:`) takes its else branch unless the test is exactly true.
 */
import type { BinaryExpr, ConditionalExpr, Expr, UnaryExpr } from './ast.ts';
import type { Evaluator } from './adapt.ts';
import { ExprError, type Span } from './errors.ts';
import { add, compare, contains, divide, equals, modulo, multiply, negate, subtract } from './operations.ts';
import type { Frame } from './runtime.ts';
import type { ExprType } from './types.ts';
import { describeValue, kindOfValue, type ExprValue } from './values.ts';

type Child = (node: Expr) => Evaluator;
type TypeOf = (node: Expr) => ExprType;

function operandError(span: Span, operator: string, expected: string, value: ExprValue): ExprError {
  return new ExprError('runtimeType', span, { subject: 'operand', name: operator, expected, actual: describeValue(value) });
}

/** Operand kinds the operator is not defined for (only possible with `any` operands). */
function operatorError(node: BinaryExpr, a: ExprValue, b: ExprValue): ExprError {
  return new ExprError('operatorType', node.operatorSpan, { operator: node.operator, left: kindOfValue(a), right: kindOfValue(b) });
}

/** A boolean or null from a logic operand; anything else is a run-time type error. */
function logical(value: ExprValue, span: Span, operator: string): boolean | null {
  if (value === null || typeof value === 'boolean') return value;
  throw operandError(span, operator, 'boolean', value);
}

export function compileOperator(node: UnaryExpr | BinaryExpr | ConditionalExpr, child: Child, typeOf: TypeOf): Evaluator {
  switch (node.kind) {
    case 'Conditional': {
      const test = child(node.test);
      const consequent = child(node.consequent);
      const alternate = child(node.alternate);
      const testNode = node.test;
      return (frame) => (logical(test(frame), testNode, '?:') === true ? consequent(frame) : alternate(frame));
    }
    case 'Unary': {
      const operand = child(node.operand);
      const operandNode = node.operand;
      if (node.operator === '!') {
        return (frame) => {
          const value = logical(operand(frame), operandNode, '!');
          return value === null ? null : !value;
        };
      }
      return (frame) => {
        const value = operand(frame);
        const result = negate(value);
        if (result === undefined) throw operandError(operandNode, '-', 'number or duration', value);
        return result;
      };
    }
    case 'Binary':
      return binary(node, child, typeOf);
  }
}

function binary(node: BinaryExpr, child: Child, typeOf: TypeOf): Evaluator {
  const left = child(node.left);
  const right = child(node.right);
  const operator = node.operator;
  const bothNumbers = typeOf(node.left).kind === 'number' && typeOf(node.right).kind === 'number';
  switch (operator) {
    case '&&':
      return (frame) => {
        const a = logical(left(frame), node.left, '&&');
        if (a === false) return false;
        const b = logical(right(frame), node.right, '&&');
        if (b === false) return false;
        return a === null || b === null ? null : true;
      };
    case '||':
      return (frame) => {
        const a = logical(left(frame), node.left, '||');
        if (a === true) return true;
        const b = logical(right(frame), node.right, '||');
        if (b === true) return true;
        return a === null || b === null ? null : false;
      };
    case '??':
      return (frame) => {
        const value = left(frame);
        return value === null ? right(frame) : value;
      };
    case '==':
    case '!=': {
      const negated = operator === '!=';
      const primitive = isPrimitive(typeOf(node.left)) && isPrimitive(typeOf(node.right));
      if (primitive) return (frame) => (left(frame) === right(frame)) !== negated;
      return (frame) => equals(left(frame), right(frame), frame.timeZone) !== negated;
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return ordering(node, left, right, bothNumbers);
    case 'in':
    case 'not in': {
      const negated = operator === 'not in';
      return (frame) => {
        const item = left(frame);
        const container = right(frame);
        const result = contains(container, item, frame.timeZone);
        if (result === undefined) throw operandError(node.right, operator, 'list or string', container);
        return result === null ? null : result !== negated;
      };
    }
    default:
      return arithmetic(node, left, right, bothNumbers);
  }
}

const isPrimitive = (type: ExprType): boolean => type.kind === 'number' || type.kind === 'string' || type.kind === 'boolean' || type.kind === 'null';

const ORDER_TESTS: Readonly<Record<string, (order: number) => boolean>> = {
  '<': (order) => order < 0,
  '<=': (order) => order <= 0,
  '>': (order) => order > 0,
  '>=': (order) => order >= 0,
};

function ordering(node: BinaryExpr, left: Evaluator, right: Evaluator, bothNumbers: boolean): Evaluator {
  const operator = node.operator;
  if (bothNumbers) {
    const numberTests: Readonly<Record<string, (a: number, b: number) => boolean>> = {
      '<': (a, b) => a < b,
      '<=': (a, b) => a <= b,
      '>': (a, b) => a > b,
      '>=': (a, b) => a >= b,
    };
    const test = numberTests[operator]!;
    return (frame) => {
      const a = left(frame);
      if (a === null) return null;
      const b = right(frame);
      return b === null ? null : test(a as number, b as number);
    };
  }
  const test = ORDER_TESTS[operator]!;
  return (frame: Frame) => {
    const a = left(frame);
    const b = right(frame);
    if (a === null || b === null) return null;
    const order = compare(a, b, frame.timeZone);
    if (order === undefined) throw operatorError(node, a, b);
    return test(order);
  };
}

const ARITHMETIC = { '+': add, '-': subtract, '*': multiply, '/': divide, '%': modulo } as const;

/**
 * Arithmetic on two numbers, one closure per operator so the operation is inlined (this is the
 * inner loop of every indicator formula). A null operand gives null; so does a non-finite result
 * (`r - r === 0` is false only for NaN and ±Infinity): a zero divisor is "no data".
 */
function numericArithmetic(operator: keyof typeof ARITHMETIC, left: Evaluator, right: Evaluator): Evaluator {
  switch (operator) {
    case '+':
      return (frame) => {
        const a = left(frame);
        if (a === null) return null;
        const b = right(frame);
        if (b === null) return null;
        const r = (a as number) + (b as number);
        return r - r === 0 ? r : null;
      };
    case '-':
      return (frame) => {
        const a = left(frame);
        if (a === null) return null;
        const b = right(frame);
        if (b === null) return null;
        const r = (a as number) - (b as number);
        return r - r === 0 ? r : null;
      };
    case '*':
      return (frame) => {
        const a = left(frame);
        if (a === null) return null;
        const b = right(frame);
        if (b === null) return null;
        const r = (a as number) * (b as number);
        return r - r === 0 ? r : null;
      };
    case '/':
      return (frame) => {
        const a = left(frame);
        if (a === null) return null;
        const b = right(frame);
        if (b === null || b === 0) return null;
        const r = (a as number) / (b as number);
        return r - r === 0 ? r : null;
      };
    case '%':
      return (frame) => {
        const a = left(frame);
        if (a === null) return null;
        const b = right(frame);
        if (b === null || b === 0) return null;
        const r = (a as number) % (b as number);
        return r - r === 0 ? r : null;
      };
  }
}

function arithmetic(node: BinaryExpr, left: Evaluator, right: Evaluator, bothNumbers: boolean): Evaluator {
  const operator = node.operator as keyof typeof ARITHMETIC;
  if (bothNumbers) return numericArithmetic(operator, left, right);
  const apply = ARITHMETIC[operator];
  return (frame) => {
    const a = left(frame);
    const b = right(frame);
    const result = apply(a, b, frame.timeZone);
    if (result === undefined) throw operatorError(node, a, b);
    return result;
  };
}
