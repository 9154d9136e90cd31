/**
 * Events reached by a token (start, end, intermediate throw and catch; BPMN 2.0.2 §13.5) and the
 * firing of whatever waits on an event: catch events, receive tasks, boundary events,
 * event-based gateway targets and event sub-process starts.
 */
import type { EventNode } from '../model.ts';
import type { Variables } from './contract.ts';
import { visibleVariables, writeVariables, type Context, type Step } from './context.ts';
import { completeActivity, finishExecution } from './activities.ts';
import { leave } from './flows.ts';
import { linkKey, requireNode } from './model-index.ts';
import { throwError, throwEscalation, throwSignal } from './propagation.ts';
import { cancelExecution, removeScopeWait, startEventSubProcess, terminateScope } from './scopes.ts';
import type { Wait } from './state.ts';
import { closeWait, openSubscription, openTimer, rescheduleCycle } from './waits.ts';

export function arriveAtEvent(ctx: Context, node: EventNode, step: Step): void {
  const { scopeId } = step;
  const event = node.event;
  if (node.kind === 'intermediateCatchEvent' && event.kind !== 'link' && event.kind !== 'none') {
    waitAtCatchEvent(ctx, node, scopeId);
    return;
  }
  ctx.passed(node.id, node.kind);
  // A start event's definition says what triggered it; only end and throw events throw.
  if (node.kind === 'startEvent') {
    leave(ctx, node, scopeId);
    return;
  }
  const epoch = ctx.epochOf(scopeId);
  switch (event.kind) {
    case 'terminate':
      terminateScope(ctx, scopeId);
      return;
    case 'error':
      throwError(ctx, event.errorCode, { scopeId });
      return;
    case 'escalation':
      throwEscalation(ctx, event.escalationCode, { scopeId });
      break;
    case 'signal':
      throwSignal(ctx, event.signalName);
      break;
    case 'message':
      ctx.emit({ type: 'message.thrown', name: event.messageName, variables: visibleVariables(ctx, scopeId) });
      break;
    case 'link':
      if (node.kind === 'intermediateThrowEvent') {
        const target = ctx.index.linkTargets.get(linkKey(node.scopeId, event.linkName));
        if (target !== undefined) ctx.push({ nodeId: target, scopeId });
        return;
      }
      break;
    default:
      break;
  }
  // A throw that was caught by an interrupting handler of this scope ends the token here.
  if (!ctx.isAlive(scopeId, epoch)) return;
  leave(ctx, node, scopeId);
}

function waitAtCatchEvent(ctx: Context, node: EventNode, scopeId: string): void {
  const id = ctx.newId();
  ctx.started(id, node.id, node.kind);
  const owner = { role: 'activity' as const, nodeId: node.id, executionId: id };
  const event = node.event;
  const waitId =
    event.kind === 'timer'
      ? openTimer(ctx, owner, event.timer, scopeId)
      : event.kind === 'message'
        ? openSubscription(ctx, owner, 'message', event.messageName)
        : event.kind === 'signal'
          ? openSubscription(ctx, owner, 'signal', event.signalName)
          : undefined;
  finishExecution(ctx, { id, nodeId: node.id, scopeId, phase: 'active', waitIds: [], historic: true }, waitId);
}

/**
 * The event a wait stands for has occurred (timer due, message or signal delivered).
 * Non-interrupting boundary and event sub-process subscriptions stay open for the next event;
 * cycle timers are rescheduled.
 */
export function fireWait(ctx: Context, waitId: string, wait: Wait, variables?: Variables): void {
  switch (wait.role) {
    case 'activity': {
      const execution = ctx.draft.executions[wait.executionId!]!;
      ctx.draft.deleteWait(waitId);
      writeVariables(ctx, execution.scopeId, variables);
      completeActivity(ctx, { ...execution, waitIds: execution.waitIds.filter((id) => id !== waitId) });
      return;
    }
    case 'boundary':
      fireBoundary(ctx, waitId, wait, variables);
      return;
    case 'eventGateway': {
      const gateway = ctx.draft.executions[wait.executionId!]!;
      ctx.draft.deleteWait(waitId);
      for (const other of gateway.waitIds) if (other !== waitId) closeWait(ctx, other, 'eventGateway');
      ctx.ended(gateway.id, gateway.nodeId, 'completed');
      ctx.draft.deleteExecution(gateway.id);
      const target = requireNode(ctx.model, wait.nodeId);
      ctx.passed(target.id, target.kind);
      writeVariables(ctx, gateway.scopeId, variables);
      leave(ctx, target, gateway.scopeId);
      return;
    }
    case 'eventSubStart':
      fireEventSubProcessStart(ctx, waitId, wait, variables);
      return;
  }
}

function fireBoundary(ctx: Context, waitId: string, wait: Wait, variables?: Variables): void {
  const boundary = requireNode(ctx.model, wait.nodeId);
  if (boundary.kind !== 'boundaryEvent') return;
  const execution = ctx.draft.executions[wait.executionId!]!;
  if (boundary.cancelActivity) {
    ctx.draft.deleteWait(waitId);
    cancelExecution(ctx, execution, 'interrupted');
  } else if (wait.kind === 'timer') {
    ctx.draft.deleteWait(waitId);
    const next = rescheduleCycle(ctx, wait);
    const waitIds = execution.waitIds.filter((id) => id !== waitId);
    ctx.draft.putExecution({ ...execution, waitIds: next === undefined ? waitIds : [...waitIds, next] });
  }
  ctx.passed(boundary.id, boundary.kind);
  writeVariables(ctx, execution.scopeId, variables);
  leave(ctx, boundary, execution.scopeId);
}

function fireEventSubProcessStart(ctx: Context, waitId: string, wait: Wait, variables?: Variables): void {
  const scopeId = wait.scopeId!;
  const scope = ctx.draft.scopes[scopeId]!;
  const start = ctx.index.eventSubProcessStarts.get(scope.modelId)?.find((s) => s.startEventId === wait.nodeId);
  if (start === undefined) return;
  if (start.isInterrupting || wait.kind === 'timer') {
    ctx.draft.deleteWait(waitId);
    removeScopeWait(ctx, scopeId, waitId);
  }
  if (!start.isInterrupting && wait.kind === 'timer') {
    const next = rescheduleCycle(ctx, wait);
    const current = ctx.draft.scopes[scopeId]!;
    if (next !== undefined) ctx.draft.putScope({ ...current, waitIds: [...current.waitIds, next] });
  }
  startEventSubProcess(ctx, scopeId, start, variables);
}
