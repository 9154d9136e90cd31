import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, TEST_PASSWORD, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

const NEW_PASSWORD = 'Fresh#Pass2026';

interface UserJson {
  id: string; username?: string; displayName?: string; phone?: string | null; status?: string;
  memberships?: { orgId: string; orgName: string; position: string; primary: boolean }[];
  roles?: { id: string; code: string }[]; orgIds?: string[]; positions?: string[];
}

function login(username: string, password: string) {
  return t.request('POST', '/api/v1/auth/token', { body: { username, password } });
}
/** The latest audit row about one object. */
async function lastAudit(objectId: string) {
  return (await t.auditFor(objectId)).at(-1);
}
async function newUserBody(username: string, over: Record<string, unknown> = {}) {
  return {
    username, displayName: '测试人员', password: NEW_PASSWORD, phone: '13800000000',
    memberships: [{ orgId: await t.orgId('demo-dh-lq'), position: 'inspector' }], roleIds: [await t.roleId('inspector')], ...over,
  };
}

describe('reading people', () => {
  it('given the city admin, when listing people, then every person of the city is counted and none of the other city', async () => {
    const res = await t.request('GET', '/api/v1/users?limit=500', { token: admin });
    expect(res.status).toBe(200);
    const page = (await res.json()) as { items: UserJson[]; total: number };
    expect(page.total).toBeGreaterThanOrEqual(51);
    expect(page.items.length).toBe(page.total);
    expect(page.items.some((u) => u.username?.startsWith('other.'))).toBe(false);
    expect(JSON.stringify(page)).not.toMatch(/passwordHash|scrypt/);
  });

  it('given a district admin, when listing people, then only members of their district are returned', async () => {
    const token = await t.tokenFor('dh.admin');
    const page = (await (await t.request('GET', '/api/v1/users?limit=500', { token })).json()) as { items: UserJson[]; total: number };
    expect(page.total).toBeGreaterThanOrEqual(12);
    expect(page.items.every((u) => u.username?.startsWith('dh.'))).toBe(true);
  });

  it('given filters, when listing by organisation, position and text, then only matching people are returned', async () => {
    const lq = await t.orgId('demo-dh-lq');
    const byOrg = (await (await t.request('GET', `/api/v1/users?orgId=${lq}`, { token: admin })).json()) as { items: UserJson[] };
    expect(byOrg.items.map((u) => u.username)).toEqual(expect.arrayContaining(['dh.inspector1', 'dh.handler1']));
    expect(byOrg.items.every((u) => u.orgIds?.includes(lq))).toBe(true);
    const byPosition = (await (await t.request('GET', '/api/v1/users?position=auditor', { token: admin })).json()) as { items: UserJson[] };
    expect(byPosition.items.every((u) => u.positions?.includes('auditor'))).toBe(true);
    const paged = (await (await t.request('GET', '/api/v1/users?q=dh.&limit=2&offset=1', { token: admin })).json()) as { items: UserJson[]; total: number };
    expect(paged.items).toHaveLength(2);
    expect(paged.total).toBeGreaterThanOrEqual(12);
  });

  it('given the city admin, when getting a person with two memberships, then memberships carry organisation names and roles are listed', async () => {
    const row = await t.user('dh.handler1');
    const res = await t.request('GET', `/api/v1/users/${row.id}`, { token: admin });
    expect(res.status).toBe(200);
    const user = (await res.json()) as UserJson & Record<string, unknown>;
    expect(user.username).toBe('dh.handler1');
    expect(user.memberships).toHaveLength(2);
    expect(user.memberships?.filter((m) => m.primary)).toHaveLength(1);
    expect(user.memberships?.map((m) => m.orgName)).toEqual(expect.arrayContaining(['东湖区环卫所']));
    expect(user.roles?.map((r) => r.code)).toEqual(['handler']);
    expect(user).not.toHaveProperty('passwordHash');
  });

  it('given a district admin, when reading a person of another district, then 403', async () => {
    const token = await t.tokenFor('dh.admin');
    const res = await t.request('GET', `/api/v1/users/${await t.userId('xl.inspector1')}`, { token });
    expect(res.status).toBe(403);
    expect(((await res.json()) as ErrorJson).error.code).toBe('forbidden');
  });

  it('given a person of the other city, when the city admin reads them by id, then 404', async () => {
    const res = await t.request('GET', `/api/v1/users/${await t.userId('other.admin')}`, { token: admin, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.message).toBe('Person not found');
  });

  it('given an inspector, when reading a person in their area, then only the permitted fields are returned', async () => {
    const token = await t.tokenFor('dh.inspector1');
    const res = await t.request('GET', `/api/v1/users/${await t.userId('dh.handler1')}`, { token });
    expect(res.status).toBe(200);
    const user = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(user).sort()).toEqual(['displayName', 'id', 'orgIds', 'positions', 'username']);
    const page = (await (await t.request('GET', '/api/v1/users', { token })).json()) as { items: Record<string, unknown>[] };
    expect(page.items.length).toBeGreaterThan(0);
    expect(page.items.every((u) => !('phone' in u) && !('roles' in u))).toBe(true);
  });

  it('given any signed-in person, when asking who they are, then their memberships, roles and permissions are returned', async () => {
    const token = await t.tokenFor('dh.admin');
    const res = await t.request('GET', '/api/v1/me', { token });
    expect(res.status).toBe(200);
    const me = (await res.json()) as { username: string; roleCodes: string[]; permissions: string[]; positions: string[]; orgIds: string[]; via: string };
    expect(me).toMatchObject({ username: 'dh.admin', roleCodes: ['districtAdmin'], positions: ['admin'], via: 'token' });
    expect(me.orgIds).toEqual([await t.orgId('demo-dh')]);
    expect(me.permissions).toEqual(expect.arrayContaining(['manage:User', 'read:Role']));
  });
});

