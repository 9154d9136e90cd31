/**
 * The plugin host: finds plugins (workspaces under `plugins/` whose package.json names an entry in
 * `tongguan.plugin`, and npm packages listed in `PLUGINS`), checks each manifest, platform range,
 * configuration and dependencies, and runs `setup` with a context that registers into the App.
 *
 * Isolation: a plugin whose setup throws, whose configuration is invalid, whose dependency is
 * missing or failed, or whose platform range excludes this version is marked failed with the
 * reason (logged, and listed on 插件管理); nothing it registered stays registered, and the
 * platform goes on. Calls into a loaded plugin (handlers, endpoints, jobs, adapters, notification
 * transports) are wrapped: an exception is counted against the plugin and answered as a failure of
 * that call only.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import semver from 'semver';
import { BpmnError, PluginError } from '@tongguan/plugin-sdk';
import type { PluginContext, PluginDefinition, PluginEndpoint, DeviceProtocolAdapter, ScheduledJob, ServiceTaskHandler, ExpressionFunction, PluginLogger, NotifyTransport } from '@tongguan/plugin-sdk';
import type { App } from '../app.server.ts';
import { pluginServices } from './services.server.ts';

export const PLATFORM_VERSION = (JSON.parse(readFileSync(resolve(dirname(fileURLToPath(import.meta.url)), '../../package.json'), 'utf8')) as { version: string }).version;
export const PLUGINS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../plugins');

export type PluginStatus = 'active' | 'failed' | 'disabled';

/** A transport's send that has not settled by then is a failure (its own HTTP timeout should be far shorter): one hung gateway must not stall the outbox. */
const TRANSPORT_SEND_LIMIT_MS = 60_000;

export interface PluginRecord {
  readonly id: string;
  readonly version: string;
  readonly kind: readonly string[];
  readonly name: string | null;
  readonly description: string | null;
  readonly source: string;
  status: PluginStatus;
  error: string | null;
  /** What it registered: service-task types, adapter ids, endpoint paths, job ids, function names, notification channel ids. */
  readonly registered: { serviceTasks: string[]; protocols: string[]; endpoints: string[]; jobs: string[]; functions: string[]; transports: string[] };
  /** Exceptions thrown by its handlers since start, and the last one. */
  errors: number;
  lastError: string | null;
}

export interface LoadedEndpoint { readonly pluginId: string; readonly endpoint: PluginEndpoint }

export interface PluginCandidate { definition: PluginDefinition<unknown> | undefined; source: string; error?: string }

