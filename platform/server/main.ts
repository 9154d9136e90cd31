/**
 * `npm start`: build the web app if needed, open the database (applying migrations), seed the
 * demo city into an empty database (demo mode), and serve on PORT — in this process, or in
 * `WEB_CONCURRENCY` cluster workers sharing the port (cluster/cluster.server.ts).
 * `npm run dev`: the same with Vite's dev server for the web app (always one process).
 */
import cluster from 'node:cluster';
import { loadConfig, type AppConfig } from './config.server.ts';
import { openDatabase } from './db/database.server.ts';
import { createApp } from './app.server.ts';
import { seedDemo } from './seed/demo.server.ts';
import { describeDemoActivity, seedDemoActivity } from './seed/demo-activity.server.ts';
import { buildIfNeeded } from './http/web-build.server.ts';
import { reportListening, superviseWorkers, workerRole } from './cluster/cluster.server.ts';
import { serve, type PagesMode } from './serve.server.ts';

function banner(config: AppConfig, dialect: string, workers: number): void {
  const processes = workers > 1 ? `, ${workers} worker processes` : '';
  console.log(`\nTongguan 统管 is running: http://localhost:${config.port}  (database: ${dialect}, mode: ${config.mode}${processes})`);
  if (config.mode === 'demo') {
    console.log(`Demo logins (password: ${config.demoPassword === 'Demo@2026' ? 'Demo@2026, set DEMO_PASSWORD to change' : 'from DEMO_PASSWORD'}):`);
    console.log('  admin (市级管理员) · auditor (审计员) · dh.admin / xl.admin (区级管理员) · cc.dispatcher1 (派遣员) · dh.inspector1 (监督员)');
    console.log('  All demo accounts: seeds/README.md');
  }
}

function onSignals(stop: () => Promise<void>): void {
  let once = false;
  const shutdown = () => {
    if (once) return;
    once = true;
    void stop().catch((error: unknown) => console.error('Shutdown failed', error)).finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** A cluster worker: the primary migrated and seeded already. */
async function runWorker(config: AppConfig): Promise<void> {
  const role = workerRole();
  const db = await openDatabase(config.databaseUrl, { migrate: false, checkpoint: role !== 'follower' });
  const serving = await serve(config, db, { role, pages: 'start' });
  onSignals(serving.stop);
  reportListening();
}

async function main(): Promise<void> {
  const config = loadConfig();
  if (cluster.isWorker) return runWorker(config);
  const mode: PagesMode = process.argv[2] === 'dev' ? 'dev' : 'start';
  if (mode === 'start') buildIfNeeded();
  const db = await openDatabase(config.databaseUrl);
  const app = createApp(config, db);
  if (config.mode === 'demo') {
    const seeded = await seedDemo(app);
    if (seeded) console.log(`Seeded the demo city: ${JSON.stringify(seeded.inserted)}`);
    if (seeded && config.demoActivity) {
      // Five weeks of the city's life, so that every indicator has a value; a failure leaves the city seeded, without history.
      await seedDemoActivity(app).then(
        (activity) => activity && console.log(describeDemoActivity(activity)),
        (error: unknown) => console.error('Seeding the demo city\'s activity failed; the city is seeded without it', error),
      );
    }
  }
  const workers = mode === 'start' ? config.webConcurrency : 1;
  if (workers > 1) {
    const { dialect } = db;
    await db.close();
    const supervisor = superviseWorkers(workers);
    onSignals(() => supervisor.stop());
    await supervisor.ready;
    banner(config, dialect, workers);
    return;
  }
  const serving = await serve(config, db, { role: 'single', pages: mode, app, onListening: () => banner(config, db.dialect, 1) });
  onSignals(serving.stop);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
