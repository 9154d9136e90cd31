/**
 * The alarm evaluator: pure and deterministic. `evaluateReading` folds one reading into the
 * state of one rule × source (a device code, or a facility code at facility scope) and returns
 * the events it causes; `evaluateTick` does the same for the passing of time (offline, duration
 * and clear-after timers, reminders, a schedule coming on duty). The state is plain JSON — the
 * platform persists it per rule × source, so evaluation survives restarts — and is never mutated
 * by those two; `foldReading` is the same fold in place, on a rule compiled once per environment
 * (`compileAlarmRule`), for callers that own their states (the platform's batches, benchmarks).
 *
 * Semantics, in the order they apply:
 * - Truth is three-valued. A condition whose expression names a metric the reading lacks is
 *   unknown; an expression giving null is false. Unknown never raises and never clears, so a
 *   battery-only heartbeat neither raises nor clears a cover-open alarm. Composites use Kleene
 *   logic (`or` is true when any part is true).
 * - A tick re-reads the latest known truth of each condition: simple and rate conditions keep
 *   their truth from the newest reading, duration conditions hold once true for their minutes,
 *   repeat hits age out of the window, offline compares `now` with the last data time.
 * - One alarm per rule × source: while active, a still-true condition emits nothing. A more
 *   severe level escalates; a less severe one does not de-escalate — the alarm keeps the most
 *   severe level reached until it clears, so a red alarm is never quietly downgraded.
 * - A duration condition delays the raise, not the clear: once raised, the alarm stays while its
 *   expression is true (LEL falling from 30 to 15 %LEL does not clear a "≥ 10 for 2 min" rule).
 * - It clears when no level holds (all definitely false) and, when given, `clear.expr` is true,
 *   for `clear.afterMinutes` if given. The clear and reminder timers restart on escalation.
 * - Outside the schedule nothing new is raised; active alarms still escalate, clear and remind.
 * - Readings not newer than the newest seen (out of order, or repeated) are ignored by duration,
 *   repeat and rate conditions; simple ones still see them, so a late reading may raise or
 *   escalate (at its own time), but never clears: an old reading says nothing about now.
 * - At facility scope the platform passes the facility's latest value of every metric as the
 *   reading, and the newest `lastSeenAt` of its devices to ticks (offline = all silent).
 */
import type { Expr } from '../expr/ast.ts';
import { createCompileCache } from '../expr/cache.ts';
import type { CompiledExpression } from '../expr/compile.ts';
import { ExprError, type Diagnostic } from '../expr/errors.ts';
import type { EvaluationContext } from '../expr/runtime.ts';
import { DEFAULT_TIME_ZONE, wallClockOf } from '../expr/temporal.ts';
import { t } from '../expr/types.ts';
import type { ExprValue } from '../expr/values.ts';
import type { AlarmCondition, AlarmEnvironment, AlarmRuleContent, AlarmSchedule, AlarmSeverity } from './definition.ts';
import { MAX_RATE_SAMPLES, prepareAlarmState, type AlarmState, type ConditionMemory, type Truth } from './state.ts';

export { MAX_RATE_SAMPLES, adoptAlarmState, alarmStateSchema, initialAlarmState, ruleFingerprint, type AlarmState, type ConditionMemory, type Truth } from './state.ts';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const RESERVED = new Set(['attributes', 'threshold', 'alarm']);

export interface AlarmReading {
  /** Epoch milliseconds. */
  readonly ts: number;
  /** Metric → value; flags may be 0/1 or booleans. Missing, null and non-finite values count as absent. */
  readonly values: Readonly<Record<string, number | boolean | null | undefined>>;
  readonly attributes?: Readonly<Record<string, unknown>>;
  /** Per-device dynamic thresholds (from device attributes). */
  readonly threshold?: Readonly<Record<string, number | null>>;
}

