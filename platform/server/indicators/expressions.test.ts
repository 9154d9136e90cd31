/** `POST /api/v1/expressions/check`: what the designer's editors show while an author types. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';

let t: TestApp;
let token: string;

beforeAll(async () => {
  t = await createTestApp();
  token = await t.tokenFor('admin');
});

afterAll(() => t.close());

const check = async (body: unknown, headers: Record<string, string> = {}) => {
  const response = await t.request('POST', '/api/v1/expressions/check', { token, body, headers });
  return { status: response.status, json: await response.json() as { ok: boolean; type: string; diagnostics: { code: string; message: string; start: number; end: number; line: number; column: number }[] } };
};

describe('POST /api/v1/expressions/check', () => {
  it('given a condition over typed variables, when checked, then it is ok with its type', async () => {
    const { status, json } = await check({ expression: 'level > 2 && source == "hotline"', variables: { level: 'number', source: 'string' } });
    expect(status).toBe(200);
    expect(json).toEqual({ ok: true, type: 'boolean', diagnostics: [] });
  });

  it('given an unknown variable, when checked, then the error names it with its position in Chinese', async () => {
    const expression = 'level > 2 && sourse == "hotline"';
    const { json } = await check({ expression, variables: { level: 'number', source: 'string' } });
    expect(json.ok).toBe(false);
    const [error] = json.diagnostics;
    expect(error!.code).toBe('unknownVariable');
    expect(expression.slice(error!.start, error!.end)).toBe('sourse');
    expect(error!.column).toBe(14);
    expect(error!.message).toContain('未知变量');
  });

  it('given an English caller, when checked, then the message is English', async () => {
    const { json } = await check({ expression: '1 +' }, { 'accept-language': 'en' });
    expect(json.ok).toBe(false);
    expect(json.diagnostics[0]!.message).toMatch(/ends unexpectedly/);
  });

  it('given an indicator formula over cases, when checked, then it is ok and typed number', async () => {
    const { json } = await check({ expression: 'PERCENT(COUNT(cases, c => c.status == "closed" && c.closedAt <= c.dueAt), COUNT(cases, c => c.status == "closed"))', indicator: true });
    expect(json).toEqual({ ok: true, type: 'number', diagnostics: [] });
  });

  it('given an indicator formula that cannot compute in the database, when checked, then notInDatabase points at the part', async () => {
    const expression = 'COUNT(cases, c => CONTAINS(c.source, "hot"))';
    const { json } = await check({ expression, indicator: true });
    expect(json.ok).toBe(false);
    expect(json.diagnostics.map((d) => d.code)).toEqual(['notInDatabase']);
    expect(expression.slice(json.diagnostics[0]!.start, json.diagnostics[0]!.end)).toBe('CONTAINS(c.source, "hot")');
  });

  it('given datasets without indicator, when checked, then cases is an unknown variable', async () => {
    const { json } = await check({ expression: 'COUNT(cases)' });
    expect(json.diagnostics[0]!.code).toBe('unknownVariable');
  });

  it('given a body without an expression or with a malformed type, when checked, then 422 names the field', async () => {
    expect((await check({})).status).toBe(422);
    const { status, json } = await check({ expression: 'x', variables: { x: 'numbr' } });
    expect(status).toBe(422);
    expect(JSON.stringify(json)).toContain('variables');
  });
});
