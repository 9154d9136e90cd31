/** Test helpers for built-in function tests (not part of the public API). */
import { compile } from '../compile.ts';
import { ExprError } from '../errors.ts';
import type { EvaluationContext } from '../runtime.ts';
import type { ExprValue } from '../values.ts';

/** 2025-03-04 10:00 in Shanghai (a Tuesday). */
export const FIXED_NOW = new Date('2025-03-04T02:00:00Z');
export const fixedClock: EvaluationContext = { now: () => FIXED_NOW };

export function run(source: string, variables: Record<string, unknown> = {}, context: EvaluationContext = fixedClock): ExprValue {
  return compile(source).evaluate(variables, context);
}

/** The ExprError thrown when compiling or evaluating `source`. */
export function failure(source: string, variables: Record<string, unknown> = {}, context: EvaluationContext = fixedClock): ExprError {
  try {
    compile(source).evaluate(variables, context);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected ${source} to fail`);
}
