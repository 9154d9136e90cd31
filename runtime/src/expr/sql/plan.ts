/**
 * Compiling a formula's aggregates over datasets to SQL (docs/expressions.md §10), so that an
 * indicator over a million rows computes in the database instead of loading them into Node.
 *
 * A dataset is a variable of type list<record{…}> that the caller declares as living in a table.
 * Every call COUNT / SUM / AVG / MIN / MAX / COUNT_DISTINCT whose first argument is a dataset (or
 * FILTER(dataset, predicate)) becomes one SQL aggregate; the rest of the formula — ratios, IF,
 * arithmetic on the aggregates — is evaluated by the ordinary compiler with each aggregate's
 * result as a variable. Inside a predicate or selector, a subexpression that does not read the
 * row (`NOW() - 72h`, `period.start`, `["closed", "voided"]`) is evaluated once in JavaScript and
 * bound as a parameter; what reads the row becomes a dialect-neutral `SqlNode` tree that the
 * platform renders for SQLite or PostgreSQL. Null semantics are the language's: three-valued
 * logic, `==` null-safe, a zero divisor gives null, `in` a list is true or false (null when the
 * list itself is null).
 *
 * Pure: no SQL strings for a particular database and no I/O here.
 */
import type { BinaryExpr, CallExpr, Expr, Identifier, LambdaExpr } from '../ast.ts';
import { check, type CheckOptions, type CheckResult } from '../checker.ts';
import { compile, type CompiledExpression } from '../compile.ts';
import { createEnvironment, type Environment } from '../environment.ts';
import { ExprError, type Diagnostic, type Span } from '../errors.ts';
import type { MessageParams } from '../messages.ts';
import { formatType, t, type ExprType } from '../types.ts';

/** A column of a dataset as the language sees it. */
export interface DatasetField {
  readonly type: ExprType;
}

export interface DatasetSpec {
  /** Language field name → its type (number, string, boolean or datetime). */
  readonly fields: Readonly<Record<string, DatasetField>>;
}

export type SqlBinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'mod' | 'and' | 'or' | 'lt' | 'le' | 'gt' | 'ge' | 'eq' | 'ne' | 'coalesce';

/** Row-level SQL, dialect-neutral. `param` is the index of a constant evaluated before the query. */
export type SqlNode =
  | { readonly kind: 'field'; readonly field: string; readonly type: ExprType }
  | { readonly kind: 'param'; readonly index: number; readonly type: ExprType }
  | { readonly kind: 'not'; readonly operand: SqlNode }
  | { readonly kind: 'negate'; readonly operand: SqlNode }
  | { readonly kind: 'binary'; readonly op: SqlBinaryOp; readonly left: SqlNode; readonly right: SqlNode; readonly type: ExprType }
  /** `item in list`: true or false, never null (the language's list membership). */
  | { readonly kind: 'in'; readonly item: SqlNode; readonly list: number }
  | { readonly kind: 'case'; readonly test: SqlNode; readonly then: SqlNode; readonly otherwise: SqlNode };

export type SqlAggregateFn = 'count' | 'sum' | 'avg' | 'min' | 'max' | 'countDistinct';

export interface SqlAggregate {
  /** The variable the residual formula reads the result from. */
  readonly name: string;
  readonly dataset: string;
  readonly fn: SqlAggregateFn;
  /** The selector's value; absent for COUNT of rows. */
  readonly value?: SqlNode;
  /** Rows that count: FILTER's predicate, or COUNT's. */
  readonly filter?: SqlNode;
  readonly type: ExprType;
  readonly span: Span;
}

export interface FormulaPlan {
  readonly aggregates: readonly SqlAggregate[];
  /** Constants the SQL needs, evaluated with the formula's variables before the query runs. */
  readonly params: readonly CompiledExpression[];
  /** The formula with each aggregate replaced by its variable. */
  readonly residual: CompiledExpression;
  readonly type: ExprType;
  readonly diagnostics: readonly Diagnostic[];
}

