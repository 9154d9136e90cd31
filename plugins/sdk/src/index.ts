/**
 * The Tongguan plugin contract. A plugin is a workspace under `plugins/` or an npm package that
 * default-exports `definePlugin({...})`. Its `setup(ctx)` registers what it contributes — device
 * protocol adapters, BPMN service-task handlers, expression functions, HTTP endpoints, scheduled
 * jobs — and may use the narrow services on `ctx.services` (ingest telemetry, start a process,
 * read facilities and devices). A plugin never sees the database.
 *
 * This package holds types and `definePlugin` only; the platform's plugin host implements them.
 * See plugins/README.md ("write your first plugin").
 */
import { z } from 'zod';

/** The contract's version; plugins name the platform versions they work with in `platformRange`. */
export const SDK_VERSION = '0.1.0';

export const PLUGIN_KINDS = ['deviceProtocol', 'serviceTask', 'expressionFunctions', 'exchange', 'notify', 'simulator', 'jobs'] as const;
export type PluginKind = (typeof PLUGIN_KINDS)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface PluginLogger {
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

// ---- telemetry ---------------------------------------------------------------------------------

/** One device's readings at one time, as a protocol adapter decoded them. */
export interface TelemetryMessage {
  readonly tenantId: string;
  readonly deviceCode: string;
  /** Reading time (epoch ms); absent means the time it arrived. */
  readonly ts?: number;
  /** Metric key → value (numbers; booleans for flag metrics). */
  readonly values: Readonly<Record<string, unknown>>;
}

export const REJECTION_REASONS = ['malformedJson', 'invalidMessage', 'unknownDevice', 'badToken', 'deviceRetired', 'unknownMetric', 'notNumeric', 'outOfRange', 'badTimestamp'] as const;
export type RejectionReason = (typeof REJECTION_REASONS)[number];

export interface IngestOutcome {
  stored: number;
  duplicates: number;
  rejected: { deviceCode: string; metric?: string; reason: RejectionReason }[];
}

export interface DeviceIdentity {
  readonly id: string;
  readonly tenantId: string;
  readonly code: string;
  readonly typeKey: string;
}

export interface TelemetryService {
  /** Judges and stores messages; resolves once what was accepted is committed (acknowledge QoS 1 then). */
  ingest(messages: readonly TelemetryMessage[]): Promise<IngestOutcome>;
  /** Counts a message refused before it could be read (malformed JSON, bad token…); resolves once counted. */
  reject(tenantId: string, deviceCode: string, reason: RejectionReason, detail?: string): Promise<void>;
  /** The device a per-device token belongs to. */
  authenticateDevice(token: string): Promise<DeviceIdentity | undefined>;
}

// ---- other services ----------------------------------------------------------------------------

export interface TenantSummary { readonly id: string; readonly code: string; readonly name: string }

export interface FacilitySummary {
  readonly id: string; readonly code: string; readonly name: string; readonly typeKey: string;
  readonly lng: number; readonly lat: number; readonly districtOrgId: string | null; readonly attributes: Readonly<Record<string, unknown>>;
}

export interface DeviceSummary {
  readonly id: string; readonly code: string; readonly typeKey: string; readonly facilityId: string | null;
  readonly status: string; readonly lng: number; readonly lat: number;
  /** The device type's metrics (key, unit, range, sampling interval). */
  readonly metrics: readonly { key: string; unit: string; min?: number; max?: number; samplingSeconds: number; flag?: boolean }[];
}

export interface PluginServices {
  readonly telemetry: TelemetryService;
  readonly tenants: { list(): Promise<TenantSummary[]>; byCode(code: string): Promise<TenantSummary | undefined> };
  /** Read-only views of a city's facilities and devices. */
  readonly entities: { facilities(tenantId: string): Promise<FacilitySummary[]>; devices(tenantId: string): Promise<DeviceSummary[]> };
  /** Starts the latest published version of a process (as the system, audited). */
  readonly processes: { start(tenantId: string, processKey: string, input: { businessKey?: string; variables?: Record<string, JsonValue> }): Promise<{ instanceId: string }> };
  /**
   * Messages to this plugin's instances in every app process of the deployment. With
   * `WEB_CONCURRENCY` > 1 an endpoint may be served by one process while the plugin's jobs and
   * protocols run in another (the leader): in-memory state an endpoint changes goes through here.
   * `publish` delivers to this process's subscribers at once (synchronously) and to the other
   * processes right after; not durable — what must survive a restart belongs in the platform.
   */
  readonly peers: PluginPeers;
}

export interface PluginPeers {
  publish(topic: string, payload: JsonValue): void;
  subscribe(topic: string, handler: (payload: JsonValue) => void): void;
}

// ---- what a plugin registers -------------------------------------------------------------------

/** A transport that receives device data (MQTT, CoAP, a vendor cloud…) and hands it to `services.telemetry`. */
export interface DeviceProtocolAdapter {
  readonly id: string;
  readonly description: string;
  /** Called once the platform is ready (database migrated, HTTP listening). */
  start(): Promise<void> | void;
  /** Called on shutdown; stop accepting and let in-flight messages commit. */
  stop(): Promise<void> | void;
}

export interface ServiceTaskInput<C> {
  readonly jobId: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly elementId: string;
  readonly config: C;
  readonly variables: Readonly<Record<string, JsonValue>>;
}

/** A BPMN service-task handler for `tg:type`; runs after the step's commit, at least once (be idempotent by `jobId`). */
export interface ServiceTaskHandler<C = unknown> {
  readonly type: string;
  /** zh-CN description for the designer's type picker. */
  readonly description: string;
  readonly configSchema: z.ZodType<C>;
  run(input: ServiceTaskInput<C>): Promise<JsonValue | undefined>;
}

/**
 * A business outcome of a service task that the process model catches with an error boundary
 * event whose errorCode matches (e.g. "no responsible unit found"); any other exception is a
 * technical failure, retried with backoff.
 */
export class BpmnError extends Error {
  constructor(readonly errorCode: string, message?: string) {
    super(message ?? errorCode);
    this.name = 'BpmnError';
  }

  /** True for a BpmnError, also one made by another copy of this SDK or by the platform. */
  static is(error: unknown): error is BpmnError {
    return error instanceof Error && error.name === 'BpmnError' && typeof (error as BpmnError).errorCode === 'string';
  }
}

/** An HTTP endpoint a plugin serves (exchange with other platforms, a vendor webhook…), mounted at `/api/v1/plugins/<plugin id><path>`. */
export interface PluginEndpoint {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Starts with `/`, e.g. `/webhook`. */
  readonly path: string;
  /** Also serve it at `/api/v1<rootPath>` (e.g. `/telemetry`) when no platform route has that path. */
  readonly rootPath?: string;
  readonly summary: string;
  /** `user`: a signed-in person or bearer token with `permission`; `public`: the plugin authenticates itself (e.g. a device token). */
  readonly auth: 'user' | 'public';
  readonly permission?: { action: string; subject: string };
  /** At most this many bytes of body (default 1 MiB). */
  readonly maxBodyBytes?: number;
  handle(request: PluginRequest): Promise<PluginResponse>;
}

export interface PluginRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string>>;
  readonly body: Buffer | undefined;
  readonly remoteAddress: string | undefined;
  /** The signed-in person for `auth: 'user'`. */
  readonly user?: { id: string; tenantId: string; displayName: string };
}

