/**
 * The typed function registry. Built-ins and plugin functions are entries of the same shape; names
 * are UPPER_SNAKE and unique case-insensitively (`if`, `If` and `IF` are the same function).
 *
 * @example A plugin adds a function (during its `setup`):
 * ```ts
 * registry.register({
 *   name: 'GRID_LEVEL',
 *   category: 'plugin',
 *   description: { 'zh-CN': '网格编码的层级', en: 'Level of a grid code' },
 *   signatures: [{ params: [{ name: 'code', type: t.string }], returns: t.number }],
 *   evaluate: ([code]) => String(code).split('-').length,
 * });
 * ```
 */
import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import { ExprError, NO_SPAN, type Span } from '../errors.ts';
import type { Locale } from '../messages.ts';
import type { ExprType } from '../types.ts';
import type { ExprValue } from '../values.ts';

export interface LambdaSpec {
  /** Types of the lambda's parameters, from the types of the call's arguments (e.g. the list's element type). */
  readonly params: (argTypes: readonly ExprType[]) => readonly ExprType[];
  /** Required type of the lambda body; omitted = any (a selector). */
  readonly returns?: ExprType;
}

export interface ParamSpec {
  readonly name: string;
  /** Accepted type, or several accepted types. Omit for a lambda parameter. */
  readonly type?: ExprType | readonly ExprType[];
  /** The parameter is a lambda such as `i => i.level > 2`. */
  readonly lambda?: LambdaSpec;
  /** Optional parameters come last (before a variadic one). */
  readonly optional?: boolean;
  /** The last parameter may repeat (zero or more times when also optional, else one or more). */
  readonly variadic?: boolean;
}

/** Two argument types that cannot be combined (e.g. IF branches number and string). */
export interface IncompatibleTypes {
  readonly incompatible: readonly [ExprType, ExprType];
}

/** A finding of `checkArgs`: argument `index` (0-based) should have been `expected`. */
export interface ArgumentProblem {
  readonly index: number;
  readonly expected: ExprType;
}

export interface FunctionSignature {
  readonly params: readonly ParamSpec[];
  /**
   * Fixed return type, or computed from the argument types (a lambda argument contributes its
   * body's type); may report two incompatible argument types instead.
   */
  readonly returns: ExprType | ((argTypes: readonly ExprType[]) => ExprType | IncompatibleTypes);
  /** Extra checks the parameter list cannot express (e.g. CASE's alternating conditions). */
  readonly checkArgs?: (argTypes: readonly ExprType[]) => ArgumentProblem | undefined;
}

export type ExprLambda = (...params: ExprValue[]) => ExprValue;

/** What a function sees of the evaluation while it runs. Do not keep it after returning. */
export interface CallContext {
  /** The function name as registered. */
  readonly name: string;
  /** Source span of the call, for errors. */
  readonly span: Span;
  /** Evaluation time zone (IANA), default Asia/Shanghai. */
  readonly timeZone: string;
  /** The injected clock; throws `clockRequired` when the context has none. */
  now(): Date;
  /** The working calendar; throws `calendarRequired` when the context has none. */
  calendar(): WorkingCalendar;
  /** The lambda passed as argument `index` (0-based), or undefined. Its slot in `args` is null. */
  lambda(index: number): ExprLambda | undefined;
}

/**
 * Reserved for SQL compilation of aggregates (issue 4). Nothing calls it yet; dialect code will
 * pass the already compiled argument fragments.
 */
export type SqlDialect = 'sqlite' | 'postgresql';
export interface SqlFragment {
  readonly sql: string;
  readonly params: readonly unknown[];
}
export interface SqlCompileContext {
  readonly dialect: SqlDialect;
  readonly argTypes: readonly ExprType[];
  readonly resultType: ExprType;
}
export type SqlCompiler = (args: readonly SqlFragment[], context: SqlCompileContext) => SqlFragment;

export type FunctionCategory = 'logic' | 'math' | 'aggregate' | 'text' | 'datetime' | 'workingTime' | 'plugin';

