/**
 * The platform as `npm start` wires it (serve.server.ts) — configuration, database with
 * migrations, demo seed, plugins, background work, the production HTTP server, in
 * WEB_CONCURRENCY cluster workers when set — minus the web-app page handler, which `/api/*`
 * never reaches, so it needs no web build. For the API benchmark and the cluster tests, run as
 * its own process. Listens on API_SERVER_PORT (0 = any; a cluster needs a fixed one) and prints
 * `{"port":…}` on stdout once every worker listens. API_SERVER_PG_SCHEMA isolates a run on a
 * shared PostgreSQL database (the parent drops the schema afterwards).
 * API_SERVER_CPU_PROFILE=<file> samples the CPU of a single process from the moment it listens
 * (seeding excluded) and writes the profile on SIGTERM.
 */
import cluster from 'node:cluster';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.server.ts';
import { openDatabase } from '../db/database.server.ts';
import { createApp } from '../app.server.ts';
import { seedDemo } from '../seed/demo.server.ts';
import { reportListening, superviseWorkers, workerRole } from '../cluster/cluster.server.ts';
import { serve } from '../serve.server.ts';

const config = loadConfig();
const pgSchema = process.env.API_SERVER_PG_SCHEMA || undefined;
const port = Number(process.env.API_SERVER_PORT ?? 0);
const report = (listening: number) => process.stdout.write(`${JSON.stringify({ port: listening })}\n`);

if (cluster.isPrimary) {
  const db = await openDatabase(config.databaseUrl, { pgSchema });
  await seedDemo(createApp(config, db));
  if (config.webConcurrency > 1) {
    await db.close();
    if (!port) throw new Error('WEB_CONCURRENCY > 1 needs API_SERVER_PORT: the workers share one port');
    const supervisor = superviseWorkers(config.webConcurrency, () => undefined);
    process.on('SIGTERM', () => void supervisor.stop().finally(() => process.exit(0)));
    await supervisor.ready;
    report(port);
  } else {
    const profileFile = process.env.API_SERVER_CPU_PROFILE;
    const serving = await serve(config, db, { role: 'single', pages: 'none', port });
    const profiler = profileFile ? new Session() : undefined;
    if (profiler) {
      profiler.connect();
      await profiler.post('Profiler.enable');
      await profiler.post('Profiler.start');
    }
    report((serving.server.address() as AddressInfo).port);
    process.on('SIGTERM', () => {
      void (async () => {
        if (profiler && profileFile) writeFileSync(profileFile, JSON.stringify((await profiler.post('Profiler.stop')).profile));
        await serving.stop();
        process.exit(0);
      })();
    });
  }
} else {
  const role = workerRole();
  const db = await openDatabase(config.databaseUrl, { pgSchema, migrate: false, checkpoint: role !== 'follower' });
  const serving = await serve(config, db, { role, pages: 'none', port });
  process.on('SIGTERM', () => void serving.stop().finally(() => process.exit(0)));
  reportListening();
}
