/**
 * Test support: BPMN fixtures written inline and a driver that runs an instance the way the
 * platform would — every state deep-frozen before it goes back into the engine (so any mutation
 * of the input throws) and round-tripped through JSON (so the state must be serializable), with
 * a virtual clock and predictable ids.
 */
import type { ProcessModel } from '../model.ts';
import { parseBpmn } from '../parse/index.ts';
import type { WorkingCalendar } from '../../calendar/working-calendar.ts';
import type { EngineDeps, EngineEffect, EngineEvent, InstanceState, Transition, Variables } from './contract.ts';
import { dispatch, startInstance } from './index.ts';
import type { EngineState, Wait } from './state.ts';

const NAMESPACES =
  'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
  'xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'targetNamespace="http://tongguan.dev/test"';

/** A definitions document with process `p` holding `body`; `globals` (messages, signals, errors…) go beside it. */
export function definitions(body: string, globals = '', extraProcesses = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="d" ${NAMESPACES}>
${globals}
<process id="p" isExecutable="true">
${body}
</process>
${extraProcesses}
</definitions>`;
}

/** `<sequenceFlow>`; ids are derived from the ends unless given. */
export function flow(source: string, target: string, condition?: string, id = `${source}-${target}`): string {
  if (condition === undefined) return `<sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"/>`;
  const body = condition.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"><conditionExpression xsi:type="tFormalExpression">${body}</conditionExpression></sequenceFlow>`;
}

/** Flows along a path of node ids: `chain('start', 'a', 'end')`. */
export function chain(...ids: string[]): string {
  return ids
    .slice(1)
    .map((target, index) => flow(ids[index]!, target))
    .join('');
}

export function userTask(id: string, attributes = ''): string {
  return `<userTask id="${id}" ${attributes}/>`;
}

export async function loadProcesses(xml: string): Promise<ProcessModel[]> {
  const result = await parseBpmn(xml, { locale: 'en' });
  if (!result.ok) {
    throw new Error(`fixture rejected: ${result.problems.map((p) => `${p.elementId ?? ''}: ${p.message}`).join('; ')}`);
  }
  return result.processes;
}

