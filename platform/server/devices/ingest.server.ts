/**
 * Telemetry ingestion: every transport (HTTP, MQTT, the simulator, plugins) hands messages to
 * one pipeline. It judges each reading against the device's published type, refuses what is
 * wrong (counted per device and reason, logged at most once a minute per device and reason),
 * and writes what is right in batches — one transaction per batch — answering each caller only
 * after its readings are committed (MQTT acknowledges QoS 1 then). A reading already stored
 * (same device, metric and time) is a duplicate and is ignored, so a resent message is stored
 * exactly once. When more readings wait than `maxQueued`, callers wait for room: back-pressure
 * reaches the broker or the HTTP client instead of memory growing.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { judgeReading, type ReadingProblem } from '@tongguan/runtime/devices/definition';
import type { Database, Db } from '../db/database.server.ts';
import { runSql } from '../db/run-sql.server.ts';
import type { IngestRejection } from '../db/schema-devices.server.ts';
import type { DeviceDirectory, KnownDevice } from './directory.server.ts';

/** One device's readings at one time, as a transport decoded it. */
export interface TelemetryMessage {
  readonly tenantId: string;
  readonly deviceCode: string;
  /** Reading time (epoch ms); absent means the time it arrived. */
  readonly ts?: number;
  /** Metric key → value (numbers; booleans for flag metrics). */
  readonly values: Readonly<Record<string, unknown>>;
}

/** A stored reading, handed to listeners (alarm evaluation) after commit. */
export interface Reading {
  readonly tenantId: string;
  readonly deviceId: string;
  readonly metric: string;
  readonly ts: number;
  readonly value: number;
}

export interface IngestOutcome {
  /** Readings stored now. */
  stored: number;
  /** Readings already stored before (a resent message). */
  duplicates: number;
  rejected: { deviceCode: string; metric?: string; reason: IngestRejection }[];
}

export interface IngestOptions {
  /** Readings per transaction. */
  maxBatch: number;
  /** How long a reading may wait for others to share its transaction. */
  maxDelayMs: number;
  /** Readings waiting before callers are held back. */
  maxQueued: number;
  /** Readings stamped further ahead of the clock than this are refused (device clock wrong). */
  maxFutureMs: number;
}

export const DEFAULT_INGEST_OPTIONS: IngestOptions = { maxBatch: 4000, maxDelayMs: 10, maxQueued: 50_000, maxFutureMs: 5 * 60_000 };

/** Rows per INSERT statement: 5 parameters each stays far below SQLite's 32,766 limit. */
const ROWS_PER_STATEMENT = 1000;
/** devices.last_seen_at is written when it moves on by this much (it is "to the minute"). */
const LAST_SEEN_STEP_MS = 60_000;
const LOG_EVERY_MS = 60_000;
/** PostgreSQL advisory lock key shared by ingestion (shared) and the rollup job (exclusive): decision 007. */
export const TELEMETRY_LOCK_KEY = 7_007_001;

interface Pending {
  readonly readings: Reading[];
  readonly outcome: IngestOutcome;
  resolve(outcome: IngestOutcome): void;
  reject(error: unknown): void;
}

interface RejectionCount { tenantId: string; deviceCode: string; reason: IngestRejection; count: number; lastAt: number; detail: string | null }

export type ReadingListener = (readings: readonly Reading[]) => void | Promise<void>;

export class TelemetryPipeline {
  private queue: Pending[] = [];
  private queued = 0;
  private rejections = new Map<string, RejectionCount>();
  private readonly lastSeenWritten = new Map<string, number>();
  private readonly lastLogged = new Map<string, number>();
  private readonly listeners: ReadingListener[] = [];
  private flushing: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private roomWaiters: (() => void)[] = [];
  private closed = false;
  readonly options: IngestOptions;

  constructor(
    private readonly db: Database,
    private readonly directory: DeviceDirectory,
    private readonly now: () => number,
    options: Partial<IngestOptions> = {},
  ) {
    this.options = { ...DEFAULT_INGEST_OPTIONS, ...options };
  }

