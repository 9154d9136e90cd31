import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, messagesOf, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';
import { authenticateBearer } from '../auth/auth.server.ts';
import type { Actor } from '../app.server.ts';
import { AppError } from '../errors.server.ts';
import { createDraft, getPublished } from './definitions.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

interface Definition {
  id: string; kind: string; key: string; version: number; status: string; name: string; checksum: string | null;
  comment: string | null; updatedAt: string; publishedAt: string | null; publishedBy: string | null; retiredAt: string | null; content?: unknown;
}

async function create(body: Record<string, unknown>, token = admin) {
  return t.request('POST', '/api/v1/definitions', { token, body });
}

async function createOk(body: Record<string, unknown>): Promise<Definition> {
  const res = await create(body);
  expect(res.status).toBe(201);
  return (await res.json()) as Definition;
}

async function publish(id: string, comment?: string) {
  return t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: comment === undefined ? {} : { comment } });
}

async function actorFor(username: string): Promise<Actor> {
  const principal = await authenticateBearer(t.app, await t.tokenFor(username));
  return { principal: principal!, meta: { ip: null, userAgent: null }, locale: 'en' };
}

describe('definition lifecycle', () => {
  it('given a new key, when a draft is created, then version 1 is stored as a draft with exactly one audit row', async () => {
    const since = await t.auditMark();
    const res = await create({ kind: 'dashboard', key: 'life-form', name: '生命周期表单', content: { fields: [] }, comment: '初稿' });
    expect(res.status).toBe(201);
    const draft = (await res.json()) as Definition;
    expect(draft).toMatchObject({ kind: 'dashboard', key: 'life-form', version: 1, status: 'draft', checksum: null, content: { fields: [] } });
    const audit = await t.auditSince(since);
    expect(audit.map((r) => [r.action, r.objectType, r.objectId])).toEqual([['create', 'definition', draft.id]]);
  });

  it('given a draft, when it is published without a comment, then 422 names the comment and the draft is unchanged', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'no-comment', name: '无说明', content: { a: 1 } });
    const since = await t.auditMark();
    const res = await publish(draft.id);
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe('validation_failed');
    expect(body.error.fields?.map((f) => f.field)).toEqual(['comment']);
    expect(((await (await t.request('GET', `/api/v1/definitions/${draft.id}`, { token: admin })).json()) as Definition).status).toBe('draft');
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a draft, when published with a comment, then it is published by the actor with a sha256 checksum and one audit row', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'publish-me', name: '发布', content: { widgets: [] } });
    const since = await t.auditMark();
    const res = await publish(draft.id, '首次发布');
    expect(res.status).toBe(200);
    const published = (await res.json()) as Definition;
    expect(published).toMatchObject({ status: 'published', comment: '首次发布', version: 1 });
    expect(published.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(published.publishedAt).not.toBeNull();
    expect(published.publishedBy).toBeTruthy();
    expect((await t.auditSince(since)).map((r) => r.action)).toEqual(['publish']);
  });

  it('given equal content with keys in another order, when a second version is published, then its checksum equals the first', async () => {
    const v1 = await createOk({ kind: 'dashboard', key: 'checksum', name: '校验', content: { b: { d: [1, { y: 2, x: 1 }], c: 'z' }, a: 1 } });
    const p1 = (await (await publish(v1.id, 'v1')).json()) as Definition;
    const v2 = await createOk({ kind: 'dashboard', key: 'checksum', name: '校验', content: { a: 1, b: { c: 'z', d: [1, { x: 1, y: 2 }] } } });
    expect(v2.version).toBe(2);
    const p2 = (await (await publish(v2.id, 'v2')).json()) as Definition;
    expect(p2.checksum).toBe(p1.checksum);
  });

  it('given a published version, when retired, then it is retired and runtime callers get the latest published version', async () => {
    const v1 = await createOk({ kind: 'dashboard', key: 'retire-me', name: '停用', content: { steps: 1 } });
    await publish(v1.id, 'v1');
    const v2 = await createOk({ kind: 'dashboard', key: 'retire-me', name: '停用', content: { steps: 2 } });
    await publish(v2.id, 'v2');
    const since = await t.auditMark();
    const res = await t.request('POST', `/api/v1/definitions/${v2.id}/retire`, { token: admin });
    expect(res.status).toBe(200);
    expect((await res.json()) as Definition).toMatchObject({ status: 'retired', version: 2 });
    expect((await t.auditSince(since)).map((r) => r.action)).toEqual(['retire']);
    const tenantId = await t.tenantId();
    expect(await getPublished(t.app, tenantId, 'dashboard', 'retire-me')).toMatchObject({ version: 1, content: { steps: 1 } });
    expect(await getPublished(t.app, tenantId, 'dashboard', 'retire-me', 2)).toMatchObject({ status: 'retired', content: { steps: 2 } });
  });

  it('given a draft, when it is retired, then 422 because only published versions can be retired', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'retire-draft', name: '草稿', content: {} });
    const res = await t.request('POST', `/api/v1/definitions/${draft.id}/retire`, { token: admin });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.[0].field).toBe('status');
  });

  it('given several versions, when listing, then each key appears once with its latest version and the history lists all', async () => {
    const list = (await (await t.request('GET', '/api/v1/definitions?kind=dashboard', { token: admin })).json()) as Definition[];
    expect(list.filter((d) => d.key === 'checksum')).toEqual([expect.objectContaining({ version: 2 })]);
    expect(list[0]).not.toHaveProperty('content');
    const versions = (await (await t.request('GET', '/api/v1/definitions/dashboard/checksum/versions', { token: admin })).json()) as Definition[];
    expect(versions.map((v) => v.version)).toEqual([2, 1]);
  });
});

