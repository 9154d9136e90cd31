/**
 * Telemetry housekeeping, off the ingestion path: hourly and daily rollups (Beijing-time days)
 * built incrementally from the rows that arrived since the last run (telemetry `seq` after the
 * `telemetry.rollup` watermark), and the retention policy — raw readings older than
 * `TELEMETRY_RETENTION_DAYS` and hourly rollups older than 400 days are deleted once rolled up;
 * daily rollups are kept for history charts.
 *
 * On PostgreSQL, sequence numbers are taken before commit, so a row with a lower `seq` may
 * commit after a higher one was seen. The run takes the telemetry advisory lock exclusively
 * (ingestion holds it shared), so every row up to the max `seq` it reads is committed
 * (decision 007).
 */
import { and, eq, lt, sql } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import { execSql, runSql } from '../db/run-sql.server.ts';
import { TELEMETRY_LOCK_KEY } from './ingest.server.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Beijing time is UTC+8 all year (no daylight saving): a day bucket starts at 16:00 UTC. */
const BEIJING_OFFSET = 8 * HOUR;
const WATERMARK = 'telemetry.rollup';
/** Rows rolled up per transaction: bounds how long one run holds the lock. */
const MAX_ROWS_PER_RUN = 200_000;
const HOURLY_ROLLUP_DAYS = 400;

/** Rolls up what arrived since the last run; returns how many readings it took in. */
export async function rollUpTelemetry(app: App): Promise<number> {
  const { db } = app;
  const { telemetry: tm, watermarks: w } = db.t;
  return db.transaction(async (tx) => {
    if (db.dialect === 'postgres') await runSql(db, tx, sql`SELECT pg_advisory_xact_lock(${TELEMETRY_LOCK_KEY})`);
    const [mark] = await tx.select({ value: w.value }).from(w).where(eq(w.name, WATERMARK));
    const from = mark?.value ?? 0;
    const [top] = await tx.select({ seq: sql<number | string | null>`max(${tm.seq})` }).from(tm);
    const max = Number(top?.seq ?? 0);
    if (max <= from) return 0;
    const to = Math.min(max, from + MAX_ROWS_PER_RUN);
    const least = db.dialect === 'postgres' ? 'LEAST' : 'MIN';
    const greatest = db.dialect === 'postgres' ? 'GREATEST' : 'MAX';
    for (const [bucket, start] of [
      // Literals, not parameters: integer division on both dialects, and the GROUP BY matches the SELECT.
      ['hour', sql.raw(`(ts / ${HOUR}) * ${HOUR}`)],
      ['day', sql.raw(`((ts + ${BEIJING_OFFSET}) / ${DAY}) * ${DAY} - ${BEIJING_OFFSET}`)],
    ] as const) {
      await execSql(db, tx, sql`
        INSERT INTO telemetry_rollups (device_id, metric, bucket, bucket_start, tenant_id, count, sum, min, max)
        SELECT device_id, metric, ${bucket}, ${start}, tenant_id, count(*), sum(value), min(value), max(value)
        FROM telemetry WHERE seq > ${from} AND seq <= ${to}
        GROUP BY device_id, metric, ${start}, tenant_id
        ON CONFLICT (device_id, metric, bucket, bucket_start) DO UPDATE SET
          count = telemetry_rollups.count + excluded.count,
          sum = telemetry_rollups.sum + excluded.sum,
          min = ${sql.raw(least)}(telemetry_rollups.min, excluded.min),
          max = ${sql.raw(greatest)}(telemetry_rollups.max, excluded.max)`);
    }
    await tx.insert(w).values({ name: WATERMARK, value: to }).onConflictDoUpdate({ target: w.name, set: { value: to } });
    const [n] = await tx.select({ n: sql<number | string>`count(*)` }).from(tm).where(and(sql`${tm.seq} > ${from}`, sql`${tm.seq} <= ${to}`));
    return Number(n?.n ?? 0);
  });
}

/** Deletes raw readings past retention (only ones already rolled up) and old hourly rollups; returns the readings deleted. */
export async function applyTelemetryRetention(app: App, retentionDays: number): Promise<number> {
  const { db } = app;
  const { telemetry: tm, telemetryRollups: ru, watermarks: w } = db.t;
  const now = app.now().getTime();
  const cutoff = now - retentionDays * DAY;
  let deleted = 0;
  for (;;) {
    // Oldest rows first, a bounded chunk per transaction, so ingestion is never held up for long.
    const n = await db.transaction(async (tx) => {
      const [mark] = await tx.select({ value: w.value }).from(w).where(eq(w.name, WATERMARK));
      const rolledUp = mark?.value ?? 0;
      const gone = await tx.delete(tm).where(sql`${tm.seq} IN (SELECT seq FROM telemetry WHERE seq <= ${rolledUp} AND ts < ${cutoff} ORDER BY seq LIMIT 10000)`).returning({ seq: tm.seq });
      return gone.length;
    });
    deleted += n;
    if (n < 10_000) break;
  }
  await db.transaction((tx) => tx.delete(ru).where(and(eq(ru.bucket, 'hour'), lt(ru.bucketStart, now - HOURLY_ROLLUP_DAYS * DAY))));
  return deleted;
}

/** Rolls up every `intervalMs` and applies retention once an hour; returns a stop function. */
export function startTelemetryLoop(app: App, intervalMs: number, retentionDays: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  let lastRetention = 0;
  const tick = () => {
    running = running.then(async () => {
      await rollUpTelemetry(app);
      if (app.now().getTime() - lastRetention >= HOUR) {
        lastRetention = app.now().getTime();
        await applyTelemetryRetention(app, retentionDays);
      }
    }).catch((error: unknown) => console.error('Telemetry rollup failed', error));
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
