/**
 * Pratt parser: tokens → AST. Precedence, loosest first:
 *   `? :` · `??` · `||`/`or` · `&&`/`and` · `not` · `==` `!=` · `<` `<=` `>` `>=` `in` `not in`
 *   · `+` `-` · `*` `/` `%` · unary `-` `!` · postfix `.` `?.` `[ ]` `( )`.
 * `not` binds looser than comparisons (`not a == b` is `not (a == b)`, as in Python/SQL); `!`
 * binds tightest (`!a == b` is `(!a) == b`, as in JavaScript).
 */
import type { Assignment, BinaryOperator, CallExpr, Expr, Identifier, LambdaExpr } from './ast.ts';
import { DURATION_UNITS, tokenize, type Token } from './lexer.ts';
import { ExprError, joinSpans, type Diagnostic, type Span } from './errors.ts';

export interface ParseResult {
  readonly source: string;
  /** Undefined when there is a syntax error (then `diagnostics` holds it). */
  readonly ast?: Expr;
  readonly diagnostics: readonly Diagnostic[];
}

/** Binding powers (higher binds tighter). */
const Power = {
  Conditional: 2,
  Coalesce: 3,
  Or: 4,
  And: 5,
  Not: 6,
  Equality: 7,
  Relational: 8,
  Additive: 9,
  Multiplicative: 10,
  Prefix: 11,
} as const;
type Power = (typeof Power)[keyof typeof Power];

const BINARY: Readonly<Record<string, readonly [BinaryOperator, Power]>> = {
  '??': ['??', Power.Coalesce],
  '||': ['||', Power.Or],
  or: ['||', Power.Or],
  '&&': ['&&', Power.And],
  and: ['&&', Power.And],
  '==': ['==', Power.Equality],
  '!=': ['!=', Power.Equality],
  '<': ['<', Power.Relational],
  '<=': ['<=', Power.Relational],
  '>': ['>', Power.Relational],
  '>=': ['>=', Power.Relational],
  in: ['in', Power.Relational],
  '+': ['+', Power.Additive],
  '-': ['-', Power.Additive],
  '*': ['*', Power.Multiplicative],
  '/': ['/', Power.Multiplicative],
  '%': ['%', Power.Multiplicative],
};

/**
 * The body range of a whole-text Camunda/JUEL wrapper `${ … }` or `#{ … }`, or the trimmed text.
 * Composite templates such as `${a} and ${b}` are not unwrapped (and then fail to parse).
 */
export function unwrapRange(source: string): { readonly from: number; readonly to: number } {
  let from = 0;
  let to = source.length;
  while (from < to && /\s/.test(source[from]!)) from++;
  while (to > from && /\s/.test(source[to - 1]!)) to--;
  if (to - from < 3 || (source[from] !== '$' && source[from] !== '#') || source[from + 1] !== '{' || source[to - 1] !== '}') {
    return { from, to };
  }
  let quote: string | undefined;
  for (let i = from + 2; i < to - 1; i++) {
    const char = source[i]!;
    if (quote !== undefined) {
      if (char === '\\') i++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === '}') return { from, to };
  }
  return { from: from + 2, to: to - 1 };
}

/** Strips a whole-text `${…}` / `#{…}` wrapper: `${integerVariable}` → `integerVariable`. */
export function stripWrapper(source: string): string {
  const { from, to } = unwrapRange(source);
  return source.slice(from, to).trim();
}

/** Parses one expression. Never throws for bad input: errors come back as diagnostics. */
export function parse(source: string): ParseResult {
  try {
    const { from, to } = unwrapRange(source);
    const parser = new Parser(source, tokenize(source, from, to));
    if (parser.peek().kind === 'eof') {
      throw new ExprError('emptyExpression', parser.peek());
    }
    const ast = parser.expression(0);
    parser.expectEnd();
    return { source, ast, diagnostics: [] };
  } catch (error) {
    if (error instanceof ExprError) return { source, diagnostics: [error.toDiagnostic()] };
    throw error;
  }
}

/** Parses or throws the syntax error as an `ExprError`. */
export function parseOrThrow(source: string): Expr {
  const result = parse(source);
  if (result.ast === undefined) throw ExprError.from(result.diagnostics[0]!, result.diagnostics);
  return result.ast;
}

