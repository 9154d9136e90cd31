/**
 * The operator CLI, run as operators run it: a child process against a database file, in
 * production mode. Always SQLite (a temporary file), whatever DATABASE_URL says: the CLI opens
 * the database through the same code as the server, which the dialect suites already cover.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { loadConfig } from '../config.server.ts';
import { openDatabase, type Database } from '../db/database.server.ts';
import { createApp } from '../app.server.ts';
import { createHttpServer } from '../http/server.server.ts';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../cli.ts');
const SECRET = 'cli-test-session-secret-0123456789';
const PASSWORD = 'Jinan#Admin2026';
const CITY = ['--tenant-code', 'jn', '--tenant-name', '济南市', '--region-code', '370100'];

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDatabaseUrl(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tongguan-cli-'));
  dirs.push(dir);
  return `file:${join(dir, 'cli.db')}`;
}

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runCli(databaseUrl: string, args: string[], options: { password?: string; stdin?: string } = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATABASE_URL: databaseUrl, TONGGUAN_MODE: 'production', SESSION_SECRET: SECRET, LANG: 'en_US.UTF-8', LC_ALL: '',
  };
  delete env.ADMIN_PASSWORD;
  if (options.password !== undefined) env.ADMIN_PASSWORD = options.password;
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => { stdout += String(chunk); });
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  child.stdin.end(options.stdin ?? '');
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** Opens the file the CLI wrote and serves the real API on it, as `npm start` would. */
async function serve(databaseUrl: string): Promise<{ db: Database; request: (method: string, path: string, init?: { token?: string; body?: unknown }) => Promise<Response>; close(): Promise<void> }> {
  const config = loadConfig({ NODE_ENV: 'test', TONGGUAN_MODE: 'production', SESSION_SECRET: SECRET, DATABASE_URL: databaseUrl });
  const db = await openDatabase(databaseUrl);
  const server = createHttpServer(createApp(config, db), {});
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    db,
    request: (method, path, init = {}) => fetch(base + path, {
      method,
      headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body ? { 'content-type': 'application/json' } : {}) },
      body: init.body ? JSON.stringify(init.body) : undefined,
    }),
    async close() {
      await new Promise<void>((done) => server.close(() => done()));
      server.closeAllConnections();
      await db.close();
    },
  };
}

async function signIn(api: Awaited<ReturnType<typeof serve>>, username: string, password: string): Promise<Response> {
  return api.request('POST', '/api/v1/auth/token', { body: { username, password } });
}

