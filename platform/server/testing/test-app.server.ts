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
import { and, asc, eq, gt, max } from 'drizzle-orm';
import { loadConfig, type AppConfig } from '../config.server.ts';
import { openDatabase, dialectOf } from '../db/database.server.ts';
import { createApp, type App } from '../app.server.ts';
import { createHttpServer } from '../http/server.server.ts';
import { seedDemo } from '../seed/demo.server.ts';
import { loadPlugins, type PluginCandidate } from '../plugins/host.server.ts';

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

/** The body of every error response (see errors.server.ts). */
export interface ErrorJson { error: { code: string; message: string; fields?: { field: string; message: string }[] } }

type Tables = App['db']['t'];
export type AuditRow = Tables['auditLog']['$inferSelect'];
export type UserRow = Tables['users']['$inferSelect'];

/** A point in the audit log: the highest sequence number written so far (0 when empty). */
export type AuditMark = number;

export interface TestApp {
  app: App;
  /** Where the test database is, so a child process can open the same one. */
  database: { url: string; pgSchema?: string };
  clock: TestClock;
  baseUrl: string;
  /** Sends a request to the running server. */
  request(method: string, path: string, init?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<Response>;
  /** Bearer token for a seeded user (password grant). */
  tokenFor(username: string): Promise<string>;
  /** Marks the end of the audit log, so that `auditSince(mark)` returns what a step wrote. */
  auditMark(): Promise<AuditMark>;
  /** Audit rows written after `mark`, oldest first. */
  auditSince(mark: AuditMark): Promise<AuditRow[]>;
  /** Audit rows about one object, oldest first. */
  auditFor(objectId: string): Promise<AuditRow[]>;
  /** A person by username (usernames are unique across cities); undefined when there is none. */
  findUser(username: string): Promise<UserRow | undefined>;
  /** A person by username; throws when there is none. */
  user(username: string): Promise<UserRow>;
  /** The id of a person by username; throws when there is none. */
  userId(username: string): Promise<string>;
  /** The id of an organisation by code (seeded codes are unique across cities); throws when there is none. */
  orgId(code: string): Promise<string>;
  /** The id of a role by code in the city with `tenantCode`; undefined when there is none. */
  findRoleId(code: string, tenantCode?: string): Promise<string | undefined>;
  /** The id of a role by code in the city with `tenantCode`; throws when there is none. */
  roleId(code: string, tenantCode?: string): Promise<string>;
  /** The id of the city with `code` ('demo' unless told); throws when there is none. */
  tenantId(code?: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  seed?: boolean;
  config?: Partial<AppConfig>;
  /** Plugins to load (default: the workspace's `plugins/*`, loaded but not started); `false` loads none. */
  plugins?: false | readonly PluginCandidate[];
}

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const url = process.env.DATABASE_URL;
  const usePg = !!url && dialectOf(url) === 'postgres';
  const dir = usePg ? undefined : mkdtempSync(join(tmpdir(), 'tongguan-test-'));
  const schema = usePg ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const databaseUrl = usePg ? url : `file:${join(dir as string, 'test.db')}`;
  const filesDir = mkdtempSync(join(tmpdir(), 'tongguan-files-'));
  const config = { ...loadConfig({ NODE_ENV: 'test', DEMO_PASSWORD: TEST_PASSWORD, DATABASE_URL: databaseUrl }), filesDir, ...options.config };
  const db = await openDatabase(databaseUrl, { pgSchema: schema, poolSize: 5 });
  const clock = testClock();
  const app = createApp(config, db, clock.now);
  if (options.seed !== false) await seedDemo(app);
  if (options.plugins !== false) await loadPlugins(app, options.plugins);
  const server = createHttpServer(app, {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tokens = new Map<string, { token: string; expiresAt: string }>();
  const { auditLog: a, users: u, organisations: o, roles: r, tenants: tn } = db.t;
  const read = db.read;

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

  async function findRoleId(code: string, tenantCode = 'demo'): Promise<string | undefined> {
    const [row] = await read.select({ id: r.id }).from(r).innerJoin(tn, eq(tn.id, r.tenantId)).where(and(eq(tn.code, tenantCode), eq(r.code, code)));
    return row?.id;
  }

  return {
    app, clock, baseUrl, request, database: { url: databaseUrl, pgSchema: schema },
    async tokenFor(username) {
      // A token is reused while the (test) clock is well inside its lifetime: tests move the clock forward.
      const cached = tokens.get(username);
      if (cached && Date.parse(cached.expiresAt) - clock.now().getTime() > 60_000) return cached.token;
      const res = await request('POST', '/api/v1/auth/token', { body: { username, password: TEST_PASSWORD } });
      if (res.status !== 201) throw new Error(`Login as ${username} failed: ${res.status} ${await res.text()}`);
      const issued = (await res.json()) as { token: string; expiresAt: string };
      tokens.set(username, issued);
      return issued.token;
    },
    async auditMark() {
      const [row] = await read.select({ seq: max(a.seq) }).from(a);
      return Number(row.seq ?? 0);
    },
    auditSince: (mark) => read.select().from(a).where(gt(a.seq, mark)).orderBy(asc(a.seq)),
    auditFor: (objectId) => read.select().from(a).where(eq(a.objectId, objectId)).orderBy(asc(a.seq)),
    findUser: async (username) => (await read.select().from(u).where(eq(u.username, username)))[0],
    user: async (username) => found(await read.select().from(u).where(eq(u.username, username)), `person ${username}`),
    userId: async (username) => found(await read.select({ id: u.id }).from(u).where(eq(u.username, username)), `person ${username}`).id,
    orgId: async (code) => found(await read.select({ id: o.id }).from(o).where(eq(o.code, code)), `organisation ${code}`).id,
    findRoleId,
    roleId: async (code, tenantCode = 'demo') => found([await findRoleId(code, tenantCode)], `role ${code} in ${tenantCode}`),
    tenantId: async (code = 'demo') => found(await read.select({ id: tn.id }).from(tn).where(eq(tn.code, code)), `city ${code}`).id,
    async close() {
      // close() waits for every connection to end; a keep-alive or half-uploaded one (a 413 sent
      // before its body arrived) would hold it open until it timed out, so they are cut at once.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await app.plugins.stop();
      await app.deliveries.stop();
      await app.telemetry.close();
      if (usePg && db.raw.kind === 'postgres') await db.raw.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
      rmSync(filesDir, { recursive: true, force: true });
    },
  };
}

/** The first of `rows`; a lookup of seeded data that finds nothing is a broken test, not a result. */
function found<T>(rows: (T | undefined)[], what: string): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`No ${what} in the test database`);
  return row;
}

/** The messages of an error and its causes (drizzle wraps driver errors). */
export function messagesOf(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error; e instanceof Error; e = e.cause) parts.push(e.message);
  return parts.join(' | ');
}
