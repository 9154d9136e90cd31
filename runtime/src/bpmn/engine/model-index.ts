/**
 * Lookups derived from a ProcessModel once and cached per model object (a published definition
 * is parsed once and shared by all its instances), so a transition never scans the model.
 */
import type {
  BoundaryEventNode,
  EventDefinition,
  EventNode,
  FlowNodeModel,
  ProcessModel,
  SubProcessNode,
} from '../model.ts';

export interface EventSubProcessStart {
  readonly subProcessId: string;
  readonly startEventId: string;
  readonly event: EventDefinition;
  readonly isInterrupting: boolean;
}

export interface ModelIndex {
  /** Event sub-process start events by the id of the scope that contains the event sub-process. */
  readonly eventSubProcessStarts: ReadonlyMap<string, readonly EventSubProcessStart[]>;
  /** Link catch event id by `${scopeId}\n${linkName}`. */
  readonly linkTargets: ReadonlyMap<string, string>;
  /**
   * Converging inclusive gateways: for every node that can still reach the gateway without
   * passing through it, the gateway's incoming flows it can reach (BPMN 2.0.2 §13.4.3).
   */
  readonly inclusiveReach: ReadonlyMap<string, ReadonlyMap<string, ReadonlySet<string>>>;
  /** Boundary events per activity, for error/escalation propagation. */
  readonly boundaries: ReadonlyMap<string, readonly BoundaryEventNode[]>;
}

const cache = new WeakMap<ProcessModel, ModelIndex>();

export function indexOf(model: ProcessModel): ModelIndex {
  let index = cache.get(model);
  if (index === undefined) {
    index = buildIndex(model);
    cache.set(model, index);
  }
  return index;
}

export function requireNode(model: ProcessModel, id: string): FlowNodeModel {
  const node = model.nodes.get(id);
  // A state that names a node the model lacks means state and model versions diverged.
  if (node === undefined) throw new Error(`Element ${id} is not part of process ${model.id}`);
  return node;
}

function buildIndex(model: ProcessModel): ModelIndex {
  const eventSubProcessStarts = new Map<string, EventSubProcessStart[]>();
  const linkTargets = new Map<string, string>();
  const boundaries = new Map<string, BoundaryEventNode[]>();
  const predecessors = new Map<string, string[]>();
  const inclusiveJoins: string[] = [];

  const addPredecessor = (nodeId: string, predecessorId: string): void => {
    const list = predecessors.get(nodeId);
    if (list === undefined) predecessors.set(nodeId, [predecessorId]);
    else list.push(predecessorId);
  };

  for (const node of model.nodes.values()) {
    for (const flowId of node.incoming) {
      const flow = model.flows.get(flowId);
      if (flow !== undefined) addPredecessor(node.id, flow.sourceId);
    }
    if (node.kind === 'boundaryEvent') {
      addPredecessor(node.id, node.attachedToId);
      const list = boundaries.get(node.attachedToId);
      if (list === undefined) boundaries.set(node.attachedToId, [node]);
      else list.push(node);
    }
    if (node.kind === 'intermediateCatchEvent' && node.event.kind === 'link') {
      linkTargets.set(linkKey(node.scopeId, node.event.linkName), node.id);
    }
    if (node.kind === 'inclusiveGateway' && node.incoming.length > 1) inclusiveJoins.push(node.id);
    if (node.kind === 'subProcess' && node.triggeredByEvent) {
      addEventSubProcess(model, node, eventSubProcessStarts);
    }
  }
  // A link throw continues at its catch: the catch is reachable from the throw.
  for (const node of model.nodes.values()) {
    if (node.kind === 'intermediateThrowEvent' && node.event.kind === 'link') {
      const target = linkTargets.get(linkKey(node.scopeId, node.event.linkName));
      if (target !== undefined) addPredecessor(target, node.id);
    }
  }

  const inclusiveReach = new Map<string, Map<string, Set<string>>>();
  for (const joinId of inclusiveJoins) {
    inclusiveReach.set(joinId, reachInto(model, joinId, predecessors));
  }
  return { eventSubProcessStarts, linkTargets, inclusiveReach, boundaries };
}

export function linkKey(scopeId: string, linkName: string): string {
  return `${scopeId}\n${linkName}`;
}

function addEventSubProcess(
  model: ProcessModel,
  subProcess: SubProcessNode,
  into: Map<string, EventSubProcessStart[]>,
): void {
  const scope = model.scopes.get(subProcess.id);
  if (scope === undefined) return;
  for (const startId of scope.startEventIds) {
    const start = model.nodes.get(startId) as EventNode | undefined;
    if (start === undefined || start.kind !== 'startEvent') continue;
    const list = into.get(subProcess.scopeId) ?? [];
    list.push({
      subProcessId: subProcess.id,
      startEventId: start.id,
      event: start.event,
      isInterrupting: start.isInterrupting,
    });
    into.set(subProcess.scopeId, list);
  }
}

/** Backward search from each incoming flow of the join, never passing through the join itself. */
function reachInto(
  model: ProcessModel,
  joinId: string,
  predecessors: ReadonlyMap<string, readonly string[]>,
): Map<string, Set<string>> {
  const join = model.nodes.get(joinId)!;
  const reach = new Map<string, Set<string>>();
  for (const flowId of join.incoming) {
    const flow = model.flows.get(flowId);
    if (flow === undefined) continue;
    const pending = [flow.sourceId];
    const seen = new Set<string>();
    while (pending.length > 0) {
      const nodeId = pending.pop()!;
      if (nodeId === joinId || seen.has(nodeId)) continue;
      seen.add(nodeId);
      const flows = reach.get(nodeId) ?? new Set<string>();
      flows.add(flowId);
      reach.set(nodeId, flows);
      for (const predecessor of predecessors.get(nodeId) ?? []) pending.push(predecessor);
    }
  }
  return reach;
}
