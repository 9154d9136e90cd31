/**
 * The abstract syntax tree. Every node carries its source span (offsets into the original text,
 * including any `${…}` wrapper, so positions match what the author sees).
 */
import type { Span } from './errors.ts';

/** Duration literal units: milliseconds, seconds, minutes, hours, days (24 h), weeks (7 d). */
export type DurationUnit = 'ms' | 's' | 'min' | 'h' | 'd' | 'w';

export type BinaryOperator =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | '&&'
  | '||'
  | '??'
  | 'in'
  | 'not in';

export type UnaryOperator = '-' | '!';

interface NodeBase extends Span {
  readonly kind: string;
}

export interface NumberLiteral extends NodeBase {
  readonly kind: 'Number';
  readonly value: number;
}

export interface StringLiteral extends NodeBase {
  readonly kind: 'String';
  readonly value: string;
}

export interface BooleanLiteral extends NodeBase {
  readonly kind: 'Boolean';
  readonly value: boolean;
}

export interface NullLiteral extends NodeBase {
  readonly kind: 'Null';
}

export interface DurationLiteral extends NodeBase {
  readonly kind: 'Duration';
  readonly amount: number;
  readonly unit: DurationUnit;
  readonly millis: number;
}

export interface ListLiteral extends NodeBase {
  readonly kind: 'List';
  readonly items: readonly Expr[];
}

export interface Identifier extends NodeBase {
  readonly kind: 'Identifier';
  readonly name: string;
}

export interface MemberExpr extends NodeBase {
  readonly kind: 'Member';
  readonly object: Expr;
  readonly property: string;
  readonly propertySpan: Span;
  /** Null-safe: `a?.b`, or any link after a `?.` in the same chain. */
  readonly optional: boolean;
}

export interface IndexExpr extends NodeBase {
  readonly kind: 'Index';
  readonly object: Expr;
  readonly index: Expr;
  readonly optional: boolean;
}

export interface CallExpr extends NodeBase {
  readonly kind: 'Call';
  /** The function name as written (lookup is case-insensitive). */
  readonly callee: string;
  readonly calleeSpan: Span;
  /** For method sugar `a.f(b)` the receiver `a` is `args[0]`. */
  readonly args: readonly Expr[];
  readonly method: boolean;
  /** Method sugar after `?.`: a null receiver yields null without calling. */
  readonly optional: boolean;
}

export interface UnaryExpr extends NodeBase {
  readonly kind: 'Unary';
  readonly operator: UnaryOperator;
  readonly operand: Expr;
}

export interface BinaryExpr extends NodeBase {
  readonly kind: 'Binary';
  readonly operator: BinaryOperator;
  readonly operatorSpan: Span;
  readonly left: Expr;
  readonly right: Expr;
}

export interface ConditionalExpr extends NodeBase {
  readonly kind: 'Conditional';
  readonly test: Expr;
  readonly consequent: Expr;
  readonly alternate: Expr;
}

export interface LambdaExpr extends NodeBase {
  readonly kind: 'Lambda';
  readonly params: readonly Identifier[];
  readonly body: Expr;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | BooleanLiteral
  | NullLiteral
  | DurationLiteral
  | ListLiteral
  | Identifier
  | MemberExpr
  | IndexExpr
  | CallExpr
  | UnaryExpr
  | BinaryExpr
  | ConditionalExpr
  | LambdaExpr;

/** A script-task assignment `target = expression`. */
export interface Assignment extends Span {
  readonly target: Identifier;
  readonly expression: Expr;
  /** The expression's source text (without the target), e.g. for storing in the process model. */
  readonly expressionSource: string;
}