export interface AlarmEvaluationContext {
  /** From `createAlarmEnvironment`, one per rule version and device type (the compile cache keys on it). */
  readonly environment: AlarmEnvironment;
}

export type AlarmEvent =
  /** `value`: for an expression, the first metric it names; for rate, the metric; for offline, the hours silent. */
  | { readonly type: 'raise'; readonly severity: AlarmSeverity; readonly value: number | null; readonly values: Readonly<Record<string, number | boolean>>; readonly at: number }
  | { readonly type: 'escalate'; readonly from: AlarmSeverity; readonly to: AlarmSeverity; readonly value: number | null; readonly at: number }
  | { readonly type: 'clear'; readonly severity: AlarmSeverity; readonly at: number }
  | { readonly type: 'remind'; readonly severity: AlarmSeverity; readonly at: number };

export interface AlarmEvaluation {
  readonly state: AlarmState;
  readonly events: readonly AlarmEvent[];
  /** Expressions that failed (the condition counted as unknown), for the platform's log. */
  readonly errors: readonly { readonly path: string; readonly diagnostic: Diagnostic }[];
}


const toMinutes = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Whether the rule is on duty at `at` (Asia/Shanghai wall time; a window past midnight belongs to the day it starts). */
export function isOnDuty(schedule: AlarmSchedule | undefined, at: number): boolean {
  if (!schedule) return true;
  const wall = wallClockOf(new Date(at), DEFAULT_TIME_ZONE);
  const minute = wall.hour * 60 + wall.minute;
  const from = toMinutes(schedule.from);
  const to = toMinutes(schedule.to);
  const on = (day: number) => schedule.days === undefined || schedule.days.includes(day);
  if (from < to) return on(wall.weekday) && minute >= from && minute < to;
  return (on(wall.weekday) && minute >= from) || (on(wall.weekday === 1 ? 7 : wall.weekday - 1) && minute < to);
}

// ---------------------------------------------------------------------------------------------
// Expressions

const compileCache = createCompileCache();
const metricsNamed = new WeakMap<CompiledExpression, readonly string[]>();

function collectIdentifiers(node: Expr, bound: ReadonlySet<string>, out: string[]): void {
  switch (node.kind) {
    case 'Identifier':
      if (!bound.has(node.name)) out.push(node.name);
      return;
    case 'Lambda':
      collectIdentifiers(node.body, new Set([...bound, ...node.params.map((p) => p.name)]), out);
      return;
    case 'Member':
      collectIdentifiers(node.object, bound, out);
      return;
    case 'Index':
      collectIdentifiers(node.object, bound, out);
      collectIdentifiers(node.index, bound, out);
      return;
    case 'Call':
      for (const arg of node.args) collectIdentifiers(arg, bound, out);
      return;
    case 'Unary':
      collectIdentifiers(node.operand, bound, out);
      return;
    case 'Binary':
      collectIdentifiers(node.left, bound, out);
      collectIdentifiers(node.right, bound, out);
      return;
    case 'Conditional':
      collectIdentifiers(node.test, bound, out);
      collectIdentifiers(node.consequent, bound, out);
      collectIdentifiers(node.alternate, bound, out);
      return;
    case 'List':
      for (const item of node.items) collectIdentifiers(item, bound, out);
      return;
    default:
      return;
  }
}

/** The metrics an expression names, in source order. */
function metricsOf(compiled: CompiledExpression, environment: AlarmEnvironment): readonly string[] {
  let names = metricsNamed.get(compiled);
  if (names === undefined) {
    const all: string[] = [];
    collectIdentifiers(compiled.ast, new Set(), all);
    names = [...new Set(all)].filter((name) => environment.metrics.has(name) && !RESERVED.has(name));
    metricsNamed.set(compiled, names);
  }
  return names;
}

