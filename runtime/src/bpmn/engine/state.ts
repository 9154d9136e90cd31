/**
 * The engine's inner state shape (schemaVersion 1) and a copy-on-write draft of it.
 *
 * Tokens that only pass through a node within one transition never reach the state; what
 * persists are tokens at rest ("executions"): an activity in a wait state, a token waiting at a
 * join or an event-based gateway, a sub-process hosting its scope, a multi-instance body.
 * Everything an outside event can address (task, timer, job, call, subscription) is a "wait"
 * keyed by the id announced in an effect.
 *
 * The draft copies a record only the first time it is written in a transition, so a step costs
 * a few shallow copies of small objects instead of a deep clone of the whole instance.
 */
import type { InstanceState, InstanceStatus, JsonValue, Variables } from './contract.ts';

export type ScopeInstanceKind = 'process' | 'subProcess' | 'eventSubProcess' | 'multiInstance';

/** A running instance of a scope: the process, an (event) sub-process, or one multi-instance iteration. */
export interface ScopeInstance {
  readonly id: string;
  readonly kind: ScopeInstanceKind;
  /** The model scope id (process / sub-process node id), or the activity id for a multi-instance iteration. */
  readonly modelId: string;
  readonly parentId?: string;
  /** The execution in the parent scope that hosts this scope (sub-process activity, multi-instance body). */
  readonly ownerExecutionId?: string;
  /** Local variables; the process scope keeps its variables in `state.variables` instead. */
  readonly variables: Variables;
  /** Waits for the start events of the scope's event sub-processes (message, signal, timer). */
  readonly waitIds: readonly string[];
}

export interface MultiInstanceCounters {
  readonly total: number;
  readonly completed: number;
  readonly active: number;
  /** Next loopCounter to start (sequential). */
  readonly next: number;
  /** The collection snapshot taken when the body started (sequential with a collection). */
  readonly items?: readonly JsonValue[];
}

export interface Execution {
  /** Also the activity-instance id in the history effects. */
  readonly id: string;
  readonly nodeId: string;
  readonly scopeId: string;
  /** `joining`: a token waiting at a converging parallel/inclusive gateway. */
  readonly phase: 'active' | 'joining';
  /** Joining tokens: the incoming flow the token arrived by. */
  readonly arrivedVia?: string;
  /** Waits owned by this execution (its task/job/call/catch, boundary events, event-gateway targets). */
  readonly waitIds: readonly string[];
  readonly childScopeId?: string;
  /** Set on a multi-instance body. */
  readonly multiInstance?: MultiInstanceCounters;
  /** One iteration of a multi-instance activity (boundary events belong to the body). */
  readonly miInner?: true;
  /** Standard loop iteration (0-based). */
  readonly loopCounter?: number;
  /** Whether activity.started was announced (joining tokens announce the gateway only when it fires). */
  readonly historic: boolean;
}

export type WaitKind = 'task' | 'job' | 'call' | 'timer' | 'message' | 'signal';
export type WaitRole = 'activity' | 'boundary' | 'eventGateway' | 'eventSubStart';

export interface TimerCycle {
  /** Remaining repetitions after the pending one; null = unbounded. */
  readonly remaining: number | null;
  readonly duration: string;
}

export interface Wait {
  readonly kind: WaitKind;
  readonly role: WaitRole;
  /** The node whose event fires: the activity, catch event, boundary event, gateway target or event sub-process start. */
  readonly nodeId: string;
  readonly executionId?: string;
  /** Event sub-process starts: the scope instance whose event sub-process starts. */
  readonly scopeId?: string;
  readonly name?: string;
  readonly dueAt?: string;
  readonly cycle?: TimerCycle;
}

export interface EngineState extends InstanceState {
  readonly rootScopeId: string;
  readonly scopes: Readonly<Record<string, ScopeInstance>>;
  readonly executions: Readonly<Record<string, Execution>>;
  readonly waits: Readonly<Record<string, Wait>>;
}

/** Mutable working copy of an EngineState for one transition; never mutates the input. */
export class Draft {
  status: InstanceStatus;
  failure: InstanceState['failure'];
  private variablesValue: Variables;
  private scopesValue: Record<string, ScopeInstance>;
  private executionsValue: Record<string, Execution>;
  private waitsValue: Record<string, Wait>;
  private readonly copied = { variables: false, scopes: false, executions: false, waits: false };

  constructor(private readonly base: EngineState) {
    this.status = base.status;
    this.failure = base.failure;
    this.variablesValue = base.variables;
    this.scopesValue = base.scopes as Record<string, ScopeInstance>;
    this.executionsValue = base.executions as Record<string, Execution>;
    this.waitsValue = base.waits as Record<string, Wait>;
  }

  get rootScopeId(): string {
    return this.base.rootScopeId;
  }
  get variables(): Readonly<Variables> {
    return this.variablesValue;
  }
  get scopes(): Readonly<Record<string, ScopeInstance>> {
    return this.scopesValue;
  }
  get executions(): Readonly<Record<string, Execution>> {
    return this.executionsValue;
  }
  get waits(): Readonly<Record<string, Wait>> {
    return this.waitsValue;
  }

  setProcessVariable(name: string, value: JsonValue): void {
    if (!this.copied.variables) {
      this.variablesValue = { ...this.variablesValue };
      this.copied.variables = true;
    }
    this.variablesValue[name] = value;
  }

  putScope(scope: ScopeInstance): void {
    if (!this.copied.scopes) {
      this.scopesValue = { ...this.scopesValue };
      this.copied.scopes = true;
    }
    this.scopesValue[scope.id] = scope;
  }
  deleteScope(id: string): void {
    if (this.copied.scopes) {
      delete this.scopesValue[id];
    } else {
      this.scopesValue = without(this.scopesValue, id);
      this.copied.scopes = true;
    }
  }

  putExecution(execution: Execution): void {
    if (!this.copied.executions) {
      this.executionsValue = { ...this.executionsValue };
      this.copied.executions = true;
    }
    this.executionsValue[execution.id] = execution;
  }
  deleteExecution(id: string): void {
    if (this.copied.executions) {
      delete this.executionsValue[id];
    } else {
      this.executionsValue = without(this.executionsValue, id);
      this.copied.executions = true;
    }
  }

  putWait(id: string, wait: Wait): void {
    if (!this.copied.waits) {
      this.waitsValue = { ...this.waitsValue };
      this.copied.waits = true;
    }
    this.waitsValue[id] = wait;
  }
  deleteWait(id: string): void {
    if (this.copied.waits) {
      delete this.waitsValue[id];
    } else {
      this.waitsValue = without(this.waitsValue, id);
      this.copied.waits = true;
    }
  }

  toState(): EngineState {
    const { failure: _previousFailure, ...rest } = this.base;
    return {
      ...rest,
      status: this.status,
      variables: this.variablesValue,
      scopes: this.scopesValue,
      executions: this.executionsValue,
      waits: this.waitsValue,
      ...(this.failure === undefined ? {} : { failure: this.failure }),
    };
  }
}

/** A copy of a record without one key (cheaper than copying, then deleting, which slows the object down). */
function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy: Record<string, T> = {};
  for (const k in record) if (k !== key) copy[k] = record[k]!;
  return copy;
}

/** Executions resting in a scope instance, in creation order. */
export function executionsIn(draft: Draft, scopeId: string): Execution[] {
  const found: Execution[] = [];
  for (const id in draft.executions) {
    const execution = draft.executions[id]!;
    if (execution.scopeId === scopeId) found.push(execution);
  }
  return found;
}