describe('drafts and immutability', () => {
  it('given a draft of a key, when another draft of that key is created, then 409 names the key', async () => {
    await createOk({ kind: 'dashboard', key: 'one-draft', name: '草稿', content: {} });
    const res = await create({ kind: 'dashboard', key: 'one-draft', name: '草稿', content: {} });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorJson).error.fields?.[0].field).toBe('key');
  });

  it('given a published version, when it is patched through the API, then 409 immutable and nothing changes', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'frozen', name: '冻结', content: { v: 1 } });
    const published = (await (await publish(draft.id, '发布')).json()) as Definition;
    const res = await t.request('PATCH', `/api/v1/definitions/${draft.id}`, { token: admin, body: { content: { v: 2 }, expectedUpdatedAt: published.updatedAt } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as ErrorJson).error.code).toBe('immutable');
    expect(((await (await t.request('GET', `/api/v1/definitions/${draft.id}`, { token: admin })).json()) as Definition).content).toEqual({ v: 1 });
  });

  it('given a published row, when its content is updated or the row deleted directly in the database, then the trigger refuses', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'trigger', name: '触发器', content: { v: 1 } });
    await publish(draft.id, '发布');
    const d = t.app.db.t.definitions;
    const updateError = await t.app.db.transaction((tx) => tx.update(d).set({ content: { v: 2 } }).where(eq(d.id, draft.id))).then(() => null, (e: unknown) => e);
    expect(messagesOf(updateError)).toMatch(/immutable/);
    const deleteError = await t.app.db.transaction((tx) => tx.delete(d).where(eq(d.id, draft.id))).then(() => null, (e: unknown) => e);
    expect(messagesOf(deleteError)).toMatch(/immutable/);
    const [row] = await t.app.db.read.select().from(d).where(eq(d.id, draft.id));
    expect(row.content).toEqual({ v: 1 });
  });

  it('given a draft, when saved with its current updatedAt, then the content changes and one audit row holds before and after', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'edit-me', name: '编辑', content: { v: 1 } });
    const since = await t.auditMark();
    const res = await t.request('PATCH', `/api/v1/definitions/${draft.id}`, { token: admin, body: { content: { v: 2 }, name: '已编辑', expectedUpdatedAt: draft.updatedAt } });
    expect(res.status).toBe(200);
    const saved = (await res.json()) as Definition;
    expect(saved).toMatchObject({ name: '已编辑', content: { v: 2 }, status: 'draft' });
    expect(saved.updatedAt > draft.updatedAt).toBe(true);
    const audit = await t.auditSince(since);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'update', before: expect.objectContaining({ content: { v: 1 } }), after: expect.objectContaining({ content: { v: 2 } }) });
  });

  it('given two editors holding the same updatedAt, when both save at once, then one succeeds and the other gets 409 version_conflict', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'race', name: '并发', content: { v: 0 } });
    const save = (v: number) => t.request('PATCH', `/api/v1/definitions/${draft.id}`, { token: admin, body: { content: { v }, expectedUpdatedAt: draft.updatedAt } });
    const responses = await Promise.all([save(1), save(2)]);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const conflict = responses.find((r) => r.status === 409)!;
    expect(((await conflict.json()) as ErrorJson).error.code).toBe('version_conflict');
    const stale = await save(3);
    expect(stale.status).toBe(409);
  });

  it('given dictionary content with an unknown parent, when a draft is created, then 422 names content.items.N.parentCode', async () => {
    const res = await create({
      kind: 'dictionary', key: 'bad-dict', name: '坏字典',
      content: { items: [{ code: 'A', name: '甲' }, { code: 'B', name: '乙', parentCode: 'Z' }] },
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.map((f) => f.field)).toEqual(['content.items.1.parentCode']);
  });

  it('given a form whose select names an unknown option source, or a text field that names one, when a draft is created, then 422 names each component\'s optionSource', async () => {
    const res = await create({
      kind: 'form', key: 'bad-options', name: '坏选项',
      content: { display: 'form', components: [
        { type: 'select', key: 'unit', label: '单位', input: true, dataSrc: 'values', data: { values: [] }, properties: { optionSource: 'everyone' } },
        { type: 'textfield', key: 'name', label: '名称', input: true, properties: { optionSource: 'districts' } },
      ] },
    });
    expect(res.status).toBe(422);
    const { fields } = ((await res.json()) as ErrorJson).error;
    expect(fields?.map((f) => f.field)).toEqual(['content.components.0.properties.optionSource', 'content.components.1.properties.optionSource']);
    expect(fields?.[0].message).toContain('responsibleUnits');
  });

  it('given content that is not a JSON object, when a draft is created, then 422 names content', async () => {
    const res = await create({ kind: 'dashboard', key: 'not-object', name: '数组', content: [1, 2] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.map((f) => f.field)).toEqual(['content']);
  });

  it('given content over 1 MiB, when a draft is created by a service caller, then 422 names content and nothing is written', async () => {
    const actor = await actorFor('admin');
    const error = await createDraft(t.app, actor, { kind: 'dashboard', key: 'huge', name: '过大', content: { blob: 'x'.repeat(1024 * 1024) } }).then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).fields?.[0]).toEqual({ field: 'content', message: '#validation.contentTooLarge' });
    const list = (await (await t.request('GET', '/api/v1/definitions?key=huge', { token: admin })).json()) as Definition[];
    expect(list).toEqual([]);
  });
});

describe('definition permissions and tenants', () => {
  it('given a command-centre operator who may only read definitions, when creating one, then 403', async () => {
    const res = await create({ kind: 'dashboard', key: 'not-allowed', name: '无权', content: {} }, await t.tokenFor('cc.intake1'));
    expect(res.status).toBe(403);
  });

  it('given a definition of the demo city, when the other city\'s admin reads it, then 404', async () => {
    const draft = await createOk({ kind: 'dashboard', key: 'private', name: '本市', content: {} });
    const res = await t.request('GET', `/api/v1/definitions/${draft.id}`, { token: await t.tokenFor('other.admin') });
    expect(res.status).toBe(404);
  });
});
