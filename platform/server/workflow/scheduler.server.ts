/**
 * Fires due timers. Each timer fires in its own transaction (one durable step). On PostgreSQL
 * several app processes may run this at once: a timer row is claimed with
 * `FOR UPDATE SKIP LOCKED`, so each fires exactly once; on SQLite the single writer serialises
 * the claims. A crash between claim and commit rolls the claim back and the timer fires on the
 * next run. The clock is the app's injected clock: tests advance it instead of sleeping.
 */
import { and, asc, eq, lte, notInArray } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import { stepIn } from './step.server.ts';
import { fireStartTimer } from './start-timers.server.ts';
import { escalateOverdueTasks } from './escalation.server.ts';

/**
 * Fires up to `limit` timers due at the app's current time — those of running instances, then
 * timer start events of published processes — and returns how many fired. A timer whose step
 * fails is skipped for the rest of this run, so it cannot hold up the timers due after it.
 */
export async function fireDueTimers(app: App, limit = 100): Promise<number> {
  let fired = 0;
  for (const kind of ['instance', 'start'] as const) {
    const failing = new Set<string>();
    while (fired < limit) {
      const claim: { id?: string } = {};
      try {
        if (!(await fireOne(app, kind, failing, claim))) break;
        fired++;
      } catch (error) {
        if (!claim.id) throw error;
        failing.add(claim.id);
        await recordFailure(app, kind, claim.id, error);
      }
    }
  }
  return fired;
}

const MAX_TIMER_ATTEMPTS = 5;

type TimerKind = 'instance' | 'start';
const tableOf = (app: App, kind: TimerKind) => (kind === 'instance' ? app.db.t.timers : app.db.t.startTimers) as App['db']['t']['timers'];

/** A timer whose step failed is retried on later runs, then parked as `failed` with its error. */
async function recordFailure(app: App, kind: TimerKind, id: string, error: unknown): Promise<void> {
  const t = tableOf(app, kind);
  await app.db.transaction(async (tx) => {
    const [row] = await tx.select({ attempts: t.attempts }).from(t).where(eq(t.id, id));
    if (!row) return;
    const attempts = row.attempts + 1;
    await tx.update(t).set({ attempts, lastError: String(error instanceof Error ? error.message : error).slice(0, 2000), status: attempts >= MAX_TIMER_ATTEMPTS ? 'failed' : 'scheduled' }).where(eq(t.id, id));
  });
}

/** Claims and fires the earliest due timer not failing in this run; false when none is due. */
async function fireOne(app: App, kind: TimerKind, failing: ReadonlySet<string>, claim: { id?: string }): Promise<boolean> {
  const t = tableOf(app, kind);
  const now = app.now();
  return app.db.transaction(async (tx) => {
    const due = and(eq(t.status, 'scheduled'), lte(t.dueAt, now), failing.size ? notInArray(t.id, [...failing]) : undefined);
    const query = tx.select({ id: t.id, tenantId: t.tenantId }).from(t).where(due).orderBy(asc(t.dueAt), asc(t.id)).limit(1);
    // PostgreSQL: another scheduler's claim is skipped, not waited for (the builders are typed as SQLite's, which has no `.for`).
    const [timer]: { id: string; tenantId: string }[] = app.db.dialect === 'postgres'
      ? await (query as unknown as { for(strength: 'update', options: { skipLocked: true }): Promise<{ id: string; tenantId: string }[]> }).for('update', { skipLocked: true })
      : await query;
    if (!timer) return false;
    claim.id = timer.id;
    // In the claim's transaction: the claim and the step commit together.
    await stepIn(app, tx, timer.tenantId, null, async (step) => {
      if (kind === 'start') {
        const [row] = await tx.select().from(app.db.t.startTimers).where(eq(app.db.t.startTimers.id, timer.id));
        await fireStartTimer(step, row);
        return;
      }
      const [row] = await tx.select({ attempts: t.attempts, instanceId: app.db.t.timers.instanceId }).from(app.db.t.timers).where(eq(app.db.t.timers.id, timer.id));
      await tx.update(t).set({ status: 'fired', attempts: row.attempts + 1 }).where(eq(t.id, timer.id));
      step.enqueue(row.instanceId, { type: 'timer.fire', timerId: timer.id }, true);
    });
    return true;
  });
}

/** Runs `fireDueTimers`, then the overdue-task escalation, every `intervalMs` until the returned stop function is called. */
export function startTimerLoop(app: App, intervalMs = 1000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const handle = setInterval(() => {
    running = running.then(() => fireDueTimers(app)).catch((error: unknown) => console.error('Timer scheduler failed', error))
      .then(() => escalateOverdueTasks(app)).catch((error: unknown) => console.error('Task escalation failed', error));
  }, intervalMs);
  return async () => {
    clearInterval(handle);
    await running;
  };
}
