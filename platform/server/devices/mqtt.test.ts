/**
 * device-mqtt (issue 5 items 3, 8 and 9), against the embedded aedes broker always and the
 * machine's Mosquitto at 127.0.0.1:1883 when it answers (MQTT_TEST_URL overrides; `off` skips):
 * - no loss: 200,000 QoS 1 messages published while the platform is killed (SIGKILL) and started
 *   again mid-stream are stored exactly once — acknowledgements are sent only after commit, so
 *   what the killed process had not committed is sent again and stored by the next one;
 * - bad input: wrong tokens, malformed JSON, unknown devices, foreign topics and out-of-range
 *   values are refused, counted per device and reason, and ingestion goes on.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import mqtt, { type MqttClient } from 'mqtt';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { PLATFORM_DIR } from '../http/web-build.server.ts';
import { pluginServices } from '../plugins/services.server.ts';

const MESSAGES = Number(process.env.MQTT_TEST_MESSAGES ?? 200_000);
const DEVICES = 40;
/** Below the platform's Receive Maximum (65,535): what the broker sends ahead is in flight, not queued. */
const PACED_BACKLOG = 20_000;

const answers = (url: string) => new Promise<boolean>((resolve) => {
  const { hostname, port } = new URL(url);
  const socket = tcpConnect({ host: hostname, port: Number(port) || 1883, timeout: 500 });
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
  socket.once('timeout', () => { socket.destroy(); resolve(false); });
});
const EXTERNAL = process.env.MQTT_TEST_URL ?? 'mqtt://127.0.0.1:1883';
const mosquitto = EXTERNAL !== 'off' && (await answers(EXTERNAL));

const freePort = () => new Promise<number>((resolve) => {
  const server = createServer().listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  });
});

interface Sender { code: string; token: string; metric: string; value: number; id: string }

let t: TestApp;
let tenantCode: string;
let senders: Sender[];
beforeAll(async () => {
  t = await createTestApp({ plugins: false });
  tenantCode = 'demo';
  const admin = await t.tokenFor('admin');
  const devices = (await pluginServices(t.app, 'test').entities.devices(await t.tenantId())).filter((d) => d.status === 'active' && d.metrics.some((m) => !m.flag && m.min !== undefined && m.max !== undefined));
  senders = [];
  for (const device of devices.slice(0, DEVICES)) {
    const metric = device.metrics.find((m) => !m.flag && m.min !== undefined && m.max !== undefined)!;
    const res = await t.request('POST', `/api/v1/devices/${device.id}/token`, { token: admin });
    expect(res.status).toBe(200);
    senders.push({ code: device.code, id: device.id, token: ((await res.json()) as { token: string }).token, metric: metric.key, value: (metric.min! + metric.max!) / 2 });
  }
  expect(senders.length).toBe(DEVICES);
});
afterAll(async () => {
  for (const child of workers) child.kill('SIGKILL');
  await t.close();
});

const storedCount = async (ids: string[]) => {
  const tm = t.app.db.t.telemetry;
  const [row] = await t.app.db.read.select({ n: sql<number>`count(*)` }).from(tm).where(inArray(tm.deviceId, ids));
  return Number(row.n);
};

/** The platform's ingestion side in a child process (testing/mqtt-worker.ts). */
function startWorker(mqttConfig: Record<string, unknown>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/devices/testing/mqtt-worker.ts'], {
    cwd: PLATFORM_DIR,
    env: { ...process.env, WORKER_DATABASE_URL: t.database.url, WORKER_PG_SCHEMA: t.database.pgSchema ?? '', WORKER_MQTT_CONFIG: JSON.stringify(mqttConfig) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => { stderr += String(chunk); if (process.env.MQTT_TEST_DEBUG) process.stderr.write(chunk); });
  if (process.env.MQTT_TEST_DEBUG) child.stdout!.on('data', (chunk) => process.stderr.write(chunk));
  workers.add(child);
  child.once('exit', () => workers.delete(child));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`worker not ready after 30 s: ${stderr}`)); }, 30_000);
    child.stdout!.on('data', (chunk) => { if (String(chunk).includes('ready')) { clearTimeout(timer); resolve(child); } });
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`worker exited with ${code}: ${stderr}`)); });
  });
}
/** Workers still running, killed when the file ends (a failed test must not leave one behind). */
const workers = new Set<ChildProcess>();

