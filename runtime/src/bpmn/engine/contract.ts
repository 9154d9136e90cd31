/**
 * The engine's contract with the platform. The engine is a pure transition function in the
 * style of xstate: `(model, state, event) → { state, effects }`. It never performs I/O: the
 * platform persists the next state and applies the effects (task rows, timer rows, message and
 * signal subscriptions, service-task jobs, history) in ONE database transaction, which is what
 * makes every step durable and a `kill -9` harmless — either the whole step is committed or
 * none of it is, and the previous state is still the truth.
 *
 * Everything in here is JSON-serializable; dates travel as ISO 8601 strings.
 */
import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import type { FunctionRegistry } from '../../expr/functions/registry.ts';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type Variables = Record<string, JsonValue>;

/** What the engine needs from the world for one transition. */
export interface EngineDeps {
  /** The instant of this transition (injected clock; tests use a virtual one). */
  readonly now: Date;
  /** Fresh unique ids for tokens, tasks, timers, jobs… (e.g. ULIDs); must never repeat. */
  readonly newId: () => string;
  /** Working calendar for due dates in working hours; optional in tests without SLAs. */
  readonly calendar?: WorkingCalendar;
  /** IANA time zone for day boundaries (default Asia/Shanghai). */
  readonly timeZone?: string;
  /** The functions expressions may call (the platform's, with the plugins'); default the built-ins. */
  readonly functions?: FunctionRegistry;
}

export type InstanceStatus = 'active' | 'completed' | 'terminated' | 'failed';

/**
 * The persisted state of one process instance. The engine owns its inner shape (tokens,
 * scopes, joins, multi-instance counters…); the platform reads only the documented fields and
 * stores the whole object as JSON. `schemaVersion` is bumped with a named migration whenever
 * the inner shape changes.
 */
export interface InstanceState {
  readonly schemaVersion: 1;
  readonly instanceId: string;
  readonly processId: string;
  readonly status: InstanceStatus;
  /** Process-level variables (sub-scope locals live inside the engine's inner state). */
  readonly variables: Variables;
  /** Set when status is `failed`: the uncaught BPMN error that ended the instance. */
  readonly failure?: { readonly errorCode?: string; readonly message?: string };
  readonly [inner: string]: unknown;
}

export interface StartOptions {
  readonly instanceId: string;
  readonly variables?: Variables;
  /** Which start event fires (message/timer/signal start); default: the process's none start event. */
  readonly startEventId?: string;
}

/** Inputs to `dispatch`. Ids refer to what earlier effects announced. */
export type EngineEvent =
  | { readonly type: 'task.complete'; readonly taskId: string; readonly variables?: Variables }
  | { readonly type: 'timer.fire'; readonly timerId: string }
  | { readonly type: 'message.deliver'; readonly subscriptionId: string; readonly variables?: Variables }
  | { readonly type: 'signal.deliver'; readonly subscriptionId: string; readonly variables?: Variables }
  | { readonly type: 'service.complete'; readonly jobId: string; readonly result?: JsonValue }
  /** With `errorCode`: a BPMN error thrown at the service task. Without: a technical failure (runtime error). */
  | { readonly type: 'service.fail'; readonly jobId: string; readonly errorCode?: string; readonly message?: string }
  | { readonly type: 'call.complete'; readonly callId: string; readonly variables?: Variables }
  /** The called instance ended through an uncaught error end event. */
  | { readonly type: 'call.fail'; readonly callId: string; readonly errorCode?: string; readonly message?: string }
  /** Cancel the whole instance (作废): every wait state is cancelled, status becomes terminated. */
  | { readonly type: 'instance.cancel'; readonly reason?: string };

/** Evaluated assignment of a user task (expressions already computed). */
export interface ResolvedAssignment {
  readonly assignee?: string;
  readonly candidateRoles: readonly string[];
  readonly candidatePositions: readonly string[];
  readonly candidateOrganisations: readonly string[];
}

export type CancelReason = 'interrupted' | 'terminated' | 'completionCondition' | 'eventGateway' | 'cancelled';

/** Outputs of a transition, to be applied by the platform in the same transaction as the state. */
export type EngineEffect =
  | {
      readonly type: 'task.created';
      readonly taskId: string;
      readonly elementId: string;
      readonly name?: string;
      readonly assignment: ResolvedAssignment;
      readonly formKey?: string;
      /** ISO instant; computed in working hours when the due-date expression yields hours. */
      readonly dueAt?: string;
      readonly escalateTo?: string;
      readonly priority?: JsonValue;
      /** Multi-instance: the instance's loopCounter and element value. */
      readonly loopCounter?: number;
      /** Variables visible to the task (process + locals), for forms and display. */
      readonly variables: Variables;
    }
  | { readonly type: 'task.cancelled'; readonly taskId: string; readonly reason: CancelReason }
  | { readonly type: 'timer.scheduled'; readonly timerId: string; readonly elementId: string; readonly dueAt: string }
  | { readonly type: 'timer.cancelled'; readonly timerId: string }
  | {
      readonly type: 'subscription.opened';
      readonly subscriptionId: string;
      readonly kind: 'message' | 'signal';
      readonly name: string;
      readonly elementId: string;
    }
  | { readonly type: 'subscription.closed'; readonly subscriptionId: string }
  | {
      readonly type: 'service.requested';
      readonly jobId: string;
      readonly elementId: string;
      readonly serviceType: string;
      readonly config: Readonly<Record<string, unknown>>;
      readonly variables: Variables;
    }
  | { readonly type: 'service.cancelled'; readonly jobId: string }
  | {
      readonly type: 'call.requested';
      readonly callId: string;
      readonly elementId: string;
      readonly processKey: string;
      readonly variables: Variables;
    }
  | { readonly type: 'call.cancelled'; readonly callId: string }
  /**
   * Broadcast by the platform to the signal subscriptions of OTHER instances and to signal start
   * events. The throwing instance's own subscriptions were already triggered by the engine within
   * this transition (so a signal thrown inside a sub-process can interrupt it before it ends).
   */
  | { readonly type: 'signal.thrown'; readonly name: string; readonly variables: Variables }
  /** Correlated by the platform to a message subscription or message start event. */
  | { readonly type: 'message.thrown'; readonly name: string; readonly variables: Variables }
  /** Activity history for the instance timeline (every flow node entered and left). */
  | {
      readonly type: 'activity.started';
      readonly activityId: string;
      readonly elementId: string;
      readonly elementKind: string;
      readonly at: string;
    }
  | {
      readonly type: 'activity.ended';
      readonly activityId: string;
      readonly elementId: string;
      readonly at: string;
      readonly outcome: 'completed' | CancelReason;
    }
  | { readonly type: 'instance.completed' }
  | { readonly type: 'instance.terminated'; readonly reason?: string }
  | { readonly type: 'instance.failed'; readonly errorCode?: string; readonly message?: string };

export interface Transition {
  readonly state: InstanceState;
  readonly effects: readonly EngineEffect[];
}
