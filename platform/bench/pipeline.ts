/**
 * `npm run bench:pipeline` (part of `npm run bench`): telemetry in process, from payload string to
 * committed row, on SQLite (a real App on a fresh file, the demo city seeded by `seedDemo`):
 *
 *   parse   JSON.parse of each device-http / MQTT payload (`{"ts":…,"values":{…}}`, one message of
 *           one demo device with all its type's metrics), validated by `telemetryPayloadSchema`
 *           and decoded by `toTelemetryMessages` (plugin SDK), the device looked up in the App's
 *           DeviceDirectory as the transports do;
 *   rules   the runtime evaluator over the demo city's published alarm rules, picked through the
 *           platform's index (`loadTenantAlarmRules`: device-type and device scopes), compiled
 *           once and folded in place into a state per rule × device, as in bench:alarms;
 *   write   the platform's `TelemetryPipeline` (its own instance on the App's database and device
 *           directory, without the AlarmEngine listener, whose database-backed evaluation would
 *           repeat the rules stage): batched, one transaction per batch, each caller answered
 *           after commit. 100 messages per ingest call, 64 calls in flight (like 64 connections).
 *
 * Beside it, in the same run: the write alone (the same pipeline fed decoded messages) and raw
 * better-sqlite3 inserts of the same rows into a plain table without indexes (a separate file,
 * the same pragmas, one prepared statement, transactions of the pipeline's batch size). Rounds
 * are interleaved, every round with fresh timestamps (a repeated reading would be a duplicate);
 * figures are medians. Afterwards the telemetry table must hold every reading exactly once.
 *
 * Knobs: BENCH_MESSAGES per round (100000), BENCH_ROUNDS (5).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { and, count, eq, gte } from 'drizzle-orm';
import { z } from 'zod';
import { adoptAlarmState, foldReading, type AlarmEvent, type AlarmReading, type AlarmState } from '@tongguan/runtime/alarms/evaluator';
import { telemetryPayloadSchema, toTelemetryMessages } from '@tongguan/plugin-sdk';
import { loadTenantAlarmRules, type TenantAlarmRules } from '../server/alarms/rules.server.ts';
import { createApp, type App } from '../server/app.server.ts';
import { loadConfig } from '../server/config.server.ts';
import { openDatabase } from '../server/db/database.server.ts';
import { DEFAULT_INGEST_OPTIONS, TelemetryPipeline, type IngestOutcome, type TelemetryMessage } from '../server/devices/ingest.server.ts';
import type { KnownDevice } from '../server/devices/directory.server.ts';
import { seedDemo } from '../server/seed/demo.server.ts';
import { makeMessages, median, rate, table, type DeviceTypes } from './alarms-workload.ts';

const env = z.object({
  BENCH_MESSAGES: z.coerce.number().int().min(1000).default(100_000),
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(5),
}).parse(process.env);

const TARGETS = { msgsPerSecond: 100_000, vsRaw: 0.5 };
const PER_CALL = 100;
const IN_FLIGHT = 64;
const BATCH = DEFAULT_INGEST_OPTIONS.maxBatch;

interface Payload { readonly device: KnownDevice; readonly text: string }
interface Row { tenantId: string; deviceId: string; metric: string; ts: number; value: number }
interface StageResult { seconds: number; messages: number; rows: number; stored: number; duplicates: number; rejected: number; events: number }

/** Feeds `chunks` through `ingest` with at most IN_FLIGHT calls waiting; sums their outcomes. */
async function feed(chunks: AsyncIterable<TelemetryMessage[]> | Iterable<TelemetryMessage[]>, pipeline: TelemetryPipeline, into: StageResult): Promise<void> {
  const waiting: Promise<IngestOutcome>[] = [];
  const add = (o: IngestOutcome) => { into.stored += o.stored; into.duplicates += o.duplicates; into.rejected += o.rejected.length; };
  for await (const chunk of chunks) {
    waiting.push(pipeline.ingest(chunk));
    if (waiting.length >= IN_FLIGHT) add(await waiting.shift()!);
  }
  for (const o of await Promise.all(waiting)) add(o);
}