export interface AssignmentsResult {
  readonly source: string;
  readonly assignments: readonly Assignment[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Parses script-task assignments `target = expression`, separated by `;` or line breaks (a line
 * break ends an assignment only where its expression is complete).
 */
export function parseAssignments(source: string): AssignmentsResult {
  try {
    const parser = new Parser(source, tokenize(source));
    const assignments: Assignment[] = [];
    while (parser.skipSemicolons().kind !== 'eof') assignments.push(parser.assignment());
    if (assignments.length === 0) throw new ExprError('emptyExpression', parser.peek());
    return { source, assignments, diagnostics: [] };
  } catch (error) {
    if (error instanceof ExprError) return { source, assignments: [], diagnostics: [error.toDiagnostic()] };
    throw error;
  }
}

class Parser {
  private position = 0;

  constructor(
    private readonly source: string,
    private readonly tokens: readonly Token[],
  ) {}

  peek(offset = 0): Token {
    return this.tokens[Math.min(this.position + offset, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'eof') this.position++;
    return token;
  }

  private isOperator(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind === 'operator' && token.text === text;
  }

  private expect(text: string): Token {
    if (this.isOperator(text)) return this.next();
    throw this.unexpected(this.peek(), text);
  }

  private unexpected(token: Token, expected?: string): ExprError {
    if (token.kind === 'eof') return new ExprError('unexpectedEnd', token);
    if (token.kind === 'operator' && token.text === '=') return new ExprError('singleEquals', token);
    if (token.kind === 'operator' && token.text === '=>') return new ExprError('lambdaNotAllowed', token);
    if (expected !== undefined) return new ExprError('expectedToken', token, { expected, token: token.text });
    return new ExprError('unexpectedToken', token, { token: token.text });
  }

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'eof') throw this.unexpected(token);
  }

  skipSemicolons(): Token {
    while (this.isOperator(';')) this.next();
    return this.peek();
  }

  assignment(): Assignment {
    const target = this.next();
    if (target.kind !== 'identifier') throw new ExprError('invalidAssignmentTarget', target);
    if (!this.isOperator('=')) {
      throw this.peek().kind === 'eof' ? new ExprError('unexpectedEnd', this.peek()) : new ExprError('invalidAssignmentTarget', target);
    }
    this.next();
    const expression = this.expression(0);
    const after = this.peek();
    if (after.kind !== 'eof' && !after.newlineBefore && !this.isOperator(';')) throw this.unexpected(after);
    return {
      ...joinSpans(target, expression),
      target: { kind: 'Identifier', name: target.text, ...span(target) },
      expression,
      expressionSource: this.source.slice(expression.start, expression.end),
    };
  }

  expression(minPower: number): Expr {
    let left = this.prefix();
    while (true) {
      const token = this.peek();
      if (token.kind === 'eof') break;
      if (token.kind === 'operator' && token.text === '?' && minPower < Power.Conditional) {
        this.next();
        const consequent = this.expression(0);
        this.expect(':');
        const alternate = this.expression(Power.Conditional - 1);
        left = { kind: 'Conditional', test: left, consequent, alternate, ...joinSpans(left, alternate) };
        continue;
      }
      const notIn = token.kind === 'keyword' && token.text === 'not' && this.peek(1).kind === 'keyword' && this.peek(1).text === 'in';
      const entry = notIn ? (['not in', Power.Relational] as const) : this.binaryEntry(token);
      if (entry === undefined || entry[1] <= minPower) break;
      this.next();
      if (notIn) this.next();
      const operatorSpan = notIn ? joinSpans(token, this.peek(-1)) : span(token);
      const right = this.expression(entry[1]);
      left = { kind: 'Binary', operator: entry[0], operatorSpan, left, right, ...joinSpans(left, right) };
    }
    return left;
  }

  private binaryEntry(token: Token): readonly [BinaryOperator, Power] | undefined {
    if (token.kind !== 'operator' && token.kind !== 'keyword') return undefined;
    return Object.hasOwn(BINARY, token.text) ? BINARY[token.text] : undefined;
  }

  private prefix(): Expr {
    const token = this.next();
    if (token.kind === 'operator' && (token.text === '-' || token.text === '!')) {
      const operand = this.expression(Power.Prefix);
      return { kind: 'Unary', operator: token.text, operand, ...joinSpans(token, operand) };
    }
    if (token.kind === 'keyword' && token.text === 'not') {
      const operand = this.expression(Power.Not);
      return { kind: 'Unary', operator: '!', operand, ...joinSpans(token, operand) };
    }
    return this.postfix(this.primary(token));
  }

  private primary(token: Token): Expr {
    switch (token.kind) {
      case 'number':
        return { kind: 'Number', value: token.value as number, ...span(token) };
      case 'duration': {
        const amount = token.value as number;
        return { kind: 'Duration', amount, unit: token.unit!, millis: amount * DURATION_UNITS[token.unit!], ...span(token) };
      }
      case 'string':
        return { kind: 'String', value: token.value as string, ...span(token) };
      case 'keyword':
        if (token.text === 'true' || token.text === 'false') return { kind: 'Boolean', value: token.text === 'true', ...span(token) };
        if (token.text === 'null') return { kind: 'Null', ...span(token) };
        throw this.unexpected(token);
      case 'identifier':
        if (this.isOperator('(')) return this.call(token.text, span(token), span(token), [], false, false);
        if (this.isOperator('=>')) throw new ExprError('lambdaNotAllowed', this.peek());
        return { kind: 'Identifier', name: token.text, ...span(token) };
      case 'operator':
        if (token.text === '(') {
          const inner = this.expression(0);
          const close = this.expect(')');
          if (this.isOperator('=>')) throw new ExprError('lambdaNotAllowed', this.peek());
          return { ...inner, ...joinSpans(token, close) };
        }
        if (token.text === '[') {
          const items = this.list(']', () => this.expression(0));
          return { kind: 'List', items, ...joinSpans(token, this.peek(-1)) };
        }
        throw this.unexpected(token);
      default:
        throw this.unexpected(token);
    }
  }

  private postfix(start: Expr): Expr {
    let node = start;
    let optionalChain = false;
    while (true) {
      if (this.isOperator('.') || this.isOperator('?.')) {
        const dot = this.next();
        optionalChain ||= dot.text === '?.';
        if (dot.text === '?.' && this.isOperator('[')) {
          node = this.index(node, true);
          continue;
        }
        const name = this.next();
        if (name.kind !== 'identifier' && name.kind !== 'keyword') throw this.unexpected(name, 'name');
        const propertyText = this.source.slice(name.start, name.end);
        if (this.isOperator('(')) {
          node = this.call(propertyText, span(name), node, [node], true, optionalChain);
          continue;
        }
        node = { kind: 'Member', object: node, property: propertyText, propertySpan: span(name), optional: optionalChain, ...joinSpans(node, name) };
        continue;
      }
      if (this.isOperator('[')) {
        node = this.index(node, optionalChain);
        continue;
      }
      if (this.isOperator('(')) throw new ExprError('notCallable', this.peek());
      return node;
    }
  }

  private index(object: Expr, optional: boolean): Expr {
    this.expect('[');
    const index = this.expression(0);
    const close = this.expect(']');
    return { kind: 'Index', object, index, optional, ...joinSpans(object, close) };
  }

  private call(callee: string, calleeSpan: Span, startSpan: Span, receiver: Expr[], method: boolean, optional: boolean): CallExpr {
    this.expect('(');
    const args = this.list(')', () => this.argument());
    return {
      kind: 'Call', callee, calleeSpan, args: [...receiver, ...args], method, optional, ...joinSpans(startSpan, this.peek(-1)),
    };
  }

  private argument(): Expr {
    const first = this.peek();
    if (first.kind === 'identifier' && this.isOperator('=>', 1)) {
      this.next();
      this.next();
      return this.lambda(first, [{ kind: 'Identifier', name: first.text, ...span(first) }]);
    }
    if (this.isOperator('(') && this.isLambdaHead()) {
      this.next();
      const params = this.list(')', () => {
        const name = this.next();
        return { kind: 'Identifier', name: name.text, ...span(name) } satisfies Identifier;
      });
      this.expect('=>');
      return this.lambda(first, params);
    }
    return this.expression(0);
  }

  /** `( a , b ) =>` ahead? */
  private isLambdaHead(): boolean {
    let offset = 1;
    if (this.isOperator(')', offset)) return this.isOperator('=>', offset + 1);
    while (this.peek(offset).kind === 'identifier') {
      offset++;
      if (this.isOperator(')', offset)) return this.isOperator('=>', offset + 1);
      if (!this.isOperator(',', offset)) return false;
      offset++;
    }
    return false;
  }

  private lambda(start: Span, params: readonly Identifier[]): LambdaExpr {
    const body = this.expression(0);
    return { kind: 'Lambda', params, body, ...joinSpans(start, body) };
  }

  /** Comma-separated items up to `close` (a trailing comma is allowed). */
  private list<T>(close: string, item: () => T): T[] {
    const items: T[] = [];
    while (!this.isOperator(close)) {
      items.push(item());
      if (!this.isOperator(',')) break;
      this.next();
    }
    this.expect(close);
    return items;
  }
}

function span(token: Span): Span {
  return { start: token.start, end: token.end, line: token.line, column: token.column };
}
