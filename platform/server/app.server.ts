/**
 * The application object handed to every service, API handler and route loader (through React
 * Router's load context). Holds the world: configuration, database, clock, caches, registries.
 */
import type { AppConfig } from './config.server.ts';
import type { Database } from './db/database.server.ts';
import type { Principal } from './auth/principal.server.ts';
import type { RequestMeta } from './audit/audit.server.ts';
import type { Locale } from '../shared/i18n/index.ts';
import { PrincipalCache } from './auth/principal.server.ts';
import { BearerCache } from './auth/bearer-cache.server.ts';
import { ServiceTaskRegistry } from './workflow/service-tasks.server.ts';
import { notifyHandler } from './workflow/notify.server.ts';
import { DiskFileStorage, type FileStorage } from './storage/file-storage.server.ts';
import { DeviceDirectory } from './devices/directory.server.ts';
import { TelemetryPipeline } from './devices/ingest.server.ts';
import { PluginHost } from './plugins/host.server.ts';
import { AlarmEngine } from './alarms/engine.server.ts';
import { NotifyTransportRegistry } from './notify/transports.server.ts';
import { DeliveryWorker } from './notify/deliveries.server.ts';
import { createDefaultRegistry, type FunctionRegistry } from '@tongguan/runtime/expr/index';
import { ClusterBus } from './cluster/bus.server.ts';

export interface App {
  readonly config: AppConfig;
  readonly db: Database;
  /** Injected clock: tests move time without sleeping. */
  now(): Date;
  readonly principals: PrincipalCache;
  readonly bearers: BearerCache;
  /** Messages to the other app processes of this deployment (cluster workers); local-only in one process. */
  readonly bus: ClusterBus;
  /** Handlers of BPMN service tasks by `tg:type` (registered by plugins). */
  readonly serviceTasks: ServiceTaskRegistry;
  /** Uploaded files (case photos), behind a seam an object store can implement. */
  readonly files: FileStorage;
  /** Devices and their types in memory, for ingestion. */
  readonly devices: DeviceDirectory;
  /** The one telemetry ingestion pipeline every transport feeds (close it before the database). */
  readonly telemetry: TelemetryPipeline;
  /** Expression functions: the built-ins plus those plugins register. */
  readonly functions: FunctionRegistry;
  /** Loaded plugins, their status and what they registered. */
  readonly plugins: PluginHost;
  /** Alarm rules judging stored telemetry and the passing of time (docs/alarms.md). */
  readonly alarms: AlarmEngine;
  /** Notification channels beyond 站内消息 by id (registered by plugins: the notify plugin's sms, wecom). */
  readonly notifyTransports: NotifyTransportRegistry;
  /** Sends queued notification deliveries after commit (stop it before the database closes). */
  readonly deliveries: DeliveryWorker;
}

/** Who is acting, from where: passed to every service call. */
export interface Actor {
  readonly principal: Principal;
  readonly meta: RequestMeta;
  readonly locale: Locale;
}

export function createApp(config: AppConfig, db: Database, now: () => Date = () => new Date()): App {
  const devices = new DeviceDirectory(db, () => now().getTime());
  const bus = new ClusterBus();
  const app: App = {
    config, db, now, principals: new PrincipalCache(), bearers: new BearerCache(config.apiTokenCacheMs, bus), bus, serviceTasks: new ServiceTaskRegistry(),
    files: new DiskFileStorage(config.filesDir), devices, telemetry: new TelemetryPipeline(db, devices, () => now().getTime()),
    functions: createDefaultRegistry(), plugins: undefined as unknown as PluginHost, alarms: undefined as unknown as AlarmEngine,
    notifyTransports: new NotifyTransportRegistry(), deliveries: undefined as unknown as DeliveryWorker,
  };
  (app as { plugins: PluginHost }).plugins = new PluginHost(app);
  (app as { alarms: AlarmEngine }).alarms = new AlarmEngine(app);
  (app as { deliveries: DeliveryWorker }).deliveries = new DeliveryWorker(app);
  // After each committed batch: alarm rules judge what was stored (a failure is logged, ingestion goes on).
  app.telemetry.onStored((readings) => app.alarms.onStored(readings));
  // Built in, like a plugin's handlers: the standard case process notifies on overdue (督办).
  app.serviceTasks.register(notifyHandler(app));
  return app;
}