function numeric(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Metric values as expressions see them: flags boolean, the rest numbers. */
function readingVariables(reading: AlarmReading, environment: AlarmEnvironment): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(reading.values)) {
    const spec = environment.metrics.get(key);
    const n = numeric(raw);
    if (spec === undefined || n === undefined || RESERVED.has(key)) continue;
    variables[key] = spec.flag ? (typeof raw === 'boolean' ? raw : n !== 0) : n;
  }
  variables.attributes = reading.attributes ?? {};
  variables.threshold = reading.threshold ?? {};
  return variables;
}

interface Outcome {
  /** Whether it raises (for duration: held for its minutes). */
  readonly truth: Truth;
  /** Whether it keeps an active alarm from clearing (for duration: its expression is true now). */
  readonly hold: Truth;
  readonly value: number | null;
}

const UNKNOWN: Outcome = { truth: null, hold: null, value: null };
const outcome = (truth: Truth, value: number | null, hold: Truth = truth): Outcome => ({ truth, hold, value });

/** An outcome object a compiled expression or condition owns and rewrites on every fold (read before the next fold starts). */
interface Slot { truth: Truth; hold: Truth; value: number | null }
const slot = (): Slot => ({ truth: null, hold: null, value: null });
function fill(out: Slot, truth: Truth, value: number | null, hold: Truth = truth): Outcome {
  out.truth = truth;
  out.hold = hold;
  out.value = value;
  return out;
}

function kleene(op: 'and' | 'or', truths: readonly Truth[]): Truth {
  const decisive = op === 'or';
  if (truths.includes(decisive)) return decisive;
  return truths.includes(null) ? null : !decisive;
}

function combine(op: 'and' | 'or', parts: readonly Outcome[]): Outcome {
  const valued = parts.find((p) => p.truth === true && p.value !== null) ?? parts.find((p) => p.value !== null);
  return { truth: kleene(op, parts.map((p) => p.truth)), hold: kleene(op, parts.map((p) => p.hold)), value: valued?.value ?? null };
}

// ---------------------------------------------------------------------------------------------
// A rule compiled for one environment: expressions compiled, paths spelled and the metrics it
// reads listed once, so folding a reading allocates little and looks nothing up by text.

interface CompiledExpr {
  readonly path: string;
  readonly compiled: CompiledExpression | null;
  /** Why it does not compile (the condition is then always unknown). */
  readonly diagnostic: Diagnostic | null;
  /** The environment's metrics it names, in source order, as indexes into `CompiledAlarmRule.metrics`. */
  readonly metrics: readonly number[];
  /** The same metrics as indexes into the environment's reading scratch. */
  readonly slots: readonly number[];
  readonly out: Slot;
}

type CompiledCondition =
  | { readonly type: 'simple'; readonly path: string; readonly expr: CompiledExpr }
  | { readonly type: 'duration'; readonly path: string; readonly expr: CompiledExpr; readonly ms: number; readonly out: Slot }
  | { readonly type: 'repeat'; readonly path: string; readonly expr: CompiledExpr; readonly windowMs: number; readonly count: number; readonly out: Slot }
  /** `metric` indexes `CompiledAlarmRule.metrics`; -1 when the environment lacks it (always unknown). */
  | { readonly type: 'rate'; readonly path: string; readonly metric: number; readonly windowMs: number; readonly change: number; readonly out: Slot }
  | { readonly type: 'offline' }
  | { readonly type: 'composite'; readonly op: 'and' | 'or'; readonly parts: readonly CompiledCondition[] };

/** `compileAlarmRule`'s result: what `foldReading` evaluates. */
export interface CompiledAlarmRule {
  readonly rule: AlarmRuleContent;
  readonly environment: AlarmEnvironment;
  readonly levels: readonly { readonly severity: AlarmSeverity; readonly condition: CompiledCondition }[];
  readonly clear: CompiledExpr | undefined;
  /** The metrics its expressions and rate conditions name. */
  readonly metrics: readonly { readonly key: string }[];
  /** The environment's reading scratch (variables of the reading being folded). */
  readonly scratch: ReadingScratch;
  /** Reused by every fold of this rule (folds are synchronous and never re-entered): per metric, what the fold saw of it (as `seen` of raise events and `lastValues`). */
  readonly seen: (number | boolean | undefined)[];
  /** Reused likewise: per level, its outcome. */
  readonly outcomes: Outcome[];
}

