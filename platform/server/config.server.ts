/** Environment configuration, validated once at start-up (zod at the boundary). */
import { z } from 'zod';
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { defaultDatabaseUrl, defaultFilesDir } from './db/database.server.ts';

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('production'),
  /** `demo` seeds the demo city and its accounts; `production` seeds nothing (first admin via CLI). */
  TONGGUAN_MODE: z.enum(['demo', 'production']).default('demo'),
  DATABASE_URL: z.string().min(1).optional(),
  /** Uploaded files (case photos); relative paths resolve from where the command was typed. */
  FILES_DIR: z.string().min(1).optional(),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DEMO_PASSWORD: z.string().min(8).default('Demo@2026'),
  /** Demo mode: seed five weeks of the demo city's activity with it (cases, reports, inspections, telemetry, alarms). */
  DEMO_ACTIVITY: z.enum(['on', 'off']).default('on'),
  SESSION_SECRET: z.string().min(16).optional(),
  SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(30),
  SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  LOGIN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  API_TOKEN_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(12),
  API_TOKEN_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(5),
  /** Set when the app is served over HTTPS (or behind a TLS-terminating proxy): cookies get `Secure`. */
  COOKIE_SECURE: z.enum(['true', 'false']).optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  /** How often real-time indicators are recomputed for their current and previous period (0 = only on demand). */
  INDICATOR_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(24 * 60).default(15),
  TELEMETRY_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  /** npm packages to load as plugins besides the workspace's `plugins/*` (comma-separated). */
  PLUGINS: z.string().optional(),
  /** Plugin ids not to load (comma-separated). */
  PLUGINS_DISABLED: z.string().optional(),
  /** A JSON file `{ "<plugin id>": { …its configuration } }`. */
  PLUGINS_CONFIG: z.string().min(1).optional(),
  /** device-mqtt: an external broker (`mqtt://host:1883`); unset starts the embedded broker. */
  MQTT_URL: z.string().regex(/^mqtts?:\/\//, 'mqtt://host:port or mqtts://host:port').optional(),
  /** device-mqtt: the embedded broker's port when MQTT_URL is unset. */
  MQTT_PORT: z.coerce.number().int().min(0).max(65535).default(1883),
  /** simulator: telemetry for the demo devices (default on in demo mode, never in production). */
  SIMULATOR: z.enum(['on', 'off']).optional(),
  /** App processes sharing the port (`npm start` only): a number, or `auto` for one per CPU core. */
  WEB_CONCURRENCY: z.union([z.literal('auto'), z.coerce.number().int().min(1).max(64)]).default(1),
});

const list = (value: string | undefined) => (value ?? '').split(',').map((s) => s.trim()).filter(Boolean);

function pluginConfigFile(path: string | undefined): Record<string, Record<string, unknown>> {
  if (!path) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(resolve(process.env.INIT_CWD ?? process.cwd(), path), 'utf8'));
  } catch (error) {
    throw new Error(`Invalid configuration: PLUGINS_CONFIG: cannot read ${path} as JSON (${error instanceof Error ? error.message : error})`);
  }
  const parsed = z.record(z.string(), z.record(z.string(), z.unknown())).safeParse(json);
  if (!parsed.success) throw new Error(`Invalid configuration: PLUGINS_CONFIG: ${path} must be an object of plugin id → configuration object`);
  return parsed.data;
}

export interface AppConfig {
  mode: 'demo' | 'production';
  nodeEnv: 'development' | 'production' | 'test';
  databaseUrl: string;
  filesDir: string;
  port: number;
  host: string;
  demoPassword: string;
  /** Seed the demo city's activity along with it (DEMO_ACTIVITY). */
  demoActivity: boolean;
  sessionSecret: string;
  sessionIdleMs: number;
  sessionMaxMs: number;
  loginMaxFailures: number;
  loginLockMs: number;
  apiTokenMs: number;
  /** How long a resolved bearer token is reused without asking the database (0 = never). */
  apiTokenCacheMs: number;
  cookieSecure: boolean;
  trustProxy: boolean;
  /** 0 = no scheduled indicator computation. */
  indicatorIntervalMs: number;
  /** Raw telemetry older than this is deleted once rolled up (hourly/daily rollups stay). */
  telemetryRetentionDays: number;
  /** How many app processes `npm start` runs (1 = this process; more = node:cluster workers). */
  webConcurrency: number;
  /** Plugin packages to load, ids not to load, and each plugin's configuration. */
  plugins: { packages: string[]; disabled: string[]; config: Record<string, Record<string, unknown>> };
}

export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid configuration: ${detail}`);
  }
  const e = parsed.data;
  if (e.TONGGUAN_MODE === 'production' && !e.SESSION_SECRET) {
    throw new Error('Invalid configuration: SESSION_SECRET (at least 16 characters) is required in production mode.');
  }
  return {
    mode: e.TONGGUAN_MODE,
    nodeEnv: e.NODE_ENV,
    databaseUrl: e.DATABASE_URL ?? defaultDatabaseUrl(),
    filesDir: e.FILES_DIR ? resolve(process.env.INIT_CWD ?? process.cwd(), e.FILES_DIR) : defaultFilesDir(),
    port: e.PORT,
    host: e.HOST,
    demoPassword: e.DEMO_PASSWORD,
    demoActivity: e.DEMO_ACTIVITY === 'on',
    // Keys the HMAC under which session ids are stored; rotating it signs everybody out.
    sessionSecret: e.SESSION_SECRET ?? 'tongguan-demo-secret-not-for-production',
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionMaxMs: e.SESSION_MAX_HOURS * 3_600_000,
    loginMaxFailures: e.LOGIN_MAX_FAILURES,
    loginLockMs: e.LOGIN_LOCK_MINUTES * 60_000,
    apiTokenMs: e.API_TOKEN_HOURS * 3_600_000,
    apiTokenCacheMs: e.API_TOKEN_CACHE_SECONDS * 1000,
    cookieSecure: e.COOKIE_SECURE === 'true',
    trustProxy: e.TRUST_PROXY === 'true',
    indicatorIntervalMs: e.INDICATOR_INTERVAL_MINUTES * 60_000,
    telemetryRetentionDays: e.TELEMETRY_RETENTION_DAYS,
    webConcurrency: e.WEB_CONCURRENCY === 'auto' ? availableParallelism() : e.WEB_CONCURRENCY,
    plugins: { packages: list(e.PLUGINS), disabled: list(e.PLUGINS_DISABLED), config: pluginConfig(e) },
  };
}

/** The PLUGINS_CONFIG file, with the environment's shortcuts for the built-in plugins layered on top. */
function pluginConfig(e: z.infer<typeof envSchema>): Record<string, Record<string, unknown>> {
  const config = pluginConfigFile(e.PLUGINS_CONFIG);
  config['device-mqtt'] = { port: e.MQTT_PORT, ...config['device-mqtt'], ...(e.MQTT_URL ? { url: e.MQTT_URL } : {}) };
  // The simulator writes made-up readings: never in production mode.
  config.simulator = { ...config.simulator, enabled: e.TONGGUAN_MODE === 'demo' && (e.SIMULATOR ? e.SIMULATOR === 'on' : config.simulator?.enabled !== false) };
  return config;
}
