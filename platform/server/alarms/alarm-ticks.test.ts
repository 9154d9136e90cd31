/**
 * Alarms and the passing of time: the 30 s tick raises what a duration held long enough, reminds
 * of alarms nobody took up and raises offline alarms after 72 h of silence (000 table 5.2.4), once
 * even when two processes tick together; the evaluator's state lives in the database, so a
 * restarted platform carries on where the last one stopped.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, notLike } from 'drizzle-orm';
import { openDatabase } from '../db/database.server.ts';
import { createApp } from '../app.server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { COVER_RULE, COVER_TYPE, GAS_TYPE, HOUR, MINUTE, alarm, alarmsOf, centreOf, publish, registerDevice } from './testing/alarm-fixtures.ts';

let t: TestApp;
let east: [number, number];

beforeAll(async () => {
  t = await createTestApp();
  east = await centreOf(t, 'demo-dh-lq-jx');
  await publish(t, 'deviceType', 'testCover', COVER_TYPE);
  await publish(t, 'deviceType', 'testGas', GAS_TYPE);
  await publish(t, 'alarmRule', 'test-cover', COVER_RULE);
  await publish(t, 'alarmRule', 'test-gas-hold', {
    scope: { kind: 'deviceType', key: 'testGas' }, levels: [{ severity: 2, condition: { type: 'duration', expr: 'lel >= 10', minutes: 5 } }],
  });
  await publish(t, 'alarmRule', 'test-gas-offline', { scope: { kind: 'deviceType', key: 'testGas' }, levels: [{ severity: 4, condition: { type: 'offline', hours: 72 } }] });
});
afterAll(() => t.close());

describe('reminders', () => {
  it('given an alarm nobody acknowledged, when an hour passes, then the tick reminds 指挥中心 once', async () => {
    const cover = await registerDevice(t, { code: 'COVER-R', typeKey: 'testCover', location: east });
    await cover.send({ open: true });
    const [raised] = await alarmsOf(t, cover.device.id);
    t.clock.advance(30 * MINUTE);
    await t.app.alarms.tick();
    expect((await alarm(t, raised!.id)).events.map((e) => e.type)).toEqual(['raise']);
    t.clock.advance(31 * MINUTE);
    await t.app.alarms.tick();
    await t.app.alarms.tick();
    const reminded = await alarm(t, raised!.id);
    expect(reminded.events.map((e) => e.type)).toEqual(['raise', 'remind']);
    const n = t.app.db.t.notifications;
    const notices = await t.app.db.read.select().from(n).where(and(eq(n.userId, await t.userId('cc.dispatcher1')), like(n.title, '报警未处置提醒%'), eq(n.link, `/alarms/${raised!.id}`)));
    expect(notices).toHaveLength(1);
  });
});

describe('durations', () => {
  it('given 12 %LEL and a rule of ≥ 10 for 5 minutes, when no further reading comes, then the tick raises once the 5 minutes have passed', async () => {
    const gas = await registerDevice(t, { code: 'GAS-H', typeKey: 'testGas', location: east });
    await gas.send({ lel: 12 });
    const s = t.app.db.t.alarmRuleStates;
    const [state] = await t.app.db.read.select().from(s).where(and(eq(s.ruleKey, 'test-gas-hold'), eq(s.sourceCode, 'GAS-H')));
    expect(state).toMatchObject({ pending: true, activeSeverity: null });
    t.clock.advance(4 * MINUTE);
    await t.app.alarms.tick();
    expect(await alarmsOf(t, gas.device.id)).toEqual([]);
    t.clock.advance(2 * MINUTE);
    await t.app.alarms.tick();
    expect(await alarmsOf(t, gas.device.id)).toMatchObject([{ ruleKey: 'test-gas-hold', severity: 2, status: 'active' }]);
  });
});

describe('restarts', () => {
  it('given a duration under way, when the platform is restarted over the same database, then the new process raises at the fifth minute from the stored state', async () => {
    const gas = await registerDevice(t, { code: 'GAS-S', typeKey: 'testGas', location: east });
    const start = t.clock.now().getTime();
    await gas.send({ lel: 11 }, start);
    const db = await openDatabase(t.database.url, { pgSchema: t.database.pgSchema, poolSize: 2 });
    const restarted = createApp(t.app.config, db, t.clock.now);
    try {
      t.clock.advance(3 * MINUTE);
      await restarted.telemetry.ingest([{ tenantId: await t.tenantId(), deviceCode: 'GAS-S', ts: start + 3 * MINUTE, values: { lel: 12 } }]);
      await restarted.alarms.settled();
      expect(await alarmsOf(t, gas.device.id)).toEqual([]);
      t.clock.advance(2 * MINUTE);
      await restarted.telemetry.ingest([{ tenantId: await t.tenantId(), deviceCode: 'GAS-S', ts: start + 5 * MINUTE, values: { lel: 13 } }]);
      await restarted.alarms.settled();
      expect(await alarmsOf(t, gas.device.id)).toMatchObject([{ severity: 2, value: 13, raisedAt: new Date(start + 5 * MINUTE).toISOString() }]);
    } finally {
      await restarted.telemetry.close();
      await db.close();
    }
  });
});

describe('offline (72 h without data)', () => {
  it('given devices silent for 73 hours, when two processes tick at once, then each active one has exactly one offline alarm; data clears it', async () => {
    const quiet = await registerDevice(t, { code: 'GAS-Q', typeKey: 'testGas', location: east });
    await quiet.send({ lel: 1 });
    const never = await registerDevice(t, { code: 'GAS-N', typeKey: 'testGas', location: east });
    const resting = await registerDevice(t, { code: 'GAS-M', typeKey: 'testGas', location: east, status: 'maintenance' });
    t.clock.advance(71 * HOUR);
    await t.app.alarms.tick();
    expect(await alarmsOf(t, quiet.device.id)).toEqual([]);
    t.clock.advance(2 * HOUR);
    // Several app processes share a database only on PostgreSQL; on SQLite the two ticks run side by side here.
    const otherDb = t.app.db.dialect === 'postgres' ? await openDatabase(t.database.url, { pgSchema: t.database.pgSchema, poolSize: 2 }) : undefined;
    try {
      const other = otherDb ? createApp(t.app.config, otherDb, t.clock.now) : t.app;
      await Promise.all([t.app.alarms.tick(), other.alarms.tick()]);
      await t.app.alarms.tick();
    } finally {
      await otherDb?.close();
    }
    const offline = (id: string) => alarmsOf(t, id).then((list) => list.filter((a) => a.ruleKey === 'test-gas-offline'));
    expect(await offline(quiet.device.id)).toMatchObject([{ severity: 4, status: 'active' }]);
    expect((await offline(quiet.device.id))[0]!.value).toBeGreaterThanOrEqual(73);
    expect(await offline(never.device.id)).toHaveLength(1);
    expect(await offline(resting.device.id)).toEqual([]);
    await quiet.send({ lel: 1 });
    expect(await offline(quiet.device.id)).toMatchObject([{ status: 'resolved' }]);
    // The template's offline rules watched the demo city's devices (seeded 73 h ago, never heard from) the same way.
    const { alarms: a, devices: d } = t.app.db.t;
    const demo = await t.app.db.read.select({ id: d.id }).from(d).where(and(eq(d.tenantId, await t.tenantId()), notLike(d.typeKey, 'test%'), eq(d.status, 'active')));
    const templateOffline = await t.app.db.read.select({ deviceId: a.deviceId }).from(a).where(like(a.ruleKey, 'offline-%'));
    expect(new Set(templateOffline.map((x) => x.deviceId)).size).toBe(templateOffline.length);
    expect(templateOffline.length).toBe(demo.length);
  });
});
