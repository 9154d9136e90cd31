/**
 * Conformance harness (test support only): plays the platform's role for the pure engine, in
 * memory. It starts instances, applies every effect the way the platform's transaction would —
 * open tasks, timers, message/signal subscriptions, service jobs, call activities started from
 * the same document, message/signal start events across its processes — and records every effect
 * and every runtime error. Time is a virtual clock that `advance` moves forward, firing timers in
 * due order; nothing ever sleeps.
 *
 * Follow-up work (starting a called process, broadcasting a signal, answering a service job) is
 * queued and run after the transition that caused it, in order, like the platform's outbox.
 */
import type { ProcessModel } from '../model.ts';
import type { EngineDeps, EngineEffect, EngineEvent, InstanceState, JsonValue, Transition, Variables } from '../engine/contract.ts';
import { EngineRuntimeError, dispatch, startInstance } from '../engine/index.ts';

export const HARNESS_T0 = new Date('2025-03-03T01:00:00.000Z');

/** What a service handler answers for a job: a result, or a BPMN error with a code. */
export type ServiceOutcome = { readonly result?: JsonValue } | { readonly errorCode: string; readonly message?: string };
export type ServiceHandler = (job: Extract<EngineEffect, { type: 'service.requested' }>) => ServiceOutcome;

export interface HarnessOptions {
  readonly now?: Date;
  /** Handlers by service type; a job without a handler stays open (a wait state). */
  readonly services?: Readonly<Record<string, ServiceHandler>>;
}

export interface InstanceRecord {
  readonly instanceId: string;
  readonly model: ProcessModel;
  state: InstanceState;
  /** Set for instances started by a call activity. */
  readonly calledBy?: { readonly instanceId: string; readonly callId: string };
}

interface OpenWait {
  readonly instanceId: string;
  readonly elementId: string;
  readonly kind: 'task' | 'timer' | 'message' | 'signal' | 'job' | 'call';
  readonly name?: string;
  readonly dueAt?: number;
}

export interface LoggedEffect {
  readonly instanceId: string;
  readonly processId: string;
  readonly effect: EngineEffect;
}

export interface RecordedRuntimeError {
  readonly instanceId: string;
  readonly code: string;
  readonly elementId?: string;
  readonly message: string;
}

export class Harness {
  now: Date;
  readonly instances = new Map<string, InstanceRecord>();
  /** Every effect of every instance, in the order the transitions produced them. */
  readonly log: LoggedEffect[] = [];
  /** Runtime errors (EngineRuntimeError): the transition that raised one did not happen. */
  readonly runtimeErrors: RecordedRuntimeError[] = [];
  /** Thrown messages nobody was waiting for (lost, as BPMN says for unmatched messages). */
  readonly lostMessages: string[] = [];
  private readonly waits = new Map<string, OpenWait>();
  private readonly models = new Map<string, ProcessModel>();
  private readonly queue: Array<() => void> = [];
  private idCounter = 0;
  private instanceCounter = 0;
  private draining = false;

  constructor(
    models: readonly ProcessModel[],
    private readonly options: HarnessOptions = {},
  ) {
    for (const model of models) this.models.set(model.id, model);
    this.now = options.now ?? HARNESS_T0;
  }

  /** Starts an instance of `processId`; returns its id, or undefined when the start raised a runtime error. */
  start(processId: string, variables?: Variables, startEventId?: string): string | undefined {
    const id = this.launch(processId, variables, startEventId);
    this.drain();
    return id;
  }

  /** Sends an event to an instance (e.g. completing a task); runtime errors are recorded, not thrown. */
  send(instanceId: string, event: EngineEvent): void {
    // The event consumes the wait it names; the engine announces no effect for that.
    const consumed = consumedWaitOf(event);
    if (consumed !== undefined) this.waits.delete(consumed);
    this.queue.push(() => this.deliver(instanceId, event));
    this.drain();
  }

  /** Moves the virtual clock forward by `millis`, firing every timer that falls due, in due order. */
  advance(millis: number): void {
    const until = this.now.getTime() + millis;
    for (;;) {
      const next = [...this.waits.entries()]
        .filter(([, wait]) => wait.kind === 'timer' && wait.dueAt! <= until && this.isActive(wait.instanceId))
        .sort(([, a], [, b]) => a.dueAt! - b.dueAt!)[0];
      if (next === undefined) break;
      const [timerId, timer] = next;
      this.now = new Date(Math.max(this.now.getTime(), timer.dueAt!));
      this.waits.delete(timerId);
      this.send(timer.instanceId, { type: 'timer.fire', timerId });
    }
    this.now = new Date(until);
  }

  /** Open waits of the given kind, optionally at one element. */
  openWaits(kind: OpenWait['kind'], elementId?: string): Array<OpenWait & { readonly id: string }> {
    return [...this.waits.entries()]
      .filter(([, wait]) => wait.kind === kind && (elementId === undefined || wait.elementId === elementId))
      .map(([id, wait]) => ({ ...wait, id }));
  }

