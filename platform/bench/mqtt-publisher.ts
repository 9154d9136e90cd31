/**
 * The device fleet of `bench:mqtt`, in its own process (started by mqtt.ts with an IPC channel):
 * one raw TCP connection per device (node:net with mqtt-packet's generator and parser — MQTT.js
 * costs too much per client for 10,000 of them), each CONNECTing as docs/devices.md says
 * (username = device code, password = token; keepalive 0, so no pings) and PUBLISHing QoS 1 to
 * its own telemetry topic.
 *
 * Messages go out at BENCH_RATE in all, round robin over the devices, each with a fresh `ts`
 * (strictly increasing per device, so none is a duplicate). A device has at most BENCH_WINDOW
 * messages unacknowledged: when the platform falls behind, the round robin skips full devices
 * and what is owed is capped at 50 ms' worth, so back-pressure shows as a lower rate, never as a
 * queue growing here. After BENCH_WARMUP seconds the measured window of BENCH_DURATION seconds
 * begins; in it the probe devices each send one reading over the alarm threshold, spread evenly.
 * Afterwards nothing more is sent and what is in flight is waited for (at most 30 s).
 */
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { generate, parser, type Packet } from 'mqtt-packet';
import { z } from 'zod';
import { fleetFile, publisherReport, type PublisherEvent } from './mqtt-protocol.ts';

const env = z.object({
  BENCH_MQTT_PORT: z.coerce.number().int().min(1).max(65535),
  BENCH_FLEET_FILE: z.string().min(1),
  BENCH_RATE: z.coerce.number().int().min(1),
  BENCH_DURATION: z.coerce.number().int().min(1),
  BENCH_WARMUP: z.coerce.number().int().min(0),
  BENCH_WINDOW: z.coerce.number().int().min(1).max(1000),
}).parse(process.env);

const CONNECTS_IN_FLIGHT = 200;
const TICK_MS = 5;
const MAX_OWED_SECONDS = 0.05;
const DRAIN_MS = 30_000;
/** The probe's depth: over the `waterlogging-depth` rule's most severe level (≥ 50 cm). */
const PROBE_DEPTH = 60;

interface Sent { readonly at: number; readonly measured: boolean }

interface Device {
  readonly code: string;
  readonly topic: string;
  readonly socket: Socket;
  readonly inFlight: Map<number, Sent>;
  nextId: number;
  lastTs: number;
  open: boolean;
}

const fleet = fleetFile.parse(JSON.parse(readFileSync(env.BENCH_FLEET_FILE, 'utf8')));
const send = (event: PublisherEvent) => process.send?.(publisherReport.parse(event));

const counts = { sent: 0, acked: 0, windowSent: 0, windowAcked: 0, heldBack: 0, refused: 0, closed: 0, socketErrors: 0, unexpected: 0 };
const latencies: number[] = [];
/** Per second of the window: acknowledgements received, and the slowest PUBACK among them (ms). */
const perSecond: { acked: number; slowestMs: number }[] = [];
let windowBegan = 0;
let measuring = false;
let inFlightTotal = 0;
let drained: (() => void) | undefined;

function onPacket(device: Device, packet: Packet, connected: (error?: Error) => void): void {
  if (packet.cmd === 'connack') {
    if (packet.returnCode === 0) connected();
    else connected(new Error(`CONNACK ${packet.returnCode}`));
    return;
  }
  if (packet.cmd !== 'puback' || packet.messageId === undefined) { counts.unexpected++; return; }
  const sent = device.inFlight.get(packet.messageId);
  if (!sent) { counts.unexpected++; return; }
  device.inFlight.delete(packet.messageId);
  inFlightTotal--;
  counts.acked++;
  const now = performance.now();
  if (measuring) {
    counts.windowAcked++;
    const second = (perSecond[Math.floor((now - windowBegan) / 1000)] ??= { acked: 0, slowestMs: 0 });
    second.acked++;
    second.slowestMs = Math.max(second.slowestMs, now - sent.at);
  }
  if (sent.measured) latencies.push(now - sent.at);
  if (inFlightTotal === 0) drained?.();
}

function open(entry: { code: string; token: string }): Promise<Device> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: env.BENCH_MQTT_PORT, noDelay: true });
    const device: Device = { code: entry.code, topic: `${fleet.prefix}/${fleet.tenantCode}/devices/${entry.code}/telemetry`, socket, inFlight: new Map(), nextId: 1, lastTs: 0, open: false };
    const incoming = parser();
    let settled = false;
    const connected = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) { socket.destroy(); reject(error); return; }
      device.open = true;
      resolve(device);
    };
    incoming.on('packet', (packet: Packet) => onPacket(device, packet, connected));
    incoming.on('error', (error: Error) => { counts.socketErrors++; socket.destroy(error); });
    socket.on('data', (chunk: Buffer) => incoming.parse(chunk));
    socket.on('error', () => { counts.socketErrors++; });
    socket.on('close', () => {
      connected(new Error(`connection of ${entry.code} closed before CONNACK`));
      if (!device.open) return;
      device.open = false;
      counts.closed++;
      // What it had in flight will never be acknowledged.
      inFlightTotal -= device.inFlight.size;
      device.inFlight.clear();
      if (inFlightTotal === 0) drained?.();
    });
    socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: entry.code, keepalive: 0, username: entry.code, password: Buffer.from(entry.token) }));
  });
}

