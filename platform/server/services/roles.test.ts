import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

interface RoleJson { id: string; code: string; name: string; userCount: number; dataScope: string; scopeOrgIds: string[]; rules: unknown[] }

const role = (code: string, over: Record<string, unknown> = {}) => ({
  code, name: '网格查看', description: '查看全部网格', rules: [{ action: 'read', subject: 'Grid' }], dataScope: 'all', ...over,
});

describe('roles API', () => {
  it('given the city admin, when listing roles, then the built-in roles are returned with how many people hold them', async () => {
    const res = await t.request('GET', '/api/v1/roles', { token: admin });
    expect(res.status).toBe(200);
    const roles = (await res.json()) as RoleJson[];
    expect(roles.map((r) => r.code)).toEqual(expect.arrayContaining(['cityAdmin', 'auditor', 'districtAdmin', 'inspector', 'handler']));
    expect(roles.find((r) => r.code === 'cityAdmin')?.userCount).toBe(1);
    expect(roles.find((r) => r.code === 'inspector')?.userCount).toBeGreaterThanOrEqual(7);
  });

  it('given a handler, when listing roles, then 403', async () => {
    const res = await t.request('GET', '/api/v1/roles', { token: await t.tokenFor('dh.handler2') });
    expect(res.status).toBe(403);
  });

  it('given a role of the other city, when read by id, then 404', async () => {
    const { roles: r, tenants } = t.app.db.t;
    const [other] = await t.app.db.read.select({ id: r.id }).from(r).innerJoin(tenants, eq(tenants.id, r.tenantId)).where(eq(tenants.code, 'other'));
    expect((await t.request('GET', `/api/v1/roles/${other.id}`, { token: admin })).status).toBe(404);
  });

  it('given a new role assigned to a handler, when its rules change, then the handler gains the permission at once', async () => {
    const since = await t.auditMark();
    const created = await t.request('POST', '/api/v1/roles', { token: admin, body: role('gridViewer', { rules: [{ action: 'read', subject: 'Organisation' }] }) });
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as RoleJson;
    expect(await t.auditSince(since)).toHaveLength(1);
    expect((await t.auditFor(id))[0]).toMatchObject({ action: 'create', objectType: 'role', after: { code: 'gridViewer' } });

    const handler = await t.userId('dh.handler2');
    const handlerRoleId = await t.roleId('handler');
    const assign = await t.request('PATCH', `/api/v1/users/${handler}`, { token: admin, body: { roleIds: [handlerRoleId, id] } });
    expect(assign.status).toBe(200);
    const token = await t.tokenFor('dh.handler2');
    expect((await t.request('GET', '/api/v1/grids', { token })).status).toBe(403);

    const authBefore = (await t.user('dh.handler2')).authVersion;
    const sinceUpdate = await t.auditMark();
    const updated = await t.request('PATCH', `/api/v1/roles/${id}`, { token: admin, body: { rules: [{ action: 'read', subject: ['Grid', 'Organisation'] }] } });
    expect(updated.status).toBe(200);
    expect(((await updated.json()) as RoleJson).userCount).toBe(1);
    expect((await t.user('dh.handler2')).authVersion).toBe(authBefore + 1);
    expect(await t.auditSince(sinceUpdate)).toHaveLength(1);
    const audit = (await t.auditFor(id)).find((a) => a.action === 'update');
    expect(audit?.before).toMatchObject({ rules: [{ action: 'read', subject: 'Organisation' }] });
    expect(audit?.after).toMatchObject({ rules: [{ action: 'read', subject: ['Grid', 'Organisation'] }] });
    expect((await t.request('GET', '/api/v1/grids', { token })).status).toBe(200);
  });

  it('given a role somebody holds, when deleting it, then 409; once nobody holds it, then it is deleted and audited', async () => {
    const { id } = (await (await t.request('POST', '/api/v1/roles', { token: admin, body: role('tempRole') })).json()) as RoleJson;
    const person = await t.userId('gx.handler3');
    const handlerRoleId = await t.roleId('handler');
    await t.request('PATCH', `/api/v1/users/${person}`, { token: admin, body: { roleIds: [handlerRoleId, id] } });
    const refused = await t.request('DELETE', `/api/v1/roles/${id}`, { token: admin });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as ErrorJson).error.fields?.[0].message).toBe('角色已分配给人员，请先取消分配');
    await t.request('PATCH', `/api/v1/users/${person}`, { token: admin, body: { roleIds: [handlerRoleId] } });
    const since = await t.auditMark();
    expect((await t.request('DELETE', `/api/v1/roles/${id}`, { token: admin })).status).toBe(204);
    expect(await t.auditSince(since)).toHaveLength(1);
    expect((await t.auditFor(id)).find((a) => a.action === 'delete')?.before).toMatchObject({ code: 'tempRole' });
    expect((await t.request('GET', `/api/v1/roles/${id}`, { token: admin })).status).toBe(404);
  });

  it('given a custom scope, when created with organisations, then they are stored; without any, then 422', async () => {
    const dh = await t.orgId('demo-dh');
    const ok = await t.request('POST', '/api/v1/roles', { token: admin, body: role('dhGrids', { dataScope: 'custom', scopeOrgIds: [dh] }) });
    expect(ok.status).toBe(201);
    expect(((await ok.json()) as RoleJson).scopeOrgIds).toEqual([dh]);
    const missing = await t.request('POST', '/api/v1/roles', { token: admin, body: role('noOrgs', { dataScope: 'custom', scopeOrgIds: [] }) });
    expect(missing.status).toBe(422);
    expect(((await missing.json()) as ErrorJson).error.fields?.[0].field).toBe('scopeOrgIds');
    const foreign = await t.request('POST', '/api/v1/roles', { token: admin, body: role('foreignOrg', { dataScope: 'custom', scopeOrgIds: [await t.orgId('other')] }) });
    expect(foreign.status).toBe(422);
    expect(((await foreign.json()) as ErrorJson).error.fields?.[0].field).toBe('scopeOrgIds.0');
  });

  it('given a duplicate code, when creating, then 409', async () => {
    const res = await t.request('POST', '/api/v1/roles', { token: admin, body: role('inspector') });
    expect(res.status).toBe(409);
  });

  it('given a district admin or an auditor, when creating a role, then 403 and nothing is written', async () => {
    const tokens = { 'dh.admin': await t.tokenFor('dh.admin'), auditor: await t.tokenFor('auditor') };
    const since = await t.auditMark();
    for (const [username, token] of Object.entries(tokens)) {
      const res = await t.request('POST', '/api/v1/roles', { token, body: role(`by-${username}`, { rules: [{ action: 'manage', subject: 'all' }] }) });
      expect(res.status, username).toBe(403);
    }
    expect(await t.auditSince(since)).toHaveLength(0);
    expect(await t.findRoleId('by-dh.admin')).toBeUndefined();
  });
});

