/**
 * Timer start events (定时启动): a published process whose start event is a timer gets a row in
 * `start_timers` in the transaction that publishes it; publishing a newer version of the key
 * withdraws the older version's rows (the latest version takes over), retiring withdraws the
 * version's own. The scheduler (scheduler.server.ts) fires due rows: each starts an instance at
 * that start event in one durable step and, for a cycle, schedules the next occurrence in the
 * same transaction.
 */
import { newId } from '../ids.server.ts';
import { and, desc, eq, ne } from 'drizzle-orm';
import { EngineRuntimeError, nextCycleOccurrence, startTimerSchedule, type TimerCycle } from '@tongguan/runtime/bpmn/engine/index';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { AppError } from '../errors.server.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { modelOf } from './process-models.server.ts';
import type { WorkflowStep } from './step.server.ts';

type StartTimerRow = App['db']['t']['startTimers']['$inferSelect'];

interface PublishedProcess {
  id: string;
  tenantId: string;
  key: string;
  content: unknown;
}

/**
 * The first occurrence of a cycle that is not in the past: a cycle that started long ago, or a
 * server that was down, resumes at the next due time instead of firing every missed occurrence.
 */
function catchUp(dueAt: string, cycle: TimerCycle | undefined, now: Date): { dueAt: string; cycle?: TimerCycle } | undefined {
  let next: { dueAt: string; cycle?: TimerCycle } | undefined = { dueAt, cycle };
  while (next && next.cycle && Date.parse(next.dueAt) < now.getTime()) next = nextCycleOccurrence(next.dueAt, next.cycle);
  return next;
}

/** Schedules the first occurrence of each timer start event of a version being published. */
export async function scheduleStartTimers(app: App, tx: Db, definition: PublishedProcess, locale: Locale = 'zh-CN'): Promise<void> {
  const s = app.db.t.startTimers;
  await tx.update(s).set({ status: 'cancelled' })
    .where(and(eq(s.tenantId, definition.tenantId), eq(s.processKey, definition.key), ne(s.definitionId, definition.id), eq(s.status, 'scheduled')));
  const model = await modelOf(app, definition);
  for (const startEventId of model.root.startEventIds) {
    const node = model.nodes.get(startEventId);
    if (node?.kind !== 'startEvent' || node.event.kind !== 'timer') continue;
    let first: { dueAt: string; cycle?: TimerCycle } | undefined;
    try {
      const scheduled = startTimerSchedule(model, startEventId, { now: app.now(), newId });
      first = catchUp(scheduled.dueAt, scheduled.cycle, app.now());
    } catch (error) {
      // A timer the engine cannot compute (an expression over variables a start has not got yet) is the model's fault: 422 naming it.
      if (error instanceof EngineRuntimeError) throw new AppError('validation_failed', {}, { fields: [{ field: `content.xml#${startEventId}`, message: error.localizedMessage(locale) }] });
      throw error;
    }
    if (!first) continue;
    const { dueAt, cycle } = first;
    await tx.insert(s).values({
      id: newId(), tenantId: definition.tenantId, definitionId: definition.id, processKey: definition.key, elementId: startEventId,
      dueAt: new Date(dueAt), cycleDuration: cycle?.duration ?? null, remaining: cycle ? cycle.remaining : null, status: 'scheduled', attempts: 0,
    });
  }
}

/** A retired version starts no more instances. */
export async function withdrawStartTimers(app: App, tx: Db, definitionId: string): Promise<void> {
  const s = app.db.t.startTimers;
  await tx.update(s).set({ status: 'cancelled' }).where(and(eq(s.definitionId, definitionId), eq(s.status, 'scheduled')));
}

/**
 * Fires one claimed start timer inside the step: starts the instance, schedules the cycle's next
 * occurrence. A timer whose version was meanwhile superseded or retired (a publish that waited
 * on this row's lock could not withdraw it) is withdrawn instead.
 */
export async function fireStartTimer(step: WorkflowStep, timer: StartTimerRow): Promise<void> {
  const { startTimers: s, definitions: d } = step.app.db.t;
  const [latest] = await step.tx.select({ id: d.id }).from(d)
    .where(and(eq(d.tenantId, timer.tenantId), eq(d.kind, 'process'), eq(d.key, timer.processKey), eq(d.status, 'published'))).orderBy(desc(d.version)).limit(1);
  if (latest?.id !== timer.definitionId) {
    await step.tx.update(s).set({ status: 'cancelled' }).where(eq(s.id, timer.id));
    return;
  }
  await step.tx.update(s).set({ status: 'fired', attempts: timer.attempts + 1 }).where(eq(s.id, timer.id));
  await step.start(timer.processKey, { definitionId: timer.definitionId, startEventId: timer.elementId });
  if (timer.cycleDuration === null) return;
  const following = nextCycleOccurrence(timer.dueAt.toISOString(), { remaining: timer.remaining, duration: timer.cycleDuration });
  const next = following && catchUp(following.dueAt, following.cycle, step.now);
  if (!next?.cycle) return;
  await step.tx.insert(s).values({
    ...timer, id: newId(), dueAt: new Date(next.dueAt), remaining: next.cycle.remaining, status: 'scheduled', attempts: 0, lastError: null,
  });
}
