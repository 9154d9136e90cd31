/**
 * The executable process model: what `parseProcess` builds from BPMN 2.0 XML after validation,
 * and the only thing the engine reads. It is plain data (no moddle objects), so a published
 * definition can be compiled once, cached, and shared by every instance of that version.
 *
 * Expressions are kept as source text (already stripped of `${…}` wrappers by the expression
 * language); the engine compiles them once per model through the expression language's cache.
 */

/** The project's BPMN extension namespace (prefix `tg`). Documented in docs/bpmn.md. */
export const TG_NAMESPACE_URI = 'http://tongguan.dev/schema/bpmn/1.0';
export const TG_PREFIX = 'tg';

export interface ProcessModel {
  /** The BPMN `process` element id; the process key when the definition is published. */
  readonly id: string;
  readonly name?: string;
  /** The top-level scope: the process itself. */
  readonly root: ScopeModel;
  /** Every flow node of every scope, by element id. */
  readonly nodes: ReadonlyMap<string, FlowNodeModel>;
  /** Every sequence flow of every scope, by element id. */
  readonly flows: ReadonlyMap<string, SequenceFlowModel>;
  /** Sub-process and process scopes by id (the process scope has the process id). */
  readonly scopes: ReadonlyMap<string, ScopeModel>;
  /** Global definitions referenced by event definitions, by element id. */
  readonly messages: ReadonlyMap<string, { readonly id: string; readonly name: string }>;
  readonly signals: ReadonlyMap<string, { readonly id: string; readonly name: string }>;
  readonly errors: ReadonlyMap<string, { readonly id: string; readonly name?: string; readonly code?: string }>;
  readonly escalations: ReadonlyMap<string, { readonly id: string; readonly name?: string; readonly code?: string }>;
}

/** A process or (event) sub-process: the container tokens live in. */
export interface ScopeModel {
  readonly id: string;
  /** Id of the enclosing scope; undefined for the process. */
  readonly parentId?: string;
  /** Flow nodes directly inside this scope (boundary events included, nested scopes' contents not). */
  readonly nodeIds: readonly string[];
  /** None start events and (for the process scope) message/timer/signal start events. */
  readonly startEventIds: readonly string[];
  /** Event sub-processes directly inside this scope. */
  readonly eventSubProcessIds: readonly string[];
}

export type FlowNodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'intermediateCatchEvent'
  | 'intermediateThrowEvent'
  | 'boundaryEvent'
  | 'task'
  | 'userTask'
  | 'manualTask'
  | 'serviceTask'
  | 'sendTask'
  | 'receiveTask'
  | 'scriptTask'
  | 'businessRuleTask'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'inclusiveGateway'
  | 'eventBasedGateway'
  | 'subProcess'
  | 'callActivity';

/**
 * Timer definitions: ISO 8601 text or an expression yielding a datetime/duration. `format` (set by
 * the parser) says which: `iso8601` text is used as is (`PT5M` is a duration, not a variable);
 * `expression` text is evaluated. When absent, text that is valid ISO 8601 is ISO 8601.
 */
export type TimerDefinition =
  | { readonly type: 'date'; readonly expression: string; readonly format?: 'iso8601' | 'expression' }
  | { readonly type: 'duration'; readonly expression: string; readonly format?: 'iso8601' | 'expression' }
  /** ISO 8601 repeating interval `R[n]/[start/]duration`, only meaningful on non-interrupting events and start events. */
  | { readonly type: 'cycle'; readonly expression: string; readonly format?: 'iso8601' | 'expression' };

export type EventDefinition =
  | { readonly kind: 'none' }
  | { readonly kind: 'message'; readonly messageName: string }
  | { readonly kind: 'timer'; readonly timer: TimerDefinition }
  | { readonly kind: 'signal'; readonly signalName: string }
  /** `errorCode` undefined on a catch event = catch every error. */
  | { readonly kind: 'error'; readonly errorCode?: string }
  /** `escalationCode` undefined on a catch event = catch every escalation. */
  | { readonly kind: 'escalation'; readonly escalationCode?: string }
  | { readonly kind: 'terminate' }
  | { readonly kind: 'link'; readonly linkName: string };

/** Who may work on a user task (`tg:` attributes); all expressions are evaluated when the task is created. */
export interface TaskAssignment {
  /** Expression yielding a user id (or username) — `tg:assignee`. */
  readonly assignee?: string;
  /** Role codes — `tg:candidateRoles="dispatcher,handler"`. */
  readonly candidateRoles: readonly string[];
  /** Positions (POSITIONS in platform/shared/domain.ts) — `tg:candidatePositions`. */
  readonly candidatePositions: readonly string[];
  /** Expression yielding one organisation id or a list — `tg:candidateOrganisations`, e.g. `responsibleUnitId`. */
  readonly candidateOrganisations?: string;
}