export interface PluginResponse {
  /** Success status (default 200); failures are thrown as PluginError. */
  readonly status?: number;
  /** Sent as JSON. */
  readonly body?: unknown;
}

export const PLUGIN_ERROR_CODES = ['bad_request', 'invalid_json', 'unauthenticated', 'forbidden', 'not_found', 'conflict', 'payload_too_large', 'unsupported_media_type', 'validation_failed'] as const;
export type PluginErrorCode = (typeof PLUGIN_ERROR_CODES)[number];

/**
 * A refusal an endpoint answers with: the platform renders it as its usual JSON error with the
 * code's status and a message in the caller's language. Field messages may be text or keys of the
 * platform's validation catalog (`#validation.required`).
 */
export class PluginError extends Error {
  /** True for a PluginError, also one made by another copy of this SDK. */
  static is(error: unknown): error is PluginError {
    return error instanceof Error && error.name === 'PluginError' && (PLUGIN_ERROR_CODES as readonly string[]).includes((error as PluginError).code);
  }

  constructor(readonly code: PluginErrorCode, readonly fields?: readonly { field: string; message: string }[], readonly issues?: readonly z.core.$ZodIssue[]) {
    super(code);
    this.name = 'PluginError';
  }

  /** A 422 from a zod failure: the platform words each issue in the caller's language. */
  static invalid(error: z.ZodError): PluginError {
    return new PluginError('validation_failed', undefined, error.issues);
  }
}

/** Work the platform runs every `everyMs` (one run at a time per process). */
export interface ScheduledJob {
  readonly id: string;
  readonly everyMs: number;
  run(): Promise<void>;
}

/** An expression-language function (see docs/expressions.md §9); same shape as the runtime's registry entries. */
export interface ExpressionFunction {
  readonly name: string;
  readonly description: { 'zh-CN': string; en: string };
  readonly signatures: readonly unknown[];
  readonly evaluate: (args: readonly unknown[]) => unknown;
}

// ---- notification transports ------------------------------------------------------------------

/** A notice as a transport sends it; the in-app notice of the same people was committed before. */
export interface NotifyMessage {
  /** Unique per notice and channel, the same on every retry: send it as the request's idempotency key. */
  readonly id: string;
  readonly tenantId: string;
  readonly title: string;
  readonly body: string | null;
  /** A page of the platform, relative (`/alarms/…`); prefix it with the deployment's public address. */
  readonly link: string | null;
  /** 1–4 for 一级～四级 (1 most severe); null for a notice without a level. */
  readonly severity: 1 | 2 | 3 | 4 | null;
  /** What decided to notify: a service-task job id, or `alarm:<alarm id>:<event seq>`. */
  readonly sourceKey: string;
}