export interface PlanOptions extends Pick<CheckOptions, 'expectedType'> {
  /** Variables other than the datasets (e.g. `period`), typed. */
  readonly environment?: Environment;
  readonly datasets: Readonly<Record<string, DatasetSpec>>;
}

const AGGREGATES: Readonly<Record<string, SqlAggregateFn>> = {
  COUNT: 'count', SUM: 'sum', AVG: 'avg', MIN: 'min', MAX: 'max', COUNT_DISTINCT: 'countDistinct',
};

const BINARY: Partial<Record<BinaryExpr['operator'], SqlBinaryOp>> = {
  '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '%': 'mod', '&&': 'and', '||': 'or',
  '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', '==': 'eq', '!=': 'ne', '??': 'coalesce',
};

class NotInDatabase extends Error {
  constructor(readonly code: 'notInDatabase' | 'datasetOutsideAggregate', readonly span: Span, readonly params: MessageParams) {
    super(code);
  }
}

/** The record type a dataset has in the language. */
export function datasetType(spec: DatasetSpec): ExprType {
  return t.list(t.record(Object.fromEntries(Object.entries(spec.fields).map(([name, field]) => [name, field.type]))));
}

/**
 * Plans `source`: checks it with the datasets in scope and splits it into SQL aggregates and a
 * residual formula. Throws `ExprError` (positioned; `diagnostics` lists every error) when the
 * formula does not parse or check, or a part of it cannot run in the database.
 */
export function planFormula(source: string | Expr, options: PlanOptions): FormulaPlan {
  const outer = options.environment ?? createEnvironment();
  const withDatasets = createEnvironment({
    variables: new Map([...outer.variables, ...Object.entries(options.datasets).map(([name, spec]) => [name, datasetType(spec)] as const)]),
    open: outer.open,
    functions: outer.functions,
  });
  const checked = compile(source, { environment: withDatasets, expectedType: options.expectedType });
  const result = check(checked.ast, withDatasets, { expectedType: options.expectedType });
  const planner = new Planner(result, options.datasets, outer);
  let residualAst: Expr;
  try {
    residualAst = planner.residual(checked.ast);
  } catch (error) {
    if (error instanceof NotInDatabase) throw new ExprError(error.code, error.span, error.params);
    throw error;
  }
  const residualVariables = new Map(outer.variables);
  for (const aggregate of planner.aggregates) residualVariables.set(aggregate.name, aggregate.type);
  const residual = compile(residualAst, {
    environment: createEnvironment({ variables: residualVariables, open: outer.open, functions: outer.functions }),
    expectedType: options.expectedType,
  });
  return { aggregates: planner.aggregates, params: planner.params, residual, type: checked.type, diagnostics: checked.diagnostics };
}

/** The diagnostics `planFormula` would throw, or none (for the designer's check endpoint). */
export function planDiagnostics(source: string, options: PlanOptions): readonly Diagnostic[] {
  try {
    planFormula(source, options);
    return [];
  } catch (error) {
    if (error instanceof ExprError) return error.diagnostics;
    throw error;
  }
}

class Planner {
  readonly aggregates: SqlAggregate[] = [];
  readonly params: CompiledExpression[] = [];

  constructor(
    private readonly checked: CheckResult,
    private readonly datasets: Readonly<Record<string, DatasetSpec>>,
    private readonly outer: Environment,
  ) {}

  private typeOf(node: Expr): ExprType {
    return this.checked.types.get(node) ?? t.any;
  }

  private isDataset(node: Expr): node is Identifier {
    return node.kind === 'Identifier' && Object.hasOwn(this.datasets, node.name) && !this.checked.locals.has(node);
  }

