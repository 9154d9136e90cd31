import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

interface TokenJson { id: string; userId: string; name: string; scopes: string[] | null; token: string; expiresAt: string; revokedAt: string | null }

async function issue(token: string, body: Record<string, unknown>) {
  return t.request('POST', '/api/v1/tokens', { token, body: { name: 'gis-sync', scopes: ['read:User'], expiresInDays: 180, ...body } });
}

describe('issuing and using API tokens', () => {
  it('given the city admin, when issuing a read:User token, then it is shown once, stored as a hash and audited without the secret', async () => {
    const since = await t.auditMark();
    const res = await issue(admin, {});
    expect(res.status).toBe(201);
    const issued = (await res.json()) as TokenJson;
    expect(issued.token).toMatch(/^tg_/);
    expect(issued.scopes).toEqual(['read:User']);
    expect(new Date(issued.expiresAt).getTime() - t.clock.now().getTime()).toBe(180 * 86_400_000);
    const { apiTokens } = t.app.db.t;
    const [row] = await t.app.db.read.select().from(apiTokens).where(eq(apiTokens.id, issued.id));
    expect(row.tokenHash).not.toBe(issued.token);
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(await t.auditSince(since)).toHaveLength(1);
    const [audit] = await t.auditFor(issued.id);
    expect(audit).toMatchObject({ action: 'issue_token', objectType: 'apiToken', after: { name: 'gis-sync', scopes: ['read:User'] } });
    expect(JSON.stringify(audit)).not.toContain(issued.token);
    const listed = (await (await t.request('GET', '/api/v1/tokens', { token: admin })).json()) as TokenJson[];
    expect(listed.find((x) => x.id === issued.id)).not.toHaveProperty('token');
  });

  it('given a read:User token, when reading a person and creating an organisation, then the read works and the write is 403', async () => {
    const { token } = (await (await issue(admin, {})).json()) as TokenJson;
    const person = await t.request('GET', `/api/v1/users/${await t.userId('dh.admin')}`, { token });
    expect(person.status).toBe(200);
    const write = await t.request('POST', '/api/v1/organisations', { token, body: { parentId: null, code: 'token-org', name: '令牌机构', level: 'city', kind: 'admin' } });
    expect(write.status).toBe(403);
    expect((await t.request('GET', '/api/v1/organisations', { token })).status).toBe(403);
    const me = (await (await t.request('GET', '/api/v1/me', { token })).json()) as { via: string; tokenScopes: string[] };
    expect(me).toMatchObject({ via: 'token', tokenScopes: ['read:User'] });
  });

  it('given a revoked token, when used, then 401; revoking it again changes nothing', async () => {
    const issued = (await (await issue(admin, { name: 'to-revoke' })).json()) as TokenJson;
    expect((await t.request('GET', '/api/v1/me', { token: issued.token })).status).toBe(200);
    const since = await t.auditMark();
    expect((await t.request('DELETE', `/api/v1/tokens/${issued.id}`, { token: admin })).status).toBe(204);
    expect(await t.auditSince(since)).toHaveLength(1);
    const revoke = (await t.auditFor(issued.id)).find((a) => a.action === 'revoke_token');
    expect(revoke?.before).toMatchObject({ revokedAt: null });
    expect(revoke?.after).toMatchObject({ revokedAt: expect.any(String) });
    const res = await t.request('GET', `/api/v1/users/${await t.userId('admin')}`, { token: issued.token });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorJson).error.code).toBe('unauthenticated');
    expect((await t.request('DELETE', `/api/v1/tokens/${issued.id}`, { token: admin })).status).toBe(204);
    expect(await t.auditSince(since)).toHaveLength(1);
  });

  it('given a scoped token, when it tries to issue a broader token, then 422; within its scopes, then 201', async () => {
    const { token } = (await (await issue(admin, { scopes: ['read:User', 'read:Grid'] })).json()) as TokenJson;
    const broader = await issue(token, { scopes: ['manage:all'] });
    expect(broader.status).toBe(422);
    expect(((await broader.json()) as ErrorJson).error.fields?.[0].field).toBe('scopes');
    expect((await issue(token, { scopes: ['read:Grid'] })).status).toBe(201);
  });
});

