import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like } from 'drizzle-orm';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

interface GridJson { id: string; orgId: string; code: string; name: string; bbox: number[] }

const square = (lng: number, lat: number, size = 0.001) => ({
  type: 'Polygon',
  coordinates: [[[lng, lat], [lng + size, lat], [lng + size, lat + size], [lng, lat + size], [lng, lat]]],
});

/** A seeded grid of the organisation with the given code (first by grid code). */
async function gridOf(orgCode: string) {
  const { grids: g } = t.app.db.t;
  const [row] = await t.app.db.read.select().from(g).where(eq(g.orgId, await t.orgId(orgCode))).orderBy(g.code).limit(1);
  return row;
}
const centre = (bbox: [number, number, number, number]) => ({ lng: (bbox[0] + bbox[2]) / 2, lat: (bbox[1] + bbox[3]) / 2 });

describe('reading grids', () => {
  it('given the city admin, when listing grids, then the 56 grids of the city are returned and none of the other city', async () => {
    const res = await t.request('GET', '/api/v1/grids', { token: admin });
    expect(res.status).toBe(200);
    const grids = (await res.json()) as GridJson[];
    expect(grids).toHaveLength(56);
    expect(grids.every((g) => g.code.startsWith('370100'))).toBe(true);
  });

  it('given a district admin, when listing grids, then only grids of their district are returned', async () => {
    const token = await t.tokenFor('dh.admin');
    const grids = (await (await t.request('GET', '/api/v1/grids', { token })).json()) as GridJson[];
    const { organisations: o } = t.app.db.t;
    const dh = (await t.app.db.read.select({ id: o.id }).from(o).where(like(o.code, 'demo-dh%'))).map((r) => r.id);
    expect(grids.length).toBeGreaterThan(0);
    expect(grids.length).toBeLessThan(56);
    expect(grids.every((g) => dh.includes(g.orgId))).toBe(true);
  });

  it('given filters, when listing by organisation or text, then only matching grids are returned', async () => {
    const community = await t.orgId('demo-xl-sg-cb');
    const byOrg = (await (await t.request('GET', `/api/v1/grids?orgId=${community}`, { token: admin })).json()) as GridJson[];
    expect(byOrg).toHaveLength(4);
    const byText = (await (await t.request('GET', '/api/v1/grids?q=37010002010101', { token: admin })).json()) as GridJson[];
    expect(byText.map((g) => g.code)).toEqual(['37010002010101']);
  });

  it('given a district admin, when reading a grid of another district, then 403; a grid of the other city, then 404', async () => {
    const token = await t.tokenFor('dh.admin');
    expect((await t.request('GET', `/api/v1/grids/${(await gridOf('demo-xl-sg-cb')).id}`, { token })).status).toBe(403);
    expect((await t.request('GET', `/api/v1/grids/${(await gridOf('demo-dh-lq-jx')).id}`, { token })).status).toBe(200);
    const { grids: g, tenants } = t.app.db.t;
    const [other] = await t.app.db.read.select({ id: g.id }).from(g).innerJoin(tenants, eq(tenants.id, g.tenantId)).where(eq(tenants.code, 'other'));
    expect((await t.request('GET', `/api/v1/grids/${other.id}`, { token: admin })).status).toBe(404);
  });
});

describe('resolving a point to its grid', () => {
  it('given the centre of a seeded grid, when resolving, then that grid is returned', async () => {
    const grid = await gridOf('demo-xl-sg-cb');
    const { lng, lat } = centre(grid.bbox);
    const res = await t.request('GET', `/api/v1/grids/resolve?lng=${lng}&lat=${lat}`, { token: admin });
    expect(res.status).toBe(200);
    expect(((await res.json()) as GridJson).id).toBe(grid.id);
  });

  it('given a point outside every grid, when resolving, then null', async () => {
    const res = await t.request('GET', '/api/v1/grids/resolve?lng=100&lat=20', { token: admin });
    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
  });

  it('given an inspector, when resolving a point in another district, then null: grids outside the scope are not answered', async () => {
    const token = await t.tokenFor('dh.inspector1');
    const { lng, lat } = centre((await gridOf('demo-xl-sg-cb')).bbox);
    expect(await (await t.request('GET', `/api/v1/grids/resolve?lng=${lng}&lat=${lat}`, { token })).json()).toBeNull();
    const own = await gridOf('demo-dh-lq-jx');
    const mine = centre(own.bbox);
    expect(((await (await t.request('GET', `/api/v1/grids/resolve?lng=${mine.lng}&lat=${mine.lat}`, { token })).json()) as GridJson).id).toBe(own.id);
  });

  it('given missing, empty or out-of-range coordinates, when resolving, then 422', async () => {
    for (const q of ['', 'lng=&lat=', 'lng=117', 'lng=200&lat=36', 'lng=abc&lat=36', 'lng=117&lat=Infinity']) {
      const res = await t.request('GET', `/api/v1/grids/resolve?${q}`, { token: admin });
      expect(res.status, q).toBe(422);
    }
  });
});