export async function load(body: string, globals = ''): Promise<ProcessModel> {
  const [model] = await loadProcesses(definitions(body, globals));
  return model!;
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

export interface DriverOptions {
  readonly now?: Date;
  readonly calendar?: WorkingCalendar;
}

export const T0 = new Date('2025-03-03T01:00:00.000Z');

export class Driver {
  now: Date;
  state!: EngineState;
  /** Every effect since the start, in order. */
  readonly effects: EngineEffect[] = [];
  /** Effects of the last transition. */
  last: readonly EngineEffect[] = [];
  private counter = 0;

  constructor(
    readonly model: ProcessModel,
    private readonly options: DriverOptions = {},
  ) {
    this.now = options.now ?? T0;
  }

  deps(): EngineDeps {
    return {
      now: this.now,
      newId: () => `id${++this.counter}`,
      ...(this.options.calendar === undefined ? {} : { calendar: this.options.calendar }),
    };
  }

  start(variables?: Variables, startEventId?: string): this {
    const options = { instanceId: 'inst', ...(variables ? { variables } : {}), ...(startEventId ? { startEventId } : {}) };
    return this.accept(startInstance(this.model, options, this.deps()));
  }

  send(event: EngineEvent): this {
    return this.accept(dispatch(this.model, deepFreeze(this.state), event, this.deps()));
  }

  private accept(transition: Transition): this {
    const copy = JSON.parse(JSON.stringify(transition.state)) as EngineState;
    this.state = copy;
    this.last = transition.effects;
    this.effects.push(...transition.effects);
    return this;
  }

  get status(): InstanceState['status'] {
    return this.state.status;
  }

  waits(predicate: (wait: Wait, id: string) => boolean = () => true): Array<Wait & { id: string }> {
    return Object.entries(this.state.waits)
      .filter(([id, wait]) => predicate(wait, id))
      .map(([id, wait]) => ({ ...wait, id }));
  }

  /** Element ids of the open user tasks, sorted. */
  openTasks(): string[] {
    return this.waits((wait) => wait.kind === 'task')
      .map((wait) => wait.nodeId)
      .sort();
  }

  private single(kind: Wait['kind'], elementId: string): string {
    const found = this.waits((wait) => wait.kind === kind && wait.nodeId === elementId);
    if (found.length !== 1) throw new Error(`expected one ${kind} wait at ${elementId}, found ${found.length}`);
    return found[0]!.id;
  }

  complete(elementId: string, variables?: Variables): this {
    const taskId = this.single('task', elementId);
    return this.send({ type: 'task.complete', taskId, ...(variables ? { variables } : {}) });
  }

  completeService(elementId: string, result?: Variables[string]): this {
    return this.send({ type: 'service.complete', jobId: this.single('job', elementId), ...(result === undefined ? {} : { result }) });
  }

  failService(elementId: string, errorCode?: string): this {
    return this.send({ type: 'service.fail', jobId: this.single('job', elementId), ...(errorCode ? { errorCode } : {}) });
  }

  completeCall(elementId: string, variables?: Variables): this {
    return this.send({ type: 'call.complete', callId: this.single('call', elementId), ...(variables ? { variables } : {}) });
  }

  failCall(elementId: string, errorCode?: string): this {
    return this.send({ type: 'call.fail', callId: this.single('call', elementId), ...(errorCode ? { errorCode } : {}) });
  }

  /** Delivers a message to the oldest open subscription for it. */
  message(name: string, variables?: Variables): this {
    const [subscription] = this.waits((wait) => wait.kind === 'message' && wait.name === name);
    if (subscription === undefined) throw new Error(`no subscription for message ${name}`);
    return this.send({ type: 'message.deliver', subscriptionId: subscription.id, ...(variables ? { variables } : {}) });
  }

  /** Delivers a signal to every open subscription for it, as the platform's broadcast would. */
  signal(name: string): this {
    for (const subscription of this.waits((wait) => wait.kind === 'signal' && wait.name === name)) {
      if (this.state.waits[subscription.id] !== undefined && this.status === 'active') {
        this.send({ type: 'signal.deliver', subscriptionId: subscription.id });
      }
    }
    return this;
  }

  /** Moves the virtual clock forward, firing every timer that falls due on the way, in order. */
  advance(millis: number): this {
    const until = this.now.getTime() + millis;
    for (;;) {
      const due = this.waits((wait) => wait.kind === 'timer' && Date.parse(wait.dueAt!) <= until).sort(
        (a, b) => Date.parse(a.dueAt!) - Date.parse(b.dueAt!),
      );
      if (due.length === 0 || this.status !== 'active') break;
      this.now = new Date(Math.max(this.now.getTime(), Date.parse(due[0]!.dueAt!)));
      this.send({ type: 'timer.fire', timerId: due[0]!.id });
    }
    this.now = new Date(until);
    return this;
  }

  /** Element ids in the order their activities started (every flow node entered). */
  started(): string[] {
    return this.effects.flatMap((effect) => (effect.type === 'activity.started' ? [effect.elementId] : []));
  }

  /** Element ids of activities that completed, in order. */
  completed(): string[] {
    const ids = new Map<string, string>();
    const result: string[] = [];
    for (const effect of this.effects) {
      if (effect.type === 'activity.started') ids.set(effect.activityId, effect.elementId);
      if (effect.type === 'activity.ended' && effect.outcome === 'completed') result.push(ids.get(effect.activityId)!);
    }
    return result;
  }

  /** How often an element was entered. */
  count(elementId: string): number {
    return this.started().filter((id) => id === elementId).length;
  }

  effectsOf<K extends EngineEffect['type']>(type: K): Array<Extract<EngineEffect, { type: K }>> {
    return this.effects.filter((effect): effect is Extract<EngineEffect, { type: K }> => effect.type === type);
  }
}
