/**
 * Step 3: rules over the built model — what may connect to what (BPMN 2.0 §10.5, §10.6),
 * gateway conditions and defaults, boundary events, start events per scope, link pairs, and
 * reachability (warnings: an unreachable node or an endless loop is legal BPMN but a mistake).
 */
import type { FlowNodeModel, ProcessModel, ScopeModel } from '../model.ts';
import type { BuiltProcess } from './build.ts';
import type { ProblemCollector, ProblemTarget } from './problems.ts';

const of = (node: { readonly id: string; readonly name?: string }): ProblemTarget => ({ id: node.id, name: node.name });
const label = (node: FlowNodeModel): string => (node.name ? `${node.name} (${node.id})` : node.id);

const isEvent = (node: FlowNodeModel): boolean =>
  node.kind === 'startEvent' || node.kind === 'endEvent' || node.kind === 'intermediateCatchEvent' || node.kind === 'intermediateThrowEvent' || node.kind === 'boundaryEvent';
const isGateway = (node: FlowNodeModel): boolean => node.kind.endsWith('Gateway');
const isEventSubProcess = (node: FlowNodeModel): boolean => node.kind === 'subProcess' && node.triggeredByEvent;
const linkName = (node: FlowNodeModel): string | undefined =>
  (node.kind === 'intermediateCatchEvent' || node.kind === 'intermediateThrowEvent') && node.event.kind === 'link' ? node.event.linkName : undefined;

/** Activities that can raise BPMN errors/escalations: scopes, calls, and handler-delegated tasks. */
const ERROR_SOURCES = new Set(['subProcess', 'callActivity', 'serviceTask', 'sendTask', 'businessRuleTask']);

function checkFlows(model: ProcessModel, problems: ProblemCollector): void {
  for (const flow of model.flows.values()) {
    const source = model.nodes.get(flow.sourceId) as FlowNodeModel;
    const targetNode = model.nodes.get(flow.targetId) as FlowNodeModel;
    if (targetNode.kind === 'startEvent' || targetNode.kind === 'boundaryEvent' || isEventSubProcess(targetNode) || (targetNode.kind === 'intermediateCatchEvent' && linkName(targetNode) !== undefined)) {
      problems.error('flow.notAllowedInto', of(flow), { target: label(targetNode), kind: targetNode.kind });
    }
    if (source.kind === 'endEvent' || isEventSubProcess(source) || (source.kind === 'intermediateThrowEvent' && linkName(source) !== undefined)) {
      problems.error('flow.notAllowedOutOf', of(flow), { source: label(source), kind: source.kind });
    }
    if (flow.condition !== undefined) {
      if (source.kind === 'parallelGateway') problems.error('gateway.parallelCondition', of(flow), { gateway: label(source) });
      else if (isEvent(source) || source.kind === 'eventBasedGateway') {
        problems.error('flow.conditionNotAllowed', of(flow), { source: label(source), kind: source.kind });
      }
    }
  }
}

function checkDefaultsAndConditions(built: BuiltProcess, problems: ProblemCollector): void {
  const { model, nextToRejected } = built;
  for (const node of model.nodes.values()) {
    const complete = !nextToRejected.has(node.id);
    const defaultFlowId = 'defaultFlowId' in node ? node.defaultFlowId : undefined;
    if (defaultFlowId !== undefined) {
      if (!node.outgoing.includes(defaultFlowId)) problems.error('flow.defaultNotOutgoing', of(node), { flow: defaultFlowId });
      else if (model.flows.get(defaultFlowId)?.condition !== undefined) {
        problems.error('flow.defaultHasCondition', of(model.flows.get(defaultFlowId) as { id: string; name?: string }));
      }
    }
    if (isGateway(node) && node.outgoing.length === 0 && complete) problems.error('gateway.noOutgoing', of(node));
    if ((node.kind === 'exclusiveGateway' || node.kind === 'inclusiveGateway') && node.outgoing.length > 1) {
      for (const flowId of node.outgoing) {
        const flow = model.flows.get(flowId);
        if (flow && flow.condition === undefined && flowId !== defaultFlowId && !built.emptyConditions.has(flowId)) {
          problems.error('gateway.flowWithoutCondition', of(flow), { gateway: label(node) });
        }
      }
    }
    if (node.kind === 'eventBasedGateway') checkEventBasedGateway(model, node, complete, problems);
  }
}

function checkEventBasedGateway(model: ProcessModel, gateway: FlowNodeModel, complete: boolean, problems: ProblemCollector): void {
  if (gateway.outgoing.length < 2 && complete) problems.error('gateway.eventBasedTooFewTargets', of(gateway));
  for (const flowId of gateway.outgoing) {
    const flow = model.flows.get(flowId);
    const next = flow && model.nodes.get(flow.targetId);
    if (!flow || !next) continue;
    const waits =
      next.kind === 'receiveTask' ||
      (next.kind === 'intermediateCatchEvent' && (next.event.kind === 'message' || next.event.kind === 'timer' || next.event.kind === 'signal'));
    if (!waits) problems.error('gateway.eventBasedTargetInvalid', of(flow), { gateway: label(gateway) });
  }
}

