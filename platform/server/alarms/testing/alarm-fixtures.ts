/** What the alarm tests share: a test device type, publishing definitions, registering devices and sending telemetry over HTTP. */
import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import type { TestApp } from '../../testing/test-app.server.ts';
import type { DeviceOutput } from '../../devices/devices.server.ts';
import type { AlarmOutput, AlarmSummary } from '../../../shared/schemas/alarm.ts';

const metric = (key: string, extra: Record<string, unknown> = {}) => ({ key, name: key, nameEn: key, unit: 'u', min: 0, max: 1000, samplingSeconds: 60, ...extra });

/** A manhole cover sensor as in the template (004 §4.1.3.1: 丢失、开启、移位), under a test key. */
export const COVER_TYPE = {
  name: '测试井盖监测终端', domain: 'water', module: 'drainage', facilityTypes: ['manholeCover'],
  metrics: [metric('open', { unit: '', max: 1, flag: true }), metric('tilt', { max: 180 }), metric('displacement'), metric('battery', { max: 100 })],
};

export const GAS_TYPE = { name: '测试可燃气体探测器', domain: 'pipelines', module: 'gas', facilityTypes: ['gasStation'], metrics: [metric('lel', { max: 100 }), metric('battery', { max: 100 })] };

/** Displaced ≥ 50 mm is 一级 and opens a 案件 (井盖缺失); open or tilted past the device's tiltMax (15° by default) is 二级. */
export const COVER_RULE = {
  scope: { kind: 'deviceType', key: 'testCover' },
  levels: [
    { severity: 1, condition: { type: 'simple', expr: 'displacement >= 50' } },
    { severity: 2, condition: { type: 'composite', op: 'or', conditions: [{ type: 'simple', expr: 'open' }, { type: 'simple', expr: 'tilt > (threshold.tiltMax ?? 15)' }] } },
  ],
  actions: {
    notifyRoles: ['commandCenter'], remindEveryMinutes: 60,
    startProcess: { processKey: 'case-closed-loop', minSeverity: 1, variables: { categoryCode: '"E04005"', title: 'CONCAT("井盖移位：", alarm.sourceCode)' } },
  },
};

export async function publish(t: TestApp, kind: string, key: string, content: unknown): Promise<string> {
  const admin = await t.tokenFor('admin');
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind, key, name: key, content } });
  expect(created.status, await created.clone().text()).toBe(201);
  const { id } = (await created.json()) as { id: string };
  const published = await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'test' } });
  expect(published.status, await published.clone().text()).toBe(200);
  return id;
}

/** The centre of the first grid of an organisation (a point inside its district). */
export async function centreOf(t: TestApp, orgCode: string): Promise<[number, number]> {
  const g = t.app.db.t.grids;
  const [grid] = await t.app.db.read.select({ bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId(orgCode)));
  const [minX, minY, maxX, maxY] = grid!.bbox;
  return [(minX + maxX) / 2, (minY + maxY) / 2];
}

export interface TestDevice { device: DeviceOutput; token: string; send(values: Record<string, unknown>, ts?: number): Promise<void> }

export async function registerDevice(t: TestApp, body: Record<string, unknown>): Promise<TestDevice> {
  const res = await t.request('POST', '/api/v1/devices', { token: await t.tokenFor('admin'), body });
  expect(res.status, await res.clone().text()).toBe(201);
  const { device, token } = (await res.json()) as { device: DeviceOutput; token: string };
  return {
    device, token,
    /** Sends one reading (at the clock's time unless told) and waits until alarm evaluation of it finished. */
    async send(values, ts = t.clock.now().getTime()) {
      const sent = await t.request('POST', '/api/v1/telemetry', { body: { ts, values }, headers: { 'x-device-token': token } });
      expect(sent.status, await sent.clone().text()).toBe(200);
      await t.app.alarms.settled();
    },
  };
}

export async function alarmsOf(t: TestApp, deviceId: string, username = 'admin'): Promise<AlarmSummary[]> {
  const res = await t.request('GET', `/api/v1/alarms?deviceId=${deviceId}`, { token: await t.tokenFor(username) });
  expect(res.status, await res.clone().text()).toBe(200);
  return ((await res.json()) as { items: AlarmSummary[] }).items;
}

export async function alarm(t: TestApp, id: string, username = 'admin'): Promise<AlarmOutput> {
  const res = await t.request('GET', `/api/v1/alarms/${id}`, { token: await t.tokenFor(username) });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as AlarmOutput;
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
