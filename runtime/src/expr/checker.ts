/**
 * Static checker: infers the type of every node against an environment and reports positioned
 * diagnostics (unknown names with "did you mean", arity, argument and operator types, non-boolean
 * conditions, the expected result type). It never throws for bad input.
 */
import type { CallExpr, Expr, Identifier, LambdaExpr } from './ast.ts';
import { binaryType, literalFits, neverEqual, temporalLiteralPair } from './checker-operators.ts';
import type { Environment } from './environment.ts';
import { diagnostic, type Diagnostic, type Span } from './errors.ts';
import type { FunctionDefinition, FunctionSignature, ParamSpec } from './functions/registry.ts';
import type { ExprErrorCode, MessageParams } from './messages.ts';
import { suggest } from './suggest.ts';
import { formatType, isAssignable, isUnknown, t, unify, type ExprType } from './types.ts';

export interface ResolvedCall {
  readonly definition: FunctionDefinition;
  /** Argument indexes holding lambdas. */
  readonly lambdaIndexes: readonly number[];
}

export interface CheckOptions {
  /** The result must have this type (or one of these types), e.g. boolean for gateway conditions. */
  readonly expectedType?: ExprType | readonly ExprType[];
}

export interface CheckResult {
  /** No error-severity diagnostics (warnings allowed). */
  readonly ok: boolean;
  readonly type: ExprType;
  readonly diagnostics: readonly Diagnostic[];
  /** Inferred type of any node of the checked tree. */
  readonly types: ReadonlyMap<Expr, ExprType>;
  /** The function each call node resolved to (absent for unknown functions). */
  readonly calls: ReadonlyMap<CallExpr, ResolvedCall>;
  /** Lambda parameter identifiers, for the compiler. */
  readonly locals: ReadonlySet<Identifier>;
}

export function expectedTypes(expected: CheckOptions['expectedType']): readonly ExprType[] {
  if (expected === undefined) return [];
  return Array.isArray(expected) ? (expected as readonly ExprType[]) : [expected as ExprType];
}

/** Type-checks a parsed expression. */
export function check(ast: Expr, environment: Environment, options: CheckOptions = {}): CheckResult {
  const checker = new Checker(environment);
  const type = checker.node(ast, []);
  const expected = expectedTypes(options.expectedType);
  if (expected.length > 0 && !expected.some((candidate) => isAssignable(type, candidate) || literalFits(ast, candidate))) {
    if (expected.length === 1 && expected[0]!.kind === 'boolean') checker.report('conditionNotBoolean', ast, { actual: formatType(type) });
    else checker.report('resultType', ast, { expected: expected.map(formatType).join(' | '), actual: formatType(type) });
  }
  const diagnostics = checker.diagnostics;
  return {
    ok: diagnostics.every((item) => item.severity !== 'error'),
    type,
    diagnostics,
    types: checker.types,
    calls: checker.calls,
    locals: checker.locals,
  };
}

type LocalScope = readonly ReadonlyMap<string, ExprType>[];

const acceptedTypes = (param: ParamSpec): readonly ExprType[] =>
  param.type === undefined ? [] : Array.isArray(param.type) ? (param.type as readonly ExprType[]) : [param.type as ExprType];

/** The parameter that argument `index` binds to, or undefined beyond the signature. */
function paramAt(signature: FunctionSignature, index: number): ParamSpec | undefined {
  const params = signature.params;
  if (index < params.length) return params[index];
  const last = params[params.length - 1];
  return last?.variadic ? last : undefined;
}

function arity(signature: FunctionSignature): { min: number; max: number } {
  const params = signature.params;
  const min = params.filter((param) => !param.optional).length;
  return { min, max: params[params.length - 1]?.variadic ? Number.POSITIVE_INFINITY : params.length };
}

function arityText(signatures: readonly FunctionSignature[]): string {
  const texts = signatures.map((signature) => {
    const { min, max } = arity(signature);
    if (max === Number.POSITIVE_INFINITY) return `${min}+`;
    return min === max ? String(min) : `${min}-${max}`;
  });
  return [...new Set(texts)].join(' / ');
}

class Checker {
  readonly diagnostics: Diagnostic[] = [];
  readonly types = new Map<Expr, ExprType>();
  readonly calls = new Map<CallExpr, ResolvedCall>();
  readonly locals = new Set<Identifier>();

  constructor(private readonly environment: Environment) {}

  report(code: ExprErrorCode, span: Span, params: MessageParams = {}, severity: 'error' | 'warning' = 'error'): void {
    this.diagnostics.push(diagnostic(code, span, params, severity));
  }

  node(node: Expr, scope: LocalScope): ExprType {
    const type = this.infer(node, scope);
    this.types.set(node, type);
    return type;
  }

  /** Checks a boolean context (condition, logic operand); null and any pass. */
  private condition(node: Expr, scope: LocalScope): void {
    const type = this.node(node, scope);
    if (!isUnknown(type) && type.kind !== 'boolean') this.report('conditionNotBoolean', node, { actual: formatType(type) });
  }

