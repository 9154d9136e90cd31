/**
 * Fires due timers. Each timer fires in its own transaction (one durable step). On PostgreSQL
 * several app processes may run this at once: a timer row is claimed with
 * `FOR UPDATE SKIP LOCKED`, so each fires exactly once; on SQLite the single writer serialises
 * the claims. A crash between claim and commit rolls the claim back and the timer fires on the
 * next run. The clock is the app's injected clock: tests advance it instead of sleeping.
 */
import { and, asc, eq, lte, sql } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import { inStep } from './step.server.ts';

type TimerRow = App['db']['t']['timers']['$inferSelect'];

/** Fires up to `limit` timers due at the app's current time; returns how many fired. */
export async function fireDueTimers(app: App, limit = 100): Promise<number> {
  let fired = 0;
  const failing = new Set<string>();
  while (fired < limit) {
    const outcome = await fireOne(app, failing).catch(async (error: unknown) => {
      await recordFailure(app, error, failing);
      return 'failed' as const;
    });
    if (outcome === 'none') break;
    if (outcome === 'fired') fired++;
  }
  return fired;
}

const MAX_TIMER_ATTEMPTS = 5;
let lastClaimed: string | undefined;

/** A timer whose step fails is retried on later runs, then parked as `failed` with its error. */
async function recordFailure(app: App, error: unknown, failing: Set<string>): Promise<void> {
  const id = lastClaimed;
  if (!id) throw error;
  failing.add(id);
  const t = app.db.t.timers;
  await app.db.transaction(async (tx) => {
    const [row] = await tx.select().from(t).where(eq(t.id, id));
    if (!row) return;
    const attempts = row.attempts + 1;
    await tx.update(t).set({ attempts, lastError: String(error instanceof Error ? error.message : error).slice(0, 2000), status: attempts >= MAX_TIMER_ATTEMPTS ? 'failed' : 'scheduled' }).where(eq(t.id, id));
  });
}

async function fireOne(app: App, failing: Set<string>): Promise<'fired' | 'none'> {
  const t = app.db.t.timers;
  const now = app.now();
  return app.db.transaction(async (tx) => {
    let timer: TimerRow | undefined;
    if (app.db.dialect === 'postgres') {
      const result = await (tx as unknown as { execute(q: ReturnType<typeof sql>): Promise<{ rows: { id: string }[] }> }).execute(
        sql`select id from timers where status = 'scheduled' and due_at <= ${now.toISOString()} order by due_at limit 1 for update skip locked`,
      );
      const id = result.rows[0]?.id;
      if (id) [timer] = await tx.select().from(t).where(eq(t.id, id));
    } else {
      [timer] = await tx.select().from(t).where(and(eq(t.status, 'scheduled'), lte(t.dueAt, now))).orderBy(asc(t.dueAt)).limit(1);
    }
    if (!timer || failing.has(timer.id)) return 'none';
    const claimed = timer;
    lastClaimed = claimed.id;
    await tx.update(t).set({ status: 'fired', attempts: claimed.attempts + 1 }).where(eq(t.id, claimed.id));
    // Joins the surrounding transaction: the claim and the step commit together.
    await inStep(app, claimed.tenantId, null, async (step) => {
      step.enqueue(claimed.instanceId, { type: 'timer.fire', timerId: claimed.id }, true);
    });
    return 'fired' as const;
  });
}

/** Runs `fireDueTimers` every `intervalMs` until the returned stop function is called. */
export function startTimerLoop(app: App, intervalMs = 1000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const handle = setInterval(() => {
    running = running.then(() => fireDueTimers(app)).catch((error: unknown) => console.error('Timer scheduler failed', error));
  }, intervalMs);
  return async () => {
    clearInterval(handle);
    await running;
  };
}