export interface PluginHostOptions {
  /** Configuration per plugin id (validated with each plugin's configSchema). */
  config?: Record<string, unknown>;
  /** Plugin ids not to load. */
  disabled?: readonly string[];
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class PluginHost {
  private readonly records = new Map<string, PluginRecord>();
  readonly endpoints: LoadedEndpoint[] = [];
  private readonly protocols: { pluginId: string; adapter: DeviceProtocolAdapter }[] = [];
  private readonly startedProtocols = new Set<DeviceProtocolAdapter>();
  private readonly jobs: { pluginId: string; job: ScheduledJob }[] = [];
  private timers: NodeJS.Timeout[] = [];
  private running = new Set<Promise<unknown>>();

  constructor(private readonly app: App) {}

  list(): PluginRecord[] {
    return [...this.records.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  get(id: string): PluginRecord | undefined {
    return this.records.get(id);
  }

  /** Loads definitions in dependency order. Never throws for a plugin's fault. */
  async load(candidates: readonly PluginCandidate[], options: PluginHostOptions = {}): Promise<void> {
    const byId = new Map<string, PluginCandidate & { definition: PluginDefinition<unknown> }>();
    for (const candidate of candidates) {
      if (!candidate.definition) {
        this.fail({ id: candidate.source, version: '?', kind: [], source: candidate.source }, candidate.error ?? 'not a plugin');
        continue;
      }
      const { id } = candidate.definition;
      if (byId.has(id) || this.records.has(id)) {
        this.fail({ id: `${id} (${candidate.source})`, version: candidate.definition.version, kind: [], source: candidate.source }, `duplicate plugin id "${id}"`);
        continue;
      }
      byId.set(id, candidate as PluginCandidate & { definition: PluginDefinition<unknown> });
    }
    const visiting = new Set<string>();
    const visit = async (id: string): Promise<void> => {
      if (this.records.has(id)) return;
      const candidate = byId.get(id)!;
      const def = candidate.definition;
      const base = { id, version: def.version, kind: ([] as string[]).concat(def.kind), source: candidate.source, name: def.name ?? null, description: def.description ?? null };
      if (options.disabled?.includes(id)) { this.record(base, 'disabled', null); return; }
      if (visiting.has(id)) { this.fail(base, 'dependency cycle'); return; }
      visiting.add(id);
      for (const dependency of def.dependsOn ?? []) {
        if (!byId.has(dependency)) { this.fail(base, `depends on "${dependency}", which is not installed`); return; }
        await visit(dependency);
        const status = this.records.get(dependency)?.status;
        if (status !== 'active') { this.fail(base, `depends on "${dependency}", which is ${status ?? 'not loaded'}`); return; }
      }
      visiting.delete(id);
      if (!semver.validRange(def.platformRange) || !semver.satisfies(PLATFORM_VERSION, def.platformRange)) {
        this.fail(base, `needs platform ${def.platformRange}; this is ${PLATFORM_VERSION}`);
        return;
      }
      await this.setUp(def, base, options.config?.[id]);
    };
    for (const id of byId.keys()) await visit(id);
  }

  private async setUp(def: PluginDefinition<unknown>, base: Omit<PluginRecord, 'status' | 'error' | 'registered' | 'errors' | 'lastError'>, rawConfig: unknown): Promise<void> {
    let config: unknown = rawConfig ?? {};
    if (def.configSchema) {
      const parsed = def.configSchema.safeParse(config);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        this.fail(base, `invalid configuration: ${issue?.path.join('.') || '(config)'}: ${issue?.message}`);
        return;
      }
      config = parsed.data;
    }
    // Registrations are staged and applied only when setup succeeds: a failed plugin leaves nothing behind.
    const staged = {
      serviceTasks: [] as ServiceTaskHandler<unknown>[], protocols: [] as DeviceProtocolAdapter[], endpoints: [] as PluginEndpoint[], jobs: [] as ScheduledJob[],
      functions: [] as ExpressionFunction[], transports: [] as NotifyTransport<unknown>[],
    };
    const logger = this.logger(base.id);
    const ctx: PluginContext<unknown> = {
      id: base.id, config, logger, platformVersion: PLATFORM_VERSION, now: () => this.app.now(), services: pluginServices(this.app, base.id),
      registerDeviceProtocol: (adapter) => { staged.protocols.push(adapter); },
      registerServiceTask: (handler) => { staged.serviceTasks.push(handler as ServiceTaskHandler<unknown>); },
      registerExpressionFunction: (fn) => { staged.functions.push(fn); },
      registerEndpoint: (endpoint) => {
        if (!/^\/[\w./-]*$/.test(endpoint.path)) throw new Error(`endpoint path "${endpoint.path}" must start with / and contain only letters, digits and _ . / -`);
        staged.endpoints.push(endpoint);
      },
      registerJob: (job) => {
        if (!(job.everyMs >= 1000)) throw new Error(`job "${job.id}" must run at most once a second`);
        staged.jobs.push(job);
      },
      registerNotifyTransport: (transport) => {
        if (typeof transport?.send !== 'function') throw new Error(`notification transport "${String(transport?.id)}" has no send function`);
        staged.transports.push(transport as NotifyTransport<unknown>);
      },
    };
    try {
      await def.setup(ctx);
      const taken = staged.serviceTasks.find((h) => this.app.serviceTasks.get(h.type));
      if (taken) throw new Error(`a service-task handler of type "${taken.type}" is already registered`);
      const takenProtocol = staged.protocols.find((p) => this.protocols.some((q) => q.adapter.id === p.id));
      if (takenProtocol) throw new Error(`a device protocol "${takenProtocol.id}" is already registered`);
      const paths = new Set<string>();
      for (const e of staged.endpoints) {
        const key = `${e.method} ${e.path}`;
        if (paths.has(key)) throw new Error(`endpoint ${key} is registered twice`);
        paths.add(key);
      }
      const taskTypes = new Set<string>();
      for (const h of staged.serviceTasks) {
        if (taskTypes.has(h.type)) throw new Error(`service-task type "${h.type}" is registered twice`);
        taskTypes.add(h.type);
      }
      const channels = new Set<string>();
      for (const transport of staged.transports) {
        const refused = channels.has(transport.id) ? `notification transport "${transport.id}" is registered twice` : this.app.notifyTransports.refusal(transport.id);
        if (refused) throw new Error(refused);
        channels.add(transport.id);
      }
      const trial = this.app.functions.copy();
      for (const fn of staged.functions) {
        if (trial.get(fn.name)) throw new Error(`an expression function "${fn.name}" is already registered`);
        try {
          trial.register({ category: 'plugin', ...fn } as never);
        } catch (error) {
          throw new Error(`expression function "${fn.name}": ${(error as { params?: { reason?: string } }).params?.reason ?? message(error)}`);
        }
      }
    } catch (error) {
      this.fail(base, `setup failed: ${message(error)}`, error);
      return;
    }
    for (const handler of staged.serviceTasks) this.app.serviceTasks.register(this.guardHandler(base.id, handler));
    for (const fn of staged.functions) this.app.functions.register({ category: 'plugin', ...fn } as never);
    for (const endpoint of staged.endpoints) this.endpoints.push({ pluginId: base.id, endpoint });
    for (const adapter of staged.protocols) this.protocols.push({ pluginId: base.id, adapter });
    for (const job of staged.jobs) this.jobs.push({ pluginId: base.id, job });
    for (const transport of staged.transports) this.app.notifyTransports.register(this.guardTransport(base.id, transport));
    this.record(base, 'active', null, {
      serviceTasks: staged.serviceTasks.map((h) => h.type), protocols: staged.protocols.map((p) => p.id),
      endpoints: staged.endpoints.map((e) => `${e.method} /api/v1/plugins/${base.id}${e.path}`), jobs: staged.jobs.map((j) => j.id), functions: staged.functions.map((f) => f.name),
      transports: staged.transports.map((t) => t.id),
    });
    logger.info(`loaded ${base.id}@${base.version}`);
  }

  /** Starts protocol adapters and scheduled jobs of active plugins (after the platform is ready). */
  async start(): Promise<void> {
    for (const { pluginId, adapter } of this.protocols) {
      try {
        await adapter.start();
        this.startedProtocols.add(adapter);
      } catch (error) {
        const record = this.records.get(pluginId)!;
        record.status = 'failed';
        record.error = `protocol ${adapter.id} failed to start: ${message(error)}`;
        console.error(`Plugin ${pluginId}: ${record.error}`, error);
      }
    }
    for (const { pluginId, job } of this.jobs) {
      let busy = false;
      const timer = setInterval(() => {
        if (busy || this.records.get(pluginId)?.status !== 'active') return;
        busy = true;
        // guard() has counted and logged a failure; the next interval tries again.
        const run = this.guard(pluginId, () => job.run()).catch(() => undefined).finally(() => { busy = false; this.running.delete(run); });
        this.running.add(run);
      }, job.everyMs);
      timer.unref();
      this.timers.push(timer);
    }
  }

  /** Runs one of a plugin's jobs now (tests, and 插件管理's "run now"); failures are counted and rethrown. */
  async runJob(pluginId: string, jobId: string): Promise<void> {
    const entry = this.jobs.find((j) => j.pluginId === pluginId && j.job.id === jobId);
    if (!entry) throw new Error(`plugin ${pluginId} has no job ${jobId}`);
    await this.guard(pluginId, () => entry.job.run());
  }

  /** Stops jobs and adapters (adapters let in-flight messages commit). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.allSettled([...this.running]);
    // Only what started: a cluster follower loads plugins (endpoints, service tasks) but starts none.
    for (const { pluginId, adapter } of [...this.protocols].reverse()) {
      if (!this.startedProtocols.delete(adapter)) continue;
      try { await adapter.stop(); } catch (error) { this.noteError(pluginId, error); }
    }
  }

  /** Runs a plugin's code, counting what it throws against it (a PluginError or BpmnError is an answer, not a fault); rethrows so the caller answers it. */
  async guard<T>(pluginId: string, work: () => Promise<T> | T): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!PluginError.is(error) && !BpmnError.is(error)) this.noteError(pluginId, error);
      throw error;
    }
  }

  private noteError(pluginId: string, error: unknown): void {
    const record = this.records.get(pluginId);
    if (record) { record.errors++; record.lastError = message(error).slice(0, 500); }
    console.error(`Plugin ${pluginId} failed`, error);
  }

  private guardHandler(pluginId: string, handler: ServiceTaskHandler<unknown>): ServiceTaskHandler<unknown> {
    return { ...handler, run: (input) => this.guard(pluginId, () => handler.run(input)) } as ServiceTaskHandler<unknown>;
  }

  private guardTransport(pluginId: string, transport: NotifyTransport<unknown>): NotifyTransport<unknown> & { pluginId: string } {
    return {
      pluginId, id: transport.id, name: transport.name, ...(transport.configSchema ? { configSchema: transport.configSchema } : {}),
      send: (message, recipients, config) => this.guard(pluginId, () => new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`notification transport "${transport.id}" did not finish within ${TRANSPORT_SEND_LIMIT_MS / 1000} s`)), TRANSPORT_SEND_LIMIT_MS);
        Promise.resolve().then(() => transport.send(message, recipients, config)).then(resolve, reject).finally(() => clearTimeout(timer));
      })),
    };
  }

  private logger(id: string): PluginLogger {
    return {
      info: (text, detail) => console.log(`[plugin ${id}] ${text}`, ...(detail === undefined ? [] : [detail])),
      warn: (text, detail) => console.warn(`[plugin ${id}] ${text}`, ...(detail === undefined ? [] : [detail])),
      error: (text, detail) => console.error(`[plugin ${id}] ${text}`, ...(detail === undefined ? [] : [detail])),
    };
  }

  private record(base: Pick<PluginRecord, 'id' | 'version' | 'kind' | 'source'> & Partial<PluginRecord>, status: PluginStatus, error: string | null, registered?: PluginRecord['registered']): void {
    this.records.set(base.id, {
      name: null, description: null, ...base, status, error, errors: 0, lastError: null,
      registered: registered ?? { serviceTasks: [], protocols: [], endpoints: [], jobs: [], functions: [], transports: [] },
    });
  }

  private fail(base: Pick<PluginRecord, 'id' | 'version' | 'kind' | 'source'> & Partial<PluginRecord>, reason: string, error?: unknown): void {
    this.record(base, 'failed', reason);
    console.error(`Plugin ${base.id} not loaded: ${reason}`, ...(error instanceof Error && error.stack ? [error.stack] : []));
  }
}