type MetricIndex = Map<string, number>;

/**
 * A reading's metric values as expressions see them (flags boolean, the rest numbers, the
 * reserved names winning), filled once per reading for every rule of an environment: the rules
 * of a device type fold the same reading one after the other. Keyed on the reading object, so a
 * reading must not be changed between folds.
 */
interface ReadingScratch {
  readonly keys: readonly string[];
  readonly flags: readonly boolean[];
  readonly index: ReadonlyMap<string, number>;
  readonly variables: Record<string, unknown>;
  readonly values: (number | boolean | undefined)[];
  reading: AlarmReading | undefined;
}

const scratches = new WeakMap<AlarmEnvironment, ReadingScratch>();

function scratchOf(environment: AlarmEnvironment): ReadingScratch {
  let scratch = scratches.get(environment);
  if (scratch === undefined) {
    const keys = [...environment.metrics.keys()].filter((key) => !RESERVED.has(key));
    const variables: Record<string, unknown> = {};
    for (const key of keys) variables[key] = undefined;
    variables.attributes = undefined;
    variables.threshold = undefined;
    scratch = {
      keys, flags: keys.map((key) => environment.metrics.get(key)?.flag === true), index: new Map(keys.map((key, i) => [key, i])),
      variables, values: keys.map(() => undefined), reading: undefined,
    };
    scratches.set(environment, scratch);
  }
  return scratch;
}

function fillScratch(scratch: ReadingScratch, reading: AlarmReading): void {
  if (scratch.reading === reading) return;
  const { keys, flags, variables, values } = scratch;
  const raw = reading.values;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const given = raw[key];
    const n = numeric(given);
    const value = n === undefined ? undefined : flags[i] ? (typeof given === 'boolean' ? given : n !== 0) : n;
    values[i] = value;
    variables[key] = value;
  }
  variables.attributes = reading.attributes ?? {};
  variables.threshold = reading.threshold ?? {};
  scratch.reading = reading;
}

const indexOfMetric = (named: MetricIndex, metric: string): number => {
  let index = named.get(metric);
  if (index === undefined) named.set(metric, (index = named.size));
  return index;
};

function compileExpr(source: string, path: string, environment: AlarmEnvironment, named: MetricIndex): CompiledExpr {
  try {
    const compiled = compileCache.get(source, { environment: environment.condition, expectedType: t.boolean });
    const names = metricsOf(compiled, environment);
    const slots = scratchOf(environment).index;
    return { path, compiled, diagnostic: null, metrics: names.map((metric) => indexOfMetric(named, metric)), slots: names.map((metric) => slots.get(metric)!), out: slot() };
  } catch (error) {
    if (!(error instanceof ExprError)) throw error;
    return { path, compiled: null, diagnostic: error.toDiagnostic(), metrics: [], slots: [], out: slot() };
  }
}

function compileCondition(condition: AlarmCondition, path: string, environment: AlarmEnvironment, named: MetricIndex): CompiledCondition {
  switch (condition.type) {
    case 'simple':
      return { type: 'simple', path, expr: compileExpr(condition.expr, `${path}.expr`, environment, named) };
    case 'duration':
      return { type: 'duration', path, expr: compileExpr(condition.expr, `${path}.expr`, environment, named), ms: condition.minutes * MINUTE, out: slot() };
    case 'repeat':
      return { type: 'repeat', path, expr: compileExpr(condition.expr, `${path}.expr`, environment, named), windowMs: condition.windowMinutes * MINUTE, count: condition.count, out: slot() };
    case 'rate': {
      const metric = environment.metrics.has(condition.metric) && !RESERVED.has(condition.metric) ? indexOfMetric(named, condition.metric) : -1;
      return { type: 'rate', path, metric, windowMs: condition.windowMinutes * MINUTE, change: condition.change, out: slot() };
    }
    case 'offline':
      return { type: 'offline' };
    case 'composite':
      return { type: 'composite', op: condition.op, parts: condition.conditions.map((child, i) => compileCondition(child, `${path}.conditions[${i}]`, environment, named)) };
  }
}