describe('changing grids', () => {
  it('given the city admin, when creating, reshaping and deleting a grid, then the bounding box follows and each step writes one audit row', async () => {
    const org = await t.orgId('demo-gx-cx');
    let since = await t.auditMark();
    const created = await t.request('POST', '/api/v1/grids', { token: admin, body: { orgId: org, code: 'TEST-G1', name: '测试网格', geometry: square(120, 30) } });
    expect(created.status).toBe(201);
    const grid = (await created.json()) as GridJson;
    expect(grid.bbox).toEqual([120, 30, 120.001, 30.001]);
    expect(await t.auditSince(since)).toHaveLength(1);

    since = await t.auditMark();
    const updated = await t.request('PATCH', `/api/v1/grids/${grid.id}`, { token: admin, body: { name: '测试网格（调整）', geometry: square(121, 31, 0.002) } });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as GridJson).bbox).toEqual([121, 31, 121.002, 31.002]);
    expect(await t.auditSince(since)).toHaveLength(1);
    const resolved = await t.request('GET', '/api/v1/grids/resolve?lng=121.001&lat=31.001', { token: admin });
    expect(((await resolved.json()) as GridJson).id).toBe(grid.id);

    since = await t.auditMark();
    expect((await t.request('DELETE', `/api/v1/grids/${grid.id}`, { token: admin })).status).toBe(204);
    expect(await t.auditSince(since)).toHaveLength(1);
    const audit = await t.auditFor(grid.id);
    expect(audit.map((a) => a.action)).toEqual(['create', 'update', 'delete']);
    expect(audit[1].before).toMatchObject({ name: '测试网格', bbox: [120, 30, 120.001, 30.001] });
    expect(audit[1].after).toMatchObject({ name: '测试网格（调整）', bbox: [121, 31, 121.002, 31.002] });
    expect((await t.request('GET', `/api/v1/grids/${grid.id}`, { token: admin })).status).toBe(404);
  });

  it('given a district admin, when creating a grid in another district or moving theirs there, then 403 and nothing is written', async () => {
    const token = await t.tokenFor('dh.admin');
    const xl = await t.orgId('demo-xl-sg');
    const own = await gridOf('demo-dh-lq-jx');
    const since = await t.auditMark();
    const created = await t.request('POST', '/api/v1/grids', { token, body: { orgId: xl, code: 'TEST-INTRUDE', name: '越权网格', geometry: square(120, 30) } });
    expect(created.status).toBe(403);
    const moved = await t.request('PATCH', `/api/v1/grids/${own.id}`, { token, body: { orgId: xl } });
    expect(moved.status).toBe(403);
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a grid named by a role scope, when deleting it, then 409', async () => {
    const grid = await gridOf('demo-xl-sg-cb');
    const role = await t.request('POST', '/api/v1/roles', { token: admin, body: { code: 'oneGrid', name: '单网格', rules: [{ action: 'read', subject: 'Grid' }], dataScope: 'all', scopeGridIds: [grid.id] } });
    expect(role.status).toBe(201);
    const res = await t.request('DELETE', `/api/v1/grids/${grid.id}`, { token: admin });
    expect(res.status).toBe(409);
  });

  it('given a duplicate code, an unknown organisation or a broken polygon, when creating, then 409 or 422 and nothing is written', async () => {
    const org = await t.orgId('demo-gx-cx');
    const since = await t.auditMark();
    const dup = await t.request('POST', '/api/v1/grids', { token: admin, body: { orgId: org, code: '37010002010101', name: '重复', geometry: square(120, 30) } });
    expect(dup.status).toBe(409);
    const unknown = await t.request('POST', '/api/v1/grids', { token: admin, body: { orgId: 'no-such-org', code: 'TEST-G2', name: '未知机构', geometry: square(120, 30) } });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as ErrorJson).error.fields?.[0].field).toBe('orgId');
    const open = { type: 'Polygon', coordinates: [[[120, 30], [120.001, 30], [120.001, 30.001], [120, 30.001]]] };
    for (const geometry of [open, { type: 'Point', coordinates: [120, 30] }, square(190, 30), 'POLYGON((0 0, 1 1))']) {
      const res = await t.request('POST', '/api/v1/grids', { token: admin, body: { orgId: org, code: 'TEST-G3', name: '坏多边形', geometry } });
      expect(res.status).toBe(422);
    }
    for (const name of ['<script>alert(1)</script>', '', 'x'.repeat(10_000)]) {
      const res = await t.request('POST', '/api/v1/grids', { token: admin, body: { orgId: org, code: 'TEST-G4', name, geometry: square(120, 30) } });
      expect(res.status).toBe(422);
    }
    const sql = await t.request('POST', '/api/v1/grids', { token: admin, body: { orgId: org, code: "'; DROP TABLE grids; --", name: 'x', geometry: square(120, 30) } });
    expect(sql.status).toBe(422);
    expect(await t.auditSince(since)).toHaveLength(0);
    const { grids: g } = t.app.db.t;
    expect(await t.app.db.read.select().from(g).where(and(eq(g.orgId, org), like(g.code, 'TEST-%')))).toHaveLength(0);
  });
});