/** parse → rules → write, PER_CALL payloads per ingest call. */
async function fullPipeline(app: App, rules: TenantAlarmRules, pipeline: TelemetryPipeline, payloads: readonly Payload[]): Promise<StageResult> {
  const states = new Map<string, (AlarmState | undefined)[]>();
  const events: AlarmEvent[] = [];
  const result: StageResult = { seconds: 0, messages: payloads.length, rows: 0, stored: 0, duplicates: 0, rejected: 0, events: 0 };
  async function* chunks(): AsyncGenerator<TelemetryMessage[]> {
    for (let i = 0; i < payloads.length; i += PER_CALL) {
      const chunk: TelemetryMessage[] = [];
      for (const { device: connected, text } of payloads.slice(i, i + PER_CALL)) {
        const parsed = telemetryPayloadSchema.safeParse(JSON.parse(text));
        if (!parsed.success) throw new Error(`payload refused: ${parsed.error.issues[0]?.message ?? ''}`);
        for (const message of toTelemetryMessages(connected, parsed.data)) {
          const device = await app.devices.byCode(message.tenantId, message.deviceCode);
          if (!device) continue;
          const facility = device.entityId ? rules.facilities.get(device.entityId) : undefined;
          const reading: AlarmReading = { ts: message.ts!, values: message.values as AlarmReading['values'], attributes: facility?.attributes ?? {}, threshold: device.thresholds ?? {} };
          // As bench:alarms: the type's rules compiled once, folded in place into states per device (device-scope rules too).
          let held = states.get(device.code);
          if (held === undefined) states.set(device.code, (held = []));
          const typeRules = rules.compiledForDeviceType(device.typeKey);
          const deviceRules = (rules.byDevice.get(device.code) ?? []).flatMap((rule) => {
            const compiled = rules.compiled(rule, device.typeKey);
            return compiled ? [{ rule, compiled }] : [];
          });
          [...typeRules, ...deviceRules].forEach(({ rule, compiled }, i) => {
            const state = (held[i] ??= adoptAlarmState(rule.content, null));
            foldReading(compiled, state, reading, events);
          });
          result.events += events.length;
          events.length = 0;
          result.rows += Object.keys(message.values).length;
          chunk.push(message);
        }
      }
      yield chunk;
    }
  }
  const began = process.hrtime.bigint();
  await feed(chunks(), pipeline, result);
  result.seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return result;
}

/** The write alone: decoded messages, PER_CALL per ingest call. */
async function writeOnly(pipeline: TelemetryPipeline, messages: readonly TelemetryMessage[]): Promise<StageResult> {
  const result: StageResult = { seconds: 0, messages: messages.length, rows: messages.reduce((n, m) => n + Object.keys(m.values).length, 0), stored: 0, duplicates: 0, rejected: 0, events: 0 };
  const chunks = function* () { for (let i = 0; i < messages.length; i += PER_CALL) yield messages.slice(i, i + PER_CALL); };
  const began = process.hrtime.bigint();
  await feed(chunks(), pipeline, result);
  result.seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return result;
}