function checkBoundaryEvents(built: BuiltProcess, problems: ProblemCollector): void {
  const { model, nextToRejected } = built;
  for (const node of model.nodes.values()) {
    if (node.kind !== 'boundaryEvent') continue;
    const host = model.nodes.get(node.attachedToId);
    const isActivity = host !== undefined && !isEvent(host) && !isGateway(host);
    if (!host || !isActivity || host.scopeId !== node.scopeId) {
      problems.error('boundary.attachedToInvalid', of(node), { target: node.attachedToId });
    } else if (isEventSubProcess(host)) {
      problems.error('eventSubProcess.boundaryEvent', of(node));
    } else if ((node.event.kind === 'error' || node.event.kind === 'escalation') && !ERROR_SOURCES.has(host.kind)) {
      problems.error('boundary.notAllowedOnActivity', of(node), { definition: node.event.kind, kind: host.kind });
    }
    if (node.incoming.length > 0) problems.error('boundary.hasIncoming', of(node));
    if (node.outgoing.length === 0 && !nextToRejected.has(node.id)) problems.error('boundary.noOutgoing', of(node));
  }
}

function checkStartEvents(built: BuiltProcess, problems: ProblemCollector): void {
  const { model, scopeKinds, startEventCounts } = built;
  for (const scope of model.scopes.values()) {
    const kind = scopeKinds.get(scope.id);
    const count = startEventCounts.get(scope.id) ?? 0;
    const scopeTarget = scope.id === model.id ? of(model) : of(model.nodes.get(scope.id) as FlowNodeModel);
    if (kind === 'process') {
      if (count === 0) problems.error('scope.noStartEvent', scopeTarget);
      const noneStarts = scope.startEventIds.filter((id) => {
        const start = model.nodes.get(id);
        return start?.kind === 'startEvent' && start.event.kind === 'none';
      });
      if (noneStarts.length > 1) problems.error('scope.multipleNoneStartEvents', scopeTarget, { ids: noneStarts.join(', ') });
    } else if (count !== 1) {
      problems.error(kind === 'subProcess' ? 'subProcess.startEventCount' : 'eventSubProcess.startEventCount', scopeTarget, { count });
    }
    if (kind === 'eventSubProcess') {
      const host = model.nodes.get(scope.id) as FlowNodeModel;
      if (host.incoming.length > 0 || host.outgoing.length > 0) problems.error('eventSubProcess.hasSequenceFlow', scopeTarget);
    }
  }
}

/** Link catch events per scope by name; duplicates and dangling throws are errors. */
function linkCatches(model: ProcessModel, scope: ScopeModel, problems: ProblemCollector): Map<string, string> {
  const catches = new Map<string, string>();
  const thrown = new Set<string>();
  for (const id of scope.nodeIds) {
    const node = model.nodes.get(id) as FlowNodeModel;
    const name = linkName(node);
    if (name === undefined) continue;
    if (node.kind === 'intermediateThrowEvent') thrown.add(name);
    else if (catches.has(name)) problems.error('link.duplicateCatch', of(node), { link: name });
    else catches.set(name, id);
  }
  for (const id of scope.nodeIds) {
    const node = model.nodes.get(id) as FlowNodeModel;
    const name = linkName(node);
    if (name === undefined) continue;
    if (node.kind === 'intermediateThrowEvent' && !catches.has(name)) problems.error('link.noCatch', of(node), { link: name });
    if (node.kind === 'intermediateCatchEvent' && !thrown.has(name)) problems.warning('link.noThrow', of(node), { link: name });
  }
  return catches;
}

/** Successors inside one scope: sequence flows, boundary events, and link throw → catch. */
function successors(model: ProcessModel, node: FlowNodeModel, catches: ReadonlyMap<string, string>): string[] {
  const next = node.outgoing.map((flowId) => model.flows.get(flowId)?.targetId).filter((id): id is string => id !== undefined);
  next.push(...node.boundaryEventIds);
  const name = linkName(node);
  if (node.kind === 'intermediateThrowEvent' && name !== undefined && catches.has(name)) next.push(catches.get(name) as string);
  return next;
}

function checkReachability(built: BuiltProcess, problems: ProblemCollector): void {
  const { model, incompleteScopes } = built;
  for (const scope of model.scopes.values()) {
    const catches = linkCatches(model, scope, problems);
    if (incompleteScopes.has(scope.id)) continue;
    const inScope = scope.nodeIds.map((id) => model.nodes.get(id) as FlowNodeModel);
    const forward = new Map(inScope.map((node) => [node.id, successors(model, node, catches)]));
    const backward = new Map<string, string[]>(inScope.map((node) => [node.id, []]));
    for (const [id, next] of forward) for (const to of next) backward.get(to)?.push(id);

    const reached = closure(scope.startEventIds, forward);
    // A node with no successor ends its path (an end event, or an implicit end).
    const ends = inScope.filter((node) => (forward.get(node.id) ?? []).length === 0).map((node) => node.id);
    const canEnd = closure(ends, backward);
    for (const node of inScope) {
      if (isEventSubProcess(node)) continue;
      if (!reached.has(node.id) && node.kind !== 'boundaryEvent') problems.warning('node.unreachable', of(node));
      else if (reached.has(node.id) && !canEnd.has(node.id)) problems.warning('node.noPathToEnd', of(node));
    }
  }
}

function closure(starts: readonly string[], edges: ReadonlyMap<string, readonly string[]>): Set<string> {
  const seen = new Set<string>(starts);
  const queue = [...starts];
  while (queue.length > 0) {
    for (const next of edges.get(queue.pop() as string) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        queue.push(next);
      }
    }
  }
  return seen;
}

export function checkGraph(built: BuiltProcess, problems: ProblemCollector): void {
  checkFlows(built.model, problems);
  checkDefaultsAndConditions(built, problems);
  checkBoundaryEvents(built, problems);
  checkStartEvents(built, problems);
  checkReachability(built, problems);
}
