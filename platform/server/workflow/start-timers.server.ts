/**
 * Timer start events (定时启动): a published process whose start event is a timer gets a row in
 * `start_timers` in the transaction that publishes it; publishing a newer version of the key
 * withdraws the older version's rows (the latest version takes over), retiring withdraws the
 * version's own. The scheduler (scheduler.server.ts) fires due rows: each starts an instance at
 * that start event in one durable step and, for a cycle, schedules the next occurrence in the
 * same transaction.
 */
import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { nextCycleOccurrence, startTimerSchedule } from '@tongguan/runtime/bpmn/engine/index';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { modelOf } from './process-models.server.ts';
import type { WorkflowStep } from './step.server.ts';

type StartTimerRow = App['db']['t']['startTimers']['$inferSelect'];

interface PublishedProcess {
  id: string;
  tenantId: string;
  key: string;
  content: unknown;
}

/** Schedules the first occurrence of each timer start event of a version being published. */
export async function scheduleStartTimers(app: App, tx: Db, definition: PublishedProcess): Promise<void> {
  const s = app.db.t.startTimers;
  await tx.update(s).set({ status: 'cancelled' })
    .where(and(eq(s.tenantId, definition.tenantId), eq(s.processKey, definition.key), ne(s.definitionId, definition.id), eq(s.status, 'scheduled')));
  const model = await modelOf(app, definition);
  for (const startEventId of model.root.startEventIds) {
    const node = model.nodes.get(startEventId);
    if (node?.kind !== 'startEvent' || node.event.kind !== 'timer') continue;
    const { dueAt, cycle } = startTimerSchedule(model, startEventId, { now: app.now(), newId: randomUUID });
    await tx.insert(s).values({
      id: randomUUID(), tenantId: definition.tenantId, definitionId: definition.id, processKey: definition.key, elementId: startEventId,
      dueAt: new Date(dueAt), cycleDuration: cycle?.duration ?? null, remaining: cycle ? cycle.remaining : null, status: 'scheduled', attempts: 0,
    });
  }
}

/** A retired version starts no more instances. */
export async function withdrawStartTimers(app: App, tx: Db, definitionId: string): Promise<void> {
  const s = app.db.t.startTimers;
  await tx.update(s).set({ status: 'cancelled' }).where(and(eq(s.definitionId, definitionId), eq(s.status, 'scheduled')));
}

/** Fires one claimed start timer inside the step: starts the instance, schedules the cycle's next occurrence. */
export async function fireStartTimer(step: WorkflowStep, timer: StartTimerRow): Promise<void> {
  const s = step.app.db.t.startTimers;
  await step.tx.update(s).set({ status: 'fired', attempts: timer.attempts + 1 }).where(eq(s.id, timer.id));
  await step.start(timer.processKey, { definitionId: timer.definitionId, startEventId: timer.elementId });
  if (timer.cycleDuration === null) return;
  const next = nextCycleOccurrence(timer.dueAt.toISOString(), { remaining: timer.remaining, duration: timer.cycleDuration });
  if (!next) return;
  await step.tx.insert(s).values({
    ...timer, id: randomUUID(), dueAt: new Date(next.dueAt), remaining: next.cycle.remaining, status: 'scheduled', attempts: 0, lastError: null,
  });
}
