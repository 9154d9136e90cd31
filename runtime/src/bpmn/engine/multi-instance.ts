/**
 * Multi-instance activities (BPMN 2.0.2 §13.3.7): a body token at the activity holds the counters
 * and the boundary events; each iteration runs in its own scope instance with `loopCounter` and
 * the element variable as locals. 会签 = parallel, all must finish; 或签 = parallel with a
 * completion condition such as `nrOfCompletedInstances >= 1`; 依次审批 = sequential.
 */
import type { ActivityNode } from '../model.ts';
import type { JsonValue, Variables } from './contract.ts';
import type { Context } from './context.ts';
import { completeActivity, finishExecution } from './activities.ts';
import { EngineRuntimeError } from './errors.ts';
import { evaluateCondition, evaluateValue } from './expressions.ts';
import { leave } from './flows.ts';
import { requireNode } from './model-index.ts';
import { createScope, destroyScope } from './scopes.ts';
import type { Execution } from './state.ts';

export function startMultiInstance(ctx: Context, node: ActivityNode, scopeId: string): void {
  const settings = node.multiInstance!;
  const items = settings.collection === undefined ? undefined : collectionOf(ctx, node, scopeId);
  const total = items?.length ?? cardinalityOf(ctx, node, scopeId);
  const id = ctx.newId();
  ctx.started(id, node.id, 'multiInstanceBody');
  if (total === 0) {
    ctx.ended(id, node.id, 'completed');
    leave(ctx, node, scopeId);
    return;
  }
  const body: Execution = {
    id,
    nodeId: node.id,
    scopeId,
    phase: 'active',
    waitIds: [],
    multiInstance: {
      total,
      completed: 0,
      active: 0,
      next: 0,
      ...(settings.isSequential && items !== undefined ? { items } : {}),
    },
    historic: true,
  };
  finishExecution(ctx, body);
  const count = settings.isSequential ? 1 : total;
  for (let index = 0; index < count; index++) startIteration(ctx, node, id, items?.[index]);
}

function startIteration(ctx: Context, node: ActivityNode, bodyId: string, item: JsonValue | undefined): void {
  const body = ctx.draft.executions[bodyId]!;
  const counters = body.multiInstance!;
  const variables: Variables = { loopCounter: counters.next };
  const elementVariable = node.multiInstance?.elementVariable;
  if (elementVariable !== undefined && item !== undefined) variables[elementVariable] = item;
  const scope = createScope(ctx, {
    kind: 'multiInstance',
    modelId: node.id,
    parentId: body.scopeId,
    ownerExecutionId: body.id,
    variables,
  });
  ctx.draft.putExecution({
    ...body,
    multiInstance: { ...counters, active: counters.active + 1, next: counters.next + 1 },
  });
  ctx.push({ nodeId: node.id, scopeId: scope.id, miInner: true });
}

/** One iteration finished: count it, then finish the body or start the next sequential iteration. */
export function iterationDone(ctx: Context, iterationScopeId: string): void {
  const scope = ctx.draft.scopes[iterationScopeId];
  const body = scope?.ownerExecutionId === undefined ? undefined : ctx.draft.executions[scope.ownerExecutionId];
  if (scope === undefined || body?.multiInstance === undefined) return;
  const node = requireNode(ctx.model, body.nodeId) as ActivityNode;
  const counters = body.multiInstance;
  const updated: Execution = {
    ...body,
    multiInstance: { ...counters, completed: counters.completed + 1, active: counters.active - 1 },
  };
  ctx.draft.putExecution(updated);
  const condition = node.multiInstance?.completionCondition;
  // Evaluated inside the finished iteration, so its locals and the updated counters are visible.
  const conditionHeld = condition !== undefined && evaluateCondition(ctx, condition, node.id, iterationScopeId);
  ctx.draft.deleteScope(iterationScopeId);
  const finished = updated.multiInstance!;
  if (conditionHeld || finished.completed >= finished.total) {
    for (const other of Object.values(ctx.draft.scopes)) {
      if (other.ownerExecutionId === body.id) destroyScope(ctx, other.id, 'completionCondition');
    }
    completeActivity(ctx, ctx.draft.executions[body.id]!);
    return;
  }
  if (node.multiInstance?.isSequential === true && finished.next < finished.total) {
    startIteration(ctx, node, body.id, finished.items?.[finished.next]);
  }
}

function collectionOf(ctx: Context, node: ActivityNode, scopeId: string): readonly JsonValue[] {
  const source = node.multiInstance!.collection!;
  const value = evaluateValue(ctx, source, node.id, scopeId);
  if (!Array.isArray(value)) {
    throw new EngineRuntimeError('MULTI_INSTANCE_INPUT', { reason: `collection "${source}" is not a list` }, node.id);
  }
  return value;
}

function cardinalityOf(ctx: Context, node: ActivityNode, scopeId: string): number {
  const source = node.multiInstance!.loopCardinality;
  if (source === undefined) {
    throw new EngineRuntimeError('MULTI_INSTANCE_INPUT', { reason: 'neither loopCardinality nor collection' }, node.id);
  }
  const value = evaluateValue(ctx, source, node.id, scopeId);
  const count = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof count !== 'number' || !Number.isInteger(count) || count < 0) {
    throw new EngineRuntimeError('MULTI_INSTANCE_INPUT', { reason: `loopCardinality "${source}" is not a count` }, node.id);
  }
  return count;
}