async function connectAll(): Promise<Device[]> {
  const devices: Device[] = new Array(fleet.devices.length);
  let next = 0;
  const worker = async () => {
    while (next < fleet.devices.length) {
      const i = next++;
      devices[i] = await open(fleet.devices[i]!).catch((error: unknown) => {
        counts.refused++;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: CONNECTS_IN_FLIGHT }, worker));
  return devices;
}

function publish(device: Device, depth: number, measured: boolean): number {
  let id = device.nextId;
  while (device.inFlight.has(id)) id = (id % 65535) + 1;
  device.nextId = (id % 65535) + 1;
  const ts = Math.max(Date.now(), device.lastTs + 1);
  device.lastTs = ts;
  const payload = `{"ts":${ts},"values":{"depth":${depth},"battery":${(60 + Math.random() * 40).toFixed(1)}}}`;
  device.inFlight.set(id, { at: performance.now(), measured });
  inFlightTotal++;
  counts.sent++;
  if (measured) counts.windowSent++;
  device.socket.write(generate({ cmd: 'publish', topic: device.topic, payload, qos: 1, messageId: id, retain: false, dup: false }));
  return ts;
}

async function main(): Promise<void> {
  const connectBegan = performance.now();
  const devices = await connectAll();
  send({ type: 'connected', devices: devices.length, seconds: (performance.now() - connectBegan) / 1000 });

  const byCode = new Map(devices.map((d) => [d.code, d]));
  const probes = fleet.probes.map((code) => byCode.get(code)!);
  const began = performance.now();
  const windowStart = began + env.BENCH_WARMUP * 1000;
  const windowEnd = windowStart + env.BENCH_DURATION * 1000;
  const probeAt = probes.map((_, i) => windowStart + ((i + 0.5) * env.BENCH_DURATION * 1000) / probes.length);
  const probeSent: { code: string; sentAt: number | null }[] = [];
  let owed = 0;
  let last = began;
  let cursor = 0;
  let cpuAtWindow: NodeJS.CpuUsage | undefined;
  let cpuInWindow: NodeJS.CpuUsage | undefined;

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (!measuring && now >= windowStart && now < windowEnd) {
        measuring = true;
        windowBegan = now;
        cpuAtWindow = process.cpuUsage();
        send({ type: 'measuring' });
      }
      if (now >= windowEnd) {
        measuring = false;
        cpuInWindow = process.cpuUsage(cpuAtWindow);
        send({ type: 'measured' });
        clearInterval(timer);
        resolve();
        return;
      }
      owed += (env.BENCH_RATE * (now - last)) / 1000;
      last = now;
      const cap = env.BENCH_RATE * MAX_OWED_SECONDS;
      if (owed > cap) { counts.heldBack += Math.floor(owed - cap); owed = cap; }
      while (probeSent.length < probes.length && probeAt[probeSent.length]! <= now) {
        const probe = probes[probeSent.length]!;
        // A probe is not held back by the window: its send time is what alarm latency is measured from.
        probeSent.push({ code: probe.code, sentAt: probe.open ? publish(probe, PROBE_DEPTH, true) : null });
      }
      let scanned = 0;
      while (owed >= 1 && scanned < devices.length) {
        const device = devices[cursor]!;
        cursor = (cursor + 1) % devices.length;
        scanned++;
        if (!device.open || device.inFlight.size >= env.BENCH_WINDOW) continue;
        // Below the rule's lowest level (15 cm): normal readings raise nothing.
        publish(device, Number((Math.random() * 10).toFixed(1)), measuring);
        owed--;
        scanned = 0;
      }
    };
    const timer = setInterval(tick, TICK_MS);
  });

  const unackedAtEnd = inFlightTotal;
  if (inFlightTotal > 0) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, DRAIN_MS);
      drained = () => { clearTimeout(timer); resolve(); };
    });
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]! : null);
  send({
    type: 'result',
    ...counts,
    unackedAtEnd,
    neverAcked: inFlightTotal,
    seconds: env.BENCH_DURATION,
    pubackMs: { p50: at(0.5), p99: at(0.99), max: latencies.length ? latencies[latencies.length - 1]! : null },
    cpuUs: cpuInWindow ? cpuInWindow.user + cpuInWindow.system : null,
    perSecond: Array.from({ length: env.BENCH_DURATION }, (_, i) => perSecond[i] ?? { acked: 0, slowestMs: 0 }),
    probes: probeSent,
  });
  for (const device of devices) if (device.open) device.socket.end(generate({ cmd: 'disconnect' }));
}

main().then(() => process.disconnect?.(), (error: unknown) => {
  send({ type: 'failed', message: error instanceof Error ? error.message : String(error), refused: counts.refused });
  process.exitCode = 1;
  process.disconnect?.();
});
