/**
 * Step 2: one moddle `bpmn:Process` → ProcessModel. Walks the scopes (process, sub-processes,
 * event sub-processes) in document order, builds every node with its kind-specific fields,
 * then connects sequence flows and boundary events. Problems found on the way are recorded;
 * graph rules that need the whole model run afterwards (graph.ts).
 */
import type { BoundaryEventNode, EventNode, FlowNodeModel, GatewayNode, ProcessModel, ScopeModel, SequenceFlowModel } from '../model.ts';
import { buildActivity, type NodeBaseFields } from './activities.ts';
import type { BuildContext } from './context.ts';
import { readEventDefinition, type EventPlacement } from './events.ts';
import { expressionOf } from './expressions.ts';
import { checkExtensions } from './extensions.ts';
import { child, children, expressionBody, flag, localKind, target, text, type ModdleElement } from './moddle-element.ts';

type ScopeKind = 'process' | 'subProcess' | 'eventSubProcess';

interface ScopeDraft {
  readonly id: string;
  readonly parentId?: string;
  readonly kind: ScopeKind;
  readonly element: ModdleElement;
  readonly nodeIds: string[];
  readonly startEventIds: string[];
  readonly eventSubProcessIds: string[];
  /** Start events in the XML, including ones rejected (so counts are not misleading). */
  startEventCount: number;
}

/** What graph.ts needs beyond the model: scope kinds and elements the engine rejected. */
export interface BuiltProcess {
  readonly model: ProcessModel;
  readonly scopeKinds: ReadonlyMap<string, ScopeKind>;
  readonly startEventCounts: ReadonlyMap<string, number>;
  /**
   * Scopes holding a rejected node and nodes with a flow to or from one: their graph checks
   * (reachability, missing outgoing flows) would only repeat the rejection, so they are skipped.
   */
  readonly incompleteScopes: ReadonlySet<string>;
  readonly nextToRejected: ReadonlySet<string>;
  /** Flows whose condition element is present but empty (already reported). */
  readonly emptyConditions: ReadonlySet<string>;
}

const UNSUPPORTED_NODE_TYPES = new Set([
  'bpmn:ComplexGateway',
  'bpmn:AdHocSubProcess',
  'bpmn:Transaction',
  'bpmn:ImplicitThrowEvent',
  'bpmn:ChoreographyTask',
  'bpmn:SubChoreography',
  'bpmn:CallChoreography',
]);