const kill = (child: ChildProcess) => new Promise<void>((resolve) => {
  child.removeAllListeners('exit');
  child.once('exit', () => resolve());
  child.kill('SIGKILL');
});

interface Variant {
  name: string;
  /** The worker's device-mqtt configuration, and where devices connect. */
  setUp(): Promise<{ config: Record<string, unknown>; brokerUrl: string; prefix: string; auth: (s: Sender) => { username?: string; password?: string } }>;
  /**
   * An external broker acknowledges devices itself and keeps what the platform has not taken in a
   * bounded queue (Mosquitto: max_queued_messages, 1000 by default, beyond the messages in flight
   * to the platform), dropping the rest. So the devices are paced: at most PACED_BACKLOG messages
   * ahead of what is stored, and none while the platform restarts — as an operator sizes that
   * queue for the fleet's rate times the restart time (docs/devices.md). What was in flight to the
   * killed platform, unacknowledged, is what the test is about.
   */
  holdWhileDown: boolean;
}

const variants: Variant[] = [
  {
    name: 'embedded aedes broker',
    async setUp() {
      const port = await freePort();
      return { config: { port, host: '127.0.0.1' }, brokerUrl: `mqtt://127.0.0.1:${port}`, prefix: 'tongguan', auth: (s) => ({ username: s.code, password: s.token }) };
    },
    holdWhileDown: false,
  },
];
if (mosquitto) {
  variants.push({
    name: `Mosquitto at ${EXTERNAL}`,
    async setUp() {
      // A prefix and session of our own, so runs (and the two database suites) do not meet on the shared broker.
      const run = randomBytes(4).toString('hex');
      const prefix = `tgtest-${run}`;
      return { config: { url: EXTERNAL, topicPrefix: prefix, clientId: `tongguan-test-${run}` }, brokerUrl: EXTERNAL, prefix, auth: () => ({}) };
    },
    holdWhileDown: true,
  });
}

/** Ends the platform's persistent session on the shared broker (a clean start discards it). */
async function dropSession(config: Record<string, unknown>): Promise<void> {
  if (typeof config.url !== 'string') return;
  const client = mqtt.connect(config.url, { clientId: String(config.clientId), clean: true, protocolVersion: 5, reconnectPeriod: 0 });
  await new Promise<void>((resolve) => { client.once('connect', () => resolve()); client.once('error', () => resolve()); });
  await client.endAsync(true);
}

const connectDevice = (url: string, clientId: string, auth: { username?: string; password?: string }) => mqtt.connect(url, {
  clientId, ...auth, protocolVersion: 4, clean: true, reconnectPeriod: 100, connectTimeout: 5000, keepalive: 30,
});

