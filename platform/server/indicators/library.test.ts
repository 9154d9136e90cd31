/**
 * 评价指标管理 (001 §4.1.4 item 4, 1; issue 4 item 5): the library's edits go into the indicator's
 * draft through the definitions service — checked like any definition, audited, effective once
 * published with a comment — and only administrators may make them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateBearer } from '../auth/auth.server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import type { Actor } from '../app.server.ts';
import { AppError } from '../errors.server.ts';
import { indicatorLibrary, publishLibraryDraft, saveLibraryEdits } from './library.server.ts';

let t: TestApp;
const actorFor = async (username: string): Promise<Actor> => {
  const principal = await authenticateBearer(t.app, await t.tokenFor(username));
  return { principal: principal!, meta: { ip: null, userAgent: null }, locale: 'zh-CN' };
};

beforeAll(async () => { t = await createTestApp(); });
afterAll(() => t.close());

describe('indicator library', () => {
  it('given the template, when the library is read, then every third-level indicator is there with its score, method, formula and inspection items', async () => {
    const entries = await indicatorLibrary(t.app, await actorFor('admin'));
    expect(entries.length).toBe(47);
    const covers = entries.find((e) => e.key === '4-2-1')!;
    expect(covers.published).toMatchObject({ version: 1, content: { code: '4-2-1', collection: 'inspection', score: 2.5 } });
    expect(covers.published!.content.basis[0]).toMatchObject({ source: 'inspection', checklist: expect.arrayContaining(['井盖无缺失']) });
    expect(covers.draft).toBeNull();
  });

  it('given a formula with an unknown name, when saved, then 422 names content.formula with its position and no draft is made', async () => {
    const admin = await actorFor('admin');
    const error = await saveLibraryEdits(t.app, admin, '4-2-1', { content: { formula: 'PERCENT(covers.passed, covers.totl)' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).issues?.[0]?.path).toEqual(['content', 'formula']);
    expect((await indicatorLibrary(t.app, admin)).find((e) => e.key === '4-2-1')!.draft).toBeNull();
  });

  it('given new score, evaluation grids and points, when saved and published with a comment, then the draft becomes v2 and the drawn tasks follow it', async () => {
    const admin = await actorFor('admin');
    const g = t.app.db.t.grids;
    const codes = (await t.app.db.read.select({ code: g.code }).from(g)).map((row) => row.code).slice(0, 2);
    const saved = await saveLibraryEdits(t.app, admin, '4-2-1', { content: { score: 5, scoring: '按比例得分', basis: [{ grids: codes, minPoints: 3 }] } });
    expect(saved.draft).toMatchObject({ version: 2, content: { score: 5, basis: [{ grids: codes, minPoints: 3 }] } });
    expect(saved.published!.content.score).toBe(2.5);
    await expect(publishLibraryDraft(t.app, admin, '4-2-1', { comment: '' })).rejects.toMatchObject({ code: 'validation_failed' });
    const published = await publishLibraryDraft(t.app, admin, '4-2-1', { comment: '提高井盖分值' });
    expect(published).toMatchObject({ draft: null, published: { version: 2, content: { score: 5 } } });
    const drawn = await t.request('POST', '/api/v1/indicators/4-2-1/inspections', { token: await t.tokenFor('admin'), body: { period: '2026-Q2', perDistrict: 10 } });
    const items = ((await drawn.json()) as { items: { gridId: string; minPoints: number }[] }).items;
    expect(items.length).toBeGreaterThan(0);
    expect(items.length).toBeLessThanOrEqual(2);
    expect(items.every((task) => task.minPoints === 3)).toBe(true);
  });

  it('given a district\'s staff, when they try to edit the library, then 403 and nothing changes', async () => {
    await expect(saveLibraryEdits(t.app, await actorFor('dh.intake'), '4-2-1', { content: { score: 50 } })).rejects.toMatchObject({ code: 'forbidden' });
    expect((await indicatorLibrary(t.app, await actorFor('admin'))).find((e) => e.key === '4-2-1')!.draft).toBeNull();
  });
});
