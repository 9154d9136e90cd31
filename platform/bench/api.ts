/**
 * `npm run bench:api` (first half of `npm run bench`): what the platform's request pipeline (routing, bearer auth, CASL, database
 * read, zod output) costs on `GET /api/v1/users/{id}`, measured against a bare node:http server
 * returning the same body. Each server runs in its own process and autocannon in this one, so
 * no two share an event loop; runs are interleaved (bare, platform, bare, platform…) so drift
 * of the machine hits both alike. Prints a table with the targets; never fails on a miss.
 *
 * Knobs (environment): BENCH_DURATION seconds per run (10), BENCH_CONNECTIONS (50),
 * BENCH_ROUNDS (2), BENCH_WARMUP seconds (3), BENCH_PROFILE=1 to sample the platform's CPU and
 * print where the time went; BENCH_WORKERS app processes for the clustered row (default one per
 * core: the setup `WEB_CONCURRENCY=auto npm start` runs; 1 leaves it out); DATABASE_URL=postgres://…
 * adds the platform on PostgreSQL.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { z } from 'zod';
import autocannon, { type Result } from 'autocannon';
import { dialectOf } from '../server/db/database.server.ts';
import { summariseProfile } from './cpu-profile.ts';
import { cpuNs, freePort, startChild, type Child } from './processes.ts';

const env = z.object({
  BENCH_DURATION: z.coerce.number().int().min(1).default(10),
  BENCH_CONNECTIONS: z.coerce.number().int().min(1).default(50),
  BENCH_ROUNDS: z.coerce.number().int().min(1).default(2),
  BENCH_WARMUP: z.coerce.number().int().min(0).default(3),
  BENCH_PROFILE: z.enum(['0', '1']).default('0'),
  /** App processes of the clustered platform row (WEB_CONCURRENCY); default one per core, 1 leaves the row out. */
  BENCH_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  DATABASE_URL: z.string().optional(),
}).parse(process.env);

const TARGET_RATIO = 0.35;
const TARGET_P99_MS = 10;
const PASSWORD = 'Bench@Pass2026';
const PROBE_USER = 'dh.admin';

interface Run {
  result: Result;
  /** Server CPU time per response, µs (Linux): independent of what else the machine is doing. */
  cpuPerRequest?: number;
}

interface Target {
  name: string;
  /** Server processes answering (1, or the cluster's workers). */
  processes: number;
  pid: number;
  url: string;
  headers: Record<string, string>;
  platform: boolean;
  runs: Run[];
}

const pageOfUsers = z.object({ items: z.array(z.object({ id: z.string(), username: z.string() })) });

