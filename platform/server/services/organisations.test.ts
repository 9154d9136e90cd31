import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';

let t: TestApp;
beforeAll(async () => { t = await createTestApp(); });
afterAll(async () => { await t.close(); });

async function orgByCode(token: string, code: string) {
  const res = await t.request('GET', `/api/v1/organisations?q=${code}`, { token });
  const list = (await res.json()) as { id: string; code: string; path: string }[];
  return list.find((o) => o.code === code);
}

describe('organisations API', () => {
  it('given the city admin, when listing organisations, then the whole tree of the city is returned and nothing of the other city', async () => {
    const token = await t.tokenFor('admin');
    const res = await t.request('GET', '/api/v1/organisations', { token });
    expect(res.status).toBe(200);
    const list = (await res.json()) as { code: string; level: string }[];
    expect(list.filter((o) => o.level === 'district').length).toBeGreaterThanOrEqual(3);
    expect(list.some((o) => o.code.startsWith('other'))).toBe(false);
  });

  it('given a district admin, when listing organisations, then only their district subtree is returned', async () => {
    const token = await t.tokenFor('dh.admin');
    const list = (await (await t.request('GET', '/api/v1/organisations', { token })).json()) as { code: string }[];
    expect(list.length).toBeGreaterThan(3);
    expect(list.every((o) => o.code.startsWith('demo-dh'))).toBe(true);
  });

  it('given the city admin, when creating a department under a district, then it is returned and appears under its parent', async () => {
    const token = await t.tokenFor('admin');
    const parent = await orgByCode(token, 'demo-dh');
    const res = await t.request('POST', '/api/v1/organisations', {
      token, body: { parentId: parent!.id, code: 'demo-dh-test', name: '东湖区测试科', level: 'department', kind: 'department' },
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: string; path: string };
    expect(created.path.startsWith(parent!.path)).toBe(true);
    const children = (await (await t.request('GET', `/api/v1/organisations?parentId=${parent!.id}`, { token })).json()) as { id: string }[];
    expect(children.map((c) => c.id)).toContain(created.id);
  });

  it('given a district admin, when creating under another district, then 403 and nothing is written', async () => {
    const admin = await t.tokenFor('admin');
    const xl = await orgByCode(admin, 'demo-xl');
    const token = await t.tokenFor('dh.admin');
    const res = await t.request('POST', '/api/v1/organisations', {
      token, body: { parentId: xl!.id, code: 'demo-xl-intrusion', name: '越权', level: 'department', kind: 'department' },
    });
    expect(res.status).toBe(403);
    expect(await orgByCode(admin, 'demo-xl-intrusion')).toBeUndefined();
  });

  it('given an English client and an invalid body, when creating, then 422 names the field in English', async () => {
    const token = await t.tokenFor('admin');
    const res = await t.request('POST', '/api/v1/organisations', {
      token, headers: { 'accept-language': 'en' }, body: { parentId: null, code: '', name: 'x', level: 'planet', kind: 'department' },
    });
    expect(res.status).toBe(422);
    const body = (await res.json()) as { error: { code: string; message: string; fields: { field: string }[] } };
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields.map((f) => f.field)).toEqual(expect.arrayContaining(['code', 'level']));
    expect(body.error.message).toMatch(/^Invalid data/);
  });
});
