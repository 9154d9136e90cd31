/**
 * The platform as `npm start` wires it — configuration, database with migrations, demo seed,
 * the production HTTP server — minus the web-app page handler, which `/api/*` never reaches.
 * Listens on an ephemeral port and reports it on stdout. BENCH_PG_SCHEMA isolates a run on a
 * shared PostgreSQL database (the parent drops the schema afterwards). BENCH_CPU_PROFILE=<file>
 * samples the CPU from the moment it listens (seeding excluded) and writes the profile on SIGTERM.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../server/config.server.ts';
import { openDatabase } from '../server/db/database.server.ts';
import { createApp } from '../server/app.server.ts';
import { createHttpServer } from '../server/http/server.server.ts';
import { seedDemo } from '../server/seed/demo.server.ts';

const config = loadConfig();
const db = await openDatabase(config.databaseUrl, { pgSchema: process.env.BENCH_PG_SCHEMA || undefined });
const app = createApp(config, db);
await seedDemo(app);
const server = createHttpServer(app, {});
const profileFile = process.env.BENCH_CPU_PROFILE;
const profiler = profileFile ? new Session() : undefined;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(async () => {
    if (profiler && profileFile) writeFileSync(profileFile, JSON.stringify((await profiler.post('Profiler.stop')).profile));
    await db.close();
    process.exit(0);
  });
});