  /** Called with every batch of newly stored readings, after commit. A listener that throws is logged, never fails ingestion. */
  onStored(listener: ReadingListener): void {
    this.listeners.push(listener);
  }

  /** Judges and stores messages; resolves once what was accepted is committed. */
  async ingest(messages: readonly TelemetryMessage[]): Promise<IngestOutcome> {
    if (this.closed) throw new Error('Telemetry ingestion is closed');
    while (this.queued >= this.options.maxQueued) await new Promise<void>((resolve) => this.roomWaiters.push(resolve));
    const outcome: IngestOutcome = { stored: 0, duplicates: 0, rejected: [] };
    const readings: Reading[] = [];
    const arrived = this.now();
    for (const message of messages) {
      const device = await this.directory.byCode(message.tenantId, message.deviceCode);
      if (!device) { this.refuse(outcome, message.tenantId, message.deviceCode, 'unknownDevice'); continue; }
      this.judge(device, message, arrived, outcome, readings);
    }
    if (readings.length === 0 && outcome.rejected.length === 0) return outcome;
    // Refusals are written with the batch too: the caller is answered once they are counted.
    return this.enqueue(readings, outcome);
  }

  /** Counts and logs a message refused before it reached a device (bad token, malformed JSON…); resolves once counted. */
  async recordRejection(tenantId: string, deviceCode: string, reason: IngestRejection, detail?: string): Promise<void> {
    this.count(tenantId, deviceCode, reason, detail ?? null);
    await this.enqueue([], { stored: 0, duplicates: 0, rejected: [] });
  }

  private enqueue(readings: Reading[], outcome: IngestOutcome): Promise<IngestOutcome> {
    return new Promise<IngestOutcome>((resolve, reject) => {
      this.queue.push({ readings, outcome, resolve, reject });
      this.queued += readings.length;
      this.scheduleFlush();
    });
  }