export interface MultiInstanceModel {
  readonly isSequential: boolean;
  /** Expression yielding the number of instances (`loopCardinality`). */
  readonly loopCardinality?: string;
  /** Expression yielding a list; one instance per element (`tg:collection`). */
  readonly collection?: string;
  /** Variable holding the element inside each instance (`tg:elementVariable`). */
  readonly elementVariable?: string;
  /** Expression over nrOfInstances, nrOfCompletedInstances, nrOfActiveInstances, loopCounter (`completionCondition`). */
  readonly completionCondition?: string;
}

export interface StandardLoopModel {
  readonly loopCondition?: string;
  readonly testBefore: boolean;
  readonly loopMaximum?: number;
}

/** Call-activity variable mapping (`<tg:in>` / `<tg:out>`): target = value of the expression. */
export interface VariableMapping {
  readonly target: string;
  readonly expression: string;
}

interface FlowNodeBase {
  readonly id: string;
  readonly name?: string;
  /** The scope the node lives in. */
  readonly scopeId: string;
  readonly incoming: readonly string[];
  readonly outgoing: readonly string[];
  /** Boundary events attached to this activity. */
  readonly boundaryEventIds: readonly string[];
}

export interface EventNode extends FlowNodeBase {
  readonly kind: 'startEvent' | 'endEvent' | 'intermediateCatchEvent' | 'intermediateThrowEvent';
  readonly event: EventDefinition;
  /** Start events of event sub-processes: false = non-interrupting. */
  readonly isInterrupting: boolean;
}

export interface BoundaryEventNode extends FlowNodeBase {
  readonly kind: 'boundaryEvent';
  readonly event: EventDefinition;
  readonly attachedToId: string;
  readonly cancelActivity: boolean;
}

export interface ActivityCommon extends FlowNodeBase {
  readonly defaultFlowId?: string;
  readonly multiInstance?: MultiInstanceModel;
  readonly loop?: StandardLoopModel;
}

export interface UserTaskNode extends ActivityCommon {
  readonly kind: 'userTask';
  readonly assignment: TaskAssignment;
  /** Key of the published form bound to the task (`tg:formKey`). */
  readonly formKey?: string;
  /** Expression: a duration in working hours (number) or a datetime (`tg:dueDate`). */
  readonly dueDate?: string;
  /** Who is notified / receives the case when the task is overdue (`tg:escalateTo`, role code or position). */
  readonly escalateTo?: string;
  /** Free-form priority expression (`tg:priority`). */
  readonly priority?: string;
}

export interface ServiceTaskNode extends ActivityCommon {
  readonly kind: 'serviceTask' | 'sendTask' | 'businessRuleTask';
  /** Handler type registered by a plugin (`tg:type`), e.g. `notify`. */
  readonly serviceType: string;
  /** Handler configuration (`<tg:config>` JSON body), validated by the handler's schema at publish. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Variable receiving the handler's result (`tg:resultVariable`). */
  readonly resultVariable?: string;
}

export interface ScriptTaskNode extends ActivityCommon {
  readonly kind: 'scriptTask';
  /**
   * Assignments `target = expression`, one per line or `;`-separated, in the expression language
   * (scriptFormat `tongguan`). Never JavaScript.
   */
  readonly assignments: readonly VariableMapping[];
}

export interface PlainTaskNode extends ActivityCommon {
  /** Pass-through tasks (no behaviour) and receive tasks (wait for `messageName`). */
  readonly kind: 'task' | 'manualTask' | 'receiveTask';
  readonly messageName?: string;
}

export interface GatewayNode extends FlowNodeBase {
  readonly kind: 'exclusiveGateway' | 'parallelGateway' | 'inclusiveGateway' | 'eventBasedGateway';
  readonly defaultFlowId?: string;
}

export interface SubProcessNode extends ActivityCommon {
  readonly kind: 'subProcess';
  /** An event sub-process: started by its start event, never by a sequence flow. */
  readonly triggeredByEvent: boolean;
}

export interface CallActivityNode extends ActivityCommon {
  readonly kind: 'callActivity';
  /** Key of the called process (`calledElement`). The latest published version is used at call time. */
  readonly calledElement: string;
  readonly inputs: readonly VariableMapping[];
  readonly outputs: readonly VariableMapping[];
  /** Pass all variables in / out when no explicit mapping is given (`tg:inheritVariables="true"`). */
  readonly inheritVariables: boolean;
}

export type ActivityNode =
  | UserTaskNode
  | ServiceTaskNode
  | ScriptTaskNode
  | PlainTaskNode
  | SubProcessNode
  | CallActivityNode;

export type FlowNodeModel = EventNode | BoundaryEventNode | ActivityNode | GatewayNode;

export interface SequenceFlowModel {
  readonly id: string;
  readonly name?: string;
  readonly sourceId: string;
  readonly targetId: string;
  /** Condition expression source (boolean); undefined = unconditional. */
  readonly condition?: string;
}
