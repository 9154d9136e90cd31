/**
 * A typed environment: the variables an expression may use and the functions it may call.
 * Closed environments (indicator formulas, alarm rules) reject unknown identifiers; open ones
 * (BPMN process variables, which are dynamic) type them `any` and check at run time.
 */
import { builtinRegistry } from './functions/builtins.ts';
import type { FunctionRegistry } from './functions/registry.ts';
import type { ExprType } from './types.ts';

export interface Environment {
  readonly variables: ReadonlyMap<string, ExprType>;
  /** Unknown identifiers are allowed (typed `any`) instead of being errors. */
  readonly open: boolean;
  readonly functions: FunctionRegistry;
}

export interface EnvironmentOptions {
  readonly variables?: Readonly<Record<string, ExprType>> | ReadonlyMap<string, ExprType>;
  /** Default false (closed). */
  readonly open?: boolean;
  /** Default: the built-in functions. */
  readonly functions?: FunctionRegistry;
}

/**
 * Environments are compared by identity in compile caches: create one per definition kind or
 * per published definition version, not one per evaluation.
 *
 * @example
 * const alarmEnvironment = createEnvironment({
 *   variables: { value: t.number, device: t.record({ code: t.string }, { open: true }) },
 * });
 */
export function createEnvironment(options: EnvironmentOptions = {}): Environment {
  const variables = options.variables instanceof Map ? new Map(options.variables) : new Map(Object.entries(options.variables ?? {}));
  return Object.freeze({ variables, open: options.open ?? false, functions: options.functions ?? builtinRegistry });
}

/** Open environment with the built-in functions: any identifier is a dynamic variable. */
export const OPEN_ENVIRONMENT: Environment = createEnvironment({ open: true });

const openWith = new WeakMap<FunctionRegistry, Environment>();

/**
 * The open environment calling `functions` (e.g. the platform's registry with the plugins'
 * functions) — one per registry, so compile caches keyed on the environment share it;
 * OPEN_ENVIRONMENT without one.
 */
export function openEnvironment(functions?: FunctionRegistry): Environment {
  if (functions === undefined || functions === builtinRegistry) return OPEN_ENVIRONMENT;
  let environment = openWith.get(functions);
  if (environment === undefined) openWith.set(functions, (environment = createEnvironment({ open: true, functions })));
  return environment;
}
