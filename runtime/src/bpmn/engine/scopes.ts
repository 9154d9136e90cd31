/**
 * Scope instances: creating them (with their event sub-process start events armed), completing
 * them when no token is left (implicit end, WCP11), terminating and cancelling them.
 */
import type { CancelReason, Variables } from './contract.ts';
import { writeVariables, type Context } from './context.ts';
import { completeActivity } from './activities.ts';
import type { EventSubProcessStart } from './model-index.ts';
import { executionsIn, type Execution, type ScopeInstance, type ScopeInstanceKind } from './state.ts';
import { closeWait, openSubscription, openTimer } from './waits.ts';

export interface NewScope {
  readonly id?: string;
  readonly kind: ScopeInstanceKind;
  readonly modelId: string;
  readonly parentId?: string;
  readonly ownerExecutionId?: string;
  readonly variables?: Variables;
}

export function createScope(ctx: Context, spec: NewScope): ScopeInstance {
  const id = spec.id ?? ctx.newId();
  const base: ScopeInstance = {
    id,
    kind: spec.kind,
    modelId: spec.modelId,
    ...(spec.parentId === undefined ? {} : { parentId: spec.parentId }),
    ...(spec.ownerExecutionId === undefined ? {} : { ownerExecutionId: spec.ownerExecutionId }),
    variables: spec.variables ?? {},
    waitIds: [],
  };
  ctx.draft.putScope(base);
  const starts = spec.kind === 'multiInstance' ? undefined : ctx.index.eventSubProcessStarts.get(spec.modelId);
  if (starts === undefined) return base;
  const waitIds: string[] = [];
  for (const start of starts) {
    const owner = { role: 'eventSubStart' as const, nodeId: start.startEventId, scopeId: id };
    if (start.event.kind === 'timer') waitIds.push(openTimer(ctx, owner, start.event.timer, id));
    else if (start.event.kind === 'message') waitIds.push(openSubscription(ctx, owner, 'message', start.event.messageName));
    else if (start.event.kind === 'signal') waitIds.push(openSubscription(ctx, owner, 'signal', start.event.signalName));
  }
  if (waitIds.length === 0) return base;
  const scope = { ...base, waitIds };
  ctx.draft.putScope(scope);
  return scope;
}

/** Starts tokens at the scope's none start events; a scope without one is complete at once. */
export function startScope(ctx: Context, scope: ScopeInstance): void {
  const model = ctx.model.scopes.get(scope.modelId);
  let started = false;
  for (const startId of model?.startEventIds ?? []) {
    const start = ctx.model.nodes.get(startId);
    if (start?.kind === 'startEvent' && start.event.kind === 'none') {
      ctx.push({ nodeId: startId, scopeId: scope.id });
      started = true;
    }
  }
  if (!started) ctx.scopesToCheck.add(scope.id);
}

export function removeScopeWait(ctx: Context, scopeId: string, waitId: string): void {
  const scope = ctx.draft.scopes[scopeId];
  if (scope === undefined) return;
  ctx.draft.putScope({ ...scope, waitIds: scope.waitIds.filter((id) => id !== waitId) });
}

function closeScopeWaits(ctx: Context, scope: ScopeInstance, reason: CancelReason): void {
  for (const waitId of scope.waitIds) closeWait(ctx, waitId, reason);
  if (scope.waitIds.length > 0 && ctx.draft.scopes[scope.id] !== undefined) ctx.draft.putScope({ ...scope, waitIds: [] });
}

/** Cancels a token at rest with everything it owns: its waits, nested scopes, multi-instance iterations. */
export function cancelExecution(ctx: Context, execution: Execution, reason: CancelReason): void {
  for (const waitId of execution.waitIds) closeWait(ctx, waitId, reason);
  if (execution.childScopeId !== undefined) destroyScope(ctx, execution.childScopeId, reason);
  if (execution.multiInstance !== undefined) {
    for (const scope of Object.values(ctx.draft.scopes)) {
      if (scope.ownerExecutionId === execution.id) destroyScope(ctx, scope.id, reason);
    }
  }
  if (execution.historic) ctx.ended(execution.id, execution.nodeId, reason);
  ctx.draft.deleteExecution(execution.id);
}

/** Cancels every token of a scope instance, including those in flight, but keeps the scope. */
export function cancelScopeContents(ctx: Context, scopeId: string, reason: CancelReason): void {
  ctx.interrupt(scopeId);
  for (const execution of executionsIn(ctx.draft, scopeId)) {
    // An earlier cancellation in this loop may already have removed it (nested ownership).
    if (ctx.draft.executions[execution.id] !== undefined) cancelExecution(ctx, execution, reason);
  }
}

export function destroyScope(ctx: Context, scopeId: string, reason: CancelReason): void {
  const scope = ctx.draft.scopes[scopeId];
  if (scope === undefined) return;
  cancelScopeContents(ctx, scopeId, reason);
  closeScopeWaits(ctx, ctx.draft.scopes[scopeId] ?? scope, reason);
  ctx.draft.deleteScope(scopeId);
}

/** A scope instance without tokens ends; its host activity (or the process) completes. */
export function completeScope(ctx: Context, scopeId: string): void {
  const scope = ctx.draft.scopes[scopeId];
  if (scope === undefined || scope.kind === 'multiInstance') return;
  closeScopeWaits(ctx, scope, 'cancelled');
  ctx.draft.deleteScope(scopeId);
  if (scope.parentId === undefined) {
    ctx.draft.status = 'completed';
    ctx.emit({ type: 'instance.completed' });
    return;
  }
  const owner = scope.ownerExecutionId === undefined ? undefined : ctx.draft.executions[scope.ownerExecutionId];
  if (owner !== undefined) completeActivity(ctx, owner);
}

/** Terminate end event: every token of the scope instance is cancelled and the scope ends normally. */
export function terminateScope(ctx: Context, scopeId: string): void {
  cancelScopeContents(ctx, scopeId, 'terminated');
  completeScope(ctx, scopeId);
}

/** Starts an event sub-process in a scope instance, interrupting the scope's other work if asked. */
export function startEventSubProcess(
  ctx: Context,
  scopeId: string,
  start: EventSubProcessStart,
  variables?: Variables,
): void {
  const scope = ctx.draft.scopes[scopeId];
  if (scope === undefined) return;
  if (start.isInterrupting) {
    cancelScopeContents(ctx, scopeId, 'interrupted');
    closeScopeWaits(ctx, ctx.draft.scopes[scopeId]!, 'interrupted');
  }
  const hostId = ctx.newId();
  const child = createScope(ctx, {
    kind: 'eventSubProcess',
    modelId: start.subProcessId,
    parentId: scopeId,
    ownerExecutionId: hostId,
  });
  ctx.draft.putExecution({
    id: hostId,
    nodeId: start.subProcessId,
    scopeId,
    phase: 'active',
    waitIds: [],
    childScopeId: child.id,
    historic: true,
  });
  ctx.started(hostId, start.subProcessId, 'subProcess');
  writeVariables(ctx, child.id, variables);
  ctx.push({ nodeId: start.startEventId, scopeId: child.id });
}
