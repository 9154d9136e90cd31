/**
 * One durable workflow step: everything an API call, a timer or a job result causes — the
 * engine transitions of every instance it touches (signal receivers, parent and child
 * instances), their new states and the rows their effects describe — is written in the caller's
 * ONE transaction. A crash before COMMIT leaves the previous state intact; after COMMIT the step
 * is complete. Nothing here performs I/O outside the database: service-task calls are rows in
 * `jobs` that a worker runs after the commit (an outbox).
 */
import { newId } from '../ids.server.ts';
import { and, asc, desc, eq, ne } from 'drizzle-orm';
import { dispatch, startInstance } from '@tongguan/runtime/bpmn/engine/index';
import { EngineRuntimeError } from '@tongguan/runtime/bpmn/engine/errors';
import type { EngineEvent, InstanceState, Transition, Variables } from '@tongguan/runtime/bpmn/engine/contract';
import type { WorkingCalendar } from '@tongguan/runtime/calendar/working-calendar';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { AppError, notFound } from '../errors.server.ts';
import { loadWorkingCalendar } from '../services/calendar.server.ts';
import { modelOf } from './process-models.server.ts';
import { applyEffects } from './effects.server.ts';
import { statementsOf } from './statements.server.ts';
import { syncCaseStatus } from '../cases/case-status.server.ts';
import { syncAlarmOfInstance } from '../alarms/process-end.server.ts';

type InstanceRow = App['db']['t']['processInstances']['$inferSelect'];

/** Deferred work of a step, run in order after the transition that caused it. */
type Work =
  | { kind: 'dispatch'; instanceId: string; event: EngineEvent; tolerateStale?: boolean }
  | { kind: 'signal'; name: string; variables: Variables; fromInstanceId: string | null }
  | { kind: 'message'; name: string; variables: Variables };

const MAX_WORK = 10_000;
const CALENDAR_TTL_MS = 30_000;
const calendars = new Map<string, { calendar: WorkingCalendar; until: number }>();

export class WorkflowStep {
  private readonly queue: Work[] = [];
  /** Instances a message or signal of this step reached, in order. */
  readonly routed: { instanceId: string; how: 'delivered' | 'started' }[] = [];

  constructor(
    readonly app: App,
    readonly tx: Db,
    readonly tenantId: string,
    readonly now: Date,
    readonly actorId: string | null,
  ) {}

  /** Starts the latest published version of a process; returns the new instance id. */
  async start(
    processKey: string,
    input: { instanceId?: string; variables?: Variables; businessKey?: string; parent?: { instanceId: string; callId: string }; startEventId?: string; definitionId?: string },
  ): Promise<string> {
    let definitionId = input.definitionId;
    if (!definitionId) {
      const [latest] = await statementsOf(this.app, this.tx).latestPublishedProcess.execute({ tenantId: this.tenantId, key: processKey });
      if (!latest) throw notFound('definition');
      definitionId = latest.id;
    }
    const definition = await getPublishedById(this, definitionId);
    const model = await modelOf(this.app, definition);
    const instanceId = input.instanceId ?? newId();
    const transition = startInstance(model, { instanceId, variables: input.variables, startEventId: input.startEventId }, await this.deps());
    const row: InstanceRow = {
      id: instanceId, tenantId: this.tenantId, definitionId: definition.id, processKey: definition.key, definitionVersion: definition.version,
      businessKey: input.businessKey ?? null, status: transition.state.status, state: transition.state, revision: 1,
      parentInstanceId: input.parent?.instanceId ?? null, parentCallId: input.parent?.callId ?? null,
      startedBy: this.actorId, startedAt: this.now, endedAt: transition.state.status === 'active' ? null : this.now, updatedAt: this.now,
    };
    await statementsOf(this.app, this.tx).insertInstance.execute(row);
    await applyEffects(this, row, transition, 1);
    await syncCaseStatus(this, instanceId, transition);
    await syncAlarmOfInstance(this, instanceId, transition);
    return instanceId;
  }

