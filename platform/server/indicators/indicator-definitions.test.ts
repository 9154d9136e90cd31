/**
 * Indicator definitions (definition kind `indicator`, issue 4 items 2 and 8): the content shape of
 * 000 chapter 5 / 001 §4.1.4, and formulas checked as the draft is saved — a formula that does not
 * parse, check or compute in the database is refused with its place and reason, nothing saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, count, eq } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = await t.tokenFor('admin');
});

afterAll(() => t.close());

/** 按期结案率 (001 Appendix C): cases closed by their deadline among the cases closed in the period. */
const onTimeClosure = (overrides: Record<string, unknown> = {}) => ({
  code: '6-1-7', name: '按期结案率', unit: '%', level: 3, parentCode: '6-1', domain: 'cases', collection: 'realtime', period: 'month',
  basis: [
    { key: 'closedOnTime', name: '按期结案数', source: 'query', formula: 'COUNT(cases, c => c.closedAt >= period.start && c.closedAt < period.end && c.closedAt <= c.dueAt)' },
    { key: 'closed', name: '结案数', source: 'query', formula: 'COUNT(cases, c => c.closedAt >= period.start && c.closedAt < period.end)' },
  ],
  formula: 'PERCENT(closedOnTime, closed)',
  target: { operator: '>=', value: 90 },
  score: 5, scoring: '每低于目标 1 个百分点扣 0.5 分',
  ...overrides,
});

const save = (key: string, content: unknown, locale = 'zh-CN') =>
  t.request('POST', '/api/v1/definitions', { token, body: { kind: 'indicator', key, name: '按期结案率', content }, headers: { 'accept-language': locale } });

async function draftsOf(key: string): Promise<number> {
  const d = t.app.db.t.definitions;
  const [row] = await t.app.db.read.select({ n: count() }).from(d).where(and(eq(d.kind, 'indicator'), eq(d.key, key)));
  return Number(row!.n);
}

async function refused(key: string, content: unknown, locale = 'zh-CN') {
  const response = await save(key, content, locale);
  expect(response.status).toBe(422);
  expect(await draftsOf(key)).toBe(0);
  return ((await response.json()) as ErrorJson).error.fields ?? [];
}

describe('indicator definitions', () => {
  it('given a well-formed real-time indicator over cases, when saved and published, then both succeed', async () => {
    const response = await save('on-time-closure', onTimeClosure());
    expect(response.status).toBe(201);
    const { id } = (await response.json()) as { id: string };
    const published = await t.request('POST', `/api/v1/definitions/${id}/publish`, { token, body: { comment: '按 001 附录 C' } });
    expect(published.status).toBe(200);
  });

  it('given a formula naming an unknown basis item, when saved, then 422 names content.formula with line, column and reason', async () => {
    const fields = await refused('bad-formula', onTimeClosure({ formula: 'PERCENT(closedOnTime, clsoed)' }));
    expect(fields).toEqual([{ field: 'content.formula', message: expect.stringMatching(/^第 1 行第 23 列：未知变量 “clsoed”/) }]);
  });

  it('given the same in English, when saved, then the message is English with its position', async () => {
    const fields = await refused('bad-formula-en', onTimeClosure({ formula: 'PERCENT(closedOnTime, clsoed)' }), 'en');
    expect(fields[0]!.message).toMatch(/^line 1, column 23: Unknown variable "clsoed"/);
  });

  it('given a basis query that cannot compute in the database, when saved, then 422 names that basis item', async () => {
    const content = onTimeClosure();
    (content.basis as { formula: string }[])[1]!.formula = 'COUNT(cases, c => CONTAINS(c.status, "clos"))';
    const fields = await refused('bad-basis', content);
    expect(fields).toEqual([{ field: 'content.basis.1.formula', message: expect.stringContaining('无法在数据库中计算') }]);
  });

  it('given a formula that does not parse, when saved, then 422 says where', async () => {
    const fields = await refused('no-parse', onTimeClosure({ formula: 'PERCENT(closedOnTime, ' }));
    expect(fields[0]!.field).toBe('content.formula');
    expect(fields[0]!.message).toMatch(/^第 1 行第 \d+ 列：表达式不完整/);
  });

  it('given a formula of the wrong type, when saved, then it is refused (an indicator is a number)', async () => {
    const fields = await refused('wrong-type', onTimeClosure({ formula: 'closed > 3' }));
    expect(fields[0]!.field).toBe('content.formula');
  });

  it('given a level that does not match the code and a wrong parent, when saved, then both fields are named in Chinese', async () => {
    const fields = await refused('bad-shape', onTimeClosure({ level: 2, parentCode: '6-2' }));
    expect(fields).toEqual(expect.arrayContaining([
      { field: 'content.level', message: '级别与编码不符：编码有几段即为几级指标' },
      { field: 'content.parentCode', message: '上级指标编码应为本编码去掉最后一段（如 2-2-2 的上级为 2-2）' },
    ]));
  });

  it('given a reported indicator without input items, when saved, then the basis is refused', async () => {
    const fields = await refused('no-inputs', onTimeClosure({ collection: 'reported' }));
    expect(fields).toEqual([{ field: 'content.basis', message: expect.stringContaining('平台上报为填报项') }]);
  });

  it('given an input item whose minimum exceeds its maximum, when saved, then that item is named', async () => {
    const fields = await refused('bad-range', onTimeClosure({
      collection: 'reported', basis: [{ key: 'length', name: '道路长度', source: 'input', min: 10, max: 1 }], formula: 'length',
    }));
    expect(fields).toEqual([{ field: 'content.basis.0.max', message: '最小值不能大于最大值' }]);
  });
});