describe('creating and changing people', () => {
  it('given the city admin, when creating a person, then they are returned, can sign in, and one audit row records them without secrets', async () => {
    const since = await t.auditMark();
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: await newUserBody('Test.Created', { email: 'created@example.cn' }) });
    expect(res.status).toBe(201);
    const user = (await res.json()) as UserJson;
    expect(user).toMatchObject({ username: 'test.created', status: 'active', positions: ['inspector'] });
    expect(user.memberships?.[0]).toMatchObject({ orgName: '龙泉街道', primary: true });
    expect(await t.auditSince(since)).toHaveLength(1);
    const audit = await lastAudit(user.id);
    expect(audit).toMatchObject({ action: 'create', objectType: 'user', before: null });
    expect(audit?.after).toMatchObject({ username: 'test.created', roleIds: [await t.roleId('inspector')] });
    expect(JSON.stringify(audit)).not.toContain(NEW_PASSWORD);
    expect((await login('test.created', NEW_PASSWORD)).status).toBe(201);
  });

  it('given a weak password, when creating a person, then 422 weak_password names the field in Chinese and in English and nothing is written', async () => {
    const since = await t.auditMark();
    const body = await newUserBody('test.weak', { password: 'short' });
    const zh = await t.request('POST', '/api/v1/users', { token: admin, body });
    expect(zh.status).toBe(422);
    const zhJson = (await zh.json()) as ErrorJson;
    expect(zhJson.error.code).toBe('weak_password');
    expect(zhJson.error.message).toMatch(/^密码不符合安全策略/);
    expect(zhJson.error.fields?.[0]).toEqual({ field: 'password', message: '长度至少 8 位' });
    const en = await t.request('POST', '/api/v1/users', { token: admin, body, headers: { 'accept-language': 'en' } });
    const enJson = (await en.json()) as ErrorJson;
    expect(enJson.error.fields?.map((f) => f.field)).toEqual(['password', 'password']);
    expect(enJson.error.fields?.[0].message).toBe('at least 8 characters');
    expect(enJson.error.message).toMatch(/^The password does not meet the policy/);
    expect(await t.findUser('test.weak')).toBeUndefined();
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a password containing the username, when creating, then the policy refuses it', async () => {
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: await newUserBody('test.zhang', { password: 'Test.Zhang#2026' }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.[0].message).toBe('不能包含用户名');
  });

  it('given a username taken in any city, when creating, then 409 whatever its case', async () => {
    for (const username of ['dh.admin', 'DH.Admin', 'other.admin']) {
      const res = await t.request('POST', '/api/v1/users', { token: admin, body: await newUserBody(username) });
      expect(res.status, username).toBe(409);
      expect(((await res.json()) as ErrorJson).error.code).toBe('conflict');
    }
  });

  it('given an unknown role id, when creating, then 422 names the role and nothing is written', async () => {
    const since = await t.auditMark();
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: await newUserBody('test.badrole', { roleIds: ['no-such-role'] }) });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.[0].field).toBe('roleIds.0');
    expect(await t.findUser('test.badrole')).toBeUndefined();
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a role of the other city, when creating, then it is an unknown role', async () => {
    const { roles: r, tenants } = t.app.db.t;
    const [other] = await t.app.db.read.select({ id: r.id }).from(r).innerJoin(tenants, eq(tenants.id, r.tenantId)).where(eq(tenants.code, 'other'));
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: await newUserBody('test.otherrole', { roleIds: [other.id] }) });
    expect(res.status).toBe(422);
  });

  it('given a district admin, when creating an inspector in their district, then it is allowed', async () => {
    const token = await t.tokenFor('dh.admin');
    const res = await t.request('POST', '/api/v1/users', { token, body: await newUserBody('test.dhinspector') });
    expect(res.status).toBe(201);
  });

  it('given a district admin, when creating a person in another district, then 403 and nothing is written', async () => {
    const token = await t.tokenFor('dh.admin');
    const since = await t.auditMark();
    const memberships = [{ orgId: await t.orgId('demo-dh-lq'), position: 'inspector' }, { orgId: await t.orgId('demo-xl-sg'), position: 'inspector' }];
    const res = await t.request('POST', '/api/v1/users', { token, body: await newUserBody('test.intruder', { memberships }) });
    expect(res.status).toBe(403);
    expect(await t.findUser('test.intruder')).toBeUndefined();
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a district admin, when assigning the city admin role, then 403 and nothing is written', async () => {
    const token = await t.tokenFor('dh.admin');
    const cityAdmin = await t.roleId('cityAdmin');
    const since = await t.auditMark();
    const created = await t.request('POST', '/api/v1/users', { token, body: await newUserBody('test.escalate', { roleIds: [cityAdmin] }) });
    expect(created.status).toBe(403);
    expect(await t.findUser('test.escalate')).toBeUndefined();
    const target = await t.user('dh.inspector2');
    const patched = await t.request('PATCH', `/api/v1/users/${target.id}`, { token, body: { roleIds: [await t.roleId('inspector'), cityAdmin] } });
    expect(patched.status).toBe(403);
    const self = await t.request('PATCH', `/api/v1/users/${await t.userId('dh.admin')}`, { token, body: { roleIds: [cityAdmin] } });
    expect(self.status).toBe(403);
    const { userRoles: ur } = t.app.db.t;
    expect(await t.app.db.read.select().from(ur).where(eq(ur.userId, target.id))).toHaveLength(1);
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a district admin, when updating a person of another district, then 403 and nothing changes', async () => {
    const token = await t.tokenFor('dh.admin');
    const target = await t.user('xl.inspector1');
    const res = await t.request('PATCH', `/api/v1/users/${target.id}`, { token, body: { displayName: '被改名' } });
    expect(res.status).toBe(403);
    expect((await t.user('xl.inspector1')).displayName).toBe(target.displayName);
  });

  it('given a district admin, when moving their inspector into another district, then 403', async () => {
    const token = await t.tokenFor('dh.admin');
    const target = await t.user('dh.inspector3');
    const res = await t.request('PATCH', `/api/v1/users/${target.id}`, { token, body: { memberships: [{ orgId: await t.orgId('demo-xl-sg'), position: 'inspector' }] } });
    expect(res.status).toBe(403);
  });

  it('given the city admin, when changing name, memberships and roles, then the person is re-authorised and one audit row has before and after', async () => {
    const target = await t.user('dh.inspector3');
    const since = await t.auditMark();
    const res = await t.request('PATCH', `/api/v1/users/${target.id}`, {
      token: admin,
      body: {
        displayName: '曹丽（调岗）', phone: '',
        memberships: [{ orgId: await t.orgId('demo-dh-wc'), position: 'inspector' }, { orgId: await t.orgId('demo-dh-cgj'), position: 'dispatcher', primary: true }],
        roleIds: [await t.roleId('inspector'), await t.roleId('districtStaff')],
      },
    });
    expect(res.status).toBe(200);
    const user = (await res.json()) as UserJson;
    expect(user).toMatchObject({ displayName: '曹丽（调岗）', phone: null });
    expect(user.positions?.sort()).toEqual(['dispatcher', 'inspector']);
    expect(user.roles?.map((r) => r.code)).toEqual(['districtStaff', 'inspector']);
    expect((await t.user('dh.inspector3')).authVersion).toBe(target.authVersion + 1);
    expect(await t.auditSince(since)).toHaveLength(1);
    const audit = await lastAudit(target.id);
    expect(audit?.action).toBe('update');
    expect(audit?.before).toMatchObject({ displayName: target.displayName, roleIds: [await t.roleId('inspector')] });
    expect(audit?.after).toMatchObject({ displayName: '曹丽（调岗）', phone: null });
  });

  it('given an empty patch, when updating, then the person is returned unchanged and nothing is written', async () => {
    const target = await t.user('dh.inspector1');
    const since = await t.auditMark();
    const res = await t.request('PATCH', `/api/v1/users/${target.id}`, { token: admin, body: {} });
    expect(res.status).toBe(200);
    expect(((await res.json()) as UserJson).displayName).toBe(target.displayName);
    expect(await t.auditSince(since)).toHaveLength(0);
    expect((await t.user('dh.inspector1')).updatedAt).toEqual(target.updatedAt);
  });

  it('given two primary memberships or a repeated one, when updating, then 422', async () => {
    const target = await t.user('dh.inspector2');
    const wc = await t.orgId('demo-dh-wc');
    for (const memberships of [
      [{ orgId: wc, position: 'inspector', primary: true }, { orgId: wc, position: 'handler', primary: true }],
      [{ orgId: wc, position: 'inspector' }, { orgId: wc, position: 'inspector' }],
      [],
    ]) {
      const res = await t.request('PATCH', `/api/v1/users/${target.id}`, { token: admin, body: { memberships } });
      expect(res.status).toBe(422);
    }
  });
});

