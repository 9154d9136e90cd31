/**
 * Child process for the kill -9 test: drives `durable` instances step by step through the same
 * code the API uses (one workflow step per transaction) until TARGET instances are completed,
 * printing a line per committed step. The parent kills it at random moments and restarts it.
 */
import { and, asc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { loadConfig } from '../../config.server.ts';
import { openDatabase } from '../../db/database.server.ts';
import { createApp } from '../../app.server.ts';
import { inStep } from '../step.server.ts';
import { fireDueTimers } from '../scheduler.server.ts';
import { runDueJobs } from '../jobs.server.ts';

const target = Number(process.env.DURABLE_TARGET ?? 20);
const tenantId = process.env.DURABLE_TENANT as string;
const databaseUrl = process.env.DURABLE_DATABASE_URL as string;
const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });
const db = await openDatabase(databaseUrl, { pgSchema: process.env.DURABLE_PG_SCHEMA || undefined, poolSize: 2 });
// Each restart runs later than the last (DURABLE_CLOCK_OFFSET_MS): the lease of a job the killed
// worker was running has expired by then, as it would have for the next worker of a real app.
// When nothing else is left to do, the clock jumps to the next timer instead of waiting for it.
let offset = Number(process.env.DURABLE_CLOCK_OFFSET_MS ?? 0);
const app = createApp(config, db, () => new Date(Date.now() + offset));
const { processInstances: pi, tasks: t } = db.t;

const { timers: tm, jobs: jb } = db.t;
for (;;) {
  // Due timers and pending service-task jobs first, each as its own durable step, as the loops of a running app would.
  const [dueTimer] = await db.read.select({ id: tm.id }).from(tm).where(and(eq(tm.tenantId, tenantId), eq(tm.status, 'scheduled'), lte(tm.dueAt, app.now()))).limit(1);
  if (dueTimer) {
    await fireDueTimers(app, 1);
    process.stdout.write('timer\n');
    continue;
  }
  const now = app.now();
  const [pendingJob] = await db.read.select({ id: jb.id }).from(jb).where(and(eq(jb.tenantId, tenantId), lte(jb.runAt, now),
    or(eq(jb.status, 'pending'), and(eq(jb.status, 'running'), or(isNull(jb.lockedUntil), lte(jb.lockedUntil, now)))))).limit(1);
  if (pendingJob) {
    await runDueJobs(app, 1);
    process.stdout.write('job\n');
    continue;
  }
  const instances = await db.read.select({ id: pi.id, status: pi.status }).from(pi).where(eq(pi.tenantId, tenantId));
  const completed = instances.filter((i) => i.status === 'completed').length;
  if (completed >= target) break;
  const [task] = await db.read.select().from(t).where(and(eq(t.tenantId, tenantId), inArray(t.status, ['open', 'claimed']))).orderBy(asc(t.createdAt), asc(t.id)).limit(1);
  const active = instances.length - completed;
  if (!task && instances.length >= target) {
    const [next] = await db.read.select({ dueAt: tm.dueAt }).from(tm).where(and(eq(tm.tenantId, tenantId), eq(tm.status, 'scheduled'))).orderBy(asc(tm.dueAt)).limit(1);
    if (!next) throw new Error('nothing to do, yet not every instance has completed');
    offset += Math.max(0, next.dueAt.getTime() - app.now().getTime());
    continue;
  }
  if (!task || (active < 3 && instances.length < target)) {
    await inStep(app, tenantId, null, (step) => step.start('durable', {}));
    process.stdout.write('started\n');
    continue;
  }
  await inStep(app, tenantId, null, async (step) => {
    const closed = await step.tx.update(t).set({ status: 'completed', completedAt: step.now }).where(and(eq(t.id, task.id), inArray(t.status, ['open', 'claimed']))).returning({ id: t.id });
    if (closed.length) await step.deliver(task.instanceId, { type: 'task.complete', taskId: task.id }, false);
  });
  process.stdout.write(`completed ${task.elementId}\n`);
}
await db.close();
process.stdout.write('done\n');