  /** Completes the one open user task at `elementId`. */
  completeTask(elementId: string, variables?: Variables): void {
    const [task, ...more] = this.openWaits('task', elementId);
    if (task === undefined || more.length > 0) throw new Error(`expected one open task at ${elementId}`);
    this.waits.delete(task.id);
    this.send(task.instanceId, { type: 'task.complete', taskId: task.id, ...(variables ? { variables } : {}) });
  }

  /** Correlates a message from outside: the oldest open subscription, else a message start event. */
  correlateMessage(name: string, variables: Variables = {}): void {
    this.queue.push(() => this.routeMessage(name, variables));
    this.drain();
  }

  /** Broadcasts a signal from outside to every subscription and signal start event. */
  broadcastSignal(name: string): void {
    this.queue.push(() => this.routeSignal(name, undefined));
    this.drain();
  }

  status(instanceId: string): InstanceState['status'] {
    return this.require(instanceId).state.status;
  }

  private isActive(instanceId: string): boolean {
    return this.instances.get(instanceId)?.state.status === 'active';
  }

  private require(instanceId: string): InstanceRecord {
    const record = this.instances.get(instanceId);
    if (record === undefined) throw new Error(`unknown instance ${instanceId}`);
    return record;
  }

  private deps(): EngineDeps {
    return { now: this.now, newId: () => `id${++this.idCounter}` };
  }

  private launch(
    processId: string,
    variables: Variables | undefined,
    startEventId: string | undefined,
    calledBy?: InstanceRecord['calledBy'],
  ): string | undefined {
    const model = this.models.get(processId);
    if (model === undefined) throw new Error(`process ${processId} is not in the harness`);
    const instanceId = `inst${++this.instanceCounter}`;
    const options = { instanceId, ...(variables ? { variables } : {}), ...(startEventId ? { startEventId } : {}) };
    const transition = this.attempt(instanceId, () => startInstance(model, options, this.deps()));
    if (transition === undefined) return undefined;
    this.instances.set(instanceId, { instanceId, model, state: roundTrip(transition.state), ...(calledBy ? { calledBy } : {}) });
    this.apply(instanceId, transition.effects);
    return instanceId;
  }

  private deliver(instanceId: string, event: EngineEvent): void {
    const record = this.require(instanceId);
    if (record.state.status !== 'active') return;
    const transition = this.attempt(instanceId, () => dispatch(record.model, record.state, event, this.deps()));
    if (transition === undefined) return;
    record.state = roundTrip(transition.state);
    this.apply(instanceId, transition.effects);
  }

