/**
 * Activities (BPMN 2.0.2 §13.3): entering (with standard loops and multi-instance wrapped
 * around), the behaviour of each task kind, and completion.
 */
import type { ActivityNode, CallActivityNode, ServiceTaskNode, UserTaskNode } from '../model.ts';
import type { Variables } from './contract.ts';
import { visibleVariables, writeVariable, type Context, type Step } from './context.ts';
import { evaluateCondition, evaluateValue } from './expressions.ts';
import { leave } from './flows.ts';
import { iterationDone, startMultiInstance } from './multi-instance.ts';
import { requireNode } from './model-index.ts';
import { createScope, startScope } from './scopes.ts';
import type { Execution, Wait } from './state.ts';
import { resolveAssignment, resolveDueAt, resolvePriority } from './user-tasks.ts';
import { openSubscription, openTimer, closeWait } from './waits.ts';

interface RunFlags {
  readonly miInner: boolean;
  readonly loopCounter?: number;
}

export function enterActivity(ctx: Context, node: ActivityNode, step: Step): void {
  const miInner = step.miInner === true;
  if (node.multiInstance !== undefined && !miInner) {
    startMultiInstance(ctx, node, step.scopeId);
    return;
  }
  const loop = miInner ? undefined : node.loop;
  const loopCounter = loop === undefined ? undefined : (step.loopCounter ?? 0);
  if (loop?.testBefore === true && !loopConditionHolds(ctx, node, step.scopeId, loopCounter!)) {
    leave(ctx, node, step.scopeId);
    return;
  }
  runActivity(ctx, node, step.scopeId, { miInner, ...(loopCounter === undefined ? {} : { loopCounter }) });
}

function runActivity(ctx: Context, node: ActivityNode, scopeId: string, flags: RunFlags): void {
  switch (node.kind) {
    case 'task':
    case 'manualTask':
      ctx.passed(node.id, node.kind);
      activityDone(ctx, node, scopeId, flags);
      return;
    case 'scriptTask': {
      const id = ctx.newId();
      ctx.started(id, node.id, node.kind);
      for (const assignment of node.assignments) {
        writeVariable(ctx, scopeId, assignment.target, evaluateValue(ctx, assignment.expression, node.id, scopeId));
      }
      ctx.ended(id, node.id, 'completed');
      activityDone(ctx, node, scopeId, flags);
      return;
    }
    case 'userTask':
      createUserTask(ctx, node, scopeId, flags);
      return;
    case 'serviceTask':
    case 'sendTask':
    case 'businessRuleTask':
      requestService(ctx, node, scopeId, flags);
      return;
    case 'receiveTask': {
      const execution = beginExecution(ctx, node, scopeId, flags);
      const waitId = openSubscription(
        ctx,
        { role: 'activity', nodeId: node.id, executionId: execution.id },
        'message',
        node.messageName ?? node.id,
      );
      finishExecution(ctx, execution, waitId);
      return;
    }
    case 'subProcess': {
      const execution = beginExecution(ctx, node, scopeId, flags);
      const child = createScope(ctx, { kind: 'subProcess', modelId: node.id, parentId: scopeId, ownerExecutionId: execution.id });
      finishExecution(ctx, { ...execution, childScopeId: child.id });
      startScope(ctx, child);
      return;
    }
    case 'callActivity':
      requestCall(ctx, node, scopeId, flags);
      return;
  }
}

/** A token comes to rest in the activity: announce it (the caller opens its wait). */
function beginExecution(ctx: Context, node: ActivityNode, scopeId: string, flags: RunFlags): Execution {
  const id = ctx.newId();
  ctx.started(id, node.id, node.kind);
  return {
    id,
    nodeId: node.id,
    scopeId,
    phase: 'active',
    waitIds: [],
    ...(flags.miInner ? { miInner: true as const } : {}),
    ...(flags.loopCounter === undefined ? {} : { loopCounter: flags.loopCounter }),
    historic: true,
  };
}

/** Stores the execution with its own wait and arms its boundary events (multi-instance bodies own those). */
export function finishExecution(ctx: Context, execution: Execution, ownWaitId?: string): void {
  const waitIds = ownWaitId === undefined ? [] : [ownWaitId];
  if (execution.miInner !== true) waitIds.push(...armBoundaryEvents(ctx, execution));
  ctx.draft.putExecution({ ...execution, waitIds: [...execution.waitIds, ...waitIds] });
}

function armBoundaryEvents(ctx: Context, execution: Execution): string[] {
  const boundaries = ctx.index.boundaries.get(execution.nodeId);
  if (boundaries === undefined) return [];
  const waitIds: string[] = [];
  for (const boundary of boundaries) {
    const owner = { role: 'boundary' as const, nodeId: boundary.id, executionId: execution.id };
    const event = boundary.event;
    if (event.kind === 'timer') waitIds.push(openTimer(ctx, owner, event.timer, execution.scopeId));
    else if (event.kind === 'message') waitIds.push(openSubscription(ctx, owner, 'message', event.messageName));
    else if (event.kind === 'signal') waitIds.push(openSubscription(ctx, owner, 'signal', event.signalName));
  }
  return waitIds;
}