interface FunctionDefinitionBase {
  /** UPPER_SNAKE name, e.g. `ADD_WORKING_HOURS`. */
  readonly name: string;
  readonly category: FunctionCategory;
  /** Shown by the designer's completion. */
  readonly description: Readonly<Record<Locale, string>>;
  /** Overloads, tried in order; the first whose parameters accept the arguments wins. */
  readonly signatures: readonly FunctionSignature[];
  /** A usage example shown in docs and completion, e.g. `ROUND(3.14159, 2)`. */
  readonly example?: string;
  /** Reserved for issue 4 (SQL compilation of aggregates). */
  readonly compileSql?: SqlCompiler;
}

export interface StrictFunctionDefinition extends FunctionDefinitionBase {
  /**
   * Pure: the same arguments give the same result (time only through `call.now()`). Unless
   * `acceptsNull` is set, a null argument makes the result null without calling it.
   */
  readonly evaluate: (args: readonly ExprValue[], call: CallContext) => ExprValue;
  readonly acceptsNull?: boolean;
}

export interface LazyFunctionDefinition extends FunctionDefinitionBase {
  /** Arguments as thunks, evaluated only when needed (IF, COALESCE, CASE). */
  readonly evaluateLazy: (args: readonly (() => ExprValue)[], call: CallContext) => ExprValue;
}

export type FunctionDefinition = StrictFunctionDefinition | LazyFunctionDefinition;

export interface FunctionRegistry {
  /** Adds a function; throws `ExprError` (`duplicateFunction`, `invalidFunctionDefinition`). */
  register(definition: FunctionDefinition): void;
  /** Case-insensitive lookup. */
  get(name: string): FunctionDefinition | undefined;
  list(): readonly FunctionDefinition[];
  /** A new registry with the same entries, to extend without touching this one. */
  copy(): FunctionRegistry;
}

const NAME_PATTERN = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;

function definitionProblem(definition: FunctionDefinition): string | undefined {
  if (!NAME_PATTERN.test(definition.name)) return 'name must be UPPER_SNAKE (A-Z, 0-9, _)';
  if (!definition.description?.['zh-CN']?.trim() || !definition.description?.en?.trim()) {
    return 'description needs zh-CN and en text';
  }
  const strict = 'evaluate' in definition && typeof definition.evaluate === 'function';
  const lazy = 'evaluateLazy' in definition && typeof definition.evaluateLazy === 'function';
  if (strict === lazy) return 'exactly one of evaluate and evaluateLazy is required';
  if (!Array.isArray(definition.signatures) || definition.signatures.length === 0) return 'at least one signature is required';
  for (const signature of definition.signatures) {
    let optionalSeen = false;
    for (const [index, param] of signature.params.entries()) {
      if (param.variadic && index !== signature.params.length - 1) return `variadic parameter ${param.name} must be last`;
      if (param.optional) optionalSeen = true;
      else if (optionalSeen) return `required parameter ${param.name} follows an optional one`;
      if ((param.type === undefined) === (param.lambda === undefined)) return `parameter ${param.name} needs either a type or a lambda spec`;
    }
  }
  return undefined;
}

export function createFunctionRegistry(definitions: Iterable<FunctionDefinition> = []): FunctionRegistry {
  const entries = new Map<string, FunctionDefinition>();
  const registry: FunctionRegistry = {
    register(definition) {
      const problem = definitionProblem(definition);
      if (problem !== undefined) {
        throw new ExprError('invalidFunctionDefinition', NO_SPAN, { name: String(definition.name), reason: problem });
      }
      const key = definition.name.toUpperCase();
      if (entries.has(key)) throw new ExprError('duplicateFunction', NO_SPAN, { name: definition.name });
      entries.set(key, definition);
    },
    get: (name) => entries.get(name.toUpperCase()),
    list: () => [...entries.values()],
    copy: () => createFunctionRegistry(entries.values()),
  };
  for (const definition of definitions) registry.register(definition);
  return registry;
}