/** Signs in as the demo admin and finds the probe user's detail URL and response body. */
async function probe(base: string): Promise<{ token: string; url: string; body: string }> {
  const login = await fetch(`${base}/api/v1/auth/token`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: PASSWORD }),
  });
  if (login.status !== 201) throw new Error(`POST /api/v1/auth/token: ${login.status} ${await login.text()}`);
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}` };
  const list = await fetch(`${base}/api/v1/users?q=${PROBE_USER}`, { headers });
  if (list.status !== 200) throw new Error(`GET /api/v1/users: ${list.status} ${await list.text()}`);
  const user = pageOfUsers.parse(await list.json()).items.find((u) => u.username === PROBE_USER);
  if (!user) throw new Error(`GET /api/v1/users?q=${PROBE_USER} did not return ${PROBE_USER}`);
  const url = `${base}/api/v1/users/${user.id}`;
  const detail = await fetch(url, { headers });
  if (detail.status !== 200) throw new Error(`GET /api/v1/users/{id}: ${detail.status} ${await detail.text()}`);
  return { token, url, body: await detail.text() };
}

async function load(target: Target, seconds: number): Promise<Run> {
  const before = cpuNs(target.pid);
  const result = await autocannon({ url: target.url, connections: env.BENCH_CONNECTIONS, duration: seconds, headers: target.headers });
  const after = cpuNs(target.pid);
  const responses = result.requests.total;
  return { result, cpuPerRequest: before !== undefined && after !== undefined && responses ? (after - before) / 1000 / responses : undefined };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

function report(targets: Target[]): string {
  // The target's baseline is the bare server in one process; the like-for-like column compares with the bare server in as many processes.
  const bare = targets.find((t) => !t.platform && t.processes === 1) as Target;
  const rpsOf = (t: Target) => mean(t.runs.map((r) => r.result.requests.average));
  const cpuOf = (t: Target) => (t.runs.every((r) => r.cpuPerRequest !== undefined) ? mean(t.runs.map((r) => r.cpuPerRequest as number)) : undefined);
  const bareRps = rpsOf(bare);
  const rows = [['server', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'ratio', `ratio ≥ ${TARGET_RATIO * 100}%`, 'vs bare, same processes', `p99 ≤ ${TARGET_P99_MS} ms`, 'bad responses']];
  for (const t of targets) {
    const rps = rpsOf(t);
    const p99 = mean(t.runs.map((r) => r.result.latency.p99));
    const bad = t.runs.reduce((n, { result: r }) => n + r.non2xx + r.errors + r.timeouts, 0);
    const peer = targets.find((o) => !o.platform && o.processes === t.processes);
    rows.push([
      t.name, rps.toFixed(0), mean(t.runs.map((r) => r.result.latency.p50)).toFixed(1), p99.toFixed(1), cpuOf(t)?.toFixed(0) ?? '—',
      t.platform ? `${((100 * rps) / bareRps).toFixed(1)}%` : '—',
      t.platform ? verdict(rps / bareRps >= TARGET_RATIO) : '',
      t.platform && peer ? `${((100 * rps) / rpsOf(peer)).toFixed(1)}%` : '—',
      t.platform ? verdict(p99 <= TARGET_P99_MS) : '',
      String(bad),
    ]);
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')).join('\n');
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tongguan-bench-'));
  const children: Child[] = [];
  const pgUrl = env.DATABASE_URL && dialectOf(env.DATABASE_URL) === 'postgres' ? env.DATABASE_URL : undefined;
  const pgSchema = `bench_${randomBytes(4).toString('hex')}`;
  const profiles: string[] = [];
  const serverEnv = (name: string) => {
    const profile = env.BENCH_PROFILE === '1' ? join(dir, `${name}.cpuprofile`) : '';
    if (profile) profiles.push(profile);
    // The simulator would write telemetry during the runs; the embedded broker takes any free port.
    return { NODE_ENV: 'production', TONGGUAN_MODE: 'demo', DEMO_PASSWORD: PASSWORD, API_SERVER_CPU_PROFILE: profile, SIMULATOR: 'off', MQTT_PORT: '0' };
  };
  const workers = env.BENCH_WORKERS ?? availableParallelism();
  try {
    console.log(`Starting servers (${env.BENCH_CONNECTIONS} connections, ${env.BENCH_ROUNDS} × ${env.BENCH_DURATION} s per server, ${env.BENCH_WARMUP} s warm-up)…`);
    const sqlite = await startChild('platform (SQLite)', 'server/testing/api-server.ts', { ...serverEnv('sqlite'), DATABASE_URL: `file:${join(dir, 'bench.db')}` });
    children.push(sqlite);
    const sqliteProbe = await probe(`http://127.0.0.1:${sqlite.port}`);
    const bare = await startChild('bare node:http', 'bench/bare-server.ts', { BENCH_BODY: sqliteProbe.body });
    children.push(bare);
    const targets: Target[] = [
      { name: 'bare node:http', processes: 1, pid: bare.pid, url: `http://127.0.0.1:${bare.port}${new URL(sqliteProbe.url).pathname}`, headers: {}, platform: false, runs: [] },
      { name: 'platform (SQLite)', processes: 1, pid: sqlite.pid, url: sqliteProbe.url, headers: { authorization: `Bearer ${sqliteProbe.token}` }, platform: true, runs: [] },
    ];
    if (workers > 1) {
      const name = `platform (SQLite, ${workers} processes)`;
      const clustered = await startChild(name, 'server/testing/api-server.ts', {
        ...serverEnv('sqlite-cluster'), API_SERVER_CPU_PROFILE: '', DATABASE_URL: `file:${join(dir, 'bench-cluster.db')}`, WEB_CONCURRENCY: String(workers), API_SERVER_PORT: String(await freePort()),
      });
      children.push(clustered);
      const clusterProbe = await probe(`http://127.0.0.1:${clustered.port}`);
      targets.push({ name, processes: workers, pid: clustered.pid, url: clusterProbe.url, headers: { authorization: `Bearer ${clusterProbe.token}` }, platform: true, runs: [] });
      // Like for like: the bare server in as many processes (the client's share of the two cores shows here).
      const bareName = `bare node:http (${workers} processes)`;
      const bareCluster = await startChild(bareName, 'bench/bare-server.ts', { BENCH_BODY: sqliteProbe.body, WEB_CONCURRENCY: String(workers), BENCH_PORT: String(await freePort()) });
      children.push(bareCluster);
      targets.splice(1, 0, { name: bareName, processes: workers, pid: bareCluster.pid, url: `http://127.0.0.1:${bareCluster.port}${new URL(sqliteProbe.url).pathname}`, headers: {}, platform: false, runs: [] });
    }
    if (pgUrl) {
      const postgres = await startChild('platform (PostgreSQL)', 'server/testing/api-server.ts', { ...serverEnv('postgres'), DATABASE_URL: pgUrl, API_SERVER_PG_SCHEMA: pgSchema });
      children.push(postgres);
      const pgProbe = await probe(`http://127.0.0.1:${postgres.port}`);
      targets.push({ name: 'platform (PostgreSQL)', processes: 1, pid: postgres.pid, url: pgProbe.url, headers: { authorization: `Bearer ${pgProbe.token}` }, platform: true, runs: [] });
    }
    console.log(`GET ${new URL(sqliteProbe.url).pathname} → ${Buffer.byteLength(sqliteProbe.body)} bytes of JSON`);

    if (env.BENCH_WARMUP) for (const t of targets) await load(t, env.BENCH_WARMUP);
    for (let round = 1; round <= env.BENCH_ROUNDS; round++) {
      for (const t of targets) {
        const run = await load(t, env.BENCH_DURATION);
        t.runs.push(run);
        const { requests, latency } = run.result;
        const cpu = run.cpuPerRequest === undefined ? '' : `  ${run.cpuPerRequest.toFixed(0)} µs CPU/req`;
        console.log(`  round ${round}  ${t.name.padEnd(22)} ${requests.average.toFixed(0).padStart(7)} req/s  p50 ${latency.p50} ms  p99 ${latency.p99} ms${cpu}`);
      }
    }
    console.log(`\n${report(targets)}\n`);
    console.log(`Targets: platform ≥ ${TARGET_RATIO * 100}% of bare node:http's req/s (one process, the issue's baseline), platform p99 ≤ ${TARGET_P99_MS} ms. Not a CI gate: a MISS never fails the run.`);
    console.log('The clustered rows are the setup `WEB_CONCURRENCY=auto npm start` runs; "vs bare, same processes" compares each with the bare server in as many processes.');
    console.log('CPU µs/req: the server process\'s CPU time (all threads) per response; unlike req/s it barely moves when the machine is busy.');
    if (profiles.length) console.log('CPU profiling was on: the platform figures above include its overhead.');
  } finally {
    for (const child of children.reverse()) await child.stop();
    if (pgUrl) {
      const client = new pg.Client({ connectionString: pgUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
      await client.end();
    }
  }
  for (const file of profiles) console.log(`\n${summariseProfile(file)}`);
  rmSync(dir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