const compiledRules = new WeakMap<AlarmEnvironment, WeakMap<AlarmRuleContent, CompiledAlarmRule>>();

/** The rule compiled for an environment; cached per (environment, rule content) object. */
export function compileAlarmRule(rule: AlarmRuleContent, environment: AlarmEnvironment): CompiledAlarmRule {
  let byRule = compiledRules.get(environment);
  if (byRule === undefined) compiledRules.set(environment, (byRule = new WeakMap()));
  const known = byRule.get(rule);
  if (known !== undefined) return known;
  const named: MetricIndex = new Map();
  const levels = rule.levels.map((level, i) => ({ severity: level.severity, condition: compileCondition(level.condition, `levels[${i}].condition`, environment, named) }));
  const clear = rule.clear?.expr !== undefined ? compileExpr(rule.clear.expr, 'clear.expr', environment, named) : undefined;
  const metrics = [...named.keys()].map((key) => ({ key }));
  const compiled: CompiledAlarmRule = {
    rule, environment, levels, clear, metrics, scratch: scratchOf(environment),
    seen: metrics.map(() => undefined), outcomes: levels.map(() => UNKNOWN),
  };
  byRule.set(rule, compiled);
  return compiled;
}

type ErrorSink = { path: string; diagnostic: Diagnostic }[];

/**
 * One reading meeting one rule. Also the expressions' clock (the reading's time). One instance
 * serves every fold (they are synchronous and never re-entered), so a fold allocates little.
 */
class Fold implements EvaluationContext {
  readonly timeZone = DEFAULT_TIME_ZONE;
  private compiled!: CompiledAlarmRule;
  private state!: AlarmState;
  private reading!: AlarmReading;
  /** Newer than every reading seen: stateful conditions and memory move only then. */
  fresh = false;
  private errors: ErrorSink | undefined;

  begin(compiled: CompiledAlarmRule, state: AlarmState, reading: AlarmReading, fresh: boolean, errors: ErrorSink | undefined): void {
    this.compiled = compiled;
    this.state = state;
    this.reading = reading;
    this.fresh = fresh;
    this.errors = errors;
    fillScratch(compiled.scratch, reading);
    const seen = compiled.seen;
    for (let i = 0; i < seen.length; i++) seen[i] = undefined;
  }

  /** The rule's metrics present in this reading, as raise events carry them. */
  seenRecord(): Record<string, number | boolean> {
    const record: Record<string, number | boolean> = {};
    const { metrics, seen } = this.compiled;
    for (let i = 0; i < metrics.length; i++) if (seen[i] !== undefined) record[metrics[i]!.key] = seen[i]!;
    return record;
  }

  /** Copies what was seen into the state's last values. */
  keepSeen(): void {
    const { metrics, seen } = this.compiled;
    const last = this.state.lastValues;
    for (let i = 0; i < metrics.length; i++) if (seen[i] !== undefined) last[metrics[i]!.key] = seen[i]!;
  }

  now(): Date {
    return new Date(this.reading.ts);
  }

  private memory(path: string): ConditionMemory {
    return (this.state.conditions[path] ??= { last: null, value: null });
  }

  private fail(path: string, diagnostic: Diagnostic): Outcome {
    this.errors?.push({ path, diagnostic });
    return UNKNOWN;
  }

