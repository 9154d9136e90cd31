/** Small helpers to declare built-in signatures tersely. */
import { elementOf, t, unify, type ExprType } from '../types.ts';
import type { IncompatibleTypes, ParamSpec } from './registry.ts';

export function param(name: string, type: ExprType | readonly ExprType[], extra: Omit<ParamSpec, 'name' | 'type'> = {}): ParamSpec {
  return { name, type, ...extra };
}

export function optional(name: string, type: ExprType | readonly ExprType[]): ParamSpec {
  return { name, type, optional: true };
}

/** A lambda over the elements of argument 0 (a list): `items, i => …`. */
export function elementLambda(name: string, returns?: ExprType, extra: Omit<ParamSpec, 'name' | 'lambda'> = {}): ParamSpec {
  return { name, lambda: { params: (argTypes) => [elementOf(argTypes[0] ?? t.any) ?? t.any], returns }, ...extra };
}

/** The common type of several alternatives, or the first incompatible pair. */
export function unifyAll(types: readonly ExprType[]): ExprType | IncompatibleTypes {
  let result: ExprType = t.null;
  for (const type of types) {
    const next = unify(result, type);
    if (next === undefined) return { incompatible: [result, type] };
    result = next;
  }
  return result;
}

export const ORDERED: readonly ExprType[] = [t.number, t.string, t.datetime, t.date, t.duration];
export const NUMERIC_OR_DURATION: readonly ExprType[] = [t.number, t.duration];
export const TEMPORAL: readonly ExprType[] = [t.datetime, t.date];