  /** Queues an event for an instance; `drain` delivers it. */
  enqueue(instanceId: string, event: EngineEvent, tolerateStale = false): void {
    this.queue.push({ kind: 'dispatch', instanceId, event, tolerateStale });
  }

  /**
   * The throwing instance already caught its own signal inside the engine: only others hear it
   * here (`fromInstanceId` null: a signal from outside, through the API).
   */
  broadcastSignal(name: string, variables: Variables, fromInstanceId: string | null): void {
    this.queue.push({ kind: 'signal', name, variables, fromInstanceId });
  }

  sendMessage(name: string, variables: Variables): void {
    this.queue.push({ kind: 'message', name, variables });
  }

  /** Runs queued work until none is left (each item may queue more). */
  async drain(): Promise<void> {
    for (let done = 0; this.queue.length; done++) {
      if (done > MAX_WORK) throw new AppError('conflict', { detail: 'workflow step did not settle' });
      const work = this.queue.shift() as Work;
      if (work.kind === 'dispatch') await this.deliver(work.instanceId, work.event, work.tolerateStale ?? false);
      else if (work.kind === 'signal') await this.routeSignal(work.name, work.variables, work.fromInstanceId);
      else await this.routeMessage(work.name, work.variables);
    }
  }

  /** Loads the instance (locked on PostgreSQL), runs the engine, writes the next state. */
  async deliver(instanceId: string, event: EngineEvent, tolerateStale: boolean): Promise<void> {
    const row = await this.lockInstance(instanceId);
    if (row.status !== 'active' && tolerateStale) return;
    const definition = await getPublishedById(this, row.definitionId);
    const model = await modelOf(this.app, definition);
    let transition: Transition;
    try {
      transition = dispatch(model, row.state as InstanceState, event, await this.deps());
    } catch (error) {
      if (tolerateStale && error instanceof EngineRuntimeError && (error.code === 'STALE_EVENT_ID' || error.code === 'INSTANCE_NOT_ACTIVE')) return;
      throw error;
    }
    const revision = row.revision + 1;
    const status = transition.state.status;
    const changed = await statementsOf(this.app, this.tx).updateInstance.execute({
      id: instanceId, previousRevision: row.revision, state: transition.state, status, revision, updatedAt: this.now, endedAt: status === 'active' ? null : this.now,
    });
    if (changed.length === 0) throw new AppError('version_conflict');
    await applyEffects(this, { ...row, status, revision }, transition, revision);
    await syncCaseStatus(this, instanceId, transition);
    await syncAlarmOfInstance(this, instanceId, transition);
  }

  /** Reads the instance; on PostgreSQL with its row lock (`FOR UPDATE`), see statements.server.ts. */
  private async lockInstance(id: string): Promise<InstanceRow> {
    const [row] = await statementsOf(this.app, this.tx).instance.execute({ tenantId: this.tenantId, id });
    if (!row) throw notFound('processInstance');
    return row;
  }

  /** Every instance waiting for the signal hears it, and every process with a signal start event of that name starts. */
  private async routeSignal(name: string, variables: Variables, fromInstanceId: string | null): Promise<void> {
    const s = this.app.db.t.eventSubscriptions;
    const receivers = await this.tx.select({ id: s.id, instanceId: s.instanceId }).from(s)
      .where(and(eq(s.tenantId, this.tenantId), eq(s.kind, 'signal'), eq(s.name, name), fromInstanceId ? ne(s.instanceId, fromInstanceId) : undefined)).orderBy(s.createdAt, s.id);
    for (const r of receivers) {
      this.enqueue(r.instanceId, { type: 'signal.deliver', subscriptionId: r.id, variables }, true);
      this.routed.push({ instanceId: r.instanceId, how: 'delivered' });
    }
    for (const start of await this.startEventsFor('signal', name)) {
      this.routed.push({ instanceId: await this.start(start.processKey, { ...start, variables }), how: 'started' });
    }
  }

