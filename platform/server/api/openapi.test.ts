import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { allRoutes } from './index.server.ts';

let t: TestApp;
beforeAll(async () => { t = await createTestApp({ seed: false }); });
afterAll(async () => { await t.close(); });

interface OpenApiDoc {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown>; requestBody?: unknown }>>;
}

describe('OpenAPI document and health', () => {
  it('given the running server, when fetching /api/v1/openapi.json, then it is OpenAPI 3.1 describing every route with a unique operation id', async () => {
    const res = await t.request('GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as OpenApiDoc;
    expect(doc.openapi).toBe('3.1.0');
    const ids = new Set<string>();
    for (const route of allRoutes()) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      expect(op.operationId).toMatch(/^[A-Za-z0-9]+$/);
      expect(ids.has(op.operationId)).toBe(false);
      ids.add(op.operationId);
      if (route.body) expect(op.requestBody).toBeDefined();
    }
    for (const path of ['/api/v1/organisations', '/api/v1/users', '/api/v1/roles', '/api/v1/grids', '/api/v1/dictionaries', '/api/v1/definitions', '/api/v1/audit-logs']) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });

  it('given the running server, when calling /healthz, then it reports ok and the dialect in use', async () => {
    const res = await t.request('GET', '/healthz');
    expect(await res.json()).toEqual({ status: 'ok', database: t.app.db.dialect });
  });

  it('given no credentials, when calling a protected route, then 401 with a localized message', async () => {
    const zh = await t.request('GET', '/api/v1/organisations');
    expect(zh.status).toBe(401);
    expect(((await zh.json()) as { error: { message: string } }).error.message).toBe('请先登录');
    const en = await t.request('GET', '/api/v1/organisations', { headers: { 'accept-language': 'en' } });
    expect(((await en.json()) as { error: { message: string } }).error.message).toBe('Please sign in');
    const bogus = await t.request('GET', '/api/v1/organisations', { token: 'tg_forged' });
    expect(bogus.status).toBe(401);
  });

  it('given an unknown path or method, when called, then 404 or 405 as JSON', async () => {
    expect((await t.request('GET', '/api/v1/nowhere')).status).toBe(404);
    expect((await t.request('PUT', '/api/v1/organisations')).status).toBe(405);
  });
});