  private attempt(instanceId: string, run: () => Transition): Transition | undefined {
    try {
      return run();
    } catch (error) {
      if (!(error instanceof EngineRuntimeError)) throw error;
      this.runtimeErrors.push({
        instanceId,
        code: error.code,
        message: error.message,
        ...(error.elementId === undefined ? {} : { elementId: error.elementId }),
      });
      return undefined;
    }
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let action = this.queue.shift(); action !== undefined; action = this.queue.shift()) action();
    } finally {
      this.draining = false;
    }
  }

  private apply(instanceId: string, effects: readonly EngineEffect[]): void {
    const record = this.require(instanceId);
    for (const effect of effects) {
      this.log.push({ instanceId, processId: record.model.id, effect });
      this.applyOne(record, effect);
    }
  }

  private applyOne(record: InstanceRecord, effect: EngineEffect): void {
    const instanceId = record.instanceId;
    switch (effect.type) {
      case 'task.created':
        this.waits.set(effect.taskId, { instanceId, elementId: effect.elementId, kind: 'task' });
        return;
      case 'timer.scheduled':
        this.waits.set(effect.timerId, { instanceId, elementId: effect.elementId, kind: 'timer', dueAt: Date.parse(effect.dueAt) });
        return;
      case 'subscription.opened':
        this.waits.set(effect.subscriptionId, { instanceId, elementId: effect.elementId, kind: effect.kind, name: effect.name });
        return;
      case 'service.requested': {
        this.waits.set(effect.jobId, { instanceId, elementId: effect.elementId, kind: 'job' });
        const handler = this.options.services?.[effect.serviceType];
        if (handler !== undefined) this.queue.push(() => this.answerJob(instanceId, effect.jobId, handler(effect)));
        return;
      }
      case 'call.requested':
        this.waits.set(effect.callId, { instanceId, elementId: effect.elementId, kind: 'call' });
        this.queue.push(() => this.startCalled(instanceId, effect.callId, effect.processKey, effect.variables));
        return;
      case 'task.cancelled':
        this.waits.delete(effect.taskId);
        return;
      case 'timer.cancelled':
        this.waits.delete(effect.timerId);
        return;
      case 'subscription.closed':
        this.waits.delete(effect.subscriptionId);
        return;
      case 'service.cancelled':
        this.waits.delete(effect.jobId);
        return;
      case 'call.cancelled':
        this.waits.delete(effect.callId);
        this.queue.push(() => this.cancelCalled(effect.callId));
        return;
      case 'signal.thrown':
        // The engine already delivered the signal to this instance's own subscriptions.
        this.queue.push(() => this.routeSignal(effect.name, instanceId));
        return;
      case 'message.thrown':
        this.queue.push(() => this.routeMessage(effect.name, effect.variables));
        return;
      case 'instance.completed':
      case 'instance.failed':
      case 'instance.terminated':
        this.dropWaitsOf(instanceId);
        if (record.calledBy !== undefined) this.queue.push(() => this.returnToCaller(record, effect));
        return;
      case 'activity.started':
      case 'activity.ended':
        return;
    }
  }

  private dropWaitsOf(instanceId: string): void {
    for (const [id, wait] of this.waits) if (wait.instanceId === instanceId) this.waits.delete(id);
  }

  private answerJob(instanceId: string, jobId: string, outcome: ServiceOutcome): void {
    if (!this.waits.delete(jobId)) return;
    if ('errorCode' in outcome) {
      const message = outcome.message === undefined ? {} : { message: outcome.message };
      this.deliver(instanceId, { type: 'service.fail', jobId, errorCode: outcome.errorCode, ...message });
    } else {
      this.deliver(instanceId, { type: 'service.complete', jobId, ...(outcome.result === undefined ? {} : { result: outcome.result }) });
    }
  }

  private startCalled(callerId: string, callId: string, processKey: string, variables: Variables): void {
    if (!this.waits.has(callId)) return;
    const childId = this.launch(processKey, variables, undefined, { instanceId: callerId, callId });
    // A called process that cannot even start is a technical failure of the call, seen by the caller as an error.
    if (childId === undefined) {
      this.waits.delete(callId);
      this.deliver(callerId, { type: 'call.fail', callId, message: `called process ${processKey} failed to start` });
    }
  }

  private cancelCalled(callId: string): void {
    for (const record of this.instances.values()) {
      if (record.calledBy?.callId === callId) this.deliver(record.instanceId, { type: 'instance.cancel', reason: 'call cancelled' });
    }
  }

  private returnToCaller(child: InstanceRecord, end: EngineEffect): void {
    const { instanceId: callerId, callId } = child.calledBy!;
    if (!this.waits.delete(callId)) return;
    if (end.type === 'instance.completed') {
      this.deliver(callerId, { type: 'call.complete', callId, variables: child.state.variables });
    } else if (end.type === 'instance.failed') {
      const failure = child.state.failure ?? {};
      this.deliver(callerId, { type: 'call.fail', callId, ...failure });
    }
  }

  private routeSignal(name: string, thrownBy: string | undefined): void {
    for (const [subscriptionId, wait] of [...this.waits]) {
      if (wait.kind !== 'signal' || wait.name !== name || wait.instanceId === thrownBy) continue;
      if (!this.waits.delete(subscriptionId)) continue;
      this.deliver(wait.instanceId, { type: 'signal.deliver', subscriptionId });
    }
    for (const { model, startEventId } of this.startEventsFor('signal', name)) this.launch(model.id, undefined, startEventId);
  }

  private routeMessage(name: string, variables: Variables): void {
    const subscription = [...this.waits].find(([, wait]) => wait.kind === 'message' && wait.name === name);
    if (subscription !== undefined) {
      const [subscriptionId, wait] = subscription;
      this.waits.delete(subscriptionId);
      this.deliver(wait.instanceId, { type: 'message.deliver', subscriptionId, variables });
      return;
    }
    const [start] = this.startEventsFor('message', name);
    if (start === undefined) {
      this.lostMessages.push(name);
      return;
    }
    this.launch(start.model.id, variables, start.startEventId);
  }

  private startEventsFor(kind: 'message' | 'signal', name: string): Array<{ model: ProcessModel; startEventId: string }> {
    const found: Array<{ model: ProcessModel; startEventId: string }> = [];
    for (const model of this.models.values()) {
      for (const startEventId of model.root.startEventIds) {
        const node = model.nodes.get(startEventId);
        if (node?.kind !== 'startEvent') continue;
        const event = node.event;
        const matches = (event.kind === 'message' && kind === 'message' && event.messageName === name) || (event.kind === 'signal' && kind === 'signal' && event.signalName === name);
        if (matches) found.push({ model, startEventId });
      }
    }
    return found;
  }
}

function consumedWaitOf(event: EngineEvent): string | undefined {
  switch (event.type) {
    case 'task.complete':
      return event.taskId;
    case 'timer.fire':
      return event.timerId;
    case 'message.deliver':
    case 'signal.deliver':
      return event.subscriptionId;
    case 'service.complete':
    case 'service.fail':
      return event.jobId;
    case 'call.complete':
    case 'call.fail':
      return event.callId;
    case 'instance.cancel':
      return undefined;
  }
}

/** The state goes through JSON like the platform's row, so anything unserializable shows up here. */
function roundTrip(state: InstanceState): InstanceState {
  return JSON.parse(JSON.stringify(state)) as InstanceState;
}

/** The first process of the document (in document order) that has a none start event. */
export function mainProcessOf(models: readonly ProcessModel[]): ProcessModel {
  const main = models.find((model) =>
    model.root.startEventIds.some((id) => {
      const node = model.nodes.get(id);
      return node?.kind === 'startEvent' && node.event.kind === 'none';
    }),
  );
  if (main === undefined) throw new Error('no process with a none start event');
  return main;
}
