/**
 * Compiles a checked AST into a tree of closures once; evaluation then only runs closures (no
 * parsing, no `eval`). Static types pick specialised closures (e.g. number arithmetic without
 * dynamic dispatch); `any` operands go through the general operations with run-time checks.
 */
import type { CallExpr, Expr, Identifier, LambdaExpr } from './ast.ts';
import { check, expectedTypes, type CheckOptions, type CheckResult } from './checker.ts';
import { compileOperator } from './compile-operators.ts';
import { OPEN_ENVIRONMENT, type Environment } from './environment.ts';
import { ExprError, type Diagnostic } from './errors.ts';
import type { FunctionDefinition } from './functions/registry.ts';
import { parse } from './parser.ts';
import { CallSite, rootFrame, variableReader, type EvaluationContext, type Frame, type Variables } from './runtime.ts';
import { adapterFor, type Evaluator } from './adapt.ts';
import { t, type ExprType } from './types.ts';
import { Duration, describeValue, fromJs, isRecord, type ExprValue } from './values.ts';

export interface CompileOptions extends CheckOptions {
  /** Default: the open environment with the built-in functions. */
  readonly environment?: Environment;
}

export interface CompiledExpression {
  readonly source: string;
  readonly ast: Expr;
  /** The statically inferred result type. */
  readonly type: ExprType;
  /** Warnings found by the checker (errors prevent compilation). */
  readonly diagnostics: readonly Diagnostic[];
  /** Evaluates against variables and the context port. Throws `ExprError` on run-time errors. */
  evaluate(variables?: Variables, context?: EvaluationContext): ExprValue;
}

const NO_VARIABLES: Variables = Object.freeze({});
const NO_CONTEXT: EvaluationContext = Object.freeze({});

/**
 * Parses (unless given an AST), checks and compiles. Throws an `ExprError` carrying every error
 * diagnostic when the expression does not parse or check.
 */
export function compile(input: string | Expr, options: CompileOptions = {}): CompiledExpression {
  const environment = options.environment ?? OPEN_ENVIRONMENT;
  let source = '';
  let ast: Expr;
  if (typeof input === 'string') {
    const parsed = parse(input);
    if (parsed.ast === undefined) throw ExprError.from(parsed.diagnostics[0]!, parsed.diagnostics);
    source = input;
    ast = parsed.ast;
  } else {
    ast = input;
  }
  const checked = check(ast, environment, options);
  const errors = checked.diagnostics.filter((item) => item.severity === 'error');
  if (errors.length > 0) throw ExprError.from(errors[0]!, errors);
  const root = new Compiler(checked, environment).node(ast, []);
  const resultAdapter = checked.type.kind === 'any' ? resultCheck(expectedTypes(options.expectedType)) : undefined;
  const evaluator: Evaluator = resultAdapter === undefined ? root : (frame) => resultAdapter(root(frame), frame);
  return {
    source,
    ast,
    type: checked.type,
    diagnostics: checked.diagnostics,
    evaluate: (variables = NO_VARIABLES, context = NO_CONTEXT) => evaluator(rootFrame(variables, context)),
  };
}

/** Checks (and coerces ISO text for) an `any` result against the caller's expected types. */
function resultCheck(expected: readonly ExprType[]): ((value: ExprValue, frame: Frame) => ExprValue) | undefined {
  if (expected.length === 0 || expected.some((type) => type.kind === 'any')) return undefined;
  const adapters = expected.map((type) => adapterFor(type, { subject: 'result' }));
  return (value, frame) => {
    if (value === null) return null;
    let failure: unknown;
    for (const adapt of adapters) {
      try {
        return adapt === undefined ? value : adapt(value, frame);
      } catch (error) {
        failure = error;
      }
    }
    throw failure instanceof ExprError
      ? new ExprError('runtimeType', failure, { subject: 'result', expected: expected.map((type) => type.kind).join(' | '), actual: describeValue(value) })
      : failure;
  };
}

type LocalSlots = readonly ReadonlyMap<string, number>[];

class Compiler {
  constructor(
    private readonly checked: CheckResult,
    private readonly environment: Environment,
  ) {}

  private typeOf(node: Expr): ExprType {
    return this.checked.types.get(node) ?? t.any;
  }

  node(node: Expr, slots: LocalSlots): Evaluator {
    switch (node.kind) {
      case 'Number':
      case 'String':
      case 'Boolean': {
        const value = node.value;
        return () => value;
      }
      case 'Null':
        return () => null;
      case 'Duration': {
        const value = new Duration(node.millis);
        return () => value;
      }
      case 'List': {
        const items = node.items.map((item) => this.node(item, slots));
        return (frame) => items.map((item) => item(frame));
      }
      case 'Identifier':
        return this.identifier(node, slots);
      case 'Member':
        return this.member(node.object, node.property, node.optional, node, slots);
      case 'Index':
        return this.index(node, slots);
      case 'Call':
        return this.call(node, slots);
      case 'Unary':
      case 'Binary':
      case 'Conditional':
        return compileOperator(node, (child) => this.node(child, slots), (child) => this.typeOf(child));
      case 'Lambda':
        throw new ExprError('lambdaNotAllowed', node);
    }
  }

