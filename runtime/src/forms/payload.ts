/**
 * First gate of a submission: the data must be a plain JSON object of bounded depth and size
 * before any form logic looks at it.
 */
import type { SubmissionLimits } from './types.ts';

export type PayloadProblem = { kind: 'invalid'; detail: string } | { kind: 'tooLarge'; size: number };

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

const encoder = new TextEncoder();

/** Returns why `data` cannot be accepted as submission data, or undefined when it can. */
export function payloadProblem(data: unknown, limits: SubmissionLimits): PayloadProblem | undefined {
  if (!isPlainObject(data)) return { kind: 'invalid', detail: 'data must be a JSON object' };
  // Iterative walk: a hostile payload must not overflow the stack before we reject it.
  const pending: { value: unknown; depth: number }[] = [{ value: data, depth: 0 }];
  let nodes = 0;
  while (pending.length > 0) {
    const { value, depth } = pending.pop() as { value: unknown; depth: number };
    nodes += 1;
    if (nodes > limits.maxJsonBytes) return { kind: 'tooLarge', size: nodes };
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) return { kind: 'invalid', detail: 'numbers must be finite' };
      continue;
    }
    if (depth >= limits.maxDepth) return { kind: 'invalid', detail: `nested deeper than ${limits.maxDepth}` };
    if (Array.isArray(value)) {
      for (const item of value) pending.push({ value: item, depth: depth + 1 });
      continue;
    }
    if (!isPlainObject(value)) return { kind: 'invalid', detail: 'only JSON values are accepted' };
    for (const item of Object.values(value)) pending.push({ value: item, depth: depth + 1 });
  }
  const size = encoder.encode(JSON.stringify(data)).length;
  return size > limits.maxJsonBytes ? { kind: 'tooLarge', size } : undefined;
}