  expression(expr: CompiledExpr): Outcome {
    const { compiled, metrics, slots } = expr;
    if (compiled === null) return this.fail(expr.path, expr.diagnostic!);
    const { seen, scratch } = this.compiled;
    const values = scratch.values;
    for (let i = 0; i < metrics.length; i++) {
      const value = values[slots[i]!];
      if (value === undefined) return UNKNOWN;
      seen[metrics[i]!] = value;
    }
    const first = slots.length > 0 ? numeric(values[slots[0]!]) ?? null : null;
    let result: ExprValue;
    try {
      result = compiled.evaluate(scratch.variables, this);
    } catch (error) {
      if (!(error instanceof ExprError)) throw error;
      return this.fail(expr.path, error.toDiagnostic());
    }
    return fill(expr.out, result === true, first);
  }

  condition(condition: CompiledCondition): Outcome {
    const ts = this.reading.ts;
    switch (condition.type) {
      case 'simple': {
        const result = this.expression(condition.expr);
        if (this.fresh && result.truth !== null) {
          const memory = this.memory(condition.path);
          memory.last = result.truth;
          memory.value = result.value;
        }
        return result;
      }
      case 'duration': {
        if (!this.fresh) return UNKNOWN;
        const result = this.expression(condition.expr);
        if (result.truth === null) return UNKNOWN;
        const memory = this.memory(condition.path);
        memory.since = result.truth ? (memory.since ?? ts) : null;
        memory.last = result.truth;
        memory.value = result.value;
        return fill(condition.out, memory.since !== null && ts - memory.since >= condition.ms, result.value, result.truth);
      }
      case 'repeat': {
        if (!this.fresh) return UNKNOWN;
        const result = this.expression(condition.expr);
        if (result.truth === null) return UNKNOWN;
        const memory = this.memory(condition.path);
        const hits = (memory.hits ?? []).filter((hit) => hit >= ts - condition.windowMs);
        if (result.truth) hits.push(ts);
        memory.hits = hits.slice(-condition.count);
        memory.last = result.truth;
        memory.value = result.value;
        return fill(condition.out, memory.hits.length >= condition.count, result.value);
      }
      case 'rate': {
        if (!this.fresh || condition.metric < 0) return UNKNOWN;
        const value = numeric(this.reading.values[this.compiled.metrics[condition.metric]!.key]);
        if (value === undefined) return UNKNOWN;
        this.compiled.seen[condition.metric] = value;
        const memory = this.memory(condition.path);
        const drop = condition.change < 0;
        const samples = (memory.samples ?? []).filter(([at]) => at >= ts - condition.windowMs);
        const extreme = samples[0];
        const change = extreme === undefined ? undefined : value - extreme[1];
        const holds = change !== undefined && (drop ? change <= condition.change : change >= condition.change);
        // Keep only samples that can still be the extreme: one followed by a higher (drop) or lower (rise) value never can.
        while (samples.length > 0 && (drop ? samples[samples.length - 1]![1] <= value : samples[samples.length - 1]![1] >= value)) samples.pop();
        samples.push([ts, value]);
        memory.samples = samples.length > MAX_RATE_SAMPLES ? samples.slice(-MAX_RATE_SAMPLES) : samples;
        memory.last = holds;
        memory.value = value;
        return fill(condition.out, holds, value);
      }
      case 'offline':
        return outcome(false, null);
      case 'composite':
        return combine(condition.op, condition.parts.map((child) => this.condition(child)));
    }
  }
}

function tickCondition(condition: AlarmCondition, path: string, state: AlarmState, now: number, seenAt: number | null): Outcome {
  if (condition.type === 'offline') {
    if (seenAt === null) return UNKNOWN;
    const hours = (now - seenAt) / HOUR;
    return outcome(hours >= condition.hours, Math.round(hours * 100) / 100);
  }
  if (condition.type === 'composite') {
    return combine(condition.op, condition.conditions.map((child, i) => tickCondition(child, `${path}.conditions[${i}]`, state, now, seenAt)));
  }
  const memory = state.conditions[path];
  if (memory === undefined || memory.last === null) return UNKNOWN;
  const value = memory.value;
  switch (condition.type) {
    case 'duration':
      return outcome(memory.last && memory.since != null && now - memory.since >= condition.minutes * MINUTE, value, memory.last);
    case 'repeat':
      return outcome((memory.hits ?? []).filter((hit) => hit >= now - condition.windowMinutes * MINUTE).length >= condition.count, value);
    default:
      return outcome(memory.last, value);
  }
}

