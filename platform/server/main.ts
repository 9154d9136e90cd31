/**
 * `npm start`: build the web app if needed, open the database (applying migrations), seed the
 * demo city into an empty database (demo mode), and serve on PORT.
 * `npm run dev`: the same with Vite's dev server for the web app.
 */
import { join } from 'node:path';
import { createRequestListener } from '@react-router/node';
import type { ServerBuild } from 'react-router';
import { loadConfig } from './config.server.ts';
import { openDatabase } from './db/database.server.ts';
import { createApp, type App } from './app.server.ts';
import { startTimerLoop } from './workflow/scheduler.server.ts';
import { startJobLoop } from './workflow/jobs.server.ts';
import { startIndicatorLoop } from './indicators/schedule.server.ts';
import { startTelemetryLoop } from './devices/rollups.server.ts';
import { startAlarmLoop } from './alarms/engine.server.ts';
import { createHttpServer, type PageHandler } from './http/server.server.ts';
import { seedDemo } from './seed/demo.server.ts';
import { loadPlugins } from './plugins/host.server.ts';
import { createLoadContext } from './http/load-context.server.ts';
import { purgeExpiredSessions } from './auth/auth.server.ts';
import { BUILD_DIR, PLATFORM_DIR, buildIfNeeded } from './http/web-build.server.ts';

async function pagesFor(app: App, mode: 'start' | 'dev'): Promise<{ pages: PageHandler; clientDir?: string }> {
  if (mode === 'dev') {
    const vite = await import('vite');
    const devServer = await vite.createServer({ root: PLATFORM_DIR, server: { middlewareMode: true } });
    const listener = createRequestListener({
      build: () => devServer.ssrLoadModule('virtual:react-router/server-build') as Promise<ServerBuild>,
      mode: 'development',
      getLoadContext: (request, client) => createLoadContext(app, request, client.address),
    });
    return { pages: (req, res) => devServer.middlewares(req, res, () => listener(req, res)) };
  }
  const build = (await import(join(BUILD_DIR, 'server', 'index.js'))) as ServerBuild;
  const listener = createRequestListener({
    build,
    mode: 'production',
    getLoadContext: (request, client) => createLoadContext(app, request, client.address),
  });
  return { pages: listener, clientDir: join(BUILD_DIR, 'client') };
}

async function main(): Promise<void> {
  const mode = process.argv[2] === 'dev' ? 'dev' : 'start';
  const config = loadConfig();
  if (mode === 'start') buildIfNeeded();
  const db = await openDatabase(config.databaseUrl);
  const app = createApp(config, db);
  if (config.mode === 'demo') {
    const seeded = await seedDemo(app);
    if (seeded) console.log(`Seeded the demo city: ${JSON.stringify(seeded.inserted)}`);
  }
  const plugins = await loadPlugins(app);
  const { pages, clientDir } = await pagesFor(app, mode);
  const server = createHttpServer(app, { pages, clientDir });
  const sweeper = setInterval(() => void purgeExpiredSessions(app).catch((e: unknown) => console.error('Session purge failed', e)), 10 * 60_000);
  sweeper.unref();
  const stopTimers = startTimerLoop(app);
  const stopJobs = startJobLoop(app);
  const stopIndicators = config.indicatorIntervalMs > 0 ? startIndicatorLoop(app, config.indicatorIntervalMs) : async () => {};
  const stopTelemetry = startTelemetryLoop(app, 60_000, config.telemetryRetentionDays);
  const stopAlarms = startAlarmLoop(app, 30_000);
  server.listen(config.port, config.host, () => {
    console.log(`\nTongguan 统管 is running: http://localhost:${config.port}  (database: ${db.dialect}, mode: ${config.mode})`);
    if (config.mode === 'demo') {
      console.log(`Demo logins (password: ${config.demoPassword === 'Demo@2026' ? 'Demo@2026, set DEMO_PASSWORD to change' : 'from DEMO_PASSWORD'}):`);
      console.log('  admin (市级管理员) · auditor (审计员) · dh.admin / xl.admin (区级管理员) · cc.dispatcher1 (派遣员) · dh.inspector1 (监督员)');
      console.log('  All demo accounts: seeds/README.md');
    }
    const failed = plugins.list().filter((p) => p.status === 'failed');
    console.log(`Plugins: ${plugins.list().filter((p) => p.status === 'active').map((p) => p.id).join(', ') || 'none'}${failed.length ? `; not loaded: ${failed.map((p) => `${p.id} (${p.error})`).join('; ')}` : ''}`);
    void plugins.start().catch((error: unknown) => console.error('Starting plugins failed', error));
  });
  const shutdown = () => {
    server.close();
    void Promise.all([stopTimers(), stopJobs(), stopIndicators(), stopTelemetry(), stopAlarms(), plugins.stop()]).then(() => app.telemetry.close()).then(() => db.close()).finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