describe('hostile and malformed input', () => {
  it('given empty, oversized, mistyped and markup values, when creating, then 422 and nothing is written', async () => {
    const since = await t.auditMark();
    const base = await newUserBody('test.hostile');
    const bodies = [
      { ...base, username: '' },
      { ...base, displayName: '' },
      { ...base, displayName: '   ' },
      { ...base, displayName: 'x'.repeat(10_000) },
      { ...base, password: 'A1!'.repeat(4000) },
      { ...base, displayName: '<script>alert(1)</script>' },
      { ...base, username: "'; DROP TABLE users; --" },
      { ...base, username: '<script>' },
      { ...base, displayName: 42 },
      { ...base, memberships: 'all' },
      { ...base, memberships: [{ orgId: await t.orgId('demo-dh-lq'), position: 'emperor' }] },
      { ...base, roleIds: [{ $ne: null }] },
      { ...base, email: 'not-an-email' },
      { ...base, phone: '<b>1</b>' },
    ];
    for (const body of bodies) {
      const res = await t.request('POST', '/api/v1/users', { token: admin, body });
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(422);
    }
    expect(await t.findUser('test.hostile')).toBeUndefined();
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given SQL in a display name, when creating, then it is stored verbatim and harms nothing', async () => {
    const res = await t.request('POST', '/api/v1/users', { token: admin, body: await newUserBody('test.sql', { displayName: "'; DROP TABLE users; --" }) });
    expect(res.status).toBe(201);
    expect((await t.user('test.sql')).displayName).toBe("'; DROP TABLE users; --");
    expect((await t.user('admin')).username).toBe('admin');
  });

  it('given an unknown person id, when updating, then 404 and nothing is written', async () => {
    const since = await t.auditMark();
    const res = await t.request('PATCH', '/api/v1/users/no-such-id', { token: admin, body: { displayName: '不存在' } });
    expect(res.status).toBe(404);
    expect(await t.auditSince(since)).toHaveLength(0);
  });
});

