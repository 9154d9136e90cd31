/**
 * The engine's only door to the expression language (runtime/src/expr). Expressions are
 * compiled once per model and source (a published definition is shared by all its instances)
 * and evaluated against the variables visible from a scope instance, with the transition's
 * clock and working calendar.
 *
 * Conditions: a `null` result (e.g. a comparison with a variable that was never set) counts as
 * false, so a flow guarded by `approved == true` is simply not taken before anyone approved.
 */
import type { ProcessModel } from '../model.ts';
import {
  compile,
  openEnvironment,
  Duration,
  ExprError,
  PlainDate,
  t,
  type CompiledExpression,
  type Environment,
  type EvaluationContext,
  type ExprType,
  type ExprValue,
} from '../../expr/index.ts';
import type { JsonValue, Variables } from './contract.ts';
import { lookupVariable, type Context } from './context.ts';
import { EngineRuntimeError } from './errors.ts';

export type TemporalValue =
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'instant'; readonly value: Date }
  | { readonly kind: 'duration'; readonly millis: number }
  | { readonly kind: 'text'; readonly value: string }
  | { readonly kind: 'other'; readonly description: string };

const compiledByModel = new WeakMap<ProcessModel, Map<Environment, Map<string, CompiledExpression>>>();

function compiled(ctx: Context, source: string, elementId: string, expected?: ExprType): CompiledExpression {
  const environment = openEnvironment(ctx.deps.functions);
  let byEnvironment = compiledByModel.get(ctx.model);
  if (byEnvironment === undefined) compiledByModel.set(ctx.model, (byEnvironment = new Map()));
  let cache = byEnvironment.get(environment);
  if (cache === undefined) byEnvironment.set(environment, (cache = new Map()));
  const key = expected === undefined ? source : `${expected.kind}\u0000${source}`;
  let expression = cache.get(key);
  if (expression === undefined) {
    try {
      expression = compile(source, expected === undefined ? { environment } : { environment, expectedType: expected });
    } catch (error) {
      throw failure(error, source, elementId);
    }
    cache.set(key, expression);
  }
  return expression;
}

function failure(error: unknown, source: string, elementId: string): EngineRuntimeError {
  if (error instanceof ExprError) {
    return new EngineRuntimeError(
      'EXPRESSION_FAILED',
      { expression: source, reason: error.messageIn('en'), reasonZh: error.messageIn('zh-CN') },
      elementId,
    );
  }
  if (error instanceof EngineRuntimeError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new EngineRuntimeError('EXPRESSION_FAILED', { expression: source, reason, reasonZh: reason }, elementId);
}

function run(
  ctx: Context,
  source: string,
  elementId: string,
  scopeId: string,
  extra: Variables | undefined,
  expected?: ExprType,
): ExprValue {
  const expression = compiled(ctx, source, elementId, expected);
  const variables =
    extra === undefined
      ? (name: string): unknown => lookupVariable(ctx, scopeId, name)
      : (name: string): unknown => (Object.hasOwn(extra, name) ? extra[name] : lookupVariable(ctx, scopeId, name));
  const world: EvaluationContext = {
    now: () => ctx.deps.now,
    ...(ctx.deps.calendar === undefined ? {} : { calendar: ctx.deps.calendar }),
    ...(ctx.deps.timeZone === undefined ? {} : { timeZone: ctx.deps.timeZone }),
  };
  try {
    return expression.evaluate(variables, world);
  } catch (error) {
    throw failure(error, source, elementId);
  }
}

/** A value for a variable, an assignee, a mapping…: temporal values become ISO 8601 text. */
export function evaluateValue(ctx: Context, source: string, elementId: string, scopeId: string, extra?: Variables): JsonValue {
  return toJson(run(ctx, source, elementId, scopeId, extra));
}

export function evaluateCondition(
  ctx: Context,
  source: string,
  elementId: string,
  scopeId: string,
  extra?: Variables,
): boolean {
  const value = run(ctx, source, elementId, scopeId, extra, t.boolean);
  if (value === null) return false;
  if (typeof value !== 'boolean') {
    throw new EngineRuntimeError('EXPRESSION_TYPE', { expression: source, expected: 'boolean' }, elementId);
  }
  return value;
}

/** A due date or timer value, keeping its temporal kind (datetime, duration, hours as number, text). */
export function evaluateTemporal(ctx: Context, source: string, elementId: string, scopeId: string): TemporalValue {
  const value = run(ctx, source, elementId, scopeId, undefined);
  if (typeof value === 'number') return { kind: 'number', value };
  if (typeof value === 'string') return { kind: 'text', value };
  if (value instanceof Date) return { kind: 'instant', value };
  if (value instanceof Duration) return { kind: 'duration', millis: value.millis };
  if (value instanceof PlainDate) return { kind: 'text', value: value.iso };
  return { kind: 'other', description: JSON.stringify(toJson(value)) };
}

function toJson(value: ExprValue): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Duration) return value.toJSON();
  if (value instanceof PlainDate) return value.iso;
  if (Array.isArray(value)) return value.map(toJson);
  const record: { [key: string]: JsonValue } = {};
  for (const key of Object.keys(value)) record[key] = toJson((value as Record<string, ExprValue>)[key]!);
  return record;
}
