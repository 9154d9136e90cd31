/**
 * The platform side of the workflow benchmark, one process per database configuration: opens
 * the database (SQLite file with the `synchronous` pragma asked for, or a private schema on
 * PostgreSQL), seeds the demo city, publishes both benchmark models through the definitions
 * service, then answers the parent's commands. BENCH_CPU_PROFILE=<file> samples the CPU from
 * the first command on and writes the profile when told to exit.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { loadConfig } from '../server/config.server.ts';
import { openDatabase } from '../server/db/database.server.ts';
import { createApp, type Actor } from '../server/app.server.ts';
import { seedDemo } from '../server/seed/demo.server.ts';
import { resolvePrincipal } from '../server/auth/principal.server.ts';
import { createDraft, publishDefinition } from '../server/services/definitions.server.ts';
import { MODEL_XML, PROCESS_KEYS, type Workload } from './workflow-models.ts';
import { closedLoop, serveCommands } from './workflow-protocol.ts';
import { createDriver } from './workflow-drivers.ts';

const env = z.object({
  BENCH_DATABASE_URL: z.string().min(1),
  BENCH_SYNCHRONOUS: z.enum(['NORMAL', 'FULL']).default('NORMAL'),
  BENCH_PG_SCHEMA: z.string().optional(),
  BENCH_POOL_SIZE: z.coerce.number().int().min(1).default(10),
  BENCH_LATENCY_DRIVERS: z.coerce.number().int().min(1).default(4),
  BENCH_CPU_PROFILE: z.string().optional(),
  BENCH_PATH: z.enum(['step', 'service']).default('step'),
}).parse(process.env);

const PASSWORD = 'Bench@Pass2026';
const config = loadConfig({ NODE_ENV: 'production', TONGGUAN_MODE: 'demo', DEMO_PASSWORD: PASSWORD, DATABASE_URL: env.BENCH_DATABASE_URL });
const db = await openDatabase(env.BENCH_DATABASE_URL, { synchronous: env.BENCH_SYNCHRONOUS, pgSchema: env.BENCH_PG_SCHEMA || undefined, poolSize: env.BENCH_POOL_SIZE });
const app = createApp(config, db);
await seedDemo(app);

const u = db.t.users;
const [admin] = await db.read.select({ id: u.id, tenantId: u.tenantId, username: u.username, displayName: u.displayName, authVersion: u.authVersion })
  .from(u).where(eq(u.username, 'admin'));
if (!admin) throw new Error('the demo seed has no admin');
const actor: Actor = {
  principal: await resolvePrincipal(db, app.principals, admin, 'system', null),
  meta: { ip: null, userAgent: 'tongguan-bench' },
  locale: 'zh-CN',
};
for (const workload of Object.keys(PROCESS_KEYS) as Workload[]) {
  const draft = await createDraft(app, actor, { kind: 'process', key: PROCESS_KEYS[workload], name: `基准 ${workload}`, content: { xml: MODEL_XML[workload]() } });
  await publishDefinition(app, actor, draft.id, { comment: 'benchmark' });
}

const driver = createDriver(app, actor, env.BENCH_PATH);
const profiler = env.BENCH_CPU_PROFILE ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}

serveCommands(async (cmd) => {
  switch (cmd.type) {
    case 'throughput':
      return closedLoop(cmd.drivers, cmd.seconds, () => driver.runInstance(cmd.workload));
    case 'latency':
      return driver.latency(cmd.stepsPerSecond, cmd.seconds, env.BENCH_LATENCY_DRIVERS);
    case 'verify':
      return { type: 'verifyAll', results: [await driver.verify('sequential'), await driver.verify('parallel')] };
    case 'exit':
      if (profiler && env.BENCH_CPU_PROFILE) writeFileSync(env.BENCH_CPU_PROFILE, JSON.stringify((await profiler.post('Profiler.stop')).profile));
      await db.close();
      return undefined;
  }
});
