/**
 * The device directory (what ingestion knows about devices, in memory): a fleet connecting to the
 * embedded MQTT broker authenticates every device by token, and a city's entry going stale while
 * thousands of messages wait on it must be read again once, not once per message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import type { Database } from '../db/database.server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { DeviceDirectory } from './directory.server.ts';
import { hashDeviceToken } from './devices.server.ts';

const TTL_MS = 10_000;

let t: TestApp;
let tenantId: string;
let codes: string[];
beforeAll(async () => {
  t = await createTestApp({ plugins: false });
  tenantId = await t.tenantId();
  const d = t.app.db.t.devices;
  codes = (await t.app.db.read.select({ code: d.code }).from(d).where(and(eq(d.tenantId, tenantId), eq(d.status, 'active')))).map((row) => row.code);
  expect(codes.length).toBeGreaterThan(10);
});
afterAll(async () => {
  await t.close();
});

/** The App's database, counting how often the directory asks it for a read handle. */
function counting(db: Database): { db: Database; reads: () => number } {
  let reads = 0;
  const proxy = new Proxy(db, {
    get(target, property, receiver) {
      if (property === 'read') reads++;
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  return { db: proxy, reads: () => reads };
}

describe('device directory', () => {
  it('given a device with a token, when its token hash is looked up, then that device is found, and an unknown hash finds none', async () => {
    const admin = await t.tokenFor('admin');
    const directory = new DeviceDirectory(t.app.db);
    const device = (await directory.byCode(tenantId, codes[0]!))!;
    const res = await t.request('POST', `/api/v1/devices/${device.id}/token`, { token: admin });
    expect(res.status).toBe(200);
    const { token } = (await res.json()) as { token: string };
    directory.invalidate(tenantId);

    expect((await directory.byTokenHash(hashDeviceToken(token)))?.code).toBe(device.code);
    expect(await directory.byTokenHash(hashDeviceToken('tgd_not-issued'))).toBeUndefined();
  });

  it('given a city whose entry went stale, when many lookups arrive at once, then its devices are read again once', async () => {
    let now = 0;
    const { db, reads } = counting(t.app.db);
    const directory = new DeviceDirectory(db, () => now, TTL_MS);
    const before = reads();
    await directory.byCode(tenantId, codes[0]!);
    const perLoad = reads() - before;
    expect(perLoad).toBeGreaterThan(0);

    now += TTL_MS + 1;
    const stale = reads();
    const found = await Promise.all(Array.from({ length: 200 }, (_, i) => directory.byCode(tenantId, codes[i % codes.length]!)));

    expect(found.every((device) => device !== undefined)).toBe(true);
    expect(reads() - stale).toBe(perLoad);
  });
});
