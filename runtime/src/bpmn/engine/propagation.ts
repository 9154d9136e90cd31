/**
 * Throwing errors, escalations and signals (BPMN 2.0.2 §10.5, event handling).
 *
 * Errors and escalations look for a catcher from the thrower outwards: the activity's own
 * boundary events, then the event sub-processes of the scope instance, then the boundary events
 * of the activity hosting that scope, and so on up to the process. A catcher with the exact code
 * wins over a catch-all at the same level. An uncaught error fails the instance; an uncaught
 * escalation is ignored (it is non-critical). Errors thrown inside an event sub-process skip the
 * event sub-processes of the scope it runs in, so a handler never catches its own error.
 */
import type { BoundaryEventNode, EventDefinition } from '../model.ts';
import type { Context } from './context.ts';
import { fireWait } from './events.ts';
import { leave } from './flows.ts';
import type { EventSubProcessStart } from './model-index.ts';
import { cancelExecution, destroyScope, startEventSubProcess } from './scopes.ts';
import type { Execution } from './state.ts';

export interface ThrowOrigin {
  readonly scopeId: string;
  /** The activity that threw (a service task, a call activity); undefined for throw events. */
  readonly execution?: Execution;
}

type Catcher =
  | { readonly type: 'boundary'; readonly boundary: BoundaryEventNode; readonly execution: Execution }
  | { readonly type: 'eventSubProcess'; readonly scopeId: string; readonly start: EventSubProcessStart };

type CatchKind = 'error' | 'escalation';

export function throwError(ctx: Context, errorCode: string | undefined, origin: ThrowOrigin, message?: string): void {
  const catcher = findCatcher(ctx, 'error', errorCode, origin);
  if (catcher === undefined) failInstance(ctx, errorCode, message);
  else applyCatch(ctx, catcher);
}

export function throwEscalation(ctx: Context, escalationCode: string | undefined, origin: ThrowOrigin): void {
  const catcher = findCatcher(ctx, 'escalation', escalationCode, origin);
  if (catcher !== undefined) applyCatch(ctx, catcher);
}

/**
 * Signals are broadcast: this instance's own subscriptions fire at once (so a signal thrown in a
 * sub-process can interrupt it before it finishes), and `signal.thrown` tells the platform to
 * deliver it to other instances and signal start events.
 */
export function throwSignal(ctx: Context, name: string): void {
  const matching: string[] = [];
  for (const id in ctx.draft.waits) {
    const wait = ctx.draft.waits[id]!;
    if (wait.kind === 'signal' && wait.name === name) matching.push(id);
  }
  ctx.emit({ type: 'signal.thrown', name, variables: {} });
  for (const id of matching) {
    const wait = ctx.draft.waits[id];
    // An earlier catcher may have cancelled this one (e.g. an interrupting boundary around it).
    if (wait !== undefined && ctx.draft.status === 'active') fireWait(ctx, id, wait);
  }
}

export function failInstance(ctx: Context, errorCode: string | undefined, message: string | undefined): void {
  destroyScope(ctx, ctx.draft.rootScopeId, 'terminated');
  ctx.draft.status = 'failed';
  ctx.draft.failure = {
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(message === undefined ? {} : { message }),
  };
  ctx.emit({
    type: 'instance.failed',
    ...(errorCode === undefined ? {} : { errorCode }),
    ...(message === undefined ? {} : { message }),
  });
}

function findCatcher(ctx: Context, kind: CatchKind, code: string | undefined, origin: ThrowOrigin): Catcher | undefined {
  let execution = origin.execution;
  let scopeId = origin.scopeId;
  let skipEventSubProcesses = false;
  for (;;) {
    if (execution !== undefined && execution.miInner !== true) {
      const boundaries = ctx.index.boundaries.get(execution.nodeId) ?? [];
      const boundary = pick(boundaries, (b) => b.event, kind, code);
      if (boundary !== undefined) return { type: 'boundary', boundary, execution };
    }
    const scope = ctx.draft.scopes[scopeId];
    if (scope === undefined) return undefined;
    if (!skipEventSubProcesses && scope.kind !== 'multiInstance') {
      const starts = ctx.index.eventSubProcessStarts.get(scope.modelId) ?? [];
      const start = pick(starts, (s) => s.event, kind, code);
      if (start !== undefined) return { type: 'eventSubProcess', scopeId, start };
    }
    if (scope.parentId === undefined || scope.ownerExecutionId === undefined) return undefined;
    skipEventSubProcesses = scope.kind === 'eventSubProcess';
    execution = ctx.draft.executions[scope.ownerExecutionId];
    scopeId = scope.parentId;
  }
}

function pick<T>(
  candidates: readonly T[],
  eventOf: (candidate: T) => EventDefinition,
  kind: CatchKind,
  code: string | undefined,
): T | undefined {
  let catchAll: T | undefined;
  for (const candidate of candidates) {
    const event = eventOf(candidate);
    if (event.kind !== kind) continue;
    const catcherCode = event.kind === 'error' ? event.errorCode : event.kind === 'escalation' ? event.escalationCode : undefined;
    if (catcherCode === undefined) catchAll ??= candidate;
    else if (code !== undefined && catcherCode === code) return candidate;
  }
  return catchAll;
}

function applyCatch(ctx: Context, catcher: Catcher): void {
  if (catcher.type === 'eventSubProcess') {
    startEventSubProcess(ctx, catcher.scopeId, catcher.start);
    return;
  }
  const { boundary, execution } = catcher;
  if (boundary.cancelActivity) cancelExecution(ctx, execution, 'interrupted');
  ctx.passed(boundary.id, boundary.kind);
  leave(ctx, boundary, execution.scopeId);
}
