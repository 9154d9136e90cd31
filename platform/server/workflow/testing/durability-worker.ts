/**
 * Child process for the kill -9 test: drives `durable` instances step by step through the same
 * code the API uses (one workflow step per transaction) until TARGET instances are completed,
 * printing a line per committed step. The parent kills it at random moments and restarts it.
 */
import { and, asc, eq, inArray } from 'drizzle-orm';
import { loadConfig } from '../../config.server.ts';
import { openDatabase } from '../../db/database.server.ts';
import { createApp } from '../../app.server.ts';
import { inStep } from '../step.server.ts';

const target = Number(process.env.DURABLE_TARGET ?? 20);
const tenantId = process.env.DURABLE_TENANT as string;
const databaseUrl = process.env.DURABLE_DATABASE_URL as string;
const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: databaseUrl });
const db = await openDatabase(databaseUrl, { pgSchema: process.env.DURABLE_PG_SCHEMA || undefined, poolSize: 2 });
const app = createApp(config, db);
const { processInstances: pi, tasks: t } = db.t;

for (;;) {
  const instances = await db.read.select({ id: pi.id, status: pi.status }).from(pi).where(eq(pi.tenantId, tenantId));
  const completed = instances.filter((i) => i.status === 'completed').length;
  if (completed >= target) break;
  const [task] = await db.read.select().from(t).where(and(eq(t.tenantId, tenantId), inArray(t.status, ['open', 'claimed']))).orderBy(asc(t.createdAt), asc(t.id)).limit(1);
  const active = instances.length - completed;
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