  private infer(node: Expr, scope: LocalScope): ExprType {
    switch (node.kind) {
      case 'Number':
        return t.number;
      case 'String':
        return t.string;
      case 'Boolean':
        return t.boolean;
      case 'Null':
        return t.null;
      case 'Duration':
        return t.duration;
      case 'List': {
        let element: ExprType = t.null;
        for (const item of node.items) element = unify(element, this.node(item, scope)) ?? t.any;
        return t.list(element.kind === 'null' ? t.any : element);
      }
      case 'Identifier':
        return this.identifier(node, scope);
      case 'Member':
        return this.member(this.node(node.object, scope), node.property, node.propertySpan);
      case 'Index':
        return this.index(node, scope);
      case 'Call':
        return this.call(node, scope);
      case 'Lambda':
        this.report('lambdaNotAllowed', node);
        return t.any;
      case 'Unary':
        if (node.operator === '!') {
          this.condition(node.operand, scope);
          return t.boolean;
        }
        return this.negation(node.operand, scope);
      case 'Conditional': {
        this.condition(node.test, scope);
        return this.branches(node, this.node(node.consequent, scope), this.node(node.alternate, scope));
      }
      case 'Binary': {
        if (node.operator === '&&' || node.operator === '||') {
          this.condition(node.left, scope);
          this.condition(node.right, scope);
          return t.boolean;
        }
        const left = this.node(node.left, scope);
        const right = this.node(node.right, scope);
        if (node.operator === '??') return this.branches(node, left, right);
        const literalPair = temporalLiteralPair(node.left, left, node.right, right);
        if (typeof literalPair === 'object') {
          const literal = literalPair.node as Expr & { value: string };
          this.report('invalidLiteral', literal, { text: literal.value, expected: formatType(literalPair.expected) });
          return t.boolean;
        }
        if (literalPair === 'valid' && node.operator !== '+' && node.operator !== '-') return t.boolean;
        if ((node.operator === '==' || node.operator === '!=') && neverEqual(left, right)) {
          this.report('incompatibleEquality', node, { left: formatType(left), right: formatType(right) }, 'warning');
        }
        const type = binaryType(node.operator, left, right);
        if (type !== undefined) return type;
        this.report('operatorType', node.operatorSpan, { operator: node.operator, left: formatType(left), right: formatType(right) });
        return t.any;
      }
    }
  }

  private branches(span: Span, left: ExprType, right: ExprType): ExprType {
    const type = unify(left, right);
    if (type !== undefined) return type;
    this.report('incompatibleBranches', span, { left: formatType(left), right: formatType(right) });
    return t.any;
  }

  private negation(operand: Expr, scope: LocalScope): ExprType {
    const type = this.node(operand, scope);
    if (isUnknown(type)) return t.any;
    if (type.kind === 'number' || type.kind === 'duration') return type;
    this.report('operatorType', operand, { operator: '-', left: formatType(type) });
    return t.any;
  }

  private identifier(node: Identifier, scope: LocalScope): ExprType {
    for (let depth = scope.length - 1; depth >= 0; depth--) {
      const local = scope[depth]!.get(node.name);
      if (local !== undefined) {
        this.locals.add(node);
        return local;
      }
    }
    const declared = this.environment.variables.get(node.name);
    if (declared !== undefined) return declared;
    if (this.environment.open) return t.any;
    const candidates = [...this.environment.variables.keys(), ...scope.flatMap((frame) => [...frame.keys()])];
    const suggestion = suggest(node.name, candidates);
    this.report('unknownVariable', node, { name: node.name, ...(suggestion === undefined ? {} : { suggestion }) });
    return t.any;
  }

  private member(type: ExprType, property: string, propertySpan: Span): ExprType {
    if (isUnknown(type)) return t.any;
    if (type.kind !== 'record') {
      this.report('noFields', propertySpan, { type: formatType(type), name: property });
      return t.any;
    }
    const field = Object.hasOwn(type.fields, property) ? type.fields[property] : undefined;
    if (field !== undefined) return field;
    if (type.open) return t.any;
    const suggestion = suggest(property, Object.keys(type.fields));
    this.report('unknownField', propertySpan, { type: formatType(type), name: property, ...(suggestion === undefined ? {} : { suggestion }) });
    return t.any;
  }

  private index(node: Expr & { kind: 'Index' }, scope: LocalScope): ExprType {
    const objectType = this.node(node.object, scope);
    const indexType = this.node(node.index, scope);
    if (isUnknown(objectType)) return t.any;
    if (objectType.kind === 'list') {
      if (!isUnknown(indexType) && indexType.kind !== 'number') this.report('operatorType', node.index, { operator: '[ ]', left: formatType(indexType) });
      return objectType.element;
    }
    if (objectType.kind === 'record') {
      if (node.index.kind === 'String') return this.member(objectType, node.index.value, node.index);
      if (!isUnknown(indexType) && indexType.kind !== 'string') this.report('operatorType', node.index, { operator: '[ ]', left: formatType(indexType) });
      return t.any;
    }
    this.report('notIndexable', node, { type: formatType(objectType) });
    return t.any;
  }

