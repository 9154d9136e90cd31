import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp, type ErrorJson } from '../testing/test-app.server.ts';
import { getParameterValue } from './parameters.server.ts';

let t: TestApp;
let admin: string;
beforeAll(async () => { t = await createTestApp(); admin = await t.tokenFor('admin'); });
afterAll(() => t.close());

interface Parameter { key: string; value: unknown; isDefault: boolean; defaultValue: unknown; description: string; schema: { type?: string }; updatedBy: string | null }

const put = (key: string, value: unknown, init: { token?: string; locale?: string } = {}) =>
  t.request('PUT', `/api/v1/parameters/${key}`, { token: init.token ?? admin, body: { value }, headers: init.locale ? { 'accept-language': init.locale } : {} });

describe('parameters', () => {
  it('given the seeded city, when listing parameters, then every known key is shown with its value or default and a schema', async () => {
    const res = await t.request('GET', '/api/v1/parameters', { token: admin, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(200);
    const list = (await res.json()) as Parameter[];
    expect(list.map((p) => p.key)).toEqual(['calendar.workingTime', 'case.deadlines', 'case.numberRule', 'map.basemapCoordinates', 'map.basemapUrl', 'security.passwordExpiryDays']);
    const byKey = Object.fromEntries(list.map((p) => [p.key, p]));
    expect(byKey['case.numberRule']).toMatchObject({ isDefault: true, value: { pattern: '{yyyyMMdd}{seq:4}' }, schema: { type: 'object' } });
    expect(byKey['case.numberRule'].description).toMatch(/^Case number rule/);
    expect(byKey['calendar.workingTime']).toMatchObject({ isDefault: false, value: expect.objectContaining({ timeZone: 'Asia/Shanghai' }) });
  });

  it('given a valid number rule, when set, then it is stored, returned and audited once with before and after', async () => {
    const since = await t.auditMark();
    const res = await put('case.numberRule', { pattern: 'AJ{yyyyMMdd}-{seq:5}' });
    expect(res.status).toBe(200);
    expect((await res.json()) as Parameter).toMatchObject({ value: { pattern: 'AJ{yyyyMMdd}-{seq:5}' }, isDefault: false, updatedBy: expect.any(String) });
    const audit = await t.auditSince(since);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'update', objectType: 'parameter', objectId: 'case.numberRule',
      before: { value: { pattern: '{yyyyMMdd}{seq:4}' }, isDefault: true }, after: { value: { pattern: 'AJ{yyyyMMdd}-{seq:5}' } },
    });
    const tenantId = await t.tenantId();
    expect(await getParameterValue(t.app, tenantId, 'case.numberRule')).toEqual({ pattern: 'AJ{yyyyMMdd}-{seq:5}' });
  });

  it('given a number rule without a sequence, when set in Chinese, then 422 explains value.pattern in Chinese', async () => {
    const res = await put('case.numberRule', { pattern: '{yyyyMMdd}' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.fields).toEqual([{ field: 'value.pattern', message: expect.stringContaining('恰好包含一个 {seq:N}') }]);
    expect(body.error.message).toMatch(/^提交的数据无效/);
  });

  it('given a number rule without a sequence, when set in English, then 422 explains value.pattern in English', async () => {
    const res = await put('case.numberRule', { pattern: '{yyyyMMdd}' }, { locale: 'en' });
    expect(res.status).toBe(422);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.fields).toEqual([{ field: 'value.pattern', message: expect.stringContaining('exactly one {seq:N}') }]);
    expect(body.error.message).toMatch(/^Invalid data/);
  });

  it('given a working time with an unknown zone and overlapping periods, when set, then 422 names both fields and nothing is stored', async () => {
    const since = await t.auditMark();
    const res = await put('calendar.workingTime', {
      timeZone: 'Mars/Olympus', workingPeriods: [{ start: '09:00', end: '12:00' }, { start: '11:00', end: '17:00' }], weekendDays: [0, 6],
    }, { locale: 'en' });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as ErrorJson).error.fields!;
    expect(fields.map((f) => f.field).sort()).toEqual(['value.timeZone', 'value.workingPeriods.1']);
    expect(fields.find((f) => f.field === 'value.timeZone')?.message).toMatch(/unknown time zone/);
    expect(await t.auditSince(since)).toHaveLength(0);
  });

  it('given a base map URL that is not http(s), when set, then 422; and null resets it to the built-in map', async () => {
    expect((await put('map.basemapUrl', 'javascript:alert(1)')).status).toBe(422);
    const res = await put('map.basemapUrl', null);
    expect(res.status).toBe(200);
    expect((await res.json()) as Parameter).toMatchObject({ value: null, isDefault: false });
    const list = (await (await t.request('GET', '/api/v1/parameters', { token: admin })).json()) as Parameter[];
    expect(list.find((p) => p.key === 'map.basemapUrl')).toMatchObject({ value: null, isDefault: false });
  });

  it('given the basemap coordinate system, when set, then WGS84 and GCJ02 are accepted and anything else is 422', async () => {
    expect((await put('map.basemapCoordinates', 'BD09')).status).toBe(422);
    const res = await put('map.basemapCoordinates', 'GCJ02');
    expect(res.status).toBe(200);
    expect((await res.json()) as Parameter).toMatchObject({ value: 'GCJ02', isDefault: false });
    expect((await put('map.basemapCoordinates', 'WGS84')).status).toBe(200);
  });

  it('given an unknown key, when set, then 404', async () => {
    const res = await put('no.such.key', 1, { locale: 'en' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.message).toBe('Parameter not found');
  });

  it('given a district admin who may only read parameters, when setting one, then 403', async () => {
    const token = await t.tokenFor('dh.admin');
    expect((await t.request('GET', '/api/v1/parameters', { token })).status).toBe(200);
    expect((await put('security.passwordExpiryDays', 30, { token })).status).toBe(403);
  });
});
