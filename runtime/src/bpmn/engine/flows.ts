/**
 * Which outgoing sequence flows a token takes when it leaves a node (BPMN 2.0.2 §13.3.1 for
 * activities, §13.4 for gateways).
 */
import type { FlowNodeModel, SequenceFlowModel } from '../model.ts';
import type { Context } from './context.ts';
import { EngineRuntimeError } from './errors.ts';
import { evaluateCondition } from './expressions.ts';

/**
 * - `activity` (also events): every unconditional flow and every flow whose condition holds; the
 *   default flow only when no conditional flow holds.
 * - `exclusive`: the first flow in document order whose condition holds (no condition = holds),
 *   else the default flow.
 * - `inclusive`: every flow whose condition holds, else the default flow.
 * - `parallel`: every flow; conditions are ignored.
 */
export type Routing = 'activity' | 'exclusive' | 'inclusive' | 'parallel';

export function selectFlows(
  ctx: Context,
  node: FlowNodeModel,
  scopeId: string,
  routing: Routing,
): readonly SequenceFlowModel[] {
  const { flows } = ctx.model;
  const outgoing = node.outgoing;
  if (outgoing.length === 1) {
    const only = flows.get(outgoing[0]!)!;
    if (only.condition === undefined || routing === 'parallel') return [only];
  }
  if (routing === 'parallel') return outgoing.map((id) => flows.get(id)!);

  const defaultFlowId = 'defaultFlowId' in node ? node.defaultFlowId : undefined;
  const selected: SequenceFlowModel[] = [];
  let conditionHeld = false;
  for (const flowId of outgoing) {
    if (flowId === defaultFlowId) continue;
    const flow = flows.get(flowId)!;
    if (flow.condition === undefined) {
      selected.push(flow);
      if (routing === 'exclusive') return selected;
      if (routing === 'inclusive') conditionHeld = true;
    } else if (evaluateCondition(ctx, flow.condition, flow.id, scopeId)) {
      selected.push(flow);
      conditionHeld = true;
      if (routing === 'exclusive') return selected;
    }
  }
  if (!conditionHeld && defaultFlowId !== undefined) selected.push(flows.get(defaultFlowId)!);
  if (selected.length === 0 && outgoing.length > 0) {
    throw new EngineRuntimeError('NO_OUTGOING_FLOW', {}, node.id);
  }
  return selected;
}

/** Sends the token along the selected flows; a node without outgoing flows consumes it. */
export function leave(ctx: Context, node: FlowNodeModel, scopeId: string, routing: Routing = 'activity'): void {
  if (node.outgoing.length === 0) {
    ctx.scopesToCheck.add(scopeId);
    return;
  }
  for (const flow of selectFlows(ctx, node, scopeId, routing)) {
    ctx.push({ nodeId: flow.targetId, scopeId, via: flow.id });
  }
}
