import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

interface Summary { key: string; name: string; publishedVersion: number | null; draftId: string | null; draftVersion: number | null; itemCount: number }
interface TreeNode { code: string; name: string; children: TreeNode[] }
interface Dictionary { id: string; key: string; name: string; version: number; status: string; items: { code: string; name: string; parentCode?: string }[]; tree: TreeNode[] }

const HEADER = 'code,name,nameEn,parentCode,kind,standardRef';

async function rowsOfKey(key: string) {
  const d = t.app.db.t.definitions;
  return t.app.db.read.select().from(d).where(and(eq(d.kind, 'dictionary'), eq(d.key, key)));
}

function importCsv(key: string, csv: string, extra: Record<string, unknown> = {}, token = admin) {
  return t.request('POST', `/api/v1/dictionaries/${key}/import`, { token, body: { csv, ...extra } });
}

describe('dictionaries', () => {
  it('given the seeded demo city, when listing dictionaries, then the three seeded tables are published with their item counts', async () => {
    const res = await t.request('GET', '/api/v1/dictionaries', { token: admin });
    expect(res.status).toBe(200);
    const list = (await res.json()) as Summary[];
    const byKey = Object.fromEntries(list.map((d) => [d.key, d]));
    expect(byKey['case-categories']).toMatchObject({ publishedVersion: 1, draftId: null, itemCount: 80 });
    expect(byKey['case-sources']).toMatchObject({ publishedVersion: 1, itemCount: 7 });
    expect(byKey['unit-types']).toMatchObject({ publishedVersion: 1, itemCount: 4 });
  });

  it('given the case categories, when read, then the tree nests subcategories under the part and event main categories', async () => {
    const res = await t.request('GET', '/api/v1/dictionaries/case-categories', { token: await t.tokenFor('dh.inspector1') });
    expect(res.status).toBe(200);
    const dict = (await res.json()) as Dictionary;
    expect(dict).toMatchObject({ key: 'case-categories', version: 1, status: 'published' });
    expect(dict.items).toHaveLength(80);
    expect(dict.tree).toHaveLength(11);
    const p01 = dict.tree.find((n) => n.code === 'P01')!;
    expect(p01.children.map((c) => c.code)).toContain('P01001');
    expect(dict.tree.reduce((n, root) => n + 1 + root.children.length, 0)).toBe(80);
  });

  it('given CSV with an unknown parent in its fourth row, when imported, then 422 names items.3.parentCode and nothing is written', async () => {
    const since = await t.auditMark();
    const csv = [HEADER, 'A,甲,,,,', 'A1,甲一,,A,,', 'B,乙,,,,', 'B1,乙一,,NOPE,,'].join('\n');
    const res = await importCsv('bad-parent', csv, { name: '坏上级' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.fields).toEqual([{ field: 'items.3.parentCode', message: '上级编码不存在' }]);
    expect(await rowsOfKey('bad-parent')).toHaveLength(0);
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given CSV whose header lacks the code column, when imported, then 422 names csv', async () => {
    const res = await importCsv('no-header', 'name,parentCode\n甲,\n', {}, admin);
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields?.map((f) => f.field)).toEqual(['csv']);
  });

  it('given a published dictionary, when CSV is imported and the draft published, then a new version replaces it for readers', async () => {
    const since = await t.auditMark();
    const csv = `\uFEFF${HEADER}\r\ninspector,监督员上报,Inspector report,,source,demo\r\nwechat,微信小程序,WeChat mini program,,source,demo\r\n`;
    const res = await importCsv('case-sources', csv);
    expect(res.status).toBe(200);
    const draft = (await res.json()) as Dictionary;
    expect(draft).toMatchObject({ key: 'case-sources', version: 2, status: 'draft', name: 'case-sources' });
    expect(draft.items.map((i) => i.code)).toEqual(['inspector', 'wechat']);
    const audit = await t.auditSince(since);
    expect(audit.map((r) => [r.action, r.objectId])).toEqual([['import', draft.id]]);

    const published = (await (await t.request('GET', '/api/v1/dictionaries/case-sources', { token: admin })).json()) as Dictionary;
    expect(published.version).toBe(1);
    const viaDraft = (await (await t.request('GET', '/api/v1/dictionaries/case-sources?draft=true', { token: admin })).json()) as Dictionary;
    expect(viaDraft.id).toBe(draft.id);

    const pub = await t.request('POST', `/api/v1/definitions/${draft.id}/publish`, { token: admin, body: { comment: '新增微信来源' } });
    expect(pub.status).toBe(200);
    const after = (await (await t.request('GET', '/api/v1/dictionaries/case-sources', { token: admin })).json()) as Dictionary;
    expect(after).toMatchObject({ version: 2, status: 'published' });
    const list = (await (await t.request('GET', '/api/v1/dictionaries', { token: admin })).json()) as Summary[];
    expect(list.find((d) => d.key === 'case-sources')).toMatchObject({ publishedVersion: 2, draftId: null, itemCount: 2 });
  });

  it('given an existing draft, when CSV is imported again, then the same draft is replaced with one audit row', async () => {
    const first = (await (await importCsv('unit-types', `${HEADER}\ngovernment,政府部门,,,,\n`, { name: '单位类型' })).json()) as Dictionary;
    const since = await t.auditMark();
    const res = await importCsv('unit-types', `${HEADER}\ngovernment,政府部门,,,,\nutility,公用事业单位,,,,\n`);
    expect(res.status).toBe(200);
    const second = (await res.json()) as Dictionary;
    expect(second).toMatchObject({ id: first.id, version: 2, name: '单位类型' });
    expect(second.items).toHaveLength(2);
    expect((await t.auditSince(since)).map((r) => r.action)).toEqual(['import']);
    expect((await rowsOfKey('unit-types')).filter((r) => r.status === 'draft')).toHaveLength(1);
  });

  it('given a draft with a formula-like name, when exported as CSV, then the file starts with a BOM and the cell is defused', async () => {
    const csv = `${HEADER}\nX1,"=cmd|' /C calc'!A0",,,,\nX2,"逗号,引号""",,X1,,\n`;
    expect((await importCsv('export-me', csv, { name: '导出' })).status).toBe(200);
    const res = await t.request('GET', '/api/v1/dictionaries/export-me/export.csv?draft=true', { token: admin });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes.slice(3)).split('\r\n');
    expect(lines[0]).toBe(HEADER);
    expect(lines[1]).toBe("X1,'=cmd|' /C calc'!A0,,,,");
    expect(lines[2]).toBe('X2,"逗号,引号""",,X1,,');
  });

  it('given a handler who may only read dictionaries, when importing CSV, then 403 and nothing is written', async () => {
    const res = await importCsv('handler-dict', `${HEADER}\nA,甲,,,,\n`, {}, await t.tokenFor('water.handler'));
    expect(res.status).toBe(403);
    expect(await rowsOfKey('handler-dict')).toHaveLength(0);
  });

  it('given a key without a published version, when read, then 404', async () => {
    const res = await t.request('GET', '/api/v1/dictionaries/export-me', { token: admin, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.message).toBe('Dictionary not found');
  });
});
