import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, messagesOf, TEST_PASSWORD, type TestApp } from '../testing/test-app.server.ts';

let t: TestApp;
let auditor: string;
beforeAll(async () => {
  // Behind a trusted proxy the client address comes from X-Forwarded-For, i.e. from the client.
  t = await createTestApp({ config: { trustProxy: true } });
  auditor = await t.tokenFor('auditor');
});
afterAll(() => t.close());

interface Item { seq: number; at: string; actorId: string | null; actorName: string | null; action: string; objectType: string | null; ip: string | null; detail: unknown }
interface Page { items: Item[]; total: number }

function login(username: string, password: string, ip = '10.1.2.3') {
  return t.request('POST', '/api/v1/auth/token', { body: { username, password }, headers: { 'x-forwarded-for': ip } });
}

async function query(search: string, token = auditor): Promise<Page> {
  const res = await t.request('GET', `/api/v1/audit-logs?${search}`, { token });
  expect(res.status).toBe(200);
  return (await res.json()) as Page;
}

async function exportCsv(search: string, locale = 'zh-CN', token = auditor) {
  const res = await t.request('GET', `/api/v1/audit-logs/export.csv?${search}`, { token, headers: { 'accept-language': locale } });
  expect(res.status).toBe(200);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { res, bytes, lines: new TextDecoder().decode(bytes.slice(3)).trimEnd().split('\r\n') };
}

describe('audit log', () => {
  it('given a good and a bad token login, when the auditor filters by action, then the login and the failed login are there with actor and address', async () => {
    expect((await login('cc.intake2', TEST_PASSWORD, '10.9.8.7')).status).toBe(201);
    expect((await login('cc.intake1', 'wrong-password', '10.9.8.6')).status).toBe(401);
    const logins = await query('action=login&ip=10.9.8.7');
    expect(logins.total).toBe(1);
    expect(logins.items[0]).toMatchObject({ action: 'login', actorName: '吴佳怡', objectType: 'user', ip: '10.9.8.7' });
    const failed = await query('action=login_failed&ip=10.9.8.6');
    expect(failed.items).toEqual([expect.objectContaining({ actorName: 'cc.intake1', detail: expect.objectContaining({ reason: 'wrong_password' }) })]);
    const all = await query('action=login');
    expect(all.items.length).toBeGreaterThanOrEqual(2);
    expect(all.items.every((i) => i.action === 'login')).toBe(true);
    expect(all.items.map((i) => i.seq)).toEqual([...all.items.map((i) => i.seq)].sort((a, b) => b - a));
  });

  it('given a name fragment and a page size, when querying, then matching entries are paged with the full total', async () => {
    const first = await query('actor=吴佳&limit=1');
    expect(first.items).toHaveLength(1);
    expect(first.total).toBeGreaterThanOrEqual(2);
    const second = await query('actor=吴佳&limit=1&offset=1');
    expect(second.items[0].seq).toBeLessThan(first.items[0].seq);
    const future = await query(`from=${encodeURIComponent('2099-01-01T00:00:00Z')}`);
    expect(future).toEqual({ items: [], total: 0 });
  });

  it('given the other city\'s admin signs in, when the demo auditor searches, then none of the other city\'s entries are visible', async () => {
    await t.tokenFor('other.admin');
    const page = await query('actor=林海波');
    expect(page.total).toBe(0);
  });

  it('given the city admin and a district admin, when they query or export the audit log, then both are refused with 403 (separation of duties)', async () => {
    for (const username of ['admin', 'dh.admin']) {
      const token = await t.tokenFor(username);
      expect((await t.request('GET', '/api/v1/audit-logs', { token })).status).toBe(403);
      expect((await t.request('GET', '/api/v1/audit-logs/export.csv', { token })).status).toBe(403);
    }
  });

  it('given the auditor, when exporting logins, then the CSV has a BOM, Chinese headers, only login rows, and the export is audited once', async () => {
    const since = await t.auditMark();
    const { res, bytes, lines } = await exportCsv('action=login');
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="audit-log-\d{8}-\d{6}\.csv"$/);
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(lines[0]).toBe('时间,操作人,动作,对象类型,对象ID,IP,变更前,变更后');
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.slice(1).every((line) => line.split(',')[2] === '登录')).toBe(true);
    expect(Number(res.headers.get('x-row-count'))).toBe(lines.length - 1);
    const audit = await t.auditSince(since);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'export', objectType: 'auditLog', detail: expect.objectContaining({ filter: { action: 'login' }, rows: lines.length - 1 }) });
  });

  it('given an English auditor, when exporting, then the headers and action labels are English', async () => {
    const { lines } = await exportCsv('action=login_failed', 'en');
    expect(lines[0]).toBe('Time,Actor,Action,Object type,Object ID,IP,Before,After');
    expect(lines[1].split(',')[2]).toBe('Failed sign-in');
  });

  it('given a forged client address that looks like a formula, when exported, then the cell is defused', async () => {
    await login('cc.intake1', 'wrong-again', "=cmd|' /C calc'!A0");
    const { lines } = await exportCsv('action=login_failed&limit=1');
    expect(lines[1].split(',')[5]).toBe("'=cmd|' /C calc'!A0");
  });

  it('given audit rows, when the database is asked to update or delete them, then the triggers refuse on this dialect', async () => {
    const a = t.app.db.t.auditLog;
    const seq = await t.auditMark();
    const updateError = await t.app.db.transaction((tx) => tx.update(a).set({ action: 'tampered' }).where(eq(a.seq, seq))).then(() => null, (e: unknown) => e);
    expect(messagesOf(updateError)).toMatch(/append-only/);
    const deleteError = await t.app.db.transaction((tx) => tx.delete(a).where(eq(a.seq, seq))).then(() => null, (e: unknown) => e);
    expect(messagesOf(deleteError)).toMatch(/append-only/);
    const [row] = await t.app.db.read.select().from(a).where(eq(a.seq, seq));
    expect(row.action).not.toBe('tampered');
  });
});