  /**
   * A message goes to the oldest instance waiting for it; when none waits, it starts the first
   * process (by key) with a message start event of that name; otherwise nobody hears it.
   */
  private async routeMessage(name: string, variables: Variables): Promise<void> {
    const s = this.app.db.t.eventSubscriptions;
    const [receiver] = await this.tx.select({ id: s.id, instanceId: s.instanceId }).from(s)
      .where(and(eq(s.tenantId, this.tenantId), eq(s.kind, 'message'), eq(s.name, name))).orderBy(s.createdAt, s.id).limit(1);
    if (receiver) {
      this.enqueue(receiver.instanceId, { type: 'message.deliver', subscriptionId: receiver.id, variables }, true);
      this.routed.push({ instanceId: receiver.instanceId, how: 'delivered' });
      return;
    }
    const [start] = await this.startEventsFor('message', name);
    if (start) this.routed.push({ instanceId: await this.start(start.processKey, { ...start, variables }), how: 'started' });
  }

  /** Start events of the latest published version of each process that the named message or signal triggers. */
  private async startEventsFor(kind: 'message' | 'signal', name: string): Promise<{ processKey: string; definitionId: string; startEventId: string }[]> {
    const d = this.app.db.t.definitions;
    const rows = await this.tx.select({ id: d.id, key: d.key, version: d.version }).from(d)
      .where(and(eq(d.tenantId, this.tenantId), eq(d.kind, 'process'), eq(d.status, 'published'))).orderBy(asc(d.key), desc(d.version));
    const found: { processKey: string; definitionId: string; startEventId: string }[] = [];
    for (const [index, row] of rows.entries()) {
      if (index > 0 && rows[index - 1].key === row.key) continue;
      const model = await modelOf(this.app, await getPublishedById(this, row.id));
      for (const id of model.root.startEventIds) {
        const node = model.nodes.get(id);
        if (node?.kind !== 'startEvent') continue;
        const event = node.event;
        if ((event.kind === 'message' && kind === 'message' && event.messageName === name) || (event.kind === 'signal' && kind === 'signal' && event.signalName === name)) {
          found.push({ processKey: row.key, definitionId: row.id, startEventId: id });
        }
      }
    }
    return found;
  }

  private async deps() {
    return { now: this.now, newId, calendar: await this.calendar(), timeZone: 'Asia/Shanghai', functions: this.app.functions };
  }

  private async calendar(): Promise<WorkingCalendar> {
    const cached = calendars.get(this.tenantId);
    if (cached && cached.until > Date.now()) return cached.calendar;
    const calendar = await loadWorkingCalendar(this.app, this.tenantId, this.tx);
    calendars.set(this.tenantId, { calendar, until: Date.now() + CALENDAR_TTL_MS });
    return calendar;
  }
}

const definitionsById = new Map<string, { id: string; key: string; version: number; content: unknown }>();

/** Published definitions are immutable, so the row an instance pins is cached by id. */
async function getPublishedById(step: WorkflowStep, id: string) {
  const hit = definitionsById.get(id);
  if (hit) return hit;
  const [row] = await statementsOf(step.app, step.tx).definitionById.execute({ id });
  if (!row || row.status === 'draft') throw notFound('definition');
  const entry = { id: row.id, key: row.key, version: row.version, content: row.content };
  definitionsById.set(id, entry);
  return entry;
}

/** Runs `work` as one durable step in one transaction. */
export function inStep<T>(app: App, tenantId: string, actorId: string | null, work: (step: WorkflowStep) => Promise<T>): Promise<T> {
  return app.db.transaction((tx) => stepIn(app, tx, tenantId, actorId, work));
}

/** Runs `work` as a step inside the caller's transaction `tx` (the step commits with it). */
export async function stepIn<T>(app: App, tx: Db, tenantId: string, actorId: string | null, work: (step: WorkflowStep) => Promise<T>): Promise<T> {
  const step = new WorkflowStep(app, tx, tenantId, app.now(), actorId);
  const result = await work(step);
  await step.drain();
  return result;
}
