/**
 * The simulator plugin (issue 5 item 3): realistic telemetry for every demo device, within each
 * type's range and through the real ingestion; anomalies injected on demand by administrators in
 * demo mode; none of it in production mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, desc, eq, sql } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { discoverPlugins } from './host.server.ts';
import { pluginServices } from './services.server.ts';
import { ANOMALIES, ANOMALY_KINDS } from '../../../plugins/simulator/src/anomalies.ts';

let t: TestApp;
let admin: string;
const simulatorOnly = async () => (await discoverPlugins()).filter((c) => c.definition?.id === 'simulator');

beforeAll(async () => {
  t = await createTestApp({ plugins: await simulatorOnly(), config: { plugins: { packages: [], disabled: [], config: { simulator: { enabled: true, maxIntervalSeconds: 60 } } } } });
  admin = await t.tokenFor('admin');
});
afterAll(() => t.close());

const tick = () => t.app.plugins.runJob('simulator', 'telemetry');
const latest = async (deviceCode: string, metric: string) => {
  const { telemetry: tm, devices: d } = t.app.db.t;
  const [row] = await t.app.db.read.select({ value: tm.value, ts: tm.ts }).from(tm).innerJoin(d, eq(d.id, tm.deviceId))
    .where(and(eq(d.code, deviceCode), eq(tm.metric, metric))).orderBy(desc(tm.ts)).limit(1);
  return row;
};

describe('simulator', () => {
  it('given the demo devices, when it runs for a few minutes, then every active device reports every metric within its range and nothing is refused', async () => {
    const devices = (await pluginServices(t.app, 'test').entities.devices(await t.tenantId())).filter((d) => d.status === 'active' && d.metrics.length);
    expect(devices.length).toBeGreaterThan(50);
    for (let minute = 0; minute < 3; minute++) {
      await tick();
      t.clock.advance(61_000);
    }
    await tick();
    const { telemetry: tm, ingestRejections: rj } = t.app.db.t;
    const rows = await t.app.db.read.select({ deviceId: tm.deviceId, metric: tm.metric, n: sql<number>`count(*)`, lo: sql<number>`min(${tm.value})`, hi: sql<number>`max(${tm.value})` })
      .from(tm).groupBy(tm.deviceId, tm.metric);
    for (const device of devices) {
      for (const metric of device.metrics) {
        const row = rows.find((r) => r.deviceId === device.id && r.metric === metric.key);
        expect(row, `${device.code}.${metric.key}`).toBeDefined();
        expect(Number(row!.n)).toBeGreaterThanOrEqual(3);
        if (metric.min !== undefined) expect(Number(row!.lo)).toBeGreaterThanOrEqual(metric.min);
        if (metric.max !== undefined) expect(Number(row!.hi)).toBeLessThanOrEqual(metric.max);
      }
    }
    // Readings move (noise and the daily swing), they are not a constant.
    expect(rows.some((r) => Number(r.hi) > Number(r.lo))).toBe(true);
    expect(await t.app.db.read.select().from(rj)).toEqual([]);
  });

  it('given every anomaly kind, when looking at the demo city, then some demo device reports a metric it changes', async () => {
    const devices = await pluginServices(t.app, 'test').entities.devices(await t.tenantId());
    for (const kind of ANOMALY_KINDS) {
      expect(devices.some((d) => d.metrics.some((m) => ANOMALIES[kind].metrics.includes(m.key))), kind).toBe(true);
    }
  });

  it('given a gas leak injected by an administrator, when it runs its course, then the LEL reading rises at once and reaches the leak level', async () => {
    const detector = (await pluginServices(t.app, 'test').entities.devices(await t.tenantId())).find((d) => d.typeKey === 'gasLeakDetector' && d.status === 'active')!;
    const before = (await latest(detector.code, 'lel'))!.value;
    const res = await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, body: { deviceCode: detector.code, kind: 'gasLeak', durationMinutes: 5 } });
    expect(res.status, await res.clone().text()).toBe(201);
    expect(await res.json()).toMatchObject({ deviceCode: detector.code, kind: 'gasLeak', metrics: ['lel'] });
    expect((await latest(detector.code, 'lel'))!.ts).toBeGreaterThanOrEqual(t.clock.now().getTime());
    t.clock.advance(125_000);
    await tick();
    const peak = (await latest(detector.code, 'lel'))!.value;
    expect(peak).toBeGreaterThan(40);
    expect(peak).toBeGreaterThan(before + 30);
    const listed = await t.request('GET', '/api/v1/simulator/anomalies', { token: admin });
    expect(((await listed.json()) as { items: { deviceCode: string }[] }).items.map((a) => a.deviceCode)).toContain(detector.code);
    // After its duration the device is back to normal.
    t.clock.advance(5 * 60_000);
    await tick();
    t.clock.advance(61_000);
    await tick();
    expect((await latest(detector.code, 'lel'))!.value).toBeLessThan(5);
  });

  it('given a manhole cover opened, when injected, then the open flag is stored as 1', async () => {
    const cover = (await pluginServices(t.app, 'test').entities.devices(await t.tenantId())).find((d) => d.typeKey === 'manholeCoverSensor' && d.status === 'active')!;
    const res = await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, body: { deviceCode: cover.code, kind: 'manholeOpen' } });
    expect(res.status).toBe(201);
    expect((await latest(cover.code, 'open'))!.value).toBe(1);
  });

  it('given each anomaly kind injected into a demo device, when it runs for a minute, then the template\'s default alarm rule raises an alarm on that device', async () => {
    const devices = (await pluginServices(t.app, 'test').entities.devices(await t.tenantId())).filter((d) => d.status === 'active');
    const used = new Set<string>();
    const injected: { kind: string; deviceId: string; code: string }[] = [];
    for (const kind of ANOMALY_KINDS) {
      const effect = ANOMALIES[kind];
      const device = devices.find((d) => !used.has(d.code) && (!effect.deviceTypes || effect.deviceTypes.includes(d.typeKey)) && d.metrics.some((m) => effect.metrics[0] === m.key))!;
      used.add(device.code);
      const res = await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, body: { deviceCode: device.code, kind, durationMinutes: 10 } });
      expect(res.status, `${kind}: ${await res.clone().text()}`).toBe(201);
      injected.push({ kind, deviceId: device.id, code: device.code });
    }
    for (let second = 0; second < 70; second += 5) {
      t.clock.advance(5_000);
      await tick();
    }
    for (const { kind, deviceId, code } of injected) {
      const res = await t.request('GET', `/api/v1/alarms?status=open&deviceId=${deviceId}`, { token: admin });
      const { items } = (await res.json()) as { items: { ruleKey: string; severity: number }[] };
      expect(items.length, `${kind} on ${code}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('given bad requests, then they are refused: unknown kind, unknown device, a device without the metric, non-administrators', async () => {
    const detector = (await pluginServices(t.app, 'test').entities.devices(await t.tenantId())).find((d) => d.typeKey === 'gasLeakDetector')!;
    const kind = await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, body: { deviceCode: detector.code, kind: 'earthquake' }, headers: { 'accept-language': 'zh-CN' } });
    expect(kind.status).toBe(422);
    expect(((await kind.json()) as { error: { fields: { field: string }[] } }).error.fields[0].field).toBe('kind');
    expect((await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, body: { deviceCode: 'NO-SUCH', kind: 'gasLeak' } })).status).toBe(404);
    expect((await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, body: { deviceCode: detector.code, kind: 'sewagePh' } })).status).toBe(422);
    expect((await t.request('POST', '/api/v1/simulator/anomalies', { token: admin, rawBody: '{', headers: { 'content-type': 'application/json' } })).status).toBe(400);
    expect((await t.request('POST', '/api/v1/simulator/anomalies', { token: await t.tokenFor('dh.admin'), body: { deviceCode: detector.code, kind: 'gasLeak' } })).status).toBe(403);
    expect((await t.request('POST', '/api/v1/simulator/anomalies', { body: { deviceCode: detector.code, kind: 'gasLeak' } })).status).toBe(401);
  });
});

describe('simulator in production mode', () => {
  it('given it is not enabled, when the platform runs, then it registers no job and no endpoint', async () => {
    const other = await createTestApp({ seed: false, plugins: await simulatorOnly(), config: { plugins: { packages: [], disabled: [], config: { simulator: { enabled: false } } } } });
    try {
      expect(other.app.plugins.get('simulator')).toMatchObject({ status: 'active', registered: { jobs: [], endpoints: [] } });
      expect((await other.request('POST', '/api/v1/simulator/anomalies', { body: {} })).status).toBe(404);
    } finally {
      await other.close();
    }
  });
});
