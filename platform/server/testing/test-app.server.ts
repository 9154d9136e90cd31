/**
 * Test harness: a real database (a fresh SQLite file, or a fresh schema on the PostgreSQL
 * named by DATABASE_URL), the seeded demo city, a real HTTP server on an ephemeral port and a
 * controllable clock. Used by every database test, so the one suite runs on both dialects.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { loadConfig, type AppConfig } from '../config.server.ts';
import { openDatabase, dialectOf } from '../db/database.server.ts';
import { createApp, type App } from '../app.server.ts';
import { createHttpServer } from '../http/server.server.ts';
import { seedDemo } from '../seed/demo.server.ts';

export const TEST_PASSWORD = 'Test@Pass2026';

export interface TestClock {
  now(): Date;
  advance(ms: number): void;
  set(date: Date): void;
}

export function testClock(start = new Date('2026-03-02T02:00:00Z')): TestClock {
  let current = start.getTime();
  return { now: () => new Date(current), advance: (ms) => { current += ms; }, set: (d) => { current = d.getTime(); } };
}

export interface TestApp {
  app: App;
  clock: TestClock;
  baseUrl: string;
  /** Sends a request to the running server. */
  request(method: string, path: string, init?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Response>;
  /** Bearer token for a seeded user (password grant). */
  tokenFor(username: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  seed?: boolean;
  config?: Partial<AppConfig>;
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const url = process.env.DATABASE_URL;
  const usePg = !!url && dialectOf(url) === 'postgres';
  const dir = usePg ? undefined : mkdtempSync(join(tmpdir(), 'tongguan-test-'));
  const schema = usePg ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const databaseUrl = usePg ? url : `file:${join(dir as string, 'test.db')}`;
  const config = { ...loadConfig({ NODE_ENV: 'test', DEMO_PASSWORD: TEST_PASSWORD, DATABASE_URL: databaseUrl }), ...options.config };
  const db = await openDatabase(databaseUrl, { pgSchema: schema, poolSize: 5 });
  const clock = testClock();
  const app = createApp(config, db, clock.now);
  if (options.seed !== false) await seedDemo(app);
  const server = createHttpServer(app, {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, string>();

  const request: TestApp['request'] = (method, path, init = {}) => {
    const headers: Record<string, string> = { ...(init.headers ?? {}) };
    if (init.token) headers.authorization = `Bearer ${init.token}`;
    let body: string | undefined = init.rawBody;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers['content-type'] ??= 'application/json';
    }
    return fetch(baseUrl + path, { method, headers, body });
  };

  return {
    app, clock, baseUrl, request,
    async tokenFor(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await request('POST', '/api/v1/auth/token', { body: { username, password: TEST_PASSWORD } });
      if (res.status !== 201) throw new Error(`Login as ${username} failed: ${res.status} ${await res.text()}`);
      const { token } = (await res.json()) as { token: string };
      tokens.set(username, token);
      return token;
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (usePg && db.raw.kind === 'postgres') await db.raw.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
