/**
 * The BPMN execution engine: a pure transition function in the style of xstate.
 *
 * ```ts
 * const started = startInstance(model, { instanceId: 'i-1', variables: { level: 3 } }, deps);
 * // persist started.state, apply started.effects (task rows, timers…) in one transaction
 * const next = dispatch(model, started.state, { type: 'task.complete', taskId }, deps);
 * ```
 *
 * Neither function mutates its inputs; given the same inputs, ids and clock they return the same
 * result. A runtime error (EngineRuntimeError) means the transition did not happen at all.
 */
import type { ProcessModel } from '../model.ts';
import type { EngineDeps, EngineEvent, InstanceState, StartOptions, Transition } from './contract.ts';
import { applyCallOutputs, completeActivity } from './activities.ts';
import { Context, writeVariable, writeVariables } from './context.ts';
import { EngineRuntimeError } from './errors.ts';
import { fireWait } from './events.ts';
import { requireNode } from './model-index.ts';
import { throwError } from './propagation.ts';
import { run } from './run.ts';
import { createScope, destroyScope } from './scopes.ts';
import { Draft, type EngineState, type Execution, type TimerCycle, type Wait, type WaitKind } from './state.ts';
import { resolveTimer } from './waits.ts';

export { EngineRuntimeError, engineErrorMessages } from './errors.ts';
export { nextCycleOccurrence } from './waits.ts';
export type { TimerCycle } from './state.ts';
export type { EngineErrorCode, EngineLocale } from './errors.ts';
export type { EngineState, Execution, ScopeInstance, Wait } from './state.ts';
export type * from './contract.ts';

export function startInstance(model: ProcessModel, options: StartOptions, deps: EngineDeps): Transition {
  const startEventId = options.startEventId ?? noneStartEventOf(model);
  const start = startEventId === undefined ? undefined : model.nodes.get(startEventId);
  if (start === undefined || start.kind !== 'startEvent' || !model.root.startEventIds.includes(start.id)) {
    throw new EngineRuntimeError('START_EVENT_NOT_FOUND', { processId: model.id, startEventId: startEventId ?? '' });
  }
  const empty: EngineState = {
    schemaVersion: 1,
    instanceId: options.instanceId,
    processId: model.id,
    status: 'active',
    variables: { ...options.variables },
    rootScopeId: options.instanceId,
    scopes: {},
    executions: {},
    waits: {},
  };
  const ctx = new Context(model, deps, new Draft(empty));
  createScope(ctx, { id: options.instanceId, kind: 'process', modelId: model.root.id });
  ctx.push({ nodeId: start.id, scopeId: options.instanceId });
  run(ctx);
  return { state: ctx.draft.toState(), effects: ctx.effects };
}

/**
 * When a timer start event first fires, and how it repeats. The platform schedules it when the
 * version is published — there is no instance yet to hold the timer — and starts an instance at
 * `startEventId` each time it fires. Timer expressions see no variables here.
 */
export function startTimerSchedule(model: ProcessModel, startEventId: string, deps: EngineDeps): { dueAt: string; cycle?: TimerCycle } {
  const start = model.nodes.get(startEventId);
  if (start === undefined || start.kind !== 'startEvent' || start.event.kind !== 'timer' || !model.root.startEventIds.includes(start.id)) {
    throw new EngineRuntimeError('START_EVENT_NOT_FOUND', { processId: model.id, startEventId });
  }
  const scopeId = `${model.id}:start-timer`;
  const ctx = new Context(model, deps, new Draft({
    schemaVersion: 1, instanceId: scopeId, processId: model.id, status: 'active', variables: {}, rootScopeId: scopeId, scopes: {}, executions: {}, waits: {},
  }));
  createScope(ctx, { id: scopeId, kind: 'process', modelId: model.root.id });
  const { dueAt, cycle } = resolveTimer(ctx, start.event.timer, start.id, scopeId);
  return { dueAt: dueAt.toISOString(), ...(cycle === undefined ? {} : { cycle }) };
}

export function dispatch(model: ProcessModel, state: InstanceState, event: EngineEvent, deps: EngineDeps): Transition {
  const current = asEngineState(state);
  if (current.processId !== model.id) {
    throw new EngineRuntimeError('MODEL_MISMATCH', { stateProcessId: current.processId, modelProcessId: model.id });
  }
  if (current.status !== 'active') {
    throw new EngineRuntimeError('INSTANCE_NOT_ACTIVE', { status: current.status });
  }
  const ctx = new Context(model, deps, new Draft(current));
  handle(ctx, event);
  if (ctx.draft.status === 'active') run(ctx);
  return { state: ctx.draft.toState(), effects: ctx.effects };
}