/** True when no level holds and the explicit clear condition (if any) is true; false when something says otherwise. */
function clearCriterion(rule: AlarmRuleContent, levels: readonly Outcome[], clearTruth: Truth): Truth {
  let unknown = false;
  for (let i = 0; i < levels.length; i++) {
    const hold = levels[i]!.hold;
    if (hold === true) return false;
    if (hold === null) unknown = true;
  }
  if (rule.clear?.expr !== undefined && clearTruth === false) return false;
  if (unknown) return null;
  return rule.clear?.expr !== undefined ? clearTruth : true;
}

/** `levels[i]` is the outcome of `rule.levels[i]`. */
function decide(
  rule: AlarmRuleContent, state: AlarmState, levels: readonly Outcome[], clearTruth: Truth,
  at: number, mayClear: boolean, values: { seenRecord(): Readonly<Record<string, number | boolean>> }, events: AlarmEvent[],
): void {
  // The most severe level that holds (the first of equals).
  let hit: Outcome | undefined;
  let hitSeverity: AlarmSeverity = 4;
  for (let i = 0; i < levels.length; i++) {
    const severity = rule.levels[i]!.severity;
    if (levels[i]!.truth === true && (hit === undefined || severity < hitSeverity)) {
      hit = levels[i];
      hitSeverity = severity;
    }
  }
  if (state.active === null) {
    if (hit && isOnDuty(rule.schedule, at)) {
      events.push({ type: 'raise', severity: hitSeverity, value: hit.value, values: { ...values.seenRecord() }, at });
      Object.assign(state, { active: { severity: hitSeverity, raisedAt: at }, lastRemindAt: at, clearSince: null });
    }
    return;
  }
  if (hit && hitSeverity < state.active.severity) {
    events.push({ type: 'escalate', from: state.active.severity, to: hitSeverity, value: hit.value, at });
    Object.assign(state, { active: { ...state.active, severity: hitSeverity }, lastRemindAt: at });
  }
  if (!mayClear) return;
  const criterion = clearCriterion(rule, levels, clearTruth);
  if (criterion === true) {
    state.clearSince ??= at;
    if (at - state.clearSince >= (rule.clear?.afterMinutes ?? 0) * MINUTE) {
      events.push({ type: 'clear', severity: state.active.severity, at });
      Object.assign(state, { active: null, clearSince: null, lastRemindAt: null });
      return;
    }
  } else if (criterion === false) {
    state.clearSince = null;
  }
  const every = rule.actions.remindEveryMinutes;
  if (every !== undefined && state.lastRemindAt !== null && at - state.lastRemindAt >= every * MINUTE) {
    events.push({ type: 'remind', severity: state.active.severity, at });
    state.lastRemindAt = at;
  }
}

const fold = new Fold();

/**
 * Folds one reading into a state the caller owns, in place: the fast path for a caller that
 * evaluates many readings and keeps (or persists) the states itself. `state` must be of this
 * rule (`adoptAlarmState`); events are appended to `events`, failing expressions to `errors`.
 */
