/**
 * Runs service-task jobs (the outbox the engine's `service.requested` effects fill). A job is
 * claimed in one transaction (PostgreSQL: `FOR UPDATE SKIP LOCKED`, so several processes can
 * work the queue), its handler runs with no transaction open, and its outcome is reported to
 * the engine in a second transaction — unless the instance has moved on meanwhile (the job was
 * cancelled by an interrupting event), in which case the result is dropped. A claim carries a
 * lease: if the process dies mid-call the job becomes claimable again when the lease ends.
 * Technical failures are retried with backoff; after MAX_ATTEMPTS the job is parked as
 * `failed` (an incident) and the instance keeps waiting.
 */
import { and, asc, eq, inArray, lte, or, isNull, sql } from 'drizzle-orm';
import type { JsonValue } from '@tongguan/runtime/bpmn/engine/contract';
import type { App } from '../app.server.ts';
import { inStep } from './step.server.ts';
import { isBpmnError } from './service-tasks.server.ts';

type JobRow = App['db']['t']['jobs']['$inferSelect'];

const LEASE_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;
const backoffMs = (attempts: number) => Math.min(60 * 60_000, 10_000 * 2 ** (attempts - 1));

/** Runs up to `limit` due jobs one after another; returns how many were handled. */
export async function runDueJobs(app: App, limit = 50): Promise<number> {
  let handled = 0;
  for (; handled < limit; handled++) {
    const job = await claim(app);
    if (!job) break;
    await runClaimed(app, job);
  }
  return handled;
}

async function claim(app: App): Promise<JobRow | undefined> {
  const j = app.db.t.jobs;
  const now = app.now();
  const due = and(lte(j.runAt, now), or(eq(j.status, 'pending'), and(eq(j.status, 'running'), or(isNull(j.lockedUntil), lte(j.lockedUntil, now)))));
  return app.db.transaction(async (tx) => {
    let job: JobRow | undefined;
    if (app.db.dialect === 'postgres') {
      const result = await (tx as unknown as { execute(q: ReturnType<typeof sql>): Promise<{ rows: { id: string }[] }> }).execute(sql`
        select id from jobs where run_at <= ${now.toISOString()}
          and (status = 'pending' or (status = 'running' and (locked_until is null or locked_until <= ${now.toISOString()})))
        order by run_at limit 1 for update skip locked`);
      const id = result.rows[0]?.id;
      if (id) [job] = await tx.select().from(j).where(eq(j.id, id));
    } else {
      [job] = await tx.select().from(j).where(due).orderBy(asc(j.runAt)).limit(1);
    }
    if (!job) return undefined;
    const lockedUntil = new Date(now.getTime() + LEASE_MS);
    await tx.update(j).set({ status: 'running', lockedUntil, attempts: job.attempts + 1 }).where(eq(j.id, job.id));
    return { ...job, status: 'running' as const, lockedUntil, attempts: job.attempts + 1 };
  });
}

async function runClaimed(app: App, job: JobRow): Promise<void> {
  const handler = app.serviceTasks.get(job.serviceType);
  let outcome: { result?: JsonValue } | { errorCode: string; message: string } | { failure: string };
  if (!handler) {
    outcome = { failure: `no handler registered for service type "${job.serviceType}"` };
  } else {
    try {
      const config = handler.configSchema.parse(job.config);
      const result = await handler.run({
        jobId: job.id, tenantId: job.tenantId, instanceId: job.instanceId, elementId: job.elementId, config, variables: job.variables as Record<string, JsonValue>,
      });
      outcome = { result };
    } catch (error) {
      outcome = isBpmnError(error)
        ? { errorCode: error.errorCode, message: error.message }
        : { failure: error instanceof Error ? error.message : String(error) };
    }
  }
  await report(app, job, outcome);
}

async function report(app: App, job: JobRow, outcome: { result?: JsonValue } | { errorCode: string; message: string } | { failure: string }): Promise<void> {
  const j = app.db.t.jobs;
  const now = app.now();
  if ('failure' in outcome) {
    const parked = job.attempts >= MAX_ATTEMPTS;
    await app.db.transaction((tx) => tx.update(j).set({
      status: parked ? 'failed' : 'pending', lastError: outcome.failure.slice(0, 2000), lockedUntil: null,
      runAt: parked ? job.runAt : new Date(now.getTime() + backoffMs(job.attempts)), finishedAt: parked ? now : null,
    }).where(and(eq(j.id, job.id), eq(j.status, 'running'))));
    return;
  }
  await inStep(app, job.tenantId, null, async (step) => {
    // Only the claimant of a still-running job reports: a cancelled job's result is dropped.
    const closed = await step.tx.update(j).set({ status: 'done', finishedAt: now, lockedUntil: null })
      .where(and(eq(j.id, job.id), inArray(j.status, ['running']))).returning({ id: j.id });
    if (closed.length === 0) return;
    step.enqueue(job.instanceId, 'errorCode' in outcome
      ? { type: 'service.fail', jobId: job.id, errorCode: outcome.errorCode, message: outcome.message }
      : { type: 'service.complete', jobId: job.id, result: outcome.result ?? null }, true);
  });
}

/** Runs `runDueJobs` every `intervalMs` until the returned stop function is called. */
export function startJobLoop(app: App, intervalMs = 1000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const handle = setInterval(() => {
    running = running.then(() => runDueJobs(app)).catch((error: unknown) => console.error('Job worker failed', error));
  }, intervalMs);
  return async () => {
    clearInterval(handle);
    await running;
  };
}