describe('whose tokens', () => {
  it('given a handler, when issuing for themselves, then 201; for somebody else, then 403 and nothing is written', async () => {
    const handler = await t.tokenFor('dh.handler3');
    expect((await issue(handler, { scopes: ['read:Organisation'] })).status).toBe(201);
    const since = await t.auditMark();
    const res = await issue(handler, { userId: await t.userId('dh.handler2') });
    expect(res.status).toBe(403);
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given the city admin, when issuing for a person, then the token carries that person\'s rights', async () => {
    const res = await issue(admin, { userId: await t.userId('dh.inspector1'), scopes: ['read:all'] });
    expect(res.status).toBe(201);
    const { token, userId: owner } = (await res.json()) as TokenJson;
    expect(owner).toBe(await t.userId('dh.inspector1'));
    const me = (await (await t.request('GET', '/api/v1/me', { token })).json()) as { username: string };
    expect(me.username).toBe('dh.inspector1');
    expect((await t.request('GET', '/api/v1/roles', { token })).status).toBe(403);
  });

  it('given a person of the other city or an unknown id, when the city admin issues for them, then 422', async () => {
    for (const id of [await t.userId('other.admin'), 'no-such-user']) {
      const res = await issue(admin, { userId: id });
      expect(res.status).toBe(422);
      expect(((await res.json()) as ErrorJson).error.fields?.[0].field).toBe('userId');
    }
  });

  it('given tokens of several people, when listing, then a handler sees only their own and the city admin can filter by person', async () => {
    const handler = await t.tokenFor('dh.handler3');
    const own = (await (await t.request('GET', '/api/v1/tokens', { token: handler })).json()) as TokenJson[];
    const handlerId = await t.userId('dh.handler3');
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((x) => x.userId === handlerId)).toBe(true);
    const filtered = (await (await t.request('GET', `/api/v1/tokens?userId=${handlerId}`, { token: admin })).json()) as TokenJson[];
    expect(filtered.map((x) => x.id).sort()).toEqual(own.map((x) => x.id).sort());
    const all = (await (await t.request('GET', '/api/v1/tokens', { token: admin })).json()) as TokenJson[];
    expect(new Set(all.map((x) => x.userId)).size).toBeGreaterThan(1);
  });

  it('given a token revoked by another app process, when used, then it works until the cache window (API_TOKEN_CACHE_SECONDS) ends and is refused after', async () => {
    const issued = (await (await issue(admin, { name: 'other-process' })).json()) as TokenJson;
    expect((await t.request('GET', '/api/v1/me', { token: issued.token })).status).toBe(200);
    // Another process sharing the database revokes it: this process's cache is not told.
    const { apiTokens } = t.app.db.t;
    await t.app.db.transaction((tx) => tx.update(apiTokens).set({ revokedAt: t.clock.now() }).where(eq(apiTokens.id, issued.id)));
    expect((await t.request('GET', '/api/v1/me', { token: issued.token })).status).toBe(200);
    t.clock.advance(t.app.config.apiTokenCacheMs + 1);
    expect((await t.request('GET', '/api/v1/me', { token: issued.token })).status).toBe(401);
  });

  it('given somebody else\'s token, when a handler revokes it, then 404; the other city\'s admin, then 404', async () => {
    const issued = (await (await issue(admin, { name: 'admin-only' })).json()) as TokenJson;
    const handler = await t.tokenFor('dh.handler3');
    expect((await t.request('DELETE', `/api/v1/tokens/${issued.id}`, { token: handler })).status).toBe(404);
    const other = await t.tokenFor('other.admin');
    expect((await t.request('DELETE', `/api/v1/tokens/${issued.id}`, { token: other })).status).toBe(404);
    expect((await t.request('GET', '/api/v1/me', { token: issued.token })).status).toBe(200);
  });
});

describe('bad token requests', () => {
  it('given unknown scopes, bad lifetimes, wrong types and markup names, when issuing, then 422 and nothing is written', async () => {
    const since = await t.auditMark();
    const bodies: Record<string, unknown>[] = [
      { scopes: ['read:Users'] }, { scopes: ['sudo:all'] }, { scopes: ['read'] }, { scopes: [] }, { scopes: 'read:User' },
      { expiresInDays: 0 }, { expiresInDays: 366 }, { expiresInDays: '30' }, { expiresInDays: 1.5 },
      { name: '<script>alert(1)</script>' }, { name: '' }, { name: 'x'.repeat(10_000) }, { name: ["'; DROP TABLE api_tokens; --"] },
    ];
    for (const body of bodies) {
      const res = await issue(admin, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422);
    }
    expect(await t.auditSince(since)).toHaveLength(0);
  });
});