/** A person to tell, as the people register (用户管理) holds them; contact fields are null where not recorded. */
export interface NotifyRecipient {
  readonly userId: string;
  /** The login name; WeCom 应用消息 uses it as the WeCom userid (the accounts must match). */
  readonly username: string;
  readonly displayName: string;
  /** The mobile number as recorded (e.g. `13805310001`, `+86 138 0531 0001`). */
  readonly phone: string | null;
  readonly email: string | null;
}

/** What a transport reports: how many recipients the far side accepted, and how many it could not address (no phone…). */
export interface NotifyOutcome {
  readonly accepted: number;
  readonly skipped?: number;
}

/**
 * A channel beyond the in-app notice (SMS, WeCom, a pager…). The platform calls `send` after the
 * notice committed, from an outbox, at least once: a failure (throw) is counted against the
 * plugin, recorded on the delivery and retried with backoff (five attempts); the in-app notice is
 * never affected. A crash after the far side accepted repeats the call with the same `message.id`.
 * `configSchema` validates the options a definition may give the channel
 * (`{"id": "sms", "config": {"template": "SMS_0042"}}`), checked when it is published.
 *
 * @example
 * ctx.registerNotifyTransport({
 *   id: 'pager', name: '寻呼', configSchema: z.object({ priority: z.enum(['high', 'normal']).default('normal') }).strict(),
 *   async send(message, recipients, options) {
 *     const res = await fetch(url, { method: 'POST', body: JSON.stringify({ id: message.id, text: message.title, to: recipients.map((r) => r.phone), priority: options.priority }), signal: AbortSignal.timeout(5000) });
 *     if (!res.ok) throw new Error(`pager gateway answered ${res.status}`);
 *     return { accepted: recipients.length };
 *   },
 * });
 */
export interface NotifyTransport<C = unknown> {
  /** The channel id definitions name: a lower-case letter, then letters, digits, _ or -, at most 32; `inApp` (站内消息) is the platform's own. */
  readonly id: string;
  /** zh-CN name shown with the channel. */
  readonly name: string;
  readonly configSchema?: z.ZodType<C>;
  send(message: NotifyMessage, recipients: readonly NotifyRecipient[], config: C): Promise<NotifyOutcome | void>;
}

export interface PluginContext<C> {
  readonly id: string;
  /** The plugin's configuration, already validated with its `configSchema`. */
  readonly config: C;
  readonly logger: PluginLogger;
  readonly platformVersion: string;
  /** The platform's clock (tests move it); use it rather than Date.now() for reading times. */
  now(): Date;
  readonly services: PluginServices;
  registerDeviceProtocol(adapter: DeviceProtocolAdapter): void;
  registerServiceTask<T>(handler: ServiceTaskHandler<T>): void;
  registerExpressionFunction(fn: ExpressionFunction): void;
  registerEndpoint(endpoint: PluginEndpoint): void;
  registerJob(job: ScheduledJob): void;
  registerNotifyTransport<T>(transport: NotifyTransport<T>): void;
}

export interface PluginDefinition<C = unknown> {
  /** Lower-case id, e.g. `device-mqtt`; unique in a deployment. */
  readonly id: string;
  /** The plugin's own version (semver). */
  readonly version: string;
  /** Platform versions it works with (a semver range, e.g. `^0.1.0`). */
  readonly platformRange: string;
  readonly kind: PluginKind | readonly PluginKind[];
  readonly name?: string;
  readonly description?: string;
  readonly configSchema?: z.ZodType<C>;
  /** Ids of plugins that must load first. */
  readonly dependsOn?: readonly string[];
  setup(ctx: PluginContext<C>): void | Promise<void>;
}

const SEMVER = /^\d+\.\d+\.\d+(?:-[\w.]+)?(?:\+[\w.]+)?$/;
const manifest = z.object({
  id: z.string().regex(/^[a-z][a-z0-9-]{1,62}$/, 'lower-case letters, digits and -, starting with a letter'),
  version: z.string().regex(SEMVER, 'a semver version such as 1.0.0'),
  platformRange: z.string().min(1).max(100),
  kind: z.union([z.enum(PLUGIN_KINDS), z.array(z.enum(PLUGIN_KINDS)).min(1)]),
  dependsOn: z.array(z.string()).optional(),
  setup: z.custom<(ctx: unknown) => unknown>((v) => typeof v === 'function', 'setup must be a function'),
});

/** Declares a plugin; throws at import time when the manifest is malformed, naming the field. */
export function definePlugin<C = unknown>(definition: PluginDefinition<C>): PluginDefinition<C> {
  const parsed = manifest.safeParse(definition);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`Invalid plugin${typeof definition?.id === 'string' ? ` "${definition.id}"` : ''}: ${issue.path.join('.')}: ${issue.message}`);
  }
  return Object.freeze({ ...definition });
}

export { telemetryPayloadSchema, toTelemetryMessages, toMillis, type TelemetryPayload } from './payload.ts';
/** The expression language's type constructors, for the signatures of `registerExpressionFunction` (`exprTypes.number`, `exprTypes.list(…)`). */
export { t as exprTypes } from '@tongguan/runtime/expr/types';