  /** The formula outside aggregates, with each aggregate call replaced by an identifier. */
  residual(node: Expr): Expr {
    if (node.kind === 'Call') {
      const aggregate = this.aggregateOf(node);
      if (aggregate) return { kind: 'Identifier', name: aggregate.name, start: node.start, end: node.end, line: node.line, column: node.column };
    }
    if (this.isDataset(node)) throw new NotInDatabase('datasetOutsideAggregate', node, { name: node.name });
    return mapChildren(node, (child) => this.residual(child));
  }

  private aggregateOf(call: CallExpr): SqlAggregate | undefined {
    const fn = AGGREGATES[call.callee.toUpperCase()];
    const [first, second] = call.args;
    if (!fn || first === undefined) return undefined;
    const source = this.sourceOf(first);
    if (!source) return undefined;
    const spec = this.datasets[source.dataset.name]!;
    let filter = source.filter ? this.row(source.filter, spec) : undefined;
    let value = source.selector ? this.row(source.selector, spec) : undefined;
    const lambda = second?.kind === 'Lambda' ? second : undefined;
    if (lambda && fn === 'count') {
      // COUNT's lambda is a predicate over what the source yields: rows, or MAP's values.
      if (value) throw new NotInDatabase('notInDatabase', lambda, { reason: 'nestedLambda' });
      const predicate = this.row(lambda, spec);
      filter = filter ? { kind: 'binary', op: 'and', left: filter, right: predicate, type: t.boolean } : predicate;
    } else if (lambda) {
      if (value) throw new NotInDatabase('notInDatabase', lambda, { reason: 'nestedLambda' });
      value = this.row(lambda, spec);
    }
    // SUM(dataset) without a selector would aggregate whole rows.
    if (fn !== 'count' && !value) throw new NotInDatabase('notInDatabase', call, { reason: 'wholeRow' });
    const aggregate: SqlAggregate = {
      name: `__aggregate${this.aggregates.length}`, dataset: source.dataset.name, fn,
      ...(value ? { value } : {}), ...(filter ? { filter } : {}), type: this.typeOf(call), span: call,
    };
    this.aggregates.push(aggregate);
    return aggregate;
  }

  /** `dataset`, `FILTER(dataset, p)`, `MAP(dataset, s)` or `MAP(FILTER(dataset, p), s)`; undefined for anything else. */
  private sourceOf(node: Expr): { dataset: Identifier; filter?: LambdaExpr; selector?: LambdaExpr } | undefined {
    if (this.isDataset(node)) return { dataset: node };
    if (node.kind !== 'Call' || node.args.length !== 2 || node.args[1]!.kind !== 'Lambda') return undefined;
    const name = node.callee.toUpperCase();
    const lambda = node.args[1] as LambdaExpr;
    if (name === 'FILTER' && this.isDataset(node.args[0]!)) return { dataset: node.args[0], filter: lambda };
    if (name === 'MAP') {
      const inner = this.sourceOf(node.args[0]!);
      if (inner && !inner.selector) return { ...inner, selector: lambda };
    }
    return undefined;
  }

  /** A lambda over one row of `spec`, as SQL. */
  private row(lambda: LambdaExpr, spec: DatasetSpec): SqlNode {
    const param = lambda.params[0];
    if (!param) throw new NotInDatabase('notInDatabase', lambda, { reason: 'wholeRow' });
    return new RowCompiler(this, param.name, spec).node(lambda.body);
  }

  typeOfNode(node: Expr): ExprType {
    return this.typeOf(node);
  }

  isLocal(node: Identifier): boolean {
    return this.checked.locals.has(node);
  }

