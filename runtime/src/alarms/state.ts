/**
 * The evaluator's state of one rule × source, as the platform stores it (plain JSON, one row per
 * rule × source, so evaluation survives restarts): the active severity, the memory of each
 * condition (duration since-times, repeat hits, rate samples — each bounded), the last reading
 * and reminder times. `version` is the shape's; the fingerprint is the rule's levels and clear
 * settings, so publishing changed conditions starts their memory afresh while an active alarm
 * stays active (it clears by the new conditions).
 */
import { z } from 'zod';
import type { AlarmRuleContent, AlarmSeverity } from './definition.ts';

/** Rate samples kept per condition at most (only those that can still be the window's extreme are kept anyway). */
export const MAX_RATE_SAMPLES = 512;

export type Truth = boolean | null;

/** What one condition remembers (keyed by its path, e.g. `levels[0].condition.conditions[1]`). */
export interface ConditionMemory {
  /** The truth of its expression (simple, duration, repeat) or rate test at the newest reading that decided it. */
  last: Truth;
  /** Its value then (see `AlarmEvent` raise `value`). */
  value: number | null;
  /** duration: since when the expression has been true. */
  since?: number | null;
  /** repeat: times of the latest hits within the window (at most `count`). */
  hits?: number[];
  /** rate: `[ts, value]`, the candidates for the window's highest (drop) or lowest (rise) value. */
  samples?: [number, number][];
}

export interface AlarmState {
  /** Of this shape, for migrations of stored state. */
  version: 1;
  /** Of the rule's levels and clear settings: condition memory is dropped when they change. */
  fingerprint: string;
  active: { severity: AlarmSeverity; raisedAt: number } | null;
  lastReadingAt: number | null;
  lastRemindAt: number | null;
  /** Since when the clear criterion has held (for `clear.afterMinutes`). */
  clearSince: number | null;
  /** `clear.expr` at the newest reading that decided it. */
  clearLast: Truth;
  conditions: Record<string, ConditionMemory>;
  /** The rule's metrics at the newest reading (the `values` of a raise from a tick). */
  lastValues: Record<string, number | boolean>;
}

const truth = z.boolean().nullable();
/** For state read back from storage. */
export const alarmStateSchema: z.ZodType<AlarmState> = z.object({
  version: z.literal(1),
  fingerprint: z.string(),
  active: z.object({ severity: z.union([z.literal(1), z.literal(2), z.literal(3), z.literal(4)]), raisedAt: z.number() }).nullable(),
  lastReadingAt: z.number().nullable(),
  lastRemindAt: z.number().nullable(),
  clearSince: z.number().nullable(),
  clearLast: truth,
  conditions: z.record(z.string(), z.object({
    last: truth, value: z.number().nullable(), since: z.number().nullable().optional(),
    hits: z.array(z.number()).max(100).optional(),
    samples: z.array(z.tuple([z.number(), z.number()])).max(MAX_RATE_SAMPLES).optional(),
  })),
  lastValues: z.record(z.string(), z.union([z.number(), z.boolean()])),
});

/** Stable across key order (stored JSON may come back with its keys reordered, e.g. by jsonb). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const fingerprints = new WeakMap<AlarmRuleContent, string>();

/** FNV-1a of the rule's levels and clear settings. */
export function ruleFingerprint(rule: AlarmRuleContent): string {
  const known = fingerprints.get(rule);
  if (known !== undefined) return known;
  const text = canonical({ levels: rule.levels, clear: rule.clear ?? null });
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
  const fingerprint = hash.toString(16).padStart(8, '0');
  fingerprints.set(rule, fingerprint);
  return fingerprint;
}

export function initialAlarmState(rule: AlarmRuleContent): AlarmState {
  return { version: 1, fingerprint: ruleFingerprint(rule), active: null, lastReadingAt: null, lastRemindAt: null, clearSince: null, clearLast: null, conditions: {}, lastValues: {} };
}

/** A deep copy of the known shape (several times faster than structuredClone on the hot path). */
function copyState(state: AlarmState): AlarmState {
  const conditions: Record<string, ConditionMemory> = {};
  for (const [path, memory] of Object.entries(state.conditions)) {
    const copy: ConditionMemory = { ...memory };
    if (memory.hits) copy.hits = memory.hits.slice();
    if (memory.samples) copy.samples = memory.samples.map(([ts, value]) => [ts, value]);
    conditions[path] = copy;
  }
  return { ...state, active: state.active ? { ...state.active } : null, conditions, lastValues: { ...state.lastValues } };
}

/** The state to evaluate from: a fresh one, or a copy (never the stored object) with memory reset when the rule changed. */
export function prepareAlarmState(rule: AlarmRuleContent, state: AlarmState | null | undefined): AlarmState {
  if (!state) return initialAlarmState(rule);
  const next = copyState(state);
  const fingerprint = ruleFingerprint(rule);
  if (next.fingerprint !== fingerprint) Object.assign(next, { fingerprint, conditions: {}, clearSince: null, clearLast: null });
  return next;
}

/** The state to fold into in place when the caller owns it: the same object (memory reset if the rule changed), or a fresh one. */
export function adoptAlarmState(rule: AlarmRuleContent, state: AlarmState | null | undefined): AlarmState {
  if (!state) return initialAlarmState(rule);
  const fingerprint = ruleFingerprint(rule);
  if (state.fingerprint !== fingerprint) Object.assign(state, { fingerprint, conditions: {}, clearSince: null, clearLast: null });
  return state;
}
