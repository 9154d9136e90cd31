/**
 * Facilities, devices and telemetry ingestion (issue 5 items 2, 3 `device-http`, 8 and 9): types
 * as published definitions, location → grid and district, per-device tokens, readings stored
 * exactly once, refusals counted per device and reason, rollups and retention, data scope.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import { applyTelemetryRetention, rollUpTelemetry } from './rollups.server.ts';
import type { DeviceOutput, FacilityOutput } from './devices.server.ts';

let t: TestApp;
let admin: string;
let eastPoint: [number, number];
let westPoint: [number, number];
let station: FacilityOutput;
let device: DeviceOutput;
let token: string;

const DEVICE_TYPE = {
  name: '测试可燃气体探测器', domain: 'pipelines', module: 'gas', facilityTypes: ['testStation'],
  metrics: [
    { key: 'lel', name: '甲烷浓度', unit: '%LEL', min: 0, max: 100, samplingSeconds: 60 },
    { key: 'temperature', name: '温度', unit: '℃', min: -40, max: 85, samplingSeconds: 60 },
    { key: 'open', name: '井盖开启', min: 0, max: 1, samplingSeconds: 60, flag: true },
  ],
};
const ENTITY_TYPE = {
  name: '测试调压站', domain: 'pipelines', module: 'gas', geometry: 'point',
  attributes: [
    { key: 'pressureClass', name: '压力级制', type: 'string', options: ['低压', '中压'], required: true, indexed: true },
    { key: 'capacity', name: '设计流量', type: 'number', unit: 'm³/h', min: 0 },
  ],
};

async function publish(kind: string, key: string, content: unknown): Promise<void> {
  const admin = await t.tokenFor('admin');
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind, key, name: key, content } });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const published = await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'test' } });
  expect(published.status, await published.clone().text()).toBe(200);
}

const centre = async (orgCode: string): Promise<[number, number]> => {
  const g = t.app.db.t.grids;
  const [grid] = await t.app.db.read.select({ bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId(orgCode)));
  const [minX, minY, maxX, maxY] = grid!.bbox;
  return [(minX + maxX) / 2, (minY + maxY) / 2];
};

const send = (body: unknown, deviceToken: string | undefined = token, raw?: string) =>
  t.request('POST', '/api/v1/telemetry', {
    ...(raw !== undefined ? { rawBody: raw } : { body }),
    headers: { 'content-type': 'application/json', ...(deviceToken ? { 'x-device-token': deviceToken } : {}) },
  });

const storedRows = async (deviceId: string, metric?: string) => {
  const tm = t.app.db.t.telemetry;
  return t.app.db.read.select().from(tm).where(and(eq(tm.deviceId, deviceId), metric ? eq(tm.metric, metric) : undefined)).orderBy(tm.ts);
};

const rejections = async () => ((await (await t.request('GET', '/api/v1/ingest-rejections', { token: admin })).json()) as { items: { deviceCode: string; reason: string; count: number }[] }).items;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('admin');
  await publish('entityType', 'testStation', ENTITY_TYPE);
  await publish('deviceType', 'testGasDetector', DEVICE_TYPE);
  eastPoint = await centre('demo-dh-lq-jx');
  westPoint = await centre('demo-xl-sg-cb');
});

afterAll(() => t.close());

describe('facilities and devices', () => {
  it('given attributes the facility type does not allow, when a facility is registered, then 422 names each attribute and nothing is written', async () => {
    const res = await t.request('POST', '/api/v1/facilities', {
      token: admin, body: { code: 'ST-BAD', name: '坏数据', typeKey: 'testStation', location: eastPoint, attributes: { pressureClass: '超高压', capacity: 'big', colour: 'red' } },
    });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as ErrorJson).error.fields!.map((f) => f.field).sort();
    expect(fields).toEqual(['attributes.capacity', 'attributes.colour', 'attributes.pressureClass']);
    const e = t.app.db.t.entities;
    expect(await t.app.db.read.select().from(e).where(eq(e.code, 'ST-BAD'))).toHaveLength(0);
  });

  it('given an unpublished facility type, when a facility is registered, then 422 names typeKey', async () => {
    const res = await t.request('POST', '/api/v1/facilities', { token: admin, body: { code: 'ST-X', name: 'x', typeKey: 'noSuchType', location: eastPoint } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields![0]!.field).toBe('typeKey');
  });

  it('given a point in 东湖区, when a facility is registered, then its grid and district are resolved from the location and it is audited', async () => {
    const res = await t.request('POST', '/api/v1/facilities', {
      token: admin, body: { code: 'ST-001', name: '经十路调压站', typeKey: 'testStation', location: eastPoint, attributes: { pressureClass: '中压', capacity: 3000 } },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    station = (await res.json()) as FacilityOutput;
    expect(station.districtOrgId).toBe(await t.orgId('demo-dh'));
    expect(station.gridId).not.toBeNull();
    expect(station.module).toBe('gas');
    const a = t.app.db.t.auditLog;
    expect(await t.app.db.read.select().from(a).where(and(eq(a.objectType, 'facility'), eq(a.objectId, station.id)))).toHaveLength(1);
  });

  it('given the facility, when a device is registered on it, then it stands at the facility, its token is answered once and only its hash is stored', async () => {
    const res = await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-001', typeKey: 'testGasDetector', facilityId: station.id, installedOn: '2025-06-01' } });
    expect(res.status, await res.clone().text()).toBe(201);
    ({ device, token } = (await res.json()) as { device: DeviceOutput; token: string });
    expect(token).toMatch(/^tgd_/);
    expect([device.lng, device.lat]).toEqual(eastPoint);
    expect(device.districtOrgId).toBe(station.districtOrgId);
    expect(device.online).toBe(false);
    const d = t.app.db.t.devices;
    const [row] = await t.app.db.read.select().from(d).where(eq(d.id, device.id));
    expect(row!.tokenHash).not.toContain(token);
    const a = t.app.db.t.auditLog;
    const [entry] = await t.app.db.read.select().from(a).where(and(eq(a.objectType, 'device'), eq(a.objectId, device.id)));
    expect(JSON.stringify(entry)).not.toContain(token);
  });

  it('given a device code in use, when registered again, then 409', async () => {
    const res = await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-001', typeKey: 'testGasDetector', location: eastPoint } });
    expect(res.status).toBe(409);
  });

  it('given a facility of a type the device type does not list, when a device is put on it, then 422 names facilityId', async () => {
    await publish('entityType', 'testPark', { ...ENTITY_TYPE, name: '测试公园', attributes: [] });
    const park = (await (await t.request('POST', '/api/v1/facilities', { token: admin, body: { code: 'PARK-1', name: '泉城公园', typeKey: 'testPark', location: eastPoint } })).json()) as FacilityOutput;
    const res = await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-PARK', typeKey: 'testGasDetector', facilityId: park.id } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields![0]!.field).toBe('facilityId');
  });
});

describe('telemetry over HTTP (device-http)', () => {
  it('given the device token, when readings arrive, then they are stored, the latest values and last-seen time follow, and the device is online', async () => {
    const ts = t.clock.now().getTime() - 60_000;
    const res = await send({ ts, values: { lel: 3.5, temperature: 21, open: false } });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ stored: 3, duplicates: 0, rejected: [] });
    expect((await storedRows(device.id)).map((r) => [r.metric, r.value]).sort()).toEqual([['lel', 3.5], ['open', 0], ['temperature', 21]]);
    const got = (await (await t.request('GET', `/api/v1/devices/${device.id}`, { token: admin })).json()) as DeviceOutput;
    expect(got.online).toBe(true);
    expect(got.latest.lel).toEqual({ value: 3.5, ts: new Date(ts).toISOString() });
    expect(got.lastSeenAt).toBe(new Date(ts).toISOString());
  });

  it('given a message sent again (same device, metric and time), when it arrives, then nothing is stored twice (issue 5 item 8)', async () => {
    const ts = t.clock.now().getTime() - 30_000;
    expect(await (await send({ ts, values: { lel: 4 } })).json()).toMatchObject({ stored: 1, duplicates: 0 });
    expect(await (await send({ ts, values: { lel: 4 } })).json()).toMatchObject({ stored: 0, duplicates: 1 });
    const burst = Array.from({ length: 20 }, (_, i) => send({ readings: [{ ts: ts + 1000 + (i % 5), values: { lel: 5 } }, { ts: ts + 2000, values: { lel: 6 } }] }));
    const outcomes = (await Promise.all(burst.map(async (r) => (await r).json()))) as { stored: number; duplicates: number }[];
    expect(outcomes.reduce((n, o) => n + o.stored, 0)).toBe(6);
    expect(outcomes.reduce((n, o) => n + o.duplicates, 0)).toBe(34);
    const rows = (await storedRows(device.id, 'lel')).filter((r) => r.ts >= ts);
    expect(rows.map((r) => r.ts)).toEqual([ts, ts + 1000, ts + 1001, ts + 1002, ts + 1003, ts + 1004, ts + 2000]);
  });

  it('given an older reading arriving late, when stored, then the latest value stays the newer one', async () => {
    const before = (await (await t.request('GET', `/api/v1/devices/${device.id}`, { token: admin })).json()) as DeviceOutput;
    await send({ ts: t.clock.now().getTime() - 3_600_000, values: { lel: 99 } });
    const after = (await (await t.request('GET', `/api/v1/devices/${device.id}`, { token: admin })).json()) as DeviceOutput;
    expect(after.latest.lel).toEqual(before.latest.lel);
  });

  it('given bad readings beside good ones, when the message arrives, then each bad one is refused with its reason, the good ones are stored and the refusals are counted (issue 5 item 9)', async () => {
    const ts = t.clock.now().getTime() - 10_000;
    const res = await send({ ts, values: { lel: 'high', temperature: 500, pressure: 1, open: true } });
    expect(res.status).toBe(200);
    const outcome = (await res.json()) as { stored: number; rejected: { metric: string; reason: string }[] };
    expect(outcome.stored).toBe(1);
    expect(outcome.rejected.map((r) => [r.metric, r.reason]).sort()).toEqual([['lel', 'notNumeric'], ['pressure', 'unknownMetric'], ['temperature', 'outOfRange']]);
    const future = await send({ ts: t.clock.now().getTime() + 3_600_000, values: { lel: 1 } });
    expect(((await future.json()) as { rejected: { reason: string }[] }).rejected).toEqual([{ deviceCode: 'GAS-001', reason: 'badTimestamp' }]);
    const counted = (await rejections()).filter((r) => r.deviceCode === 'GAS-001');
    expect(Object.fromEntries(counted.map((r) => [r.reason, r.count]))).toMatchObject({ notNumeric: 1, outOfRange: 1, unknownMetric: 1, badTimestamp: 1 });
  });

  it('given malformed JSON, a malformed message, a wrong token or none, when sent, then each is refused (400/422/401) and counted, and ingestion goes on', async () => {
    expect((await send(undefined, token, '{"values": {"lel": 1')).status).toBe(400);
    const invalid = await send({ values: [] });
    expect(invalid.status).toBe(422);
    expect((await send({ values: { lel: 1 } }, 'tgd_wrong')).status).toBe(401);
    expect((await send({ values: { lel: 1 } }, '')).status).toBe(401);
    expect((await send({ deviceCode: 'SOMEONE-ELSE', values: { lel: 1 } })).status).toBe(401);
    const counted = await rejections();
    expect(counted.find((r) => r.deviceCode === 'GAS-001' && r.reason === 'malformedJson')?.count).toBe(1);
    expect(counted.find((r) => r.deviceCode === 'GAS-001' && r.reason === 'invalidMessage')?.count).toBe(1);
    expect(counted.find((r) => r.deviceCode === 'SOMEONE-ELSE' && r.reason === 'badToken')?.count).toBe(1);
    const ir = t.app.db.t.ingestRejections;
    const [unknown] = await t.app.db.read.select().from(ir).where(and(eq(ir.tenantId, ''), eq(ir.reason, 'badToken')));
    expect(unknown!.count).toBe(2);
    expect((await send({ values: { lel: 2 } })).status).toBe(200);
  });

  it('given a retired device, when it sends, then its readings are refused as deviceRetired; a new token replaces the old one', async () => {
    const other = (await (await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-002', typeKey: 'testGasDetector', location: eastPoint } })).json()) as { device: DeviceOutput; token: string };
    const fresh = (await (await t.request('POST', `/api/v1/devices/${other.device.id}/token`, { token: admin })).json()) as { token: string };
    expect((await send({ values: { lel: 1 } }, other.token)).status).toBe(401);
    expect(await (await send({ values: { lel: 1 } }, fresh.token)).json()).toMatchObject({ stored: 1 });
    expect((await t.request('PATCH', `/api/v1/devices/${other.device.id}`, { token: admin, body: { status: 'retired' } })).status).toBe(200);
    expect(((await (await send({ values: { lel: 1 } }, fresh.token)).json()) as { rejected: { reason: string }[] }).rejected[0]!.reason).toBe('deviceRetired');
  });
});

describe('rollups and retention', () => {
  it('given readings over two hours, when rolled up twice, then hourly and Beijing-day buckets hold count, sum, min and max once', async () => {
    const created = (await (await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-ROLL', typeKey: 'testGasDetector', location: eastPoint } })).json()) as { device: DeviceOutput; token: string };
    // 15:30Z and 16:30Z: the same UTC day but two Beijing days (16:00Z is midnight in Beijing).
    const base = Date.parse('2026-03-01T15:30:00Z');
    await send({ readings: [{ ts: base, values: { lel: 2 } }, { ts: base + 60_000, values: { lel: 4 } }, { ts: base + 3_600_000, values: { lel: 10 } }] }, created.token);
    await rollUpTelemetry(t.app);
    expect(await rollUpTelemetry(t.app)).toBe(0);
    const ru = t.app.db.t.telemetryRollups;
    const rows = await t.app.db.read.select().from(ru).where(eq(ru.deviceId, created.device.id)).orderBy(ru.bucket, ru.bucketStart);
    expect(rows.map((r) => [r.bucket, new Date(r.bucketStart).toISOString(), r.count, r.sum, r.min, r.max])).toEqual([
      ['day', '2026-02-28T16:00:00.000Z', 2, 6, 2, 4],
      ['day', '2026-03-01T16:00:00.000Z', 1, 10, 10, 10],
      ['hour', '2026-03-01T15:00:00.000Z', 2, 6, 2, 4],
      ['hour', '2026-03-01T16:00:00.000Z', 1, 10, 10, 10],
    ]);
    await send({ readings: [{ ts: base + 120_000, values: { lel: 1 } }] }, created.token);
    expect(await rollUpTelemetry(t.app)).toBe(1);
    const [hour] = await t.app.db.read.select().from(ru).where(and(eq(ru.deviceId, created.device.id), eq(ru.bucket, 'hour'), eq(ru.bucketStart, Date.parse('2026-03-01T15:00:00Z'))));
    expect([hour!.count, hour!.sum, hour!.min, hour!.max]).toEqual([3, 7, 1, 4]);
    const history = (await (await t.request('GET', `/api/v1/devices/${created.device.id}/telemetry?metric=lel&bucket=hour&from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z`, { token: admin })).json()) as { points: { value: number; count: number }[] };
    expect(history.points.map((p) => [p.value, p.count])).toEqual([[7 / 3, 3], [10, 1]]);
  });

  it('given readings older than the retention, when retention runs, then only rolled-up old readings go and the daily rollups stay', async () => {
    const created = (await (await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-OLD', typeKey: 'testGasDetector', location: eastPoint } })).json()) as { device: DeviceOutput; token: string };
    const old = t.clock.now().getTime() - 100 * 86_400_000;
    await send({ readings: [{ ts: old, values: { lel: 1 } }] }, created.token);
    await rollUpTelemetry(t.app);
    await send({ readings: [{ ts: old + 1000, values: { lel: 2 } }] }, created.token);
    await applyTelemetryRetention(t.app, 90);
    // The second old reading is not rolled up yet: it is kept until it is.
    expect((await storedRows(created.device.id)).map((r) => r.value)).toEqual([2]);
    await rollUpTelemetry(t.app);
    await applyTelemetryRetention(t.app, 90);
    expect(await storedRows(created.device.id)).toHaveLength(0);
    const ru = t.app.db.t.telemetryRollups;
    const [day] = await t.app.db.read.select().from(ru).where(and(eq(ru.deviceId, created.device.id), eq(ru.bucket, 'day')));
    expect([day!.count, day!.sum]).toEqual([2, 3]);
  });
});

describe('data scope', () => {
  it('given a device in 西岭区, when 东湖区 staff list devices or open it, then they see only 东湖区\'s and are refused the other; another city gets 404', async () => {
    const west = (await (await t.request('POST', '/api/v1/devices', { token: admin, body: { code: 'GAS-WEST', typeKey: 'testGasDetector', location: westPoint } })).json()) as { device: DeviceOutput };
    expect(west.device.districtOrgId).toBe(await t.orgId('demo-xl'));
    const staff = await t.tokenFor('dh.intake');
    const list = (await (await t.request('GET', '/api/v1/devices?limit=5000', { token: staff })).json()) as { items: DeviceOutput[] };
    expect(list.items.some((d) => d.code === 'GAS-001')).toBe(true);
    expect(list.items.every((d) => d.districtOrgId === null || d.districtOrgId === station.districtOrgId)).toBe(true);
    expect((await t.request('GET', `/api/v1/devices/${west.device.id}`, { token: staff })).status).toBe(403);
    expect((await t.request('GET', `/api/v1/devices/${device.id}`, { token: await t.tokenFor('other.admin') })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/devices', { token: staff, body: { code: 'X', typeKey: 'testGasDetector', location: eastPoint } })).status).toBe(403);
  });

  it('given the online filter, when listing, then devices with data within 72 h and those without are told apart', async () => {
    const onlineRes = await t.request('GET', '/api/v1/devices?online=true&limit=5000', { token: admin });
    expect(onlineRes.status, await onlineRes.clone().text()).toBe(200);
    const online = (await onlineRes.json()) as { items: DeviceOutput[] };
    const offline = (await (await t.request('GET', '/api/v1/devices?online=false&limit=5000', { token: admin })).json()) as { items: DeviceOutput[] };
    expect(online.items.map((d) => d.code)).toContain('GAS-001');
    expect(offline.items.map((d) => d.code)).toContain('GAS-WEST');
    expect(online.items.every((d) => d.online) && offline.items.every((d) => !d.online)).toBe(true);
    t.clock.advance(73 * 3_600_000);
    const later = (await (await t.request('GET', '/api/v1/devices?online=true&limit=5000', { token: await t.tokenFor('admin') })).json()) as { items: DeviceOutput[] };
    expect(later.items.map((d) => d.code)).not.toContain('GAS-001');
    const count = await t.app.db.read.select({ n: sql<number>`count(*)` }).from(t.app.db.t.devices);
    expect(Number(count[0]!.n)).toBeGreaterThan(0);
  });
});

describe('formulas over devices (issue 4 item 3, 2-2-2 在线监测率)', () => {
  it('given devices with and without data in the last 72 h, when an online-rate indicator is computed by district, then it counts in the database per district', async () => {
    const dayAfter = new Date(t.clock.now().getTime());
    const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(dayAfter);
    await publish('indicator', '2-2-2', {
      code: '2-2-2', name: '在线监测率', level: 3, parentCode: '2-2', collection: 'realtime', period: 'day', regions: ['city', 'district'], unit: '%',
      basis: [
        { key: 'online', name: '72 小时内有数据的设备数', source: 'query', formula: 'COUNT(devices, d => d.status != "retired" && d.lastSeen != null && d.lastSeen > period.end - 72h)' },
        { key: 'connected', name: '接入设备数', source: 'query', formula: 'COUNT(devices, d => d.status != "retired")' },
      ],
      formula: 'PERCENT(online, connected)',
    });
    const d = t.app.db.t.devices;
    const tenant = await t.tenantId('demo');
    const all = await t.app.db.read.select({ id: d.id, status: d.status, lastSeenAt: d.lastSeenAt, districtOrgId: d.districtOrgId }).from(d).where(eq(d.tenantId, tenant));
    const res = await t.request('POST', '/api/v1/indicators/compute', { token: await t.tokenFor('admin'), body: { key: '2-2-2', period: day, groupBy: 'district' } });
    expect(res.status, await res.clone().text()).toBe(200);
    const { values } = (await res.json()) as { values: { regionLevel: string; regionId: string | null; value: number | null; inputs: Record<string, number> }[] };
    const end = Date.parse(`${day}T16:00:00Z`);
    const live = all.filter((x) => x.status !== 'retired');
    const online = live.filter((x) => x.lastSeenAt && x.lastSeenAt.getTime() > end - 72 * 3_600_000);
    const city = values.find((v) => v.regionLevel === 'city')!;
    expect(city.inputs).toEqual({ online: online.length, connected: live.length });
    expect(city.value).toBeCloseTo((100 * online.length) / live.length, 6);
    const east = values.find((v) => v.regionId === station.districtOrgId)!;
    expect(east.inputs.connected).toBe(live.filter((x) => x.districtOrgId === station.districtOrgId).length);
  });
});