  private identifier(node: Identifier, slots: LocalSlots): Evaluator {
    if (this.checked.locals.has(node)) {
      for (let depth = slots.length - 1; depth >= 0; depth--) {
        const slot = slots[depth]!.get(node.name);
        if (slot === undefined) continue;
        const hops = slots.length - 1 - depth;
        return (frame) => {
          let current = frame;
          for (let i = 0; i < hops; i++) current = current.parent!;
          return current.locals![slot] ?? null;
        };
      }
    }
    const name = node.name;
    const declared = this.environment.variables.get(name);
    // The hot path of formulas: a declared number read straight from a plain object, checked inline.
    if (declared?.kind === 'number' && !(name in Object.prototype)) {
      const adaptNumber = adapterFor(declared, { subject: 'variable', name }, node)!;
      return (frame) => {
        const variables = frame.variables;
        const value = typeof variables === 'function' ? variables(name) : variables[name];
        if (typeof value === 'number') return value - value === 0 ? value : null;
        return value === undefined || value === null ? null : adaptNumber(value as ExprValue, frame);
      };
    }
    const read = variableReader(name);
    const adapt = declared === undefined ? undefined : adapterFor(declared, { subject: 'variable', name }, node);
    if (adapt === undefined) return (frame) => read(frame.variables);
    return (frame) => adapt(read(frame.variables), frame);
  }

  private member(objectNode: Expr, property: string, optional: boolean, node: Expr, slots: LocalSlots): Evaluator {
    const object = this.node(objectNode, slots);
    const adapt = adapterFor(this.typeOf(node), { subject: 'field', name: property }, node);
    return (frame) => {
      const value = object(frame);
      if (value === null) {
        if (optional) return null;
        throw new ExprError('memberOfNull', node, { name: property });
      }
      if (!isRecord(value)) throw new ExprError('runtimeType', node, { subject: 'field', name: property, expected: 'record', actual: describeValue(value) });
      const field = Object.hasOwn(value, property) ? fromJs(value[property]) : null;
      return adapt === undefined ? field : adapt(field, frame);
    };
  }

  private index(node: Expr & { kind: 'Index' }, slots: LocalSlots): Evaluator {
    const object = this.node(node.object, slots);
    const index = this.node(node.index, slots);
    const optional = node.optional;
    return (frame) => {
      const container = object(frame);
      if (container === null) {
        if (optional) return null;
        throw new ExprError('memberOfNull', node, { name: '[ ]' });
      }
      const key = index(frame);
      if (key === null) return null;
      if (Array.isArray(container) && typeof key === 'number') {
        if (!Number.isInteger(key)) throw new ExprError('runtimeType', node.index, { subject: 'index', expected: 'integer', actual: describeValue(key) });
        return key >= 0 && key < container.length ? fromJs(container[key]) : null;
      }
      if (isRecord(container) && typeof key === 'string') return Object.hasOwn(container, key) ? fromJs(container[key]) : null;
      throw new ExprError('runtimeType', node.index, { subject: 'index', expected: Array.isArray(container) ? 'number' : 'string', actual: describeValue(key) });
    };
  }

  private call(node: CallExpr, slots: LocalSlots): Evaluator {
    const resolved = this.checked.calls.get(node);
    if (resolved === undefined) throw new ExprError('unknownFunction', node.calleeSpan, { name: node.callee });
    const definition: FunctionDefinition = resolved.definition;
    const site = new CallSite(definition.name, node);
    const lambdas = resolved.lambdaIndexes.map((index) => [index, this.lambda(node.args[index] as LambdaExpr, slots)] as const);
    const args = node.args.map((arg) => (arg.kind === 'Lambda' ? () => null : this.node(arg, slots)));
    const count = args.length;
    const optionalReceiver = node.optional;
    const guard = (run: (frame: Frame) => ExprValue): Evaluator => (frame) => {
      try {
        return normalizeResult(run(frame));
      } catch (error) {
        if (error instanceof ExprError) throw error;
        throw new ExprError('functionFailed', node, { name: definition.name, reason: error instanceof Error ? error.message : String(error) });
      }
    };
    const bind = (frame: Frame): void => {
      site.frame = frame;
      for (const [index, makeLambda] of lambdas) site.lambdas[index] = makeLambda(frame);
    };
    if ('evaluateLazy' in definition) {
      const thunks = (frame: Frame) => args.map((arg) => () => arg(frame));
      return guard((frame) => {
        if (optionalReceiver && args[0]!(frame) === null) return null;
        const prepared = thunks(frame);
        bind(frame);
        return definition.evaluateLazy(prepared, site);
      });
    }
    const propagateNull = definition.acceptsNull !== true;
    const isLambda = node.args.map((arg) => arg.kind === 'Lambda');
    return guard((frame) => {
      const values: ExprValue[] = new Array(count);
      for (let i = 0; i < count; i++) {
        const value = args[i]!(frame);
        if (value === null && (propagateNull || (optionalReceiver && i === 0)) && !isLambda[i]) return null;
        values[i] = value;
      }
      bind(frame);
      return definition.evaluate(values, site);
    });
  }

  private lambda(node: LambdaExpr, slots: LocalSlots): (frame: Frame) => (...params: ExprValue[]) => ExprValue {
    const frameSlots = new Map(node.params.map((param, index) => [param.name, index] as const));
    const body = this.node(node.body, [...slots, frameSlots]);
    return (frame) =>
      (...params) =>
        body({ variables: frame.variables, context: frame.context, timeZone: frame.timeZone, locals: params, parent: frame });
  }
}

/** Functions may return undefined, NaN or ±Infinity: all of them are "no data". */
function normalizeResult(value: ExprValue | undefined): ExprValue {
  if (value === undefined) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return value;
}
