import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { seedCity } from './seed.server.ts';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

async function counts() {
  const { db } = t.app;
  const tables = { organisations: db.t.organisations, grids: db.t.grids, users: db.t.users, memberships: db.t.memberships, roles: db.t.roles, calendarDays: db.t.calendarDays, definitions: db.t.definitions };
  const out: Record<string, number> = {};
  for (const [name, table] of Object.entries(tables)) out[name] = Number((await db.read.select({ n: count() }).from(table))[0].n);
  return out;
}

describe('demo city seed', () => {
  it('given the seeded demo city, when counted, then it has the districts, units, grids and people the issue asks for', async () => {
    const { organisations: o, users: u } = t.app.db.t;
    const orgs = await t.app.db.read.select({ level: o.level, kind: o.kind, code: o.code }).from(o);
    const demo = orgs.filter((x) => x.code.startsWith('demo'));
    expect(demo.filter((x) => x.level === 'district').length).toBeGreaterThanOrEqual(3);
    expect(demo.filter((x) => x.kind !== 'admin').length).toBeGreaterThanOrEqual(10);
    expect((await t.app.db.read.select({ id: u.id }).from(u)).length).toBeGreaterThanOrEqual(30);
    expect(await t.findUser('admin')).toBeDefined();
  });

  it('given a seeded database, when the seed runs again, then nothing is inserted and nothing changes', async () => {
    const before = await counts();
    const report = await seedCity(t.app, 'demo-city', { password: 'Another#Pass2026' });
    expect(report.inserted).toEqual({});
    expect(await counts()).toEqual(before);
  });
});