  /** Writes what waits and stops accepting. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.flushing || this.queue.length || this.rejections.size) await (this.flushing ?? this.flush());
  }

  private judge(device: KnownDevice, message: TelemetryMessage, arrived: number, outcome: IngestOutcome, into: Reading[]): void {
    if (device.status === 'retired') { this.refuse(outcome, device.tenantId, device.code, 'deviceRetired'); return; }
    const ts = message.ts ?? arrived;
    if (!Number.isSafeInteger(ts) || ts < 0 || ts > arrived + this.options.maxFutureMs) {
      this.refuse(outcome, device.tenantId, device.code, 'badTimestamp', String(message.ts));
      return;
    }
    for (const [metric, raw] of Object.entries(message.values)) {
      const judged = device.type ? judgeReading(device.type, metric, raw) : { problem: 'unknownMetric' as ReadingProblem };
      if ('problem' in judged) {
        this.refuse(outcome, device.tenantId, device.code, judged.problem, `${metric}=${JSON.stringify(raw)?.slice(0, 100)}`, metric);
        continue;
      }
      into.push({ tenantId: device.tenantId, deviceId: device.id, metric, ts, value: judged.value });
    }
  }

  private refuse(outcome: IngestOutcome, tenantId: string, deviceCode: string, reason: IngestRejection, detail?: string, metric?: string): void {
    outcome.rejected.push(metric ? { deviceCode, metric, reason } : { deviceCode, reason });
    this.count(tenantId, deviceCode, reason, detail ?? null);
  }

  private count(tenantId: string, deviceCode: string, reason: IngestRejection, detail: string | null): void {
    // Device codes come from outside: bound what a flood of made-up codes can cost.
    const code = deviceCode.slice(0, 100);
    const key = `${tenantId}\u0000${code}\u0000${reason}`;
    const at = this.now();
    const entry = this.rejections.get(key);
    if (entry) { entry.count++; entry.lastAt = at; entry.detail = detail; } else this.rejections.set(key, { tenantId, deviceCode: code, reason, count: 1, lastAt: at, detail });
    const logged = this.lastLogged.get(key);
    if (logged === undefined || at - logged >= LOG_EVERY_MS) {
      this.lastLogged.set(key, at);
      if (this.lastLogged.size > 10_000) this.lastLogged.clear();
      console.warn(`Telemetry refused: ${reason} (device ${code}${tenantId ? `, tenant ${tenantId}` : ''})${detail ? `: ${detail}` : ''}`);
    }
  }

  private scheduleFlush(): void {
    if (this.flushing) return;
    if (this.queued >= this.options.maxBatch) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.flushing = this.flush();
      return;
    }
    this.timer ??= setTimeout(() => { this.timer = undefined; if (!this.flushing) this.flushing = this.flush(); }, this.options.maxDelayMs);
  }

  private async flush(): Promise<void> {
    try {
      while (this.queue.length || this.rejections.size) {
        const batch: Pending[] = [];
        let size = 0;
        while (this.queue.length && (size === 0 || size + this.queue[0]!.readings.length <= this.options.maxBatch)) {
          const next = this.queue.shift()!;
          batch.push(next);
          size += next.readings.length;
        }
        const rejections = [...this.rejections.values()];
        this.rejections = new Map();
        let stored: Reading[];
        try {
          stored = await this.write(batch.flatMap((p) => p.readings), rejections);
        } catch (error) {
          for (const p of batch) p.reject(error);
          console.error('Telemetry batch failed', error);
          continue;
        } finally {
          this.queued -= size;
          const waiters = this.roomWaiters;
          this.roomWaiters = [];
          for (const wake of waiters) wake();
        }
        const keys = new Set(stored.map(keyOf));
        for (const p of batch) {
          for (const r of p.readings) {
            const k = keyOf(r);
            if (keys.delete(k)) p.outcome.stored++; else p.outcome.duplicates++;
          }
          p.resolve(p.outcome);
        }
        if (stored.length) for (const listener of this.listeners) {
          try { await listener(stored); } catch (error) { console.error('Telemetry listener failed', error); }
        }
      }
    } finally {
      this.flushing = undefined;
      if (this.queue.length && !this.closed) this.scheduleFlush();
    }
  }

  /** One transaction: the readings (duplicates skipped), the latest values, devices' last-seen time, the refusal counters. */
  private async write(readings: Reading[], rejections: RejectionCount[]): Promise<Reading[]> {
    const { telemetry: tm, telemetryLatest: tl, devices: d, ingestRejections: ir } = this.db.t;
    const stored: Reading[] = [];
    const lastSeen = new Map<string, number>();
    await this.db.transaction(async (tx) => {
      // SQLite: one prepared statement per row (microseconds each, in process; `changes` tells a
      // duplicate), no SQL text built per batch. PostgreSQL: a round trip per row would dominate,
      // so multi-row statements, with RETURNING to tell what was new.
      const sqlite = this.db.dialect === 'sqlite' ? sqliteStatements(tx, this.db.t) : undefined;
      if (!sqlite && readings.length) await runSql(this.db, tx, sql`SELECT pg_advisory_xact_lock_shared(${TELEMETRY_LOCK_KEY})`);
      if (sqlite) {
        for (const r of readings) {
          if (sqlite.insertReading.run({ tenantId: r.tenantId, deviceId: r.deviceId, metric: r.metric, ts: r.ts, value: r.value }).changes > 0) stored.push(r);
        }
      } else {
        for (let i = 0; i < readings.length; i += ROWS_PER_STATEMENT) {
          const rows = readings.slice(i, i + ROWS_PER_STATEMENT);
          const inserted = await tx.insert(tm).values(rows).onConflictDoNothing()
            .returning({ tenantId: tm.tenantId, deviceId: tm.deviceId, metric: tm.metric, ts: tm.ts, value: tm.value });
          stored.push(...inserted);
        }
      }
      const latest = new Map<string, Reading>();
      for (const r of stored) {
        const k = `${r.deviceId}\u0000${r.metric}`;
        const seen = latest.get(k);
        if (!seen || seen.ts < r.ts) latest.set(k, r);
        if ((lastSeen.get(r.deviceId) ?? -1) < r.ts) lastSeen.set(r.deviceId, r.ts);
      }
      const latestRows = [...latest.values()];
      if (sqlite) {
        for (const r of latestRows) sqlite.upsertLatest.run({ tenantId: r.tenantId, deviceId: r.deviceId, metric: r.metric, ts: r.ts, value: r.value });
      } else {
        for (let i = 0; i < latestRows.length; i += ROWS_PER_STATEMENT) {
          await tx.insert(tl).values(latestRows.slice(i, i + ROWS_PER_STATEMENT)).onConflictDoUpdate({
            target: [tl.deviceId, tl.metric],
            set: { ts: sql`excluded.ts`, value: sql`excluded.value` },
            setWhere: sql`excluded.ts > ${tl.ts}`,
          });
        }
      }
      for (const [deviceId, ts] of lastSeen) {
        if ((this.lastSeenWritten.get(deviceId) ?? -Infinity) + LAST_SEEN_STEP_MS > ts) { lastSeen.delete(deviceId); continue; }
        await tx.update(d).set({ lastSeenAt: new Date(ts) }).where(and(eq(d.id, deviceId), or(isNull(d.lastSeenAt), lt(d.lastSeenAt, new Date(ts)))));
      }
      for (const r of rejections) {
        await tx.insert(ir).values({ tenantId: r.tenantId, deviceCode: r.deviceCode, reason: r.reason, count: r.count, lastAt: new Date(r.lastAt), lastDetail: r.detail })
          .onConflictDoUpdate({
            target: [ir.tenantId, ir.deviceCode, ir.reason],
            set: { count: sql`${ir.count} + excluded.count`, lastAt: sql`excluded.last_at`, lastDetail: sql`excluded.last_detail` },
          });
      }
    }).catch((error: unknown) => {
      // Nothing of the batch was written: the refusals are counted again with the next one.
      for (const r of rejections) {
        const key = `${r.tenantId}\u0000${r.deviceCode}\u0000${r.reason}`;
        const entry = this.rejections.get(key);
        if (entry) entry.count += r.count; else this.rejections.set(key, r);
      }
      throw error;
    });
    for (const [deviceId, ts] of lastSeen) this.lastSeenWritten.set(deviceId, ts);
    return stored;
  }
}

