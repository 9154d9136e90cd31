/**
 * Gateways (BPMN 2.0.2 §13.4): exclusive, parallel, inclusive (with the non-local OR-join rule)
 * and event-based.
 */
import type { GatewayNode } from '../model.ts';
import type { Context, Step } from './context.ts';
import { leave } from './flows.ts';
import { requireNode } from './model-index.ts';
import type { Execution } from './state.ts';
import { openSubscription, openTimer } from './waits.ts';

export function arriveAtGateway(ctx: Context, node: GatewayNode, step: Step): void {
  switch (node.kind) {
    case 'exclusiveGateway':
      ctx.passed(node.id, node.kind);
      leave(ctx, node, step.scopeId, 'exclusive');
      return;
    case 'parallelGateway':
      if (node.incoming.length <= 1) {
        ctx.passed(node.id, node.kind);
        leave(ctx, node, step.scopeId, 'parallel');
        return;
      }
      addJoiningToken(ctx, node, step);
      fireParallelJoin(ctx, node, step.scopeId);
      return;
    case 'inclusiveGateway':
      if (node.incoming.length <= 1) {
        ctx.passed(node.id, node.kind);
        leave(ctx, node, step.scopeId, 'inclusive');
        return;
      }
      // Whether more tokens can still arrive is decided once every token has come to rest.
      addJoiningToken(ctx, node, step);
      return;
    case 'eventBasedGateway':
      waitAtEventGateway(ctx, node, step.scopeId);
      return;
  }
}

function addJoiningToken(ctx: Context, node: GatewayNode, step: Step): void {
  ctx.draft.putExecution({
    id: ctx.newId(),
    nodeId: node.id,
    scopeId: step.scopeId,
    phase: 'joining',
    ...(step.via === undefined ? {} : { arrivedVia: step.via }),
    waitIds: [],
    historic: false,
  });
}

/** Joining tokens at one gateway in one scope instance, grouped by the flow they came by (oldest first). */
function tokensByFlow(ctx: Context, gatewayId: string, scopeId: string): Map<string, Execution> {
  const byFlow = new Map<string, Execution>();
  for (const id in ctx.draft.executions) {
    const execution = ctx.draft.executions[id]!;
    if (execution.phase !== 'joining' || execution.nodeId !== gatewayId || execution.scopeId !== scopeId) continue;
    const flow = execution.arrivedVia ?? '';
    if (!byFlow.has(flow)) byFlow.set(flow, execution);
  }
  return byFlow;
}

/** §13.4.1: the parallel join fires when every incoming flow holds a token, consuming one from each. */
function fireParallelJoin(ctx: Context, node: GatewayNode, scopeId: string): void {
  const byFlow = tokensByFlow(ctx, node.id, scopeId);
  if (!node.incoming.every((flowId) => byFlow.has(flowId))) return;
  for (const execution of byFlow.values()) ctx.draft.deleteExecution(execution.id);
  ctx.passed(node.id, node.kind);
  leave(ctx, node, scopeId, 'parallel');
}

/**
 * §13.4.3 (Table 13.3): an inclusive join fires when at least one incoming flow holds a token
 * and every other token of the same scope instance that can still reach an empty incoming flow
 * can also reach a filled one. So the join waits for every token that could still bring a missing
 * branch; a token that could only add to a branch already present does not hold it back (that is
 * the standard's guard against deadlock in cycles). Tokens in other scope instances never count.
 * Called when the agenda is empty; fires at most one join and reports whether it did.
 */
export function fireReadyInclusiveJoin(ctx: Context): boolean {
  const { inclusiveReach } = ctx.index;
  if (inclusiveReach.size === 0) return false;
  const executions = ctx.draft.executions;
  const checked = new Set<string>();
  for (const id in executions) {
    const waiting = executions[id]!;
    if (waiting.phase !== 'joining' || !inclusiveReach.has(waiting.nodeId)) continue;
    const key = `${waiting.scopeId}\n${waiting.nodeId}`;
    if (checked.has(key)) continue;
    checked.add(key);
    const byFlow = tokensByFlow(ctx, waiting.nodeId, waiting.scopeId);
    if (isBlocked(ctx, waiting, byFlow)) continue;
    const node = requireNode(ctx.model, waiting.nodeId);
    for (const execution of byFlow.values()) ctx.draft.deleteExecution(execution.id);
    ctx.passed(node.id, node.kind);
    leave(ctx, node, waiting.scopeId, 'inclusive');
    return true;
  }
  return false;
}

function isBlocked(ctx: Context, waiting: Execution, filled: ReadonlyMap<string, Execution>): boolean {
  const reachByNode = ctx.index.inclusiveReach.get(waiting.nodeId)!;
  for (const id in ctx.draft.executions) {
    const other = ctx.draft.executions[id]!;
    if (other.scopeId !== waiting.scopeId || other.nodeId === waiting.nodeId) continue;
    const reachable = reachByNode.get(other.nodeId);
    if (reachable === undefined) continue;
    let reachesEmpty = false;
    let reachesFilled = false;
    for (const flowId of reachable) {
      if (filled.has(flowId)) reachesFilled = true;
      else reachesEmpty = true;
    }
    if (reachesEmpty && !reachesFilled) return true;
  }
  return false;
}

/** §13.4.4: the token waits for the first of the events after the gateway. */
function waitAtEventGateway(ctx: Context, node: GatewayNode, scopeId: string): void {
  const executionId = ctx.newId();
  ctx.started(executionId, node.id, node.kind);
  const waitIds: string[] = [];
  for (const flowId of node.outgoing) {
    const target = requireNode(ctx.model, ctx.model.flows.get(flowId)!.targetId);
    const owner = { role: 'eventGateway' as const, nodeId: target.id, executionId };
    if (target.kind === 'receiveTask') {
      waitIds.push(openSubscription(ctx, owner, 'message', target.messageName ?? target.id));
    } else if (target.kind === 'intermediateCatchEvent') {
      const event = target.event;
      if (event.kind === 'timer') waitIds.push(openTimer(ctx, owner, event.timer, scopeId));
      else if (event.kind === 'message') waitIds.push(openSubscription(ctx, owner, 'message', event.messageName));
      else if (event.kind === 'signal') waitIds.push(openSubscription(ctx, owner, 'signal', event.signalName));
    }
  }
  ctx.draft.putExecution({ id: executionId, nodeId: node.id, scopeId, phase: 'active', waitIds, historic: true });
}