const DOCUMENTATION_ONLY = new Set(['bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

class ProcessBuilder {
  readonly nodes = new Map<string, FlowNodeModel>();
  readonly flows = new Map<string, SequenceFlowModel>();
  readonly scopes = new Map<string, ScopeDraft>();
  readonly bases = new Map<string, NodeBaseFields>();
  /** Flow nodes the engine rejected: flows touching them are not reported again. */
  readonly rejected = new Set<string>();
  readonly incompleteScopes = new Set<string>();
  readonly nextToRejected = new Set<string>();
  readonly emptyConditions = new Set<string>();
  readonly flowElements: { readonly element: ModdleElement; readonly scopeId: string }[] = [];
  readonly boundaryElements: { readonly element: ModdleElement; readonly node: BoundaryEventNode }[] = [];

  constructor(private readonly context: BuildContext) {}

  walk(container: ModdleElement, scope: ScopeDraft): void {
    this.scopes.set(scope.id, scope);
    for (const element of children(container, 'flowElements')) {
      checkExtensions(element, this.context);
      if (element.$instanceOf('bpmn:SequenceFlow')) {
        this.flowElements.push({ element, scopeId: scope.id });
      } else if (DOCUMENTATION_ONLY.has(element.$type)) {
        this.context.problems.warning('data.objectIgnored', target(element));
      } else if (element.$instanceOf('bpmn:FlowNode') && element.id) {
        this.addNode(element, scope);
      } else {
        this.context.problems.error('element.unsupported', target(element), { kind: localKind(element) });
      }
    }
  }

  private addNode(element: ModdleElement, scope: ScopeDraft): void {
    const id = element.id as string;
    const base: NodeBaseFields = {
      id,
      ...(element.name?.trim() ? { name: element.name.trim() } : {}),
      scopeId: scope.id,
      incoming: [],
      outgoing: [],
      boundaryEventIds: [],
    };
    if (element.$type === 'bpmn:StartEvent') scope.startEventCount += 1;
    const node = UNSUPPORTED_NODE_TYPES.has(element.$type) ? undefined : this.buildNode(element, base, scope);
    if (!node) {
      if (UNSUPPORTED_NODE_TYPES.has(element.$type) || !this.isKnownKind(element)) {
        this.context.problems.error('element.unsupported', target(element), { kind: localKind(element) });
      }
      this.rejected.add(id);
      this.incompleteScopes.add(scope.id);
      return;
    }
    this.nodes.set(id, node);
    this.bases.set(id, base);
    scope.nodeIds.push(id);
    if (node.kind === 'startEvent') scope.startEventIds.push(id);
    if (node.kind === 'subProcess') {
      if (node.triggeredByEvent) scope.eventSubProcessIds.push(id);
      this.walk(element, {
        id,
        parentId: scope.id,
        kind: node.triggeredByEvent ? 'eventSubProcess' : 'subProcess',
        element,
        nodeIds: [],
        startEventIds: [],
        eventSubProcessIds: [],
        startEventCount: 0,
      });
    }
  }

  private isKnownKind(element: ModdleElement): boolean {
    return /^bpmn:(?:StartEvent|EndEvent|IntermediateCatchEvent|IntermediateThrowEvent|BoundaryEvent|\w*Gateway|\w*Task|Task|SubProcess|CallActivity)$/.test(
      element.$type,
    );
  }

  private buildNode(element: ModdleElement, base: NodeBaseFields, scope: ScopeDraft): FlowNodeModel | undefined {
    switch (element.$type) {
      case 'bpmn:StartEvent':
      case 'bpmn:EndEvent':
      case 'bpmn:IntermediateCatchEvent':
      case 'bpmn:IntermediateThrowEvent':
        return this.buildEvent(element, base, scope);
      case 'bpmn:BoundaryEvent':
        return this.buildBoundaryEvent(element, base);
      case 'bpmn:ExclusiveGateway':
      case 'bpmn:InclusiveGateway':
      case 'bpmn:ParallelGateway':
      case 'bpmn:EventBasedGateway':
        return this.buildGateway(element, base);
      default:
        return buildActivity(element, base, this.context);
    }
  }

  private buildEvent(element: ModdleElement, base: NodeBaseFields, scope: ScopeDraft): EventNode | undefined {
    const kind = localKind(element) as EventNode['kind'];
    const isInterrupting = kind === 'startEvent' ? (flag(element, 'isInterrupting') ?? true) : true;
    const placement: EventPlacement = kind === 'startEvent' ? { kind, scope: scope.kind, isInterrupting } : { kind };
    this.rejectDataAssociations(element);
    const event = readEventDefinition(element, placement, this.context);
    return event && { ...base, kind, event, isInterrupting };
  }

  private buildBoundaryEvent(element: ModdleElement, base: NodeBaseFields): BoundaryEventNode | undefined {
    const cancelActivity = flag(element, 'cancelActivity') ?? true;
    this.rejectDataAssociations(element);
    const event = readEventDefinition(element, { kind: 'boundaryEvent', cancelActivity }, this.context);
    const attachedToId = child(element, 'attachedToRef')?.id ?? this.context.unresolvedReference(element, 'attachedToRef');
    if (attachedToId === undefined) {
      this.context.problems.error('boundary.attachedToMissing', target(element));
      return undefined;
    }
    if (!event) return undefined;
    const node: BoundaryEventNode = { ...base, kind: 'boundaryEvent', event, attachedToId, cancelActivity };
    this.boundaryElements.push({ element, node });
    return node;
  }

  private buildGateway(element: ModdleElement, base: NodeBaseFields): GatewayNode {
    const kind = localKind(element) as GatewayNode['kind'];
    if (kind === 'eventBasedGateway' && (flag(element, 'instantiate') === true || text(element, 'eventGatewayType') === 'Parallel')) {
      this.context.problems.error('gateway.eventBasedUnsupported', target(element));
    }
    const defaultFlowId = child(element, 'default')?.id ?? this.context.unresolvedReference(element, 'default');
    return { ...base, kind, ...(defaultFlowId === undefined ? {} : { defaultFlowId }) };
  }

  private rejectDataAssociations(element: ModdleElement): void {
    if (children(element, 'dataOutputAssociations').length > 0 || children(element, 'dataInputAssociations').length > 0) {
      this.context.problems.error('data.associationUnsupported', target(element));
    }
  }

  /** Sequence flows in document order, so incoming/outgoing lists follow the XML too. */
  connectFlows(): void {
    const { problems } = this.context;
    for (const { element, scopeId } of this.flowElements) {
      const id = element.id ?? '';
      const sourceId = child(element, 'sourceRef')?.id;
      const targetId = child(element, 'targetRef')?.id;
      if (sourceId === undefined || targetId === undefined) {
        if (sourceId === undefined) problems.error('flow.missingSource', target(element));
        if (targetId === undefined) problems.error('flow.missingTarget', target(element));
        this.markIncomplete(scopeId, sourceId, targetId);
        continue;
      }
      if (this.rejected.has(sourceId) || this.rejected.has(targetId)) {
        this.nextToRejected.add(sourceId).add(targetId);
        continue;
      }
      const source = this.nodes.get(sourceId);
      const targetNode = this.nodes.get(targetId);
      if (!source || !targetNode) {
        problems.error(source ? 'flow.missingTarget' : 'flow.missingSource', target(element));
        this.markIncomplete(scopeId, sourceId, targetId);
        continue;
      }
      if (source.scopeId !== scopeId || targetNode.scopeId !== scopeId) {
        problems.error('flow.crossesScope', target(element), { source: sourceId, target: targetId });
        this.markIncomplete(scopeId, sourceId, targetId);
        this.markIncomplete(source.scopeId);
        this.markIncomplete(targetNode.scopeId);
        continue;
      }
      const conditionText = expressionBody(element, 'conditionExpression');
      const condition = expressionOf(this.context, element, 'conditionExpression', conditionText, 'boolean');
      if (conditionText !== undefined && condition === undefined) this.emptyConditions.add(id);
      const name = element.name?.trim();
      this.flows.set(id, { id, ...(name ? { name } : {}), sourceId, targetId, ...(condition === undefined ? {} : { condition }) });
      this.bases.get(sourceId)?.outgoing.push(id);
      this.bases.get(targetId)?.incoming.push(id);
    }
  }

  private markIncomplete(scopeId: string, ...nodeIds: (string | undefined)[]): void {
    this.incompleteScopes.add(scopeId);
    for (const id of nodeIds) if (id !== undefined) this.nextToRejected.add(id);
  }

  /** Boundary events in document order onto their activities; placement is checked in graph.ts. */
  attachBoundaryEvents(): void {
    for (const { node } of this.boundaryElements) {
      const host = this.nodes.get(node.attachedToId);
      if (host && host.scopeId === node.scopeId) this.bases.get(host.id)?.boundaryEventIds.push(node.id);
    }
  }
}

export function buildProcess(process: ModdleElement, context: BuildContext): BuiltProcess {
  const builder = new ProcessBuilder(context);
  checkExtensions(process, context);
  const id = process.id ?? '';
  builder.walk(process, { id, kind: 'process', element: process, nodeIds: [], startEventIds: [], eventSubProcessIds: [], startEventCount: 0 });
  builder.connectFlows();
  builder.attachBoundaryEvents();
  const scopes = new Map<string, ScopeModel>();
  const scopeKinds = new Map<string, ScopeKind>();
  const startEventCounts = new Map<string, number>();
  for (const draft of builder.scopes.values()) {
    scopes.set(draft.id, {
      id: draft.id,
      ...(draft.parentId === undefined ? {} : { parentId: draft.parentId }),
      nodeIds: draft.nodeIds,
      startEventIds: draft.startEventIds,
      eventSubProcessIds: draft.eventSubProcessIds,
    });
    scopeKinds.set(draft.id, draft.kind);
    startEventCounts.set(draft.id, draft.startEventCount);
  }
  const name = process.name?.trim();
  const { messages, signals, errors, escalations } = context.globals;
  const model: ProcessModel = {
    id,
    ...(name ? { name } : {}),
    root: scopes.get(id) as ScopeModel,
    nodes: builder.nodes,
    flows: builder.flows,
    scopes,
    messages,
    signals,
    errors,
    escalations,
  };
  return { model, scopeKinds, startEventCounts, incompleteScopes: builder.incompleteScopes, nextToRejected: builder.nextToRejected, emptyConditions: builder.emptyConditions };
}
