/**
 * Opening and closing what outside events address: timers, message/signal subscriptions, and
 * (closing only — they are opened by their activities) tasks, service jobs and calls.
 */
import type { TimerDefinition } from '../model.ts';
import type { CancelReason } from './contract.ts';
import type { Context } from './context.ts';
import { EngineRuntimeError } from './errors.ts';
import { evaluateTemporal } from './expressions.ts';
import type { TimerCycle, Wait, WaitRole } from './state.ts';
import { addIsoDuration, isIsoDateTime, isIsoDuration, parseInstant, parseRepeatingInterval } from './time.ts';

export interface WaitOwner {
  readonly role: WaitRole;
  readonly nodeId: string;
  readonly executionId?: string;
  readonly scopeId?: string;
}

export function openTimer(ctx: Context, owner: WaitOwner, timer: TimerDefinition, evalScopeId: string): string {
  const { dueAt, cycle } = resolveTimer(ctx, timer, owner.nodeId, evalScopeId);
  return scheduleTimer(ctx, owner, dueAt.toISOString(), cycle);
}

export function scheduleTimer(ctx: Context, owner: WaitOwner, dueAt: string, cycle?: TimerCycle): string {
  const timerId = ctx.newId();
  ctx.draft.putWait(timerId, { ...owner, kind: 'timer', dueAt, ...(cycle === undefined ? {} : { cycle }) });
  ctx.emit({ type: 'timer.scheduled', timerId, elementId: owner.nodeId, dueAt });
  return timerId;
}

/** The occurrence after one due at `dueAt` of a repeating timer, or undefined when it is exhausted. */
export function nextCycleOccurrence(dueAt: string, cycle: TimerCycle): { dueAt: string; cycle: TimerCycle } | undefined {
  if (cycle.remaining === 0) return undefined;
  const next = addIsoDuration(new Date(dueAt), cycle.duration);
  if (next === undefined) return undefined;
  return { dueAt: next.toISOString(), cycle: { remaining: cycle.remaining === null ? null : cycle.remaining - 1, duration: cycle.duration } };
}

/** The next occurrence of a cycle timer that just fired, or undefined when it is exhausted. */
export function rescheduleCycle(ctx: Context, fired: Wait): string | undefined {
  if (fired.cycle === undefined || fired.dueAt === undefined) return undefined;
  const next = nextCycleOccurrence(fired.dueAt, fired.cycle);
  if (next === undefined) return undefined;
  const { kind: _kind, dueAt: _dueAt, cycle: _cycle, ...owner } = fired;
  return scheduleTimer(ctx, owner, next.dueAt, next.cycle);
}

export function openSubscription(ctx: Context, owner: WaitOwner, kind: 'message' | 'signal', name: string): string {
  const subscriptionId = ctx.newId();
  ctx.draft.putWait(subscriptionId, { ...owner, kind, name });
  ctx.emit({ type: 'subscription.opened', subscriptionId, kind, name, elementId: owner.nodeId });
  return subscriptionId;
}

/** Removes a wait and announces its cancellation. */
export function closeWait(ctx: Context, waitId: string, reason: CancelReason): void {
  const wait = ctx.draft.waits[waitId];
  if (wait === undefined) return;
  ctx.draft.deleteWait(waitId);
  switch (wait.kind) {
    case 'task':
      ctx.emit({ type: 'task.cancelled', taskId: waitId, reason });
      break;
    case 'timer':
      ctx.emit({ type: 'timer.cancelled', timerId: waitId });
      break;
    case 'message':
    case 'signal':
      ctx.emit({ type: 'subscription.closed', subscriptionId: waitId });
      break;
    case 'job':
      ctx.emit({ type: 'service.cancelled', jobId: waitId });
      break;
    case 'call':
      ctx.emit({ type: 'call.cancelled', callId: waitId });
      break;
  }
}

interface ResolvedTimer {
  readonly dueAt: Date;
  readonly cycle?: TimerCycle;
}

export function resolveTimer(ctx: Context, timer: TimerDefinition, elementId: string, scopeId: string): ResolvedTimer {
  const now = ctx.deps.now;
  const source = timer.expression.trim();
  const invalid = (value: string): EngineRuntimeError => new EngineRuntimeError('INVALID_TIMER', { value }, elementId);

  const fromText = (text: string): ResolvedTimer | undefined => {
    if (timer.type === 'date') {
      const at = parseInstant(text);
      return at === undefined ? undefined : { dueAt: at };
    }
    if (timer.type === 'duration') {
      const at = addIsoDuration(now, text);
      return at === undefined ? undefined : { dueAt: at };
    }
    const interval = parseRepeatingInterval(text);
    if (interval === undefined || interval.repetitions === 0) return undefined;
    const dueAt = interval.start ?? addIsoDuration(now, interval.duration)!;
    const remaining = interval.repetitions === null ? null : interval.repetitions - 1;
    return { dueAt, cycle: { remaining, duration: interval.duration } };
  };

  // The parser marks which the text is; unmarked text that reads as ISO 8601 is ISO 8601.
  const literal =
    timer.format === 'iso8601' ||
    (timer.format === undefined && (isIsoDuration(source) || isIsoDateTime(source) || source.startsWith('R')));
  if (literal) {
    const resolved = fromText(source);
    if (resolved !== undefined) return resolved;
    if (timer.format === 'iso8601') throw invalid(source);
  }
  const value = evaluateTemporal(ctx, source, elementId, scopeId);
  switch (value.kind) {
    case 'instant':
      if (timer.type === 'date') return { dueAt: value.value };
      throw invalid(value.value.toISOString());
    case 'duration':
      if (timer.type === 'duration') return { dueAt: new Date(now.getTime() + value.millis) };
      throw invalid(`${value.millis}ms`);
    case 'text': {
      const resolved = fromText(value.value.trim());
      if (resolved === undefined) throw invalid(value.value);
      return resolved;
    }
    case 'number':
      throw invalid(String(value.value));
    default:
      throw invalid(value.description);
  }
}
