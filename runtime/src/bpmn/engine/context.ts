/**
 * The working context of one transition: the draft state, the effects emitted so far, and the
 * agenda of tokens in flight. Tokens in flight are processed breadth-first; each carries the
 * interruption epoch of its scope instance, so a token whose scope was interrupted or terminated
 * meanwhile is dropped instead of running on.
 */
import type { ProcessModel } from '../model.ts';
import type { CancelReason, EngineDeps, EngineEffect, JsonValue, Variables } from './contract.ts';
import { indexOf, type ModelIndex } from './model-index.ts';
import type { Draft, Execution } from './state.ts';

export interface Step {
  readonly nodeId: string;
  readonly scopeId: string;
  readonly epoch: number;
  /** The sequence flow the token arrived by. */
  readonly via?: string;
  /** Standard loop: the iteration to run; with `loopTested`, the loop condition already held. */
  readonly loopCounter?: number;
  readonly loopTested?: boolean;
  /** A multi-instance iteration of the activity (runs the activity's own behaviour only). */
  readonly miInner?: boolean;
}

export class Context {
  readonly effects: EngineEffect[] = [];
  readonly index: ModelIndex;
  readonly at: string;
  /** Scope instances that lost a token; checked for completion once the agenda is empty. */
  readonly scopesToCheck = new Set<string>();
  private readonly agenda: Step[] = [];
  private head = 0;
  private readonly epochs = new Map<string, number>();

  constructor(
    readonly model: ProcessModel,
    readonly deps: EngineDeps,
    readonly draft: Draft,
  ) {
    this.index = indexOf(model);
    this.at = deps.now.toISOString();
  }

  newId(): string {
    return this.deps.newId();
  }

  emit(effect: EngineEffect): void {
    this.effects.push(effect);
  }

  epochOf(scopeId: string): number {
    return this.epochs.get(scopeId) ?? 0;
  }

  /** Drops every token in flight in the scope instance (it was interrupted or terminated). */
  interrupt(scopeId: string): void {
    this.epochs.set(scopeId, this.epochOf(scopeId) + 1);
  }

  /** Sends a token along to a node of the scope instance. */
  push(step: Omit<Step, 'epoch'>): void {
    this.agenda.push({ ...step, epoch: this.epochOf(step.scopeId) });
  }

  /** The next token in flight whose scope is still alive, or undefined when the agenda is empty. */
  next(): Step | undefined {
    while (this.head < this.agenda.length) {
      const step = this.agenda[this.head++]!;
      if (step.epoch === this.epochOf(step.scopeId) && this.draft.scopes[step.scopeId] !== undefined) return step;
    }
    this.agenda.length = 0;
    this.head = 0;
    return undefined;
  }

  isAlive(scopeId: string, epoch: number): boolean {
    return this.draft.status === 'active' && this.draft.scopes[scopeId] !== undefined && this.epochOf(scopeId) === epoch;
  }

  started(activityId: string, elementId: string, elementKind: string): void {
    this.effects.push({ type: 'activity.started', activityId, elementId, elementKind, at: this.at });
  }

  ended(activityId: string, elementId: string, outcome: 'completed' | CancelReason): void {
    this.effects.push({ type: 'activity.ended', activityId, elementId, at: this.at, outcome });
  }

  /** History for a node a token passes without stopping. */
  passed(elementId: string, elementKind: string): void {
    const id = this.newId();
    this.started(id, elementId, elementKind);
    this.ended(id, elementId, 'completed');
  }
}

// ---------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------

/**
 * A variable as seen from a scope instance: its locals, then the enclosing scopes' locals, then
 * the process variables. A multi-instance iteration also sees its body's counters.
 */
export function lookupVariable(ctx: Context, scopeId: string, name: string): JsonValue | undefined {
  const { scopes, executions } = ctx.draft;
  let scope = scopes[scopeId];
  while (scope !== undefined && scope.parentId !== undefined) {
    if (Object.hasOwn(scope.variables, name)) return scope.variables[name];
    if (scope.kind === 'multiInstance' && scope.ownerExecutionId !== undefined) {
      const counter = counterOf(executions[scope.ownerExecutionId], name);
      if (counter !== undefined) return counter;
    }
    scope = scopes[scope.parentId];
  }
  return Object.hasOwn(ctx.draft.variables, name) ? ctx.draft.variables[name] : undefined;
}

export function counterOf(body: Execution | undefined, name: string): number | undefined {
  const counters = body?.multiInstance;
  if (counters === undefined) return undefined;
  switch (name) {
    case 'nrOfInstances':
      return counters.total;
    case 'nrOfCompletedInstances':
      return counters.completed;
    case 'nrOfActiveInstances':
      return counters.active;
    default:
      return undefined;
  }
}

/** Every variable visible from a scope instance, flattened (inner scopes shadow outer ones). */
export function visibleVariables(ctx: Context, scopeId: string): Variables {
  const chain: Variables[] = [];
  let scope = ctx.draft.scopes[scopeId];
  while (scope !== undefined && scope.parentId !== undefined) {
    if (Object.keys(scope.variables).length > 0) chain.push(scope.variables);
    scope = ctx.draft.scopes[scope.parentId];
  }
  if (chain.length === 0) return ctx.draft.variables;
  const result: Variables = { ...ctx.draft.variables };
  for (let i = chain.length - 1; i >= 0; i--) Object.assign(result, chain[i]);
  return result;
}

/**
 * Writes a variable from a scope instance: into the nearest enclosing scope that already has a
 * local of that name (sub-process or multi-instance iteration), otherwise into the process.
 */
export function writeVariable(ctx: Context, scopeId: string, name: string, value: JsonValue): void {
  let scope = ctx.draft.scopes[scopeId];
  while (scope !== undefined && scope.parentId !== undefined) {
    if (Object.hasOwn(scope.variables, name)) {
      ctx.draft.putScope({ ...scope, variables: { ...scope.variables, [name]: value } });
      return;
    }
    scope = ctx.draft.scopes[scope.parentId];
  }
  ctx.draft.setProcessVariable(name, value);
}

export function writeVariables(ctx: Context, scopeId: string, variables: Variables | undefined): void {
  if (variables === undefined) return;
  for (const name of Object.keys(variables)) writeVariable(ctx, scopeId, name, variables[name]!);
}
