/**
 * `WEB_CONCURRENCY=2`: two worker processes share the port; what one changes in memory reaches
 * the other (a revoked token stops working everywhere at once, not after the bearer cache's
 * TTL; an injected simulator anomaly is seen by every process), and a killed worker is replaced.
 * Runs the real server entry (server/testing/api-server.ts) as a child process, on a fresh
 * SQLite file, or a fresh schema of the PostgreSQL database when DATABASE_URL names one.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectOf } from '../db/database.server.ts';
import { PLATFORM_DIR } from '../http/web-build.server.ts';

const PASSWORD = 'Cluster@Test2026';
const pgUrl = process.env.DATABASE_URL && dialectOf(process.env.DATABASE_URL) === 'postgres' ? process.env.DATABASE_URL : undefined;
const pgSchema = `cluster_${randomBytes(4).toString('hex')}`;
const dir = mkdtempSync(join(tmpdir(), 'tongguan-cluster-'));
let child: ChildProcess;
let base = '';
let output = '';

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.once('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  });
});

/** One request on its own connection: the cluster hands new connections to the workers in turn. */
function call(method: string, path: string, headers: Record<string, string> = {}, body?: unknown): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = httpRequest(`${base}${path}`, {
      method, agent: false,
      headers: { connection: 'close', ...headers, ...(payload ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) } : {}) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The worker processes of the cluster's primary (Linux /proc): children running the same entry, not tsx's esbuild. */
function workerPids(): number[] {
  const pid = child.pid as number;
  return readdirSync(`/proc/${pid}/task`)
    .flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean).map(Number))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('api-server.ts');
      } catch {
        return false;
      }
    });
}

async function token(): Promise<string> {
  const login = await call('POST', '/api/v1/auth/token', {}, { username: 'admin', password: PASSWORD });
  expect(login.status).toBe(201);
  return (login.json as { token: string }).token;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out; server output:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  const port = await freePort();
  child = spawn(process.execPath, ['--import', 'tsx', 'server/testing/api-server.ts'], {
    cwd: PLATFORM_DIR,
    env: {
      ...process.env, NODE_ENV: 'production', TONGGUAN_MODE: 'demo', DEMO_PASSWORD: PASSWORD, WEB_CONCURRENCY: '2', API_SERVER_PORT: String(port),
      DATABASE_URL: pgUrl ?? `file:${join(dir, 'cluster.db')}`, API_SERVER_PG_SCHEMA: pgUrl ? pgSchema : '', MQTT_PORT: '0', SIMULATOR: 'on', TONGGUAN_TX_CHECKS: '1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk) => { output += String(chunk); });
  child.stderr?.on('data', (chunk) => { output += String(chunk); });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`cluster did not start:\n${output}`)), 150_000);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`cluster exited with ${code}:\n${output}`)); });
    const poll = setInterval(() => {
      if (!/^\{"port":\d+\}$/m.test(output)) return;
      clearInterval(poll);
      clearTimeout(timer);
      child.removeAllListeners('exit');
      resolve();
    }, 50);
  });
  base = `http://127.0.0.1:${port}`;
}, 180_000);

afterAll(async () => {
  if (child && child.exitCode === null) {
    await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGTERM'); });
  }
  if (pgUrl) {
    const client = new pg.Client({ connectionString: pgUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${pgSchema} CASCADE`);
    await client.end();
  }
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('WEB_CONCURRENCY=2', () => {
  it('serves from two worker processes, and the background work runs in one of them only', async () => {
    expect(workerPids()).toHaveLength(2);
    const answers = await Promise.all(Array.from({ length: 10 }, () => call('GET', '/healthz')));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    // The leader alone started the plugins: one "Plugins:" line for the deployment.
    await waitFor(async () => /Plugins: /.test(output), 10_000);
    expect(output.match(/Plugins: /g)).toHaveLength(1);
  });

  it('a revoked token stops working in every worker at once, not after the cache expires', async () => {
    const bearer = await token();
    const issued = await call('POST', '/api/v1/tokens', { authorization: `Bearer ${bearer}` }, { name: 'cluster test', scopes: ['read:User'], expiresInDays: 1 });
    expect(issued.status, JSON.stringify(issued.json)).toBe(201);
    const { id, token: scoped } = issued.json as { id: string; token: string };
    const asScoped = { authorization: `Bearer ${scoped}` };
    // Fresh connections alternate between the workers: both now hold the token in their cache.
    const before = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/api/v1/users?q=admin', asScoped)));
    expect(before.map((a) => a.status)).toEqual(Array(8).fill(200));
    const revoked = await call('DELETE', `/api/v1/tokens/${id}`, { authorization: `Bearer ${bearer}` });
    expect(revoked.status).toBe(204);
    // Well inside API_TOKEN_CACHE_SECONDS (5 s): a worker that did not hear of it would still answer 200.
    const after = await Promise.all(Array.from({ length: 8 }, () => call('GET', '/api/v1/users?q=admin', asScoped)));
    expect(after.map((a) => a.status)).toEqual(Array(8).fill(401));
  });

  it('an anomaly injected through one worker is known to both', async () => {
    const auth = { authorization: `Bearer ${await token()}` };
    const devices = await call('GET', '/api/v1/devices?typeKey=gasLeakDetector&limit=5', auth);
    expect(devices.status, JSON.stringify(devices.json)).toBe(200);
    const gas = (devices.json as { items: { code: string; typeKey: string }[] }).items.find((d) => d.typeKey === 'gasLeakDetector');
    expect(gas, 'a demo gas detector').toBeDefined();
    const injected = await call('POST', '/api/v1/simulator/anomalies', auth, { deviceCode: gas!.code, kind: 'gasLeak' });
    expect(injected.status, JSON.stringify(injected.json)).toBe(201);
    const seen = await Promise.all(Array.from({ length: 6 }, () => call('GET', '/api/v1/simulator/anomalies', auth)));
    for (const answer of seen) expect((answer.json as { items: { deviceCode: string }[] }).items.map((a) => a.deviceCode)).toContain(gas!.code);
  });

  it('a killed worker is replaced and requests keep being served', async () => {
    const [first] = workerPids();
    process.kill(first, 'SIGKILL');
    await waitFor(async () => {
      const pids = workerPids();
      return pids.length === 2 && !pids.includes(first);
    }, 30_000);
    await waitFor(async () => {
      const answers = await Promise.all(Array.from({ length: 6 }, () => call('GET', '/healthz').catch(() => ({ status: 0 }))));
      return answers.every((a) => a.status === 200);
    }, 60_000);
  }, 90_000);
});
