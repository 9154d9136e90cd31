/**
 * `npm run bench:indicators` (part of `npm run bench`; issue 4 item 9b): every indicator of the
 * template (the 36 third-level indicators of 000 table 5.1.5 and the 11 of 6-1 案件处置) computed
 * for its current period, for the whole city and per district, over a generated city on SQLite:
 * 100,000 facilities, 10,000 devices, 10,000,000 telemetry readings and their rollups, alarms
 * and cases (indicators-city.ts: the demo seed plus generated rows, deterministic).
 *
 * Measured, in a fresh process on the finished file (indicators-measure.ts; the generator runs in
 * a process of its own too, so neither's memory is the other's): the wall time of
 * `computeIndicator` — what POST /api/v1/indicators/compute runs — for all of them one after the
 * other, and the peak resident memory (sampled every 2 ms, and the process's maxRSS). Generation
 * is timed and printed separately; it is not part of the figure. The clock is pinned
 * (BENCH_NOW, late in a month, so the month's indicators read four weeks of data) so every run
 * computes the same periods over the same rows. Prints the load average beside the figures
 * (the machine is shared); never fails on a missed target.
 *
 * Knobs: BENCH_FACILITIES (100000), BENCH_DEVICES (10000), BENCH_TELEMETRY (10000000),
 * BENCH_DAYS of telemetry (30), BENCH_ALARMS (20000), BENCH_CASES (30000), BENCH_NOW
 * (2026-03-28T12:00:00+08:00), BENCH_SEED (2026), BENCH_ROUNDS (3), BENCH_FILE — keep the
 * generated database at this path and reuse it on the next run (generated only when missing).
 */
import { fork } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { CityShape, Phase } from './indicators-city.ts';
import type { MeasureReply } from './indicators-measure.ts';
import { median, rate, table } from './alarms-workload.ts';

const env = z.object({
  BENCH_FACILITIES: z.coerce.number().int().min(100).default(100_000),
  BENCH_DEVICES: z.coerce.number().int().min(100).default(10_000),
  BENCH_TELEMETRY: z.coerce.number().int().min(1000).default(10_000_000),
  BENCH_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  BENCH_ALARMS: z.coerce.number().int().min(0).default(20_000),
  BENCH_CASES: z.coerce.number().int().min(0).default(30_000),
  BENCH_NOW: z.string().default('2026-03-28T12:00:00+08:00').transform((s, ctx) => {
    const ms = Date.parse(s);
    if (Number.isNaN(ms)) ctx.addIssue({ code: 'custom', message: 'not a date-time' });
    return ms;
  }),
  BENCH_SEED: z.coerce.number().int().default(2026),
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(3),
  BENCH_FILE: z.string().optional(),
}).parse(process.env);

const TARGETS = { wallSeconds: 5, peakBytes: 1024 ** 3 };
const STANDARD_000 = /^[1-5]-/;

const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const load = () => loadavg().map((x) => x.toFixed(2)).join(', ');

/** Runs a benchmark script in a process of its own and resolves with the one message it sends. */
function inChild<T>(script: string, extraEnv: Record<string, string>): Promise<T> {
  return new Promise((resolvePromise, reject) => {
    const child = fork(resolve(import.meta.dirname, script), [], { execArgv: ['--import', 'tsx'], env: { ...process.env, ...extraEnv } });
    let reply: T | undefined;
    child.on('message', (message) => { reply = message as T; });
    child.on('error', reject);
    child.on('exit', (code) => (reply !== undefined ? resolvePromise(reply) : reject(new Error(`${script} exited with ${code} before replying`))));
  });
}