describe('passwords, lockout and disabling', () => {
  it('given five wrong passwords, when the right one is tried, then the account is locked until the lock expires', async () => {
    for (let i = 0; i < 5; i++) expect((await login('gx.handler1', 'Wrong#Pass2026')).status).toBe(401);
    const locked = await login('gx.handler1', TEST_PASSWORD);
    expect(locked.status).toBe(401);
    expect(((await locked.json()) as ErrorJson).error.code).toBe('account_locked');
    t.clock.advance(16 * 60_000);
    expect((await login('gx.handler1', TEST_PASSWORD)).status).toBe(201);
  });

  it('given a locked account, when an administrator unlocks it, then the person can sign in at once and the unlock is audited', async () => {
    for (let i = 0; i < 5; i++) await login('gx.handler2', 'Wrong#Pass2026');
    expect((await login('gx.handler2', TEST_PASSWORD)).status).toBe(401);
    const target = await t.user('gx.handler2');
    expect(target.lockedUntil).not.toBeNull();
    const since = await t.auditMark();
    const res = await t.request('POST', `/api/v1/users/${target.id}/unlock`, { token: admin });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { lockedUntil: string | null }).lockedUntil).toBeNull();
    expect(await t.auditSince(since)).toHaveLength(1);
    expect(await lastAudit(target.id)).toMatchObject({ action: 'unlock', after: { lockedUntil: null, failedLogins: 0 } });
    expect((await login('gx.handler2', TEST_PASSWORD)).status).toBe(201);
  });

  it('given an administrator reset, when the person signs in, then only the new password works and their sessions are gone', async () => {
    const target = await t.user('gx.handler3');
    const { sessions } = t.app.db.t;
    await t.app.db.transaction((tx) => tx.insert(sessions).values({
      id: 'test-session-gx3', tenantId: target.tenantId, userId: target.id, csrfToken: 'x', createdAt: t.clock.now(), lastSeenAt: t.clock.now(), expiresAt: new Date(t.clock.now().getTime() + 3_600_000),
    }));
    const since = await t.auditMark();
    const res = await t.request('POST', `/api/v1/users/${target.id}/reset-password`, { token: admin, body: { password: NEW_PASSWORD } });
    expect(res.status).toBe(204);
    expect(await t.auditSince(since)).toHaveLength(1);
    expect(await lastAudit(target.id)).toMatchObject({ action: 'change_password', detail: { reset: true } });
    expect(await t.app.db.read.select().from(sessions).where(eq(sessions.userId, target.id))).toHaveLength(0);
    expect((await login('gx.handler3', TEST_PASSWORD)).status).toBe(401);
    expect((await login('gx.handler3', NEW_PASSWORD)).status).toBe(201);
  });

  it('given a district admin, when resetting the password of their district auditor, then 403: the auditor role is beyond theirs', async () => {
    const token = await t.tokenFor('dh.admin');
    const res = await t.request('POST', `/api/v1/users/${await t.userId('dh.auditor')}/reset-password`, { token, body: { password: NEW_PASSWORD } });
    expect(res.status).toBe(403);
  });

  it('given a weak new password, when an administrator resets, then 422 names the field and nothing is written', async () => {
    const since = await t.auditMark();
    const res = await t.request('POST', `/api/v1/users/${await t.userId('gx.inspector1')}/reset-password`, { token: admin, body: { password: 'abcdefgh' } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.[0].field).toBe('password');
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a person changing their own password, when the current one is wrong, then 422; when right, then the new one works', async () => {
    const token = await t.tokenFor('gx.inspector2');
    const wrong = await t.request('POST', '/api/v1/me/password', { token, body: { currentPassword: 'Nope#2026x', newPassword: NEW_PASSWORD } });
    expect(wrong.status).toBe(422);
    expect(((await wrong.json()) as ErrorJson).error.fields?.[0].field).toBe('currentPassword');
    const since = await t.auditMark();
    const ok = await t.request('POST', '/api/v1/me/password', { token, body: { currentPassword: TEST_PASSWORD, newPassword: NEW_PASSWORD } });
    expect(ok.status).toBe(204);
    expect(await t.auditSince(since)).toHaveLength(1);
    expect((await login('gx.inspector2', NEW_PASSWORD)).status).toBe(201);
  });

  it('given the city admin, when disabling a person, then the row stays, sign-in and their tokens stop working, and it is audited', async () => {
    const target = await t.user('gx.leader');
    const token = await t.tokenFor('gx.leader');
    const since = await t.auditMark();
    const res = await t.request('DELETE', `/api/v1/users/${target.id}`, { token: admin });
    expect(res.status).toBe(204);
    expect((await t.user('gx.leader')).status).toBe('disabled');
    expect(await t.auditSince(since)).toHaveLength(1);
    expect(await lastAudit(target.id)).toMatchObject({ action: 'disable', before: { status: 'active' }, after: { status: 'disabled' } });
    const signIn = await login('gx.leader', TEST_PASSWORD);
    expect(((await signIn.json()) as ErrorJson).error.code).toBe('account_disabled');
    expect((await t.request('GET', '/api/v1/me', { token })).status).toBe(401);
  });

  it('given an administrator, when disabling their own account, then 422', async () => {
    const res = await t.request('DELETE', `/api/v1/users/${await t.userId('admin')}`, { token: admin });
    expect(res.status).toBe(422);
    expect((await t.user('admin')).status).toBe('active');
  });
});