  /**
   * Registers a row-independent subexpression as a parameter. `as` is the type it stands for next
   * to a row field: a quoted ISO date-time or duration beside a datetime or duration field is
   * converted as the language converts it (a text parameter would compare wrongly in SQL).
   */
  constant(node: Expr, as?: ExprType): SqlNode {
    if (this.mentionsDataset(node)) throw new NotInDatabase('notInDatabase', node, { reason: 'nestedAggregate' });
    const own = node.kind === 'Null' ? t.null : this.typeOf(node);
    const type = as && (as.kind === 'datetime' || as.kind === 'duration') && own.kind === 'string' ? as : own;
    if (!SQL_VALUE_KINDS.has(type.kind)) throw new NotInDatabase('notInDatabase', node, { reason: 'valueType', type: formatType(type) });
    const index = this.params.length;
    this.params.push(compile(node, { environment: this.outer, ...(type !== own ? { expectedType: type } : {}) }));
    return { kind: 'param', index, type };
  }

  /** The list on the right of `in`, as one parameter. */
  list(node: Expr): number {
    if (this.mentionsDataset(node)) throw new NotInDatabase('notInDatabase', node, { reason: 'nestedAggregate' });
    const type = this.typeOf(node);
    if (type.kind !== 'list' || !SQL_VALUE_KINDS.has(type.element.kind)) throw new NotInDatabase('notInDatabase', node, { reason: 'listValue' });
    const index = this.params.length;
    this.params.push(compile(node, { environment: this.outer }));
    return index;
  }

  private mentionsDataset(node: Expr): boolean {
    if (this.isDataset(node)) return true;
    let found = false;
    mapChildren(node, (child) => {
      found ||= this.mentionsDataset(child);
      return child;
    });
    return found;
  }
}

class RowCompiler {
  constructor(private readonly planner: Planner, private readonly rowName: string, private readonly spec: DatasetSpec) {}

  /** True when `node` reads the row variable anywhere. */
  private readsRow(node: Expr): boolean {
    if (node.kind === 'Identifier') return node.name === this.rowName && this.planner.isLocal(node);
    let found = false;
    mapChildren(node, (child) => {
      found ||= this.readsRow(child);
      return child;
    });
    return found;
  }

  node(node: Expr): SqlNode {
    if (!this.readsRow(node)) return this.planner.constant(node);
    const type = this.planner.typeOfNode(node);
    switch (node.kind) {
      case 'Member': {
        if (node.object.kind !== 'Identifier' || node.object.name !== this.rowName) throw new NotInDatabase('notInDatabase', node, { reason: 'wholeRow' });
        const field = this.spec.fields[node.property];
        if (!field) throw new NotInDatabase('notInDatabase', node, { reason: 'wholeRow' });
        return { kind: 'field', field: node.property, type: field.type };
      }
      case 'Identifier':
        throw new NotInDatabase('notInDatabase', node, { reason: 'wholeRow' });
      case 'Index':
        throw new NotInDatabase('notInDatabase', node, { reason: 'indexAccess' });
      case 'Lambda':
        throw new NotInDatabase('notInDatabase', node, { reason: 'nestedLambda' });
      case 'Unary':
        return node.operator === '!' ? { kind: 'not', operand: this.node(node.operand) } : { kind: 'negate', operand: this.number(node.operand, '-') };
      case 'Conditional':
        return { kind: 'case', test: this.node(node.test), then: this.node(node.consequent), otherwise: this.node(node.alternate) };
      case 'Binary':
        return this.binary(node, type);
      case 'Call':
        return this.call(node);
      default:
        throw new NotInDatabase('notInDatabase', node, { reason: 'wholeRow' });
    }
  }

  private number(node: Expr, operator: string): SqlNode {
    const type = this.planner.typeOfNode(node);
    if (type.kind !== 'number' && type.kind !== 'null') throw new NotInDatabase('notInDatabase', node, { reason: 'operator', operator, type: formatType(type) });
    return this.node(node);
  }

