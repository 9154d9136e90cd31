/**
 * Bad input on every write route: malformed JSON, wrong types, empty, oversized and
 * injection-looking values get a clear localized error and write nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';
import { allRoutes } from './index.server.ts';

let t: TestApp;
let token: string;
beforeAll(async () => { t = await createTestApp(); token = await t.tokenFor('admin'); });
afterAll(() => t.close());

const writeRoutes = allRoutes().filter((r) => r.method !== 'GET' && !r.public);

/** Fills `{id}`-style path params with an id that exists nowhere. */
const pathOf = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => (name === 'date' ? '2030-06-14' : name === 'key' ? 'no-such-key' : '00000000-0000-0000-0000-000000000000'));

describe('bad input on every write route', () => {
  it('given the write routes, when listed, then there are routes to check', () => {
    expect(writeRoutes.length).toBeGreaterThan(3);
  });

  for (const route of writeRoutes) {
    const label = `${route.method} ${route.path}`;

    it(`given malformed JSON, when calling ${label}, then 400/404/422 JSON and nothing is written`, async () => {
      const since = await t.auditMark();
      const res = await t.request(route.method, pathOf(route.path), { token, rawBody: '{"name": ', headers: { 'content-type': 'application/json' } });
      // Upload routes take files, not JSON: a JSON body is the wrong media type.
      expect(route.upload ? [415] : [400, 404, 405, 422]).toContain(res.status);
      const body = (await res.json()) as ErrorJson;
      expect(body.error.code).toBeTruthy();
      expect(body.error.message).toBeTruthy();
      expect(await t.auditSince(since)).toHaveLength(0);
    });

    it(`given wrong types and hostile strings, when calling ${label}, then a 4xx in English names the problem and nothing is written`, async () => {
      const since = await t.auditMark();
      for (const body of [[], 'text', 42, { name: 12345, code: ["'; DROP TABLE users; --"] }, { name: '<script>alert(1)</script>', code: "'; DROP TABLE users; --", username: '', password: 'x'.repeat(10_000) }]) {
        const res = await t.request(route.method, pathOf(route.path), { token, body, headers: { 'accept-language': 'en' } });
        expect(res.status, `${label} ${JSON.stringify(body).slice(0, 60)}`).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const json = (await res.json()) as ErrorJson;
        expect(json.error.message).not.toMatch(/[\u4e00-\u9fff]/);
      }
      expect(await t.auditSince(since)).toHaveLength(0);
    });

    it(`given an oversized body, when calling ${label}, then 413 and nothing is written`, async () => {
      const since = await t.auditMark();
      const res = route.upload
        ? await t.request(route.method, pathOf(route.path), { token, rawBody: 'x'.repeat(route.upload.maxBytes + 1), headers: { 'content-type': route.upload.contentTypes[0] } })
        : await t.request(route.method, pathOf(route.path), { token, body: { name: 'x'.repeat(1_100_000) } });
      expect(res.status).toBe(413);
      expect(await t.auditSince(since)).toHaveLength(0);
    });
  }

  it('given a validation failure in Chinese, when creating an organisation, then the message is Chinese and names the field', async () => {
    const res = await t.request('POST', '/api/v1/organisations', { token, body: { parentId: null, code: '坏 code', name: '', level: 'city', kind: 'admin' } });
    expect(res.status).toBe(422);
    const json = (await res.json()) as ErrorJson;
    expect(json.error.message).toMatch(/^提交的数据无效/);
    expect(json.error.fields?.map((f) => f.field)).toEqual(expect.arrayContaining(['code', 'name']));
  });
});