describe.each(variants)('device-mqtt through the $name', (variant) => {
  it(`given ${MESSAGES} QoS 1 messages, when the platform is killed and restarted mid-stream, then every message is stored exactly once`, { timeout: 600_000 }, async () => {
    const { config, brokerUrl, prefix, auth } = await variant.setUp();
    const ids = senders.map((s) => s.id);
    const before = await storedCount(ids);
    let worker = await startWorker(config);
    const clients: MqttClient[] = senders.map((s, i) => connectDevice(brokerUrl, `dev-${i}-${randomBytes(3).toString('hex')}`, auth(s)));
    await Promise.all(clients.map((c) => new Promise<void>((resolve, reject) => { c.once('connect', () => resolve()); c.once('error', reject); })));

    const perDevice = Math.ceil(MESSAGES / senders.length);
    const base = Date.now() - 3 * 86_400_000;
    let acknowledged = 0;
    let holding: Promise<void> | undefined;
    let restartedAt = -1;
    let publishedAtRestart = -1;
    let outstanding = 0;
    let storedNow = 0;
    const poller = setInterval(() => void storedCount(ids).then((n) => { storedNow = n - before; }), 100);
    const restart = async () => {
      // Publishing holds (see holdWhileDown): what the devices sent is at the broker before the platform goes down.
      while (variant.holdWhileDown && outstanding > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      publishedAtRestart = acknowledged;
      restartedAt = await storedCount(ids) - before;
      await kill(worker);
      worker = await startWorker(config);
      restarted = true;
    };
    let restarted = false;
    let publishedAfterRestart = 0;
    // Each device keeps a window of unacknowledged messages, as a device's MQTT client would.
    const WINDOW = Math.max(1, Math.min(200, Math.floor(perDevice / 10)));
    await Promise.all(senders.map(async (sender, d) => {
      const client = clients[d]!;
      const topic = `${prefix}/${tenantCode}/devices/${sender.code}/telemetry`;
      let next = 0;
      const inFlight = new Set<Promise<void>>();
      while (next < perDevice && d * perDevice + next < MESSAGES) {
        if (holding) await holding;
        while (variant.holdWhileDown && acknowledged - storedNow > PACED_BACKLOG) await new Promise((resolve) => setTimeout(resolve, 20));
        const i = next++;
        outstanding++;
        if (restarted) publishedAfterRestart++;
        const sent = new Promise<void>((resolve, reject) => {
          client.publish(topic, JSON.stringify({ ts: base + i * 1000, values: { [sender.metric]: sender.value } }), { qos: 1 }, (error) => (error ? reject(error) : resolve()));
        }).then(() => {
          outstanding--;
          acknowledged++;
          if (acknowledged === Math.floor(MESSAGES * 0.4) && !holding) {
            holding = variant.holdWhileDown ? restart() : undefined;
            if (!variant.holdWhileDown) void restart();
          }
        });
        inFlight.add(sent);
        void sent.finally(() => inFlight.delete(sent));
        if (inFlight.size >= WINDOW) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    }));
    await holding;
    clearInterval(poller);
    // An external broker acknowledged to the devices; wait for the platform to drain its queue.
    const deadline = Date.now() + 120_000;
    let stored = await storedCount(ids) - before;
    while (stored < MESSAGES && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      stored = await storedCount(ids) - before;
    }
    await Promise.all(clients.map((c) => c.endAsync()));
    await kill(worker);
    await dropSession(config);
    // Mid-stream: messages were still to come, and some that had been sent were not stored yet when it was killed.
    expect(publishedAtRestart, 'the restart came mid-stream').toBeGreaterThan(0);
    expect(publishedAfterRestart, 'messages were published after the restart').toBeGreaterThan(0);
    expect(restartedAt).toBeGreaterThanOrEqual(0);
    expect(restartedAt, 'messages were in flight at the kill').toBeLessThan(variant.holdWhileDown ? publishedAtRestart : MESSAGES);
    expect(stored).toBe(MESSAGES);
    // Exactly once: one row per device, metric and time (the unique key would refuse a second).
    const tm = t.app.db.t.telemetry;
    const [distinct] = await t.app.db.read.select({ n: sql<number>`count(distinct ${tm.deviceId} || ':' || cast(${tm.ts} as text))` }).from(tm).where(inArray(tm.deviceId, ids));
    expect(Number(distinct.n) - before).toBe(MESSAGES);
    // Nothing was refused on the way.
    const rj = t.app.db.t.ingestRejections;
    const refused = await t.app.db.read.select().from(rj).where(and(eq(rj.tenantId, await t.tenantId()), inArray(rj.deviceCode, senders.map((s) => s.code))));
    expect(refused).toEqual([]);
    await t.app.db.transaction((tx) => tx.delete(tm).where(inArray(tm.deviceId, ids)));
  });
});

describe.each(variants)('device-mqtt bad input through the $name', (variant) => {
  it('given wrong tokens, malformed JSON, foreign topics, unknown devices and out-of-range values, then each is refused and counted and good messages still get stored', { timeout: 60_000 }, async () => {
    const { config, brokerUrl, prefix, auth } = await variant.setUp();
    const worker = await startWorker(config);
    const [good, other] = senders;
    const topicOf = (code: string) => `${prefix}/${tenantCode}/devices/${code}/telemetry`;
    const client = connectDevice(brokerUrl, `bad-${randomBytes(3).toString('hex')}`, auth(good!));
    await new Promise<void>((resolve, reject) => { client.once('connect', () => resolve()); client.once('error', reject); });
    const send = (topic: string, payload: string) => client.publishAsync(topic, payload, { qos: 1 });
    const ts = Date.now() - 86_400_000;
    await send(topicOf(good!.code), '{"values": {');
    await send(topicOf(good!.code), JSON.stringify({ ts, values: { [good!.metric]: 1e12 } }));
    await send(topicOf(good!.code), JSON.stringify({ ts, values: {} }));
    await send(topicOf(good!.code), JSON.stringify({ ts: ts + 1, values: { [good!.metric]: good!.value } }));
    if (variant.holdWhileDown) {
      // On an external broker the broker's ACL decides who publishes where; a code the city does not know is refused by the platform.
      await send(topicOf('NO-SUCH-DEVICE'), JSON.stringify({ ts, values: { x: 1 } }));
    } else {
      // On the embedded broker a wrong token cannot connect, and a device may publish only on its own topic.
      const intruder = connectDevice(brokerUrl, `intruder-${randomBytes(3).toString('hex')}`, { username: good!.code, password: 'not-the-token' });
      intruder.options.reconnectPeriod = 0;
      const refused = await new Promise<Error>((resolve) => intruder.once('error', resolve));
      expect(refused.message).toMatch(/Bad username or password|Not authorized/i);
      await intruder.endAsync(true);
      const sneaky = connectDevice(brokerUrl, `sneaky-${randomBytes(3).toString('hex')}`, auth(good!));
      sneaky.options.reconnectPeriod = 0;
      await new Promise<void>((resolve) => sneaky.once('connect', () => resolve()));
      const closed = new Promise<void>((resolve) => sneaky.once('close', () => resolve()));
      sneaky.publish(topicOf(other!.code), JSON.stringify({ ts, values: { [other!.metric]: other!.value } }), { qos: 1 });
      await closed;
      await sneaky.endAsync(true);
    }
    const tm = t.app.db.t.telemetry;
    const deadline = Date.now() + 10_000;
    let rows: unknown[] = [];
    while (rows.length === 0 && Date.now() < deadline) {
      rows = await t.app.db.read.select().from(tm).where(and(eq(tm.deviceId, good!.id), eq(tm.ts, ts + 1)));
      if (!rows.length) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(rows).toHaveLength(1);
    await client.endAsync();
    await kill(worker);
    await dropSession(config);
    const res = await t.request('GET', '/api/v1/ingest-rejections', { token: await t.tokenFor('admin') });
    const { items } = (await res.json()) as { items: { deviceCode: string; reason: string; count: number }[] };
    const count = (code: string, reason: string) => items.find((i) => i.deviceCode === code && i.reason === reason)?.count ?? 0;
    expect(count(good!.code, 'malformedJson')).toBeGreaterThanOrEqual(1);
    expect(count(good!.code, 'outOfRange')).toBeGreaterThanOrEqual(1);
    expect(count(good!.code, 'invalidMessage')).toBeGreaterThanOrEqual(1);
    if (variant.holdWhileDown) expect(count('NO-SUCH-DEVICE', 'unknownDevice')).toBeGreaterThanOrEqual(1);
    else expect(count(good!.code, 'badToken')).toBeGreaterThanOrEqual(1);
    await t.app.db.transaction((tx) => tx.delete(tm).where(eq(tm.deviceId, good!.id)));
  });
});