/** Element ids where tokens currently rest (for a diagram marking active elements). */
export function activeElementIds(state: InstanceState): string[] {
  const executions = asEngineState(state).executions;
  return [...new Set(Object.values(executions).map((execution) => execution.nodeId))];
}

function handle(ctx: Context, event: EngineEvent): void {
  switch (event.type) {
    case 'task.complete': {
      const { execution } = take(ctx, event.taskId, 'task');
      writeVariables(ctx, execution.scopeId, event.variables);
      completeActivity(ctx, execution);
      return;
    }
    case 'service.complete': {
      const { execution } = take(ctx, event.jobId, 'job');
      const node = requireNode(ctx.model, execution.nodeId);
      if ('resultVariable' in node && node.resultVariable !== undefined) {
        writeVariable(ctx, execution.scopeId, node.resultVariable, event.result ?? null);
      }
      completeActivity(ctx, execution);
      return;
    }
    case 'service.fail': {
      const wait = lookUp(ctx, event.jobId, 'job');
      if (event.errorCode === undefined) {
        throw new EngineRuntimeError('SERVICE_FAILED', { reason: event.message ?? '' }, wait.nodeId);
      }
      const { execution } = take(ctx, event.jobId, 'job');
      ctx.draft.putExecution(execution);
      throwError(ctx, event.errorCode, { scopeId: execution.scopeId, execution }, event.message);
      return;
    }
    case 'call.complete': {
      const { execution } = take(ctx, event.callId, 'call');
      applyCallOutputs(ctx, execution, event.variables ?? {});
      completeActivity(ctx, execution);
      return;
    }
    case 'call.fail': {
      const { execution } = take(ctx, event.callId, 'call');
      ctx.draft.putExecution(execution);
      throwError(ctx, event.errorCode, { scopeId: execution.scopeId, execution }, event.message);
      return;
    }
    case 'timer.fire':
      fireWait(ctx, event.timerId, lookUp(ctx, event.timerId, 'timer'));
      return;
    case 'message.deliver':
      fireWait(ctx, event.subscriptionId, lookUp(ctx, event.subscriptionId, 'message'), event.variables);
      return;
    case 'signal.deliver':
      fireWait(ctx, event.subscriptionId, lookUp(ctx, event.subscriptionId, 'signal'), event.variables);
      return;
    case 'instance.cancel':
      destroyScope(ctx, ctx.draft.rootScopeId, 'cancelled');
      ctx.draft.status = 'terminated';
      ctx.emit({ type: 'instance.terminated', ...(event.reason === undefined ? {} : { reason: event.reason }) });
      return;
  }
}

const KIND_LABEL: Record<WaitKind, string> = {
  task: 'task',
  job: 'job',
  call: 'call',
  timer: 'timer',
  message: 'subscription',
  signal: 'subscription',
};

function lookUp(ctx: Context, id: string, kind: WaitKind): Wait {
  const wait = ctx.draft.waits[id];
  if (wait === undefined || wait.kind !== kind) {
    throw new EngineRuntimeError('STALE_EVENT_ID', { kind: KIND_LABEL[kind], id });
  }
  return wait;
}

/** Consumes an activity's own wait and returns its execution without it. */
function take(ctx: Context, id: string, kind: WaitKind): { wait: Wait; execution: Execution } {
  const wait = lookUp(ctx, id, kind);
  const owner = wait.executionId === undefined ? undefined : ctx.draft.executions[wait.executionId];
  if (owner === undefined) throw new EngineRuntimeError('STALE_EVENT_ID', { kind: KIND_LABEL[kind], id });
  ctx.draft.deleteWait(id);
  return { wait, execution: { ...owner, waitIds: owner.waitIds.filter((waitId) => waitId !== id) } };
}

function noneStartEventOf(model: ProcessModel): string | undefined {
  return model.root.startEventIds.find((id) => {
    const node = model.nodes.get(id);
    return node?.kind === 'startEvent' && node.event.kind === 'none';
  });
}

function asEngineState(state: InstanceState): EngineState {
  if (state.schemaVersion !== 1) {
    throw new EngineRuntimeError('UNSUPPORTED_STATE_VERSION', { version: String(state.schemaVersion) });
  }
  return state as EngineState;
}