function putActivityWait(ctx: Context, id: string, kind: Wait['kind'], execution: Execution): void {
  ctx.draft.putWait(id, { kind, role: 'activity', nodeId: execution.nodeId, executionId: execution.id });
}

function createUserTask(ctx: Context, node: UserTaskNode, scopeId: string, flags: RunFlags): void {
  const execution = beginExecution(ctx, node, scopeId, flags);
  const taskId = ctx.newId();
  const loopCounter = flags.miInner ? ctx.draft.scopes[scopeId]?.variables['loopCounter'] : flags.loopCounter;
  const dueAt = resolveDueAt(ctx, node, scopeId);
  const priority = resolvePriority(ctx, node, scopeId);
  putActivityWait(ctx, taskId, 'task', execution);
  ctx.emit({
    type: 'task.created',
    taskId,
    elementId: node.id,
    ...(node.name === undefined ? {} : { name: node.name }),
    assignment: resolveAssignment(ctx, node, scopeId),
    ...(node.formKey === undefined ? {} : { formKey: node.formKey }),
    ...(dueAt === undefined ? {} : { dueAt }),
    ...(node.escalateTo === undefined ? {} : { escalateTo: node.escalateTo }),
    ...(priority === undefined ? {} : { priority }),
    ...(typeof loopCounter === 'number' ? { loopCounter } : {}),
    variables: visibleVariables(ctx, scopeId),
  });
  finishExecution(ctx, execution, taskId);
}

function requestService(ctx: Context, node: ServiceTaskNode, scopeId: string, flags: RunFlags): void {
  const execution = beginExecution(ctx, node, scopeId, flags);
  const jobId = ctx.newId();
  putActivityWait(ctx, jobId, 'job', execution);
  ctx.emit({
    type: 'service.requested',
    jobId,
    elementId: node.id,
    serviceType: node.serviceType,
    config: node.config,
    variables: visibleVariables(ctx, scopeId),
  });
  finishExecution(ctx, execution, jobId);
}

function requestCall(ctx: Context, node: CallActivityNode, scopeId: string, flags: RunFlags): void {
  const execution = beginExecution(ctx, node, scopeId, flags);
  const callId = ctx.newId();
  const variables: Variables = node.inheritVariables ? { ...visibleVariables(ctx, scopeId) } : {};
  for (const input of node.inputs) variables[input.target] = evaluateValue(ctx, input.expression, node.id, scopeId);
  putActivityWait(ctx, callId, 'call', execution);
  ctx.emit({ type: 'call.requested', callId, elementId: node.id, processKey: node.calledElement, variables });
  finishExecution(ctx, execution, callId);
}

/** Call activity outputs: everything back when inheriting, then each `target = expression` over the callee's variables. */
export function applyCallOutputs(ctx: Context, execution: Execution, returned: Variables): void {
  const node = requireNode(ctx.model, execution.nodeId) as CallActivityNode;
  if (node.inheritVariables) {
    for (const name of Object.keys(returned)) writeVariable(ctx, execution.scopeId, name, returned[name]!);
  }
  for (const output of node.outputs) {
    const value = evaluateValue(ctx, output.expression, node.id, execution.scopeId, returned);
    writeVariable(ctx, execution.scopeId, output.target, value);
  }
}

/** The activity's work is done: its remaining waits close and the token moves on. */
export function completeActivity(ctx: Context, execution: Execution): void {
  for (const waitId of execution.waitIds) closeWait(ctx, waitId, 'cancelled');
  ctx.ended(execution.id, execution.nodeId, 'completed');
  ctx.draft.deleteExecution(execution.id);
  const node = requireNode(ctx.model, execution.nodeId);
  if (execution.multiInstance !== undefined) {
    leave(ctx, node, execution.scopeId);
    return;
  }
  const flags = {
    miInner: execution.miInner === true,
    ...(execution.loopCounter === undefined ? {} : { loopCounter: execution.loopCounter }),
  };
  activityDone(ctx, node as ActivityNode, execution.scopeId, flags);
}

function activityDone(ctx: Context, node: ActivityNode, scopeId: string, flags: RunFlags): void {
  if (flags.miInner) {
    iterationDone(ctx, scopeId);
    return;
  }
  const loop = node.loop;
  if (loop !== undefined) {
    const next = (flags.loopCounter ?? 0) + 1;
    const belowMaximum = loop.loopMaximum === undefined || next < loop.loopMaximum;
    // testBefore re-checks the condition on entry; do-while checks it here.
    if (belowMaximum && (loop.testBefore || loopConditionHolds(ctx, node, scopeId, next))) {
      ctx.push({ nodeId: node.id, scopeId, loopCounter: next });
      return;
    }
  }
  leave(ctx, node, scopeId);
}

function loopConditionHolds(ctx: Context, node: ActivityNode, scopeId: string, loopCounter: number): boolean {
  const condition = node.loop?.loopCondition;
  if (condition === undefined) return true;
  return evaluateCondition(ctx, condition, node.id, scopeId, { loopCounter });
}