export function foldReading(compiled: CompiledAlarmRule, state: AlarmState, reading: AlarmReading, events: AlarmEvent[], errors?: { path: string; diagnostic: Diagnostic }[]): void {
  const { rule } = compiled;
  const fresh = state.lastReadingAt === null || reading.ts > state.lastReadingAt;
  const run = fold;
  run.begin(compiled, state, reading, fresh, errors);
  // One fold at a time (synchronous, never re-entered): the outcomes go in the rule's reused array.
  const levels = compiled.outcomes;
  for (let i = 0; i < compiled.levels.length; i++) levels[i] = run.condition(compiled.levels[i]!.condition);
  let clearTruth: Truth = true;
  if (compiled.clear !== undefined) {
    clearTruth = run.expression(compiled.clear).truth;
    if (fresh && clearTruth !== null) state.clearLast = clearTruth;
  }
  if (fresh) {
    state.lastReadingAt = reading.ts;
    run.keepSeen();
  }
  decide(rule, state, levels, clearTruth, reading.ts, fresh, run, events);
}

/**
 * Folds one reading into the state of a rule × source; the given state is left as it was.
 *
 * @example
 * const env = createAlarmEnvironment({ metrics: gasDetector.metrics });
 * let state = null;
 * ({ state, events } = evaluateReading(rule, state, { ts, values: { lel: 30 } }, { environment: env }));
 * // events: [{ type: 'raise', severity: 1, value: 30, values: { lel: 30 }, at: ts }]
 */
export function evaluateReading(rule: AlarmRuleContent, state: AlarmState | null | undefined, reading: AlarmReading, context: AlarmEvaluationContext): AlarmEvaluation {
  const next = prepareAlarmState(rule, state);
  const events: AlarmEvent[] = [];
  const errors: { path: string; diagnostic: Diagnostic }[] = [];
  foldReading(compileAlarmRule(rule, context.environment), next, reading, events, errors);
  return { state: next, events, errors };
}

/**
 * Advances a rule × source to `now` without a reading. `lastSeenAt` is the source's last data
 * time (for a device that never sent data, the platform may pass when it was installed); null
 * leaves offline conditions unknown.
 */
export function evaluateTick(rule: AlarmRuleContent, state: AlarmState | null | undefined, now: number, lastSeenAt: number | null): AlarmEvaluation {
  const next = prepareAlarmState(rule, state);
  const seenAt = lastSeenAt === null ? next.lastReadingAt : Math.max(lastSeenAt, next.lastReadingAt ?? lastSeenAt);
  const levels = rule.levels.map((level, i) => tickCondition(level.condition, `levels[${i}].condition`, next, now, seenAt));
  const clearTruth = rule.clear?.expr !== undefined ? next.clearLast : true;
  const events: AlarmEvent[] = [];
  decide(rule, next, levels, clearTruth, now, true, { seenRecord: () => next.lastValues }, events);
  return { state: next, events, errors: [] };
}

/** What `alarm` holds in startProcess variable expressions. */
export interface AlarmFacts {
  readonly severity: AlarmSeverity;
  readonly ruleKey: string;
  readonly ruleName: string;
  readonly scopeKind: string;
  readonly sourceCode: string;
  readonly deviceCode: string | null;
  readonly facilityCode: string | null;
  readonly value: number | null;
  /** Epoch milliseconds. */
  readonly raisedAt: number;
}

/**
 * The variables to start the rule's process with, each expression evaluated over the raising
 * reading and `alarm`. Throws `ExprError` when one does not compile or fails.
 */
export function alarmProcessVariables(rule: AlarmRuleContent, environment: AlarmEnvironment, alarm: AlarmFacts, reading?: AlarmReading): Record<string, ExprValue> {
  const variables = { ...readingVariables(reading ?? { ts: alarm.raisedAt, values: {} }, environment), alarm: { ...alarm, raisedAt: new Date(alarm.raisedAt) } };
  const at = new Date(alarm.raisedAt);
  const out: Record<string, ExprValue> = {};
  for (const [name, source] of Object.entries(rule.actions.startProcess?.variables ?? {})) {
    out[name] = compileCache.get(source, { environment: environment.action }).evaluate(variables, { now: () => at, timeZone: DEFAULT_TIME_ZONE });
  }
  return out;
}
