/**
 * The measuring process of `npm run bench:indicators`, started on the generated file by
 * indicators.ts: a process of its own, so `process.resourceUsage().maxRSS` is this phase's peak
 * and not the generator's. It opens the database as the server does (migrations, the App with
 * the benchmark's pinned clock) and computes every template indicator of the city for its
 * current period, for the city and per district, through `computeIndicator` — what POST
 * /api/v1/indicators/compute runs: one transaction per indicator, values stored, audited, 环比/同比
 * read back. Rounds run one after the other (a recomputation replaces the values).
 *
 * Resident memory is sampled every 2 ms on a worker thread: SQLite calls are synchronous, so a
 * timer on the main thread would not fire during a long query. Replies once over IPC and exits.
 */
import { Worker } from 'node:worker_threads';
import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import { indicatorContentSchema } from '@tongguan/runtime/indicators/definition';
import { periodContaining } from '@tongguan/runtime/indicators/period';
import { createApp, type Actor } from '../server/app.server.ts';
import { resolvePrincipal } from '../server/auth/principal.server.ts';
import { loadConfig } from '../server/config.server.ts';
import { openDatabase } from '../server/db/database.server.ts';
import { computeIndicator } from '../server/indicators/indicators.server.ts';

const env = z.object({
  BENCH_URL: z.string().min(1),
  BENCH_NOW: z.coerce.number().int(),
  BENCH_ROUNDS: z.coerce.number().int().min(1),
}).parse(process.env);

export interface MeasuredIndicator { key: string; code: string; name: string; collection: string; period: string }
export interface MeasuredRound { wallMs: number; peakRss: number; perIndicatorMs: Record<string, number> }
export interface MeasureReply {
  indicators: MeasuredIndicator[];
  rounds: MeasuredRound[];
  /** RSS once the database is open and the App built, before the first computation. */
  openRss: number;
  /** process.resourceUsage().maxRSS of this process (bytes), start-up included. */
  maxRss: number;
  /** Each indicator's city value and how many district values it stored (last round). */
  values: Record<string, { city: number | null; districts: number; districtsWithData: number }>;
}

const peak = new BigInt64Array(new SharedArrayBuffer(8));
const sampler = new Worker(`
  const { workerData } = require('node:worker_threads');
  const peak = new BigInt64Array(workerData);
  setInterval(() => {
    const rss = BigInt(process.memoryUsage.rss());
    if (rss > Atomics.load(peak, 0)) Atomics.store(peak, 0, rss);
  }, 2);
`, { eval: true, workerData: peak.buffer });
sampler.unref();

async function main(): Promise<MeasureReply> {
  const now = new Date(env.BENCH_NOW);
  const config = loadConfig({ NODE_ENV: 'production', TONGGUAN_MODE: 'demo', DEMO_PASSWORD: 'Bench@Pass2026', DATABASE_URL: env.BENCH_URL });
  const db = await openDatabase(env.BENCH_URL);
  const app = createApp(config, db, () => now);
  try {
    const t = db.t;
    const [admin] = await db.read.select({ id: t.users.id, tenantId: t.users.tenantId, username: t.users.username, displayName: t.users.displayName, authVersion: t.users.authVersion })
      .from(t.users).where(eq(t.users.username, 'admin'));
    if (!admin) throw new Error('the demo seed has no admin');
    const actor: Actor = { principal: await resolvePrincipal(db, app.principals, admin, 'system', null), meta: { ip: null, userAgent: 'tongguan-bench' }, locale: 'zh-CN' };
    const rows = await db.read.select({ key: t.definitions.key, content: t.definitions.content }).from(t.definitions)
      .where(and(eq(t.definitions.tenantId, admin.tenantId), eq(t.definitions.kind, 'indicator'), eq(t.definitions.status, 'published')));
    const indicators = rows.map((row) => ({ key: row.key, content: indicatorContentSchema.parse(row.content) }))
      .filter(({ content }) => content.level === 3 && content.formula)
      .map(({ key, content }) => ({ key, code: content.code, name: content.nameEn ?? content.name, collection: content.collection, period: periodContaining(content.period, now).label }));
    const openRss = process.memoryUsage.rss();
    const rounds: MeasuredRound[] = [];
    const values: MeasureReply['values'] = {};
    for (let round = 0; round < env.BENCH_ROUNDS; round++) {
      Atomics.store(peak, 0, BigInt(process.memoryUsage.rss()));
      const perIndicatorMs: Record<string, number> = {};
      const began = process.hrtime.bigint();
      for (const indicator of indicators) {
        const start = process.hrtime.bigint();
        const result = await computeIndicator(app, actor, { key: indicator.key, period: indicator.period, groupBy: 'district' });
        perIndicatorMs[indicator.key] = Number(process.hrtime.bigint() - start) / 1e6;
        const districts = result.values.filter((v) => v.regionLevel === 'district');
        values[indicator.key] = {
          city: result.values.find((v) => v.regionLevel === 'city')?.value ?? null,
          districts: districts.length, districtsWithData: districts.filter((v) => v.value !== null).length,
        };
      }
      const wallMs = Number(process.hrtime.bigint() - began) / 1e6;
      // Let the sampler see the end of the round.
      await new Promise((resolve) => setTimeout(resolve, 10));
      rounds.push({ wallMs, peakRss: Number(Atomics.load(peak, 0)), perIndicatorMs });
    }
    return { indicators, rounds, openRss, maxRss: process.resourceUsage().maxRSS * 1024, values };
  } finally {
    await app.telemetry.close();
    await db.close();
  }
}

main().then(
  (result) => process.send!(result, () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