  private binary(node: BinaryExpr, type: ExprType): SqlNode {
    if (node.operator === 'in' || node.operator === 'not in') {
      // Only membership in a list: `text in "…"` is a substring test, which SQL would not give alike.
      if (this.readsRow(node.right)) throw new NotInDatabase('notInDatabase', node.right, { reason: 'listValue' });
      const membership: SqlNode = { kind: 'in', item: this.node(node.left), list: this.planner.list(node.right) };
      return node.operator === 'in' ? membership : { kind: 'not', operand: membership };
    }
    const op = BINARY[node.operator]!;
    const leftType = this.planner.typeOfNode(node.left);
    const rightType = this.planner.typeOfNode(node.right);
    const arithmetic = op === 'add' || op === 'sub' || op === 'mul' || op === 'div' || op === 'mod';
    if (op === 'mod') {
      // SQLite's % truncates to integers and PostgreSQL has none for floating point: not the language's remainder.
      throw new NotInDatabase('notInDatabase', node, { reason: 'operator', operator: '%', type: `${formatType(leftType)}, ${formatType(rightType)}` });
    }
    if (arithmetic) {
      const numbers = isNumeric(leftType) && isNumeric(rightType);
      // datetime − datetime is a duration (milliseconds in SQL); everything else stays numeric.
      const datetimeDifference = op === 'sub' && isTemporal(leftType) && isTemporal(rightType);
      if (!numbers && !datetimeDifference) {
        throw new NotInDatabase('notInDatabase', node, { reason: 'operator', operator: node.operator, type: `${formatType(leftType)}, ${formatType(rightType)}` });
      }
    }
    // A side that does not read the row takes the other side's type (quoted ISO text beside a datetime).
    const left = this.readsRow(node.left) ? this.node(node.left) : this.planner.constant(node.left, rightType);
    const right = this.readsRow(node.right) ? this.node(node.right) : this.planner.constant(node.right, leftType);
    return { kind: 'binary', op, left, right, type };
  }

  private call(node: CallExpr): SqlNode {
    const name = node.callee.toUpperCase();
    if (name === 'IF' && node.args.length === 3) {
      return { kind: 'case', test: this.node(node.args[0]!), then: this.node(node.args[1]!), otherwise: this.node(node.args[2]!) };
    }
    if (name === 'COALESCE' && node.args.length > 0) {
      return node.args.slice(1).reduce<SqlNode>((left, arg) => ({ kind: 'binary', op: 'coalesce', left, right: this.node(arg), type: this.planner.typeOfNode(node) }), this.node(node.args[0]!));
    }
    if (name === 'IS_NULL' && node.args.length === 1) {
      return { kind: 'binary', op: 'eq', left: this.node(node.args[0]!), right: this.planner.constant({ kind: 'Null', start: node.start, end: node.end, line: node.line, column: node.column }), type: t.boolean };
    }
    throw new NotInDatabase('notInDatabase', node, { reason: 'function', name });
  }
}

/** What a bound parameter may be: values both databases compare like the language (null included). */
const SQL_VALUE_KINDS = new Set(['number', 'string', 'boolean', 'datetime', 'duration', 'null']);

const isNumeric = (type: ExprType) => type.kind === 'number' || type.kind === 'null';
const isTemporal = (type: ExprType) => type.kind === 'datetime';

/** Rebuilds `node` with each direct child passed through `map` (identity when nothing changes). */
function mapChildren(node: Expr, map: (child: Expr) => Expr): Expr {
  switch (node.kind) {
    case 'List':
      return { ...node, items: node.items.map(map) };
    case 'Member':
      return { ...node, object: map(node.object) };
    case 'Index':
      return { ...node, object: map(node.object), index: map(node.index) };
    case 'Call':
      return { ...node, args: node.args.map(map) };
    case 'Unary':
      return { ...node, operand: map(node.operand) };
    case 'Binary':
      return { ...node, left: map(node.left), right: map(node.right) };
    case 'Conditional':
      return { ...node, test: map(node.test), consequent: map(node.consequent), alternate: map(node.alternate) };
    case 'Lambda':
      return { ...node, body: map(node.body) };
    default:
      return node;
  }
}