describe('operator CLI', () => {
  it('given an empty production database, when create-admin runs, then the new administrator signs in and manages the new city', async () => {
    const url = newDatabaseUrl();
    const run = await runCli(url, ['create-admin', ...CITY, '--username', 'jn.admin', '--display-name', '张三'], { password: PASSWORD });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('jn.admin');

    const api = await serve(url);
    try {
      const login = await signIn(api, 'jn.admin', PASSWORD);
      expect(login.status).toBe(201);
      const { token } = (await login.json()) as { token: string };
      const orgs = (await (await api.request('GET', '/api/v1/organisations', { token })).json()) as { id: string; code: string; name: string; level: string }[];
      expect(orgs).toEqual([expect.objectContaining({ code: 'jn', name: '济南市', level: 'city' })]);
      const created = await api.request('POST', '/api/v1/organisations', {
        token, body: { parentId: orgs[0].id, code: 'jn-lx', name: '历下区', level: 'district', kind: 'admin' },
      });
      expect(created.status).toBe(201);

      const t = api.db.t;
      const [tenant] = await api.db.read.select().from(t.tenants).where(eq(t.tenants.code, 'jn'));
      expect(tenant).toMatchObject({ name: '济南市', regionCode: '370100' });
      const roles = await api.db.read.select({ code: t.roles.code }).from(t.roles).where(eq(t.roles.tenantId, tenant.id));
      expect(roles.map((r) => r.code)).toEqual(expect.arrayContaining(['cityAdmin', 'auditor', 'districtAdmin']));
      const audit = await api.db.read.select().from(t.auditLog).where(eq(t.auditLog.actorName, 'cli'));
      expect(audit.map((a) => a.objectType)).toEqual(expect.arrayContaining(['tenant', 'organisation', 'role', 'user']));
      expect(JSON.stringify(audit)).not.toContain('scrypt$');
    } finally {
      await api.close();
    }
  });

  it('given an existing city, when create-admin runs with the password on stdin, then a second administrator joins that city and nothing is duplicated', async () => {
    const url = newDatabaseUrl();
    expect((await runCli(url, ['create-admin', ...CITY, '--username', 'jn.admin'], { password: PASSWORD })).code).toBe(0);

    const second = await runCli(url, ['create-admin', ...CITY, '--username', 'jn.admin2'], { stdin: `${PASSWORD}\n` });
    expect(second.stderr).toBe('');
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Using existing city');

    const api = await serve(url);
    try {
      expect((await signIn(api, 'jn.admin2', PASSWORD)).status).toBe(201);
      const t = api.db.t;
      expect(await api.db.read.select().from(t.tenants)).toHaveLength(1);
      expect(await api.db.read.select().from(t.organisations)).toHaveLength(1);
      expect(await api.db.read.select().from(t.roles).where(eq(t.roles.code, 'cityAdmin'))).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('given a taken username, when create-admin runs, then it is refused and nothing is written', async () => {
    const url = newDatabaseUrl();
    expect((await runCli(url, ['create-admin', ...CITY, '--username', 'jn.admin'], { password: PASSWORD })).code).toBe(0);

    const again = await runCli(url, ['create-admin', '--tenant-code', 'qd', '--tenant-name', '青岛市', '--region-code', '370200', '--username', 'jn.admin'], { password: 'Other#Pass2026' });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists: jn.admin');

    const db = await openDatabase(url);
    try {
      expect((await db.read.select().from(db.t.tenants)).map((x) => x.code)).toEqual(['jn']);
      expect(await db.read.select().from(db.t.users)).toHaveLength(1);
    } finally {
      await db.close();
    }
  });

  it('given a password that breaks the policy, when create-admin runs, then the rules it breaks are named and nothing is written', async () => {
    const url = newDatabaseUrl();
    const run = await runCli(url, ['create-admin', ...CITY, '--username', 'jn.admin'], { password: 'jn.admin1' });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('does not meet the policy');
    expect(run.stderr).toContain('must not contain the username');

    const db = await openDatabase(url);
    try {
      expect(await db.read.select().from(db.t.tenants)).toHaveLength(0);
      expect(await db.read.select().from(db.t.auditLog)).toHaveLength(0);
    } finally {
      await db.close();
    }
  });

  it('given a region code that is not six digits, when create-admin runs, then the field is named and nothing is written', async () => {
    const url = newDatabaseUrl();
    const run = await runCli(url, ['create-admin', '--tenant-code', 'jn', '--tenant-name', '济南市', '--region-code', '3701', '--username', 'jn.admin'], { password: PASSWORD });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('regionCode');
    const db = await openDatabase(url);
    try {
      expect(await db.read.select().from(db.t.users)).toHaveLength(0);
    } finally {
      await db.close();
    }
  });

  it('given missing options, when create-admin runs, then it exits with status 2 and prints the usage', async () => {
    const run = await runCli(newDatabaseUrl(), ['create-admin', '--tenant-code', 'jn'], { password: PASSWORD });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Missing --tenant-name, --region-code, --username');
    expect(run.stderr).toContain('Usage:');
  });

  it('given a new database file, when migrate runs, then the schema exists and no city is seeded', async () => {
    const url = newDatabaseUrl();
    const run = await runCli(url, ['migrate']);
    expect(run.code).toBe(0);
    const db = await openDatabase(url, { migrate: false });
    try {
      expect(await db.read.select().from(db.t.tenants)).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('given production mode, when seed-demo runs, then it is refused', async () => {
    const run = await runCli(newDatabaseUrl(), ['seed-demo']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('refused in production mode');
  });
});