/** Plugins in the workspace (`plugins/<name>/package.json` with `tongguan.plugin`) and the packages named in `packages`. */
export async function discoverPlugins(packages: readonly string[] = [], dir = PLUGINS_DIR): Promise<PluginCandidate[]> {
  const candidates: PluginCandidate[] = [];
  const entries: { source: string; specifier: string }[] = [];
  if (existsSync(dir)) {
    for (const name of readdirSync(dir).sort()) {
      const manifestPath = join(dir, name, 'package.json');
      if (!existsSync(manifestPath)) continue;
      const pkg = JSON.parse(readFileSync(manifestPath, 'utf8')) as { tongguan?: { plugin?: string } };
      if (!pkg.tongguan?.plugin) continue;
      entries.push({ source: `plugins/${name}`, specifier: pathToFileURL(join(dir, name, pkg.tongguan.plugin)).href });
    }
  }
  for (const name of packages) entries.push({ source: name, specifier: name });
  for (const { source, specifier } of entries) {
    try {
      const module = (await import(specifier)) as { default?: PluginDefinition<unknown> };
      if (!module.default || typeof module.default.setup !== 'function') candidates.push({ definition: undefined, source, error: 'its module has no default export made with definePlugin' });
      else candidates.push({ definition: module.default, source });
    } catch (error) {
      candidates.push({ definition: undefined, source, error: `could not be imported: ${message(error)}` });
    }
  }
  return candidates;
}

/** Finds and loads the workspace's plugins and the configured packages into `app` (before the API is built). */
export async function loadPlugins(app: App, candidates?: readonly PluginCandidate[]): Promise<PluginHost> {
  const { packages, disabled, config } = app.config.plugins;
  await app.plugins.load(candidates ?? (await discoverPlugins(packages)), { disabled, config });
  return app.plugins;
}