/** Raw better-sqlite3: one prepared INSERT, transactions of BATCH rows, no indexes. */
function rawInserts(raw: BetterSqlite3.Database, rows: readonly Row[]): StageResult {
  const insert = raw.prepare('INSERT INTO telemetry_plain (tenant_id, device_id, metric, ts, value) VALUES (?, ?, ?, ?, ?)');
  const batch = raw.transaction((slice: readonly Row[]) => { for (const r of slice) insert.run(r.tenantId, r.deviceId, r.metric, r.ts, r.value); });
  const began = process.hrtime.bigint();
  for (let i = 0; i < rows.length; i += BATCH) batch(rows.slice(i, i + BATCH));
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return { seconds, messages: 0, rows: rows.length, stored: rows.length, duplicates: 0, rejected: 0, events: 0 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tongguan-bench-pipeline-'));
  const url = `file:${join(dir, 'pipeline.db')}`;
  const config = { ...loadConfig({ NODE_ENV: 'production', TONGGUAN_MODE: 'demo', DEMO_PASSWORD: 'Bench@Pass2026', DATABASE_URL: url }), filesDir: join(dir, 'files') };
  const db = await openDatabase(url);
  const app = createApp(config, db);
  const raw = new BetterSqlite3(join(dir, 'raw.db'));
  let pipeline: TelemetryPipeline | undefined;
  let failed = false;
  try {
    console.log('Seeding the demo city…');
    await seedDemo(app);
    const { tenants: tn, devices: d, telemetry: tm } = db.t;
    const [tenant] = await db.read.select({ id: tn.id }).from(tn).where(eq(tn.code, 'demo'));
    if (!tenant) throw new Error('the demo seed has no city "demo"');
    const codes = await db.read.select({ code: d.code }).from(d).where(and(eq(d.tenantId, tenant.id), eq(d.status, 'active')));
    const devices: KnownDevice[] = [];
    for (const { code } of codes) {
      const device = await app.devices.byCode(tenant.id, code);
      if (device?.type) devices.push(device);
    }
    const types: DeviceTypes = new Map(devices.map((x) => [x.typeKey, { ...x.type!, version: x.typeVersion ?? 1 }]));
    const byCode = new Map(devices.map((x) => [x.code, x]));
    const rules = await loadTenantAlarmRules(app, tenant.id, Date.now());
    const deviceRules = rules.rules.filter((r) => r.sourceKind === 'device').length;
    const ours = new TelemetryPipeline(db, app.devices, () => Date.now());
    pipeline = ours;
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    raw.exec('CREATE TABLE telemetry_plain (tenant_id TEXT NOT NULL, device_id TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL)');

    const N = env.BENCH_MESSAGES;
    const base = Date.now() - 10 * 24 * 3_600_000;
    const benchDevices = devices.map((x) => ({ code: x.code, typeKey: x.typeKey }));
    /** Messages of one stage of one round: fresh, increasing timestamps 1 ms apart (flags as booleans, as devices send them). */
    const messagesOf = (slot: number): TelemetryMessage[] => makeMessages(types, benchDevices, N, base + slot * N, 1, 1000 + slot).map((m) => {
      const type = types.get(m.typeKey)!;
      const values: Record<string, number | boolean> = {};
      for (const metric of type.metrics) values[metric.key] = metric.flag === true ? m.values[metric.key] === 1 : m.values[metric.key]!;
      return { tenantId: tenant.id, deviceCode: m.deviceCode, ts: m.ts, values };
    });
    const rowsOf = (messages: readonly TelemetryMessage[]): Row[] => messages.flatMap((m) => Object.entries(m.values).map(([metric, v]) => (
      { tenantId: m.tenantId, deviceId: byCode.get(m.deviceCode)!.id, metric, ts: m.ts!, value: typeof v === 'boolean' ? (v ? 1 : 0) : (v as number) })));
    const payloadsOf = (messages: readonly TelemetryMessage[]): Payload[] => messages.map((m) => ({ device: byCode.get(m.deviceCode)!, text: JSON.stringify({ ts: m.ts, values: m.values }) }));

    const warm = messagesOf(0).slice(0, 20_000);
    console.log(`Pipeline: ${rate(N)} messages per round from ${devices.length} demo devices of ${types.size} types (${(rowsOf(warm).length / warm.length).toFixed(2)} readings per message), ${deviceRules} device-scope alarm rules of the demo city; ${env.BENCH_ROUNDS} rounds, interleaved, warm-up first.`);
    // Warm-up on a slot of its own.
    await fullPipeline(app, rules, ours, payloadsOf(warm.slice(0, 10_000)));
    await writeOnly(ours, warm.slice(10_000));
    rawInserts(raw, rowsOf(warm));

    const full: StageResult[] = [];
    const write: StageResult[] = [];
    const plain: StageResult[] = [];
    let expected = 0;
    for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
      const fullMessages = messagesOf(round * 2 - 1);
      const writeMessages = messagesOf(round * 2);
      const payloads = payloadsOf(fullMessages);
      const rows = rowsOf(fullMessages);
      const f = await fullPipeline(app, rules, ours, payloads);
      full.push(f);
      console.log(`  round ${round}  parse → rules → TelemetryPipeline  ${rate(f.messages / f.seconds).padStart(9)} msgs/s ${rate(f.rows / f.seconds).padStart(10)} rows/s  (${rate(f.stored)} stored, ${f.duplicates} duplicates, ${f.rejected} refused, ${rate(f.events)} alarm events)`);
      const w = await writeOnly(ours, writeMessages);
      write.push(w);
      console.log(`  round ${round}  TelemetryPipeline alone            ${rate(w.messages / w.seconds).padStart(9)} msgs/s ${rate(w.rows / w.seconds).padStart(10)} rows/s  (${rate(w.stored)} stored, ${w.duplicates} duplicates, ${w.rejected} refused)`);
      const p = rawInserts(raw, rows);
      plain.push(p);
      console.log(`  round ${round}  raw better-sqlite3, plain table    ${''.padStart(9)}        ${rate(p.rows / p.seconds).padStart(10)} rows/s`);
      expected += f.rows + w.rows;
      if (f.stored !== f.rows || w.stored !== w.rows || f.rejected || w.rejected) failed = true;
    }

    const msgs = (r: StageResult) => r.messages / r.seconds;
    const rows = (r: StageResult) => r.rows / r.seconds;
    const fullMsgs = median(full.map(msgs));
    const fullRows = median(full.map(rows));
    const writeMsgs = median(write.map(msgs));
    const writeRows = median(write.map(rows));
    const rawRows = median(plain.map(rows));
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log(`\n${table([
      ['stage (SQLite, synchronous NORMAL, WAL)', 'msgs/s (median)', 'rows/s (median)', 'vs raw rows/s', 'target', 'verdict'],
      ['parse → rules → TelemetryPipeline (telemetry + indexes)', rate(fullMsgs), rate(fullRows), `${((fullRows / rawRows) * 100).toFixed(0)} %`, `≥ ${rate(TARGETS.msgsPerSecond)} msgs/s; ≥ 50 % raw`, `${verdict(fullMsgs >= TARGETS.msgsPerSecond)}; ${verdict(fullRows / rawRows >= TARGETS.vsRaw)}`],
      ['TelemetryPipeline alone (telemetry + indexes)', rate(writeMsgs), rate(writeRows), `${((writeRows / rawRows) * 100).toFixed(0)} %`, '≥ 50 % raw', verdict(writeRows / rawRows >= TARGETS.vsRaw)],
      ['raw better-sqlite3, plain table, no indexes', '', rate(rawRows), '100 %', '', ''],
    ])}`);

    // Every reading of the measured rounds stored exactly once (plus the warm-up's).
    const [{ n }] = await db.read.select({ n: count() }).from(tm).where(gte(tm.ts, base + N));
    const ok = Number(n) === expected && !failed;
    if (!ok) failed = true;
    console.log(`\nDatabase check: ${rate(Number(n))} telemetry rows from the measured rounds, ${rate(expected)} readings sent — ${ok ? 'OK' : 'FAILED'}`);
    console.log(`Targets: the whole pipeline ≥ ${rate(TARGETS.msgsPerSecond)} msgs/s; the telemetry table with its indexes ≥ ${TARGETS.vsRaw * 100} % of raw batched inserts (rows/s). Not a CI gate: a MISS never fails the run; a failed database check does.`);
  } finally {
    raw.close();
    await pipeline?.close();
    await app.telemetry.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