describe('rule validation', () => {
  const bad: [string, unknown][] = [
    ['a $where condition', [{ action: 'read', subject: 'User', conditions: { $where: 'this.status == "active"' } }]],
    ['a $where inside a field', [{ action: 'read', subject: 'User', conditions: { status: { $where: 'sleep(1000)' } } }]],
    ['a $regex condition', [{ action: 'read', subject: 'User', conditions: { username: { $regex: '^a' } } }]],
    ['a nested object condition', [{ action: 'read', subject: 'User', conditions: { status: { value: { $gt: 1 } } } }]],
    ['a condition on a scope field', [{ action: 'read', subject: 'User', conditions: { orgIds: { $nin: [] } } }]],
    ['an unknown action', [{ action: 'hack', subject: 'User' }]],
    ['an unknown subject', [{ action: 'read', subject: 'Users' }]],
    ['an unknown rule key', [{ action: 'read', subject: 'User', when: 'always' }]],
    ['a field name with an operator', [{ action: 'read', subject: 'User', fields: ['$where'] }]],
    ['a rule that is not an object', ['manage all']],
  ];
  for (const [what, rules] of bad) {
    it(`given ${what}, when creating a role, then 422 and nothing is written`, async () => {
      const since = await t.auditMark();
      const res = await t.request('POST', '/api/v1/roles', { token: admin, body: role('badRules', { rules }), headers: { 'accept-language': 'en' } });
      expect(res.status).toBe(422);
      const json = (await res.json()) as ErrorJson;
      expect(json.error.code).toBe('validation_failed');
      expect(json.error.fields?.[0].field).toMatch(/^rules\.0/);
      expect(await t.auditSince(since)).toHaveLength(0);
    });
  }

  it('given a $where condition, when the error is read in Chinese, then it explains the allowed operators', async () => {
    const res = await t.request('POST', '/api/v1/roles', { token: admin, body: role('badRules', { rules: bad[0][1] }) });
    const json = (await res.json()) as ErrorJson;
    expect(json.error.fields?.[0]).toEqual({ field: 'rules.0.conditions.$where', message: expect.stringContaining('$where') });
  });

  it('given allowed operators, when creating a role, then the conditions are stored as given', async () => {
    const rules = [{ action: ['read', 'update'], subject: 'User', conditions: { status: { $in: ['active'] }, username: { $ne: 'admin' } }, fields: ['displayName', 'phone'] }];
    const res = await t.request('POST', '/api/v1/roles', { token: admin, body: role('goodRules', { rules }) });
    expect(res.status).toBe(201);
    expect(((await res.json()) as RoleJson).rules).toEqual(rules);
  });

  it('given markup, empty and oversized names, when creating a role, then 422', async () => {
    for (const name of ['<script>alert(1)</script>', '', 'x'.repeat(10_000), 12]) {
      const res = await t.request('POST', '/api/v1/roles', { token: admin, body: role('badName', { name }) });
      expect(res.status, String(name).slice(0, 20)).toBe(422);
    }
    expect(await t.findRoleId('badName')).toBeUndefined();
  });
});