  private call(node: CallExpr, scope: LocalScope): ExprType {
    const definition = this.environment.functions.get(node.callee);
    const lambdaIndexes = node.args.flatMap((arg, index) => (arg.kind === 'Lambda' ? [index] : []));
    const argTypes = node.args.map((arg) => (arg.kind === 'Lambda' ? t.any : this.node(arg, scope)));
    if (definition === undefined) {
      const suggestion = suggest(node.callee.toUpperCase(), this.environment.functions.list().map((fn) => fn.name));
      this.report('unknownFunction', node.calleeSpan, { name: node.callee, ...(suggestion === undefined ? {} : { suggestion }) });
      for (const index of lambdaIndexes) this.lambda(node.args[index] as LambdaExpr, [], undefined, scope);
      return t.any;
    }
    this.calls.set(node, { definition, lambdaIndexes });
    const signature = definition.signatures.find((candidate) => this.mismatch(node, candidate, argTypes) === undefined);
    if (signature === undefined) this.reportMismatch(node, definition, argTypes);
    for (const index of lambdaIndexes) {
      const spec = signature === undefined ? undefined : paramAt(signature, index)?.lambda;
      const paramTypes = spec?.params(argTypes) ?? [];
      argTypes[index] = this.lambda(node.args[index] as LambdaExpr, paramTypes, spec?.returns, scope);
    }
    if (signature === undefined) return t.any;
    const result = typeof signature.returns === 'function' ? signature.returns(argTypes) : signature.returns;
    if ('incompatible' in result) {
      this.report('incompatibleBranches', node, { left: formatType(result.incompatible[0]), right: formatType(result.incompatible[1]) });
      return t.any;
    }
    return result;
  }

  /** Why `signature` does not accept the arguments, or undefined when it does. */
  private mismatch(node: CallExpr, signature: FunctionSignature, argTypes: readonly ExprType[]): { code: ExprErrorCode; index: number; expected?: ExprType[] } | undefined {
    const { min, max } = arity(signature);
    if (node.args.length < min || node.args.length > max) return { code: 'wrongArity', index: -1 };
    for (const [index, arg] of node.args.entries()) {
      const param = paramAt(signature, index)!;
      if (param.lambda !== undefined) {
        if (arg.kind !== 'Lambda') return { code: 'lambdaExpected', index };
        continue;
      }
      if (arg.kind === 'Lambda') return { code: 'lambdaNotExpected', index };
      const accepted = acceptedTypes(param);
      if (!accepted.some((type) => isAssignable(argTypes[index]!, type) || literalFits(arg, type))) {
        return { code: 'argumentType', index, expected: [...accepted] };
      }
    }
    const problem = signature.checkArgs?.(argTypes);
    return problem === undefined ? undefined : { code: 'argumentType', index: problem.index, expected: [problem.expected] };
  }

  private reportMismatch(node: CallExpr, definition: FunctionDefinition, argTypes: readonly ExprType[]): void {
    const name = definition.name;
    const fitting = definition.signatures.find((signature) => this.mismatch(node, signature, argTypes)?.code !== 'wrongArity');
    if (fitting === undefined) {
      this.report('wrongArity', node, { name, expected: arityText(definition.signatures), actual: node.args.length });
      return;
    }
    const problem = this.mismatch(node, fitting, argTypes)!;
    const arg = node.args[problem.index]!;
    const shownIndex = problem.index + 1;
    if (problem.code !== 'argumentType') {
      this.report(problem.code, arg, { name, index: shownIndex });
      return;
    }
    const expected = problem.expected ?? [];
    if (arg.kind === 'String' && expected.some((type) => ['datetime', 'date', 'duration'].includes(type.kind))) {
      this.report('invalidLiteral', arg, { text: arg.value, expected: expected.map(formatType).join(' | ') });
      return;
    }
    this.report('argumentType', arg, { name, index: shownIndex, expected: expected.map(formatType).join(' | '), actual: formatType(argTypes[problem.index]!) });
  }

  /** Checks a lambda body with its parameters bound; returns the body's type. */
  private lambda(node: LambdaExpr, paramTypes: readonly ExprType[], returns: ExprType | undefined, scope: LocalScope): ExprType {
    const frame = new Map(node.params.map((param, index) => [param.name, paramTypes[index] ?? t.any] as const));
    for (const param of node.params) this.locals.add(param);
    const bodyType = this.node(node.body, [...scope, frame]);
    this.types.set(node, bodyType);
    if (returns?.kind === 'boolean' && !isUnknown(bodyType) && bodyType.kind !== 'boolean') {
      this.report('conditionNotBoolean', node.body, { actual: formatType(bodyType) });
    } else if (returns !== undefined && returns.kind !== 'boolean' && !isAssignable(bodyType, returns)) {
      this.report('resultType', node.body, { expected: formatType(returns), actual: formatType(bodyType) });
    }
    return bodyType;
  }
}
