/**
 * `npm run bench:workflow` (second half of `npm run bench`): the durable workflow runtime against the npm package bpmn-engine on
 * the same BPMN models (5 user tasks in sequence; the same 5 on parallel branches with a join).
 * The platform commits every step — the start and each task completion, through the services
 * the API calls — to its database before the next one is issued; bpmn-engine runs in memory and
 * has its user tasks signalled the moment they wait. Each engine and database configuration runs
 * in its own process; runs are interleaved (peer, NORMAL, FULL, … round after round) so drift of
 * the machine hits all alike, and figures are medians over rounds. After the rounds, the p99 of
 * one step is measured open-loop at half the measured peak, and the database is checked: every
 * instance completed, each task completed exactly once, one token past the join. Prints a table
 * with the targets; never fails on a miss (a failed database check does fail the run).
 *
 * Knobs (environment): BENCH_DURATION seconds per run (5), BENCH_ROUNDS (3), BENCH_WARMUP
 * seconds per configuration (2), BENCH_LATENCY_DURATION seconds (5), BENCH_PEER_DRIVERS (8),
 * BENCH_SQLITE_DRIVERS (16), BENCH_PG_DRIVERS (16), BENCH_PROFILE=1 to sample the SQLite NORMAL
 * process's CPU and print where the time went; DATABASE_URL=postgres://… adds PostgreSQL (in a
 * schema of its own, dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import { dialectOf } from '../server/db/database.server.ts';
import { summariseProfile } from './cpu-profile.ts';
import { startEngineProcess, type EngineProcess } from './workflow-child.ts';
import { instancesPerSecond, latencyResult, stepsPerSecond, throughputResult, verifyResult, type LatencyResult, type ThroughputResult } from './workflow-protocol.ts';
import { STEPS_PER_INSTANCE, type Workload } from './workflow-models.ts';
import { latencyTable, throughputTable, type Comparison } from './workflow-report.ts';

const env = z.object({
  BENCH_DURATION: z.coerce.number().positive().default(5),
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(3),
  BENCH_WARMUP: z.coerce.number().min(0).default(2),
  BENCH_LATENCY_DURATION: z.coerce.number().positive().default(5),
  // Each engine runs with the number of concurrent drivers it does best with (measured on 2
  // cores): bpmn-engine ≈ 188 instances/s with 1 driver, 185 with 4, ≈ 200 with 8, 174 with 16.
  BENCH_PEER_DRIVERS: z.coerce.number().int().min(1).default(8),
  // SQLite has one writer on the event loop's thread, so drivers add no parallelism, but more
  // of them queued make larger groups under one COMMIT: 4 ≈ 1 600, 8 ≈ 1 700, 16 ≈ 1 850
  // instances/s.
  BENCH_SQLITE_DRIVERS: z.coerce.number().int().min(1).default(16),
  // PostgreSQL steps wait on network round trips and run in parallel on the server.
  BENCH_PG_DRIVERS: z.coerce.number().int().min(1).default(16),
  BENCH_PROFILE: z.enum(['0', '1']).default('0'),
  DATABASE_URL: z.string().optional(),
}).parse(process.env);

const TARGETS = { normal: 10, full: 4, parallel: 10, p99Ms: 5 };

interface Config {
  name: string;
  process: EngineProcess;
  drivers: number;
  workloads: Workload[];
  runs: Record<Workload, ThroughputResult[]>;
  latencies: LatencyResult[];
  platform: boolean;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function throughput(config: Config, workload: Workload, seconds: number): Promise<ThroughputResult> {
  return throughputResult.parse(await config.process.send({ type: 'throughput', workload, seconds, drivers: config.drivers }));
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tongguan-bench-workflow-'));
  const pgUrl = env.DATABASE_URL && dialectOf(env.DATABASE_URL) === 'postgres' ? env.DATABASE_URL : undefined;
  const pgSchema = `bench_${randomBytes(4).toString('hex')}`;
  const profile = env.BENCH_PROFILE === '1' ? join(dir, 'sqlite-normal.cpuprofile') : '';
  const configs: Config[] = [];
  const add = async (name: string, script: string, extraEnv: Record<string, string>, drivers: number, workloads: Workload[], platform = true) => {
    configs.push({ name, process: await startEngineProcess(name, script, extraEnv), drivers, workloads, runs: { sequential: [], parallel: [] }, latencies: [], platform });
  };
  let failed = false;
  try {
    console.log(`Starting engines (${env.BENCH_ROUNDS} rounds × ${env.BENCH_DURATION} s per run, ${env.BENCH_WARMUP} s warm-up; drivers: bpmn-engine ${env.BENCH_PEER_DRIVERS}, SQLite ${env.BENCH_SQLITE_DRIVERS}${pgUrl ? `, PostgreSQL ${env.BENCH_PG_DRIVERS}` : ''})…`);
    await add('bpmn-engine (memory)', 'bench/workflow-peer.ts', {}, env.BENCH_PEER_DRIVERS, ['sequential', 'parallel'], false);
    await add('SQLite NORMAL', 'bench/workflow-platform.ts', { BENCH_DATABASE_URL: `file:${join(dir, 'normal.db')}`, BENCH_SYNCHRONOUS: 'NORMAL', BENCH_CPU_PROFILE: profile }, env.BENCH_SQLITE_DRIVERS, ['sequential', 'parallel']);
    await add('SQLite FULL', 'bench/workflow-platform.ts', { BENCH_DATABASE_URL: `file:${join(dir, 'full.db')}`, BENCH_SYNCHRONOUS: 'FULL' }, env.BENCH_SQLITE_DRIVERS, ['sequential']);
    if (pgUrl) {
      await add('PostgreSQL', 'bench/workflow-platform.ts', { BENCH_DATABASE_URL: pgUrl, BENCH_PG_SCHEMA: pgSchema, BENCH_POOL_SIZE: String(env.BENCH_PG_DRIVERS + 4) }, env.BENCH_PG_DRIVERS, ['sequential', 'parallel']);
    }
    const runs = (['sequential', 'parallel'] as Workload[]).flatMap((w) => configs.filter((c) => c.workloads.includes(w)).map((c) => [c, w] as const));
    if (env.BENCH_WARMUP) for (const [config, workload] of runs) await throughput(config, workload, env.BENCH_WARMUP);
    for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
      for (const [config, workload] of runs) {
        const run = await throughput(config, workload, env.BENCH_DURATION);
        config.runs[workload].push(run);
        console.log(`  round ${round}  ${workload.padEnd(10)}  ${config.name.padEnd(20)} ${instancesPerSecond(run).toFixed(0).padStart(6)} instances/s ${stepsPerSecond(run).toFixed(0).padStart(7)} steps/s  ${run.cpuPerStepUs.toFixed(0).padStart(5)} µs CPU/step`);
      }
    }

    const peer = configs[0];
    const medianOf = (c: Config, w: Workload) => median(c.runs[w].map(instancesPerSecond));
    const comparisons: Comparison[] = [];
    for (const c of configs.slice(1)) {
      for (const w of c.workloads) {
        const target = c.name === 'SQLite NORMAL' ? (w === 'sequential' ? TARGETS.normal : TARGETS.parallel) : c.name === 'SQLite FULL' ? TARGETS.full : undefined;
        comparisons.push({
          workload: w, name: c.name, instancesPerSecond: medianOf(c, w), cpuPerStepUs: median(c.runs[w].map((r) => r.cpuPerStepUs)),
          peerInstancesPerSecond: medianOf(peer, w), peerCpuPerStepUs: median(peer.runs[w].map((r) => r.cpuPerStepUs)), target,
        });
      }
    }

    // p99 of one step at half the peak this configuration reached on the sequential model.
    const latencyConfigs = configs.filter((c) => c.name === 'SQLite NORMAL' || c.name === 'PostgreSQL');
    for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
      for (const c of latencyConfigs) {
        const rate = (medianOf(c, 'sequential') * STEPS_PER_INSTANCE) / 2;
        const result = latencyResult.parse(await c.process.send({ type: 'latency', stepsPerSecond: rate, seconds: env.BENCH_LATENCY_DURATION }));
        c.latencies.push(result);
        console.log(`  latency ${round}  ${c.name.padEnd(20)} ${rate.toFixed(0)} steps/s offered, ${result.achievedStepsPerSecond.toFixed(0)} done  p50 ${result.p50Ms.toFixed(2)} ms  p99 ${result.p99Ms.toFixed(2)} ms  max ${result.maxMs.toFixed(1)} ms`);
      }
    }

    console.log(`\n${throughputTable(comparisons)}\n`);
    console.log(`${latencyTable(latencyConfigs.map((c) => ({
      name: c.name, offered: (medianOf(c, 'sequential') * STEPS_PER_INSTANCE) / 2, achieved: median(c.latencies.map((l) => l.achievedStepsPerSecond)),
      p50Ms: median(c.latencies.map((l) => l.p50Ms)), p99Ms: median(c.latencies.map((l) => l.p99Ms)), maxMs: Math.max(...c.latencies.map((l) => l.maxMs)),
      target: c.name === 'SQLite NORMAL' ? TARGETS.p99Ms : undefined,
    })))}\n`);

    console.log('Database check after the run (every instance completed, each task completed exactly once, one token past the join):');
    for (const c of configs.filter((x) => x.platform)) {
      const answer = await c.process.send({ type: 'verify' });
      if (answer.type !== 'verifyAll') throw new Error(`${c.name} did not answer the check`);
      for (const result of answer.results.map((r) => verifyResult.parse(r))) {
        if (result.instances === 0) continue;
        const ok = result.problems.length === 0;
        if (!ok) failed = true;
        console.log(`  ${ok ? 'OK    ' : 'FAILED'}  ${c.name.padEnd(14)} ${result.workload.padEnd(10)} ${result.instances} instances${ok ? '' : `: ${result.problems.join('; ')}`}`);
      }
    }
    console.log(`\nTargets: platform ≥ ${TARGETS.normal}× bpmn-engine's instances/s on SQLite NORMAL, ≥ ${TARGETS.full}× on FULL, ≥ ${TARGETS.parallel}× on the parallel model (NORMAL); p99 of one step ≤ ${TARGETS.p99Ms} ms at half the peak (NORMAL). Not a CI gate: a MISS never fails the run.`);
    console.log('A step is one committed transaction: the start, or one task completion with everything it causes. CPU µs/step is the engine process\'s own CPU time (all threads); PostgreSQL\'s server time is not in it.');
    if (profile) console.log('CPU profiling was on in SQLite NORMAL: its figures include the overhead.');
  } finally {
    for (const c of configs.reverse()) await c.process.stop();
    if (pgUrl) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
      await client.end();
    }
  }
  if (profile) console.log(`\n${summariseProfile(profile, 25)}`);
  rmSync(dir, { recursive: true, force: true });
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