const keyOf = (r: { deviceId: string; metric: string; ts: number }) => `${r.deviceId}\u0000${r.metric}\u0000${r.ts}`;

type Tables = Database['t'];
const p = (name: string) => sql`${sql.placeholder(name)}`;

function prepareSqliteStatements(tx: Db, t: Tables) {
  const { telemetry: tm, telemetryLatest: tl } = t;
  return {
    insertReading: tx.insert(tm).values({ tenantId: p('tenantId'), deviceId: p('deviceId'), metric: p('metric'), ts: p('ts'), value: p('value') }).onConflictDoNothing().prepare(),
    upsertLatest: tx.insert(tl).values({ tenantId: p('tenantId'), deviceId: p('deviceId'), metric: p('metric'), ts: p('ts'), value: p('value') })
      .onConflictDoUpdate({ target: [tl.deviceId, tl.metric], set: { ts: sql`excluded.ts`, value: sql`excluded.value` }, setWhere: sql`excluded.ts > ${tl.ts}` }).prepare(),
  };
}

/** Prepared once per SQLite writer handle (every transaction runs on it). */
const sqliteByHandle = new WeakMap<Db, ReturnType<typeof prepareSqliteStatements>>();

function sqliteStatements(tx: Db, t: Tables): ReturnType<typeof prepareSqliteStatements> {
  let statements = sqliteByHandle.get(tx);
  if (!statements) sqliteByHandle.set(tx, (statements = prepareSqliteStatements(tx, t)));
  return statements;
}
