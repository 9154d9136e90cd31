/**
 * One app process serving: the App on an open database, its plugins, the HTTP server and — unless
 * it is a cluster follower — the background work. `npm start`/`npm run dev` (main.ts) and the
 * API benchmark wire the platform through here, so they run what production runs.
 */
import { join } from 'node:path';
import type { Server } from 'node:http';
import { createRequestListener } from '@react-router/node';
import type { ServerBuild } from 'react-router';
import type { AppConfig } from './config.server.ts';
import type { Database } from './db/database.server.ts';
import { createApp, type App } from './app.server.ts';
import { startTimerLoop } from './workflow/scheduler.server.ts';
import { startJobLoop } from './workflow/jobs.server.ts';
import { startIndicatorLoop } from './indicators/schedule.server.ts';
import { startTelemetryLoop } from './devices/rollups.server.ts';
import { startAlarmLoop } from './alarms/engine.server.ts';
import { startDeliveryLoop } from './notify/deliveries.server.ts';
import { createHttpServer, type PageHandler } from './http/server.server.ts';
import { loadPlugins } from './plugins/host.server.ts';
import { createLoadContext } from './http/load-context.server.ts';
import { purgeExpiredSessions } from './auth/auth.server.ts';
import { BUILD_DIR, PLATFORM_DIR } from './http/web-build.server.ts';
import type { WorkerRole } from './cluster/cluster.server.ts';

export type PagesMode = 'start' | 'dev' | 'none';

async function pagesFor(app: App, mode: PagesMode): Promise<{ pages?: PageHandler; clientDir?: string }> {
  if (mode === 'none') return {};
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

/** The loops of one deployment; run by exactly one process (the single one, or the cluster's leader). */
function startBackground(app: App, config: AppConfig): () => Promise<void> {
  const sweeper = setInterval(() => void purgeExpiredSessions(app).catch((e: unknown) => console.error('Session purge failed', e)), 10 * 60_000);
  sweeper.unref();
  const stops = [
    startTimerLoop(app),
    startJobLoop(app),
    config.indicatorIntervalMs > 0 ? startIndicatorLoop(app, config.indicatorIntervalMs) : async () => {},
    startTelemetryLoop(app, 60_000, config.telemetryRetentionDays),
    startAlarmLoop(app, 30_000),
    startDeliveryLoop(app, 10_000),
  ];
  return async () => {
    clearInterval(sweeper);
    await Promise.all(stops.map((stop) => stop()));
  };
}

export interface Serving {
  readonly app: App;
  readonly server: Server;
  /** Closes the server, stops the loops and plugins, flushes telemetry and closes the database. */
  stop(): Promise<void>;
}

export interface ServeOptions {
  readonly role: WorkerRole;
  readonly pages: PagesMode;
  /** Port to listen on (0 = any); default the configured PORT. */
  readonly port?: number;
  /** Called once listening, after the leader's plugins started (or failed to: see 插件管理). */
  readonly onListening?: (serving: Serving) => void;
  /** The App to serve (e.g. the one that seeded the demo); default a new one on `db`. */
  readonly app?: App;
}

export async function serve(config: AppConfig, db: Database, options: ServeOptions): Promise<Serving> {
  const app = options.app ?? createApp(config, db);
  const plugins = await loadPlugins(app);
  const { pages, clientDir } = await pagesFor(app, options.pages);
  const server = createHttpServer(app, { pages, clientDir });
  // Followers only serve: the plugins' protocols and jobs (embedded broker, simulator) run once, in the leader.
  const background = options.role === 'follower' ? undefined : startBackground(app, config);
  let stopping: Promise<void> | undefined;
  const serving: Serving = {
    app,
    server,
    stop: () => (stopping ??= (async () => {
      // No new connections; idle keep-alives go now, requests in flight get a few seconds to finish.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 5000);
      force.unref();
      await closed;
      clearTimeout(force);
      // The leader's delivery loop stops the sender; a follower may have sends in flight from its own commits.
      await Promise.all([background ? background() : app.deliveries.stop(), plugins.stop()]);
      await app.telemetry.close();
      await db.close();
    })()),
  };
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? config.port, config.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  if (options.role !== 'follower') {
    await plugins.start().catch((error: unknown) => console.error('Starting plugins failed', error));
    const failed = plugins.list().filter((p) => p.status === 'failed');
    console.log(`Plugins: ${plugins.list().filter((p) => p.status === 'active').map((p) => p.id).join(', ') || 'none'}${failed.length ? `; not loaded: ${failed.map((p) => `${p.id} (${p.error})`).join('; ')}` : ''}`);
  }
  options.onListening?.(serving);
  return serving;
}