async function main(): Promise<void> {
  const dir = env.BENCH_FILE ? undefined : mkdtempSync(join(tmpdir(), 'tongguan-bench-indicators-'));
  const file = env.BENCH_FILE ? resolve(process.env.INIT_CWD ?? process.cwd(), env.BENCH_FILE) : join(dir!, 'city.db');
  const url = `file:${file}`;
  try {
    const shape: CityShape = {
      facilities: env.BENCH_FACILITIES, devices: env.BENCH_DEVICES, telemetry: env.BENCH_TELEMETRY, days: env.BENCH_DAYS,
      alarms: env.BENCH_ALARMS, cases: env.BENCH_CASES, now: env.BENCH_NOW, seed: env.BENCH_SEED,
    };
    let phases: Phase[] = [];
    if (existsSync(file)) {
      console.log(`Reusing the generated city in ${file} (BENCH_FILE; delete it to generate again).`);
    } else {
      console.log(`Generating the city into ${file}: ${rate(shape.facilities)} facilities, ${rate(shape.devices)} devices, ${rate(shape.telemetry)} telemetry readings over ${shape.days} days, ${rate(shape.alarms)} alarms, ${rate(shape.cases)} cases; clock pinned at ${new Date(shape.now).toISOString()} (seed ${shape.seed})…`);
      phases = await inChild<Phase[]>('indicators-city.ts', { BENCH_URL: url, BENCH_PATH: file, BENCH_SHAPE: JSON.stringify(shape) });
    }
    const size = statSync(file).size;
    if (phases.length) {
      const total = phases.reduce((sum, p) => sum + p.seconds, 0);
      console.log(`\n${table([
        ['generation (not measured)', 'rows', 'seconds'],
        ...phases.map((p) => [p.name, rate(p.rows), p.seconds.toFixed(1)]),
        ['total', '', total.toFixed(1)],
      ])}\nDatabase file: ${mib(size)}.`);
    }

    console.log(`\nComputing every template indicator for its current period, city + districts, ${env.BENCH_ROUNDS} rounds in a fresh process (load average before: ${load()})…`);
    const reply = await inChild<MeasureReply>('indicators-measure.ts', { BENCH_URL: url, BENCH_NOW: String(env.BENCH_NOW), BENCH_ROUNDS: String(env.BENCH_ROUNDS) });
    const loadAfter = load();
    const standard = reply.indicators.filter((i) => STANDARD_000.test(i.code));
    const sumOf = (round: MeasureReply['rounds'][number], keys: readonly { key: string }[]) => keys.reduce((sum, i) => sum + round.perIndicatorMs[i.key]!, 0);
    reply.rounds.forEach((round, i) => console.log(`  round ${i + 1}  all ${reply.indicators.length}: ${seconds(round.wallMs)}  (the 36 of table 5.1.5: ${seconds(sumOf(round, standard))})  peak RSS ${mib(round.peakRss)}`));
    const wall = median(reply.rounds.map((r) => r.wallMs));
    const wall36 = median(reply.rounds.map((r) => sumOf(r, standard)));
    const peak = Math.max(...reply.rounds.map((r) => r.peakRss));
    const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
    console.log(`\n${table([
      ['SQLite, city + districts, current period', 'indicators', 'wall (median)', 'peak RSS (sampled)', 'maxRSS (process)', 'target', 'verdict'],
      ['000 table 5.1.5 (levels 1–5)', String(standard.length), seconds(wall36), '', '', '< 5 s', verdict(wall36 < TARGETS.wallSeconds * 1000)],
      ['the whole template (with 6-1 案件处置)', String(reply.indicators.length), seconds(wall), mib(peak), mib(reply.maxRss), '< 5 s; < 1 GiB', `${verdict(wall < TARGETS.wallSeconds * 1000)}; ${verdict(Math.max(peak, reply.maxRss) < TARGETS.peakBytes)}`],
    ])}`);
    console.log(`RSS with the database open, before computing: ${mib(reply.openRss)}. Load average before: see above; after: ${loadAfter} (2 cores, shared).`);

    const perIndicator = reply.indicators.map((i) => ({ ...i, ms: median(reply.rounds.map((r) => r.perIndicatorMs[i.key]!)), value: reply.values[i.key]! }));
    const slowest = [...perIndicator].sort((a, b) => b.ms - a.ms).slice(0, 10);
    console.log(`\n${table([
      ['slowest indicators', 'method', 'period', 'ms (median)', 'city value', 'districts with data'],
      ...slowest.map((i) => [`${i.code} ${i.name}`, i.collection, i.period, i.ms.toFixed(1), i.value.city === null ? 'no data' : String(Math.round(i.value.city * 100) / 100), `${i.value.districtsWithData}/${i.value.districts}`]),
    ])}`);
    const byMethod = ['realtime', 'reported', 'inspection'].map((method) => {
      const of = perIndicator.filter((i) => i.collection === method);
      return [method, String(of.length), of.reduce((sum, i) => sum + i.ms, 0).toFixed(0), String(of.filter((i) => i.value.city !== null).length)];
    });
    console.log(`\n${table([['by method', 'indicators', 'ms (sum of medians)', 'with a city value'], ...byMethod])}`);
    console.log(`\nTargets: all 36 indicators of 000 table 5.1.5 for city and districts in under ${TARGETS.wallSeconds} s, peak memory under 1 GiB. Not a CI gate: a MISS never fails the run.`);
  } finally {
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
