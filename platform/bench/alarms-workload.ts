/**
 * The alarm benchmark's workload, deterministic (mulberry32 from fixed seeds): threshold rules
 * over the seeded device types' metrics (`lel >= 25`, `pressure < 0.14`, 1–3 severity levels each;
 * some rules also carry a duration level and an offline level, so the evaluator keeps state) and
 * readings of random devices of those types. Shared by `alarms.ts` (ours) and `alarms-peer.ts`
 * (json-rules-engine), which both see exactly the same rules and messages.
 */
import { readFileSync } from 'node:fs';
import { alarmRuleContentSchema, checkAlarmRule, createAlarmEnvironment, type AlarmCondition, type AlarmRuleContent } from '@tongguan/runtime/alarms/definition';
import { deviceTypeContentSchema, type DeviceTypeContent } from '@tongguan/runtime/devices/definition';
import { z } from 'zod';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The device types the messages come from (a handful of numeric-metric types of the gas, water and drainage modules). */
export const MESSAGE_TYPES = ['gasLeakDetector', 'gasPressureMonitor', 'waterPressureMonitor', 'pipeLevelMeter', 'waterloggingMonitor'] as const;

export type DeviceTypes = Map<string, DeviceTypeContent & { version: number }>;

/** The published device types of the five-domains template (what `seedDemo` installs). */
export function loadDeviceTypes(): DeviceTypes {
  const file = new URL('../../templates/five-domains/monitoring/device-types.json', import.meta.url);
  const entries = z.array(z.object({ key: z.string(), content: z.unknown() })).parse(JSON.parse(readFileSync(file, 'utf8')));
  return new Map(entries.map((e) => [e.key, { ...deviceTypeContentSchema.parse(e.content), version: 1 }]));
}

type Metric = DeviceTypeContent['metrics'][number];
const numericMetrics = (type: DeviceTypeContent): Metric[] => type.metrics.filter((m) => m.flag !== true && m.min !== undefined && m.max !== undefined);
const rangeOf = (m: Metric) => ({ min: m.min!, span: m.max! - m.min! });
const round = (x: number, span: number) => Number(x.toFixed(span < 10 ? 3 : span < 1000 ? 1 : 0));

export interface BenchRule {
  readonly key: string;
  readonly content: AlarmRuleContent;
  /** Only the simple levels, for the stateless comparison (what json-rules-engine can express). */
  readonly stateless: AlarmRuleContent;
}

export interface RuleSetOptions {
  /** Add a duration level to some rules and an offline level to others (stateful evaluation). */
  readonly stateful: boolean;
}

/** `count` rules spread evenly over `typeKeys`, keys `${prefix}-NNNN`. */
export function makeRules(types: DeviceTypes, typeKeys: readonly string[], count: number, prefix: string, seed: number, options: RuleSetOptions): BenchRule[] {
  const random = mulberry32(seed);
  const rules: BenchRule[] = [];
  for (let i = 0; i < count; i++) {
    const typeKey = typeKeys[i % typeKeys.length]!;
    const type = types.get(typeKey);
    if (!type) throw new Error(`No device type ${typeKey}`);
    const metrics = numericMetrics(type);
    const metric = metrics[Math.floor(random() * metrics.length)]!;
    const { min, span } = rangeOf(metric);
    const high = metric.key === 'battery' ? false : metric.key === 'pressure' && typeKey === 'waterPressureMonitor' ? random() < 0.3 : random() < 0.75;
    const inclusive = random() < 0.5;
    const op = high ? (inclusive ? '>=' : '>') : (inclusive ? '<=' : '<');
    const simpleCount = 1 + Math.floor(random() * 3);
    // Least severe first from the normal band outwards; the most severe level is severity 1.
    const base = high ? 0.55 + random() * 0.15 : 0.12 + random() * 0.08;
    const step = 0.06 + random() * 0.06;
    const thresholds = Array.from({ length: simpleCount }, (_, k) => round(min + span * (high ? base + step * k : base - step * k / 2), span));
    const levels: { severity: 1 | 2 | 3 | 4; condition: AlarmCondition }[] = thresholds
      .map((threshold, k) => ({ severity: (simpleCount - k) as 1 | 2 | 3, condition: { type: 'simple' as const, expr: `${metric.key} ${op} ${threshold}` } }))
      .sort((a, b) => a.severity - b.severity);
    const free = () => ([1, 2, 3, 4] as const).find((s) => !levels.some((l) => l.severity === s));
    if (options.stateful && random() < 0.35) {
      const severity = free();
      const milder = round(min + span * (high ? base - 0.08 : base + 0.06), span);
      if (severity) levels.push({ severity, condition: { type: 'duration', expr: `${metric.key} ${op} ${milder}`, minutes: 2 + Math.floor(random() * 9) } });
    }
    if (options.stateful && random() < 0.3) {
      const severity = free();
      if (severity) levels.push({ severity, condition: { type: 'offline', hours: 72 } });
    }
    const key = `${prefix}-${String(i).padStart(4, '0')}`;
    const raw = { description: `bench ${typeKey}.${metric.key}`, scope: { kind: 'deviceType', key: typeKey }, levels };
    const content = alarmRuleContentSchema.parse(raw);
    const problems = checkAlarmRule(content, createAlarmEnvironment({ metrics: type.metrics })).filter((p) => p.diagnostic.severity === 'error');
    if (problems.length) throw new Error(`Bench rule ${key} does not check: ${problems[0]!.path} ${problems[0]!.diagnostic.message}`);
    const stateless = alarmRuleContentSchema.parse({ ...raw, levels: levels.filter((l) => l.condition.type === 'simple') });
    rules.push({ key, content, stateless });
  }
  return rules;
}

export interface BenchDevice { readonly code: string; readonly typeKey: string }

export interface BenchMessage {
  readonly deviceCode: string;
  readonly typeKey: string;
  /** Epoch ms, increasing. */
  readonly ts: number;
  readonly values: Readonly<Record<string, number>>;
}

/** Readings: mostly inside the normal band of each metric, one in eight anywhere in its range. */
export function makeMessages(types: DeviceTypes, devices: readonly BenchDevice[], count: number, startTs: number, stepMs: number, seed: number): BenchMessage[] {
  const random = mulberry32(seed);
  const messages: BenchMessage[] = [];
  for (let i = 0; i < count; i++) {
    const device = devices[Math.floor(random() * devices.length)]!;
    const type = types.get(device.typeKey)!;
    const values: Record<string, number> = {};
    for (const metric of type.metrics) {
      if (metric.flag === true) { values[metric.key] = random() < 0.05 ? 1 : 0; continue; }
      const { min, span } = rangeOf(metric);
      const at = random() < 0.125 ? random() : 0.2 + random() * 0.4;
      values[metric.key] = round(min + span * at, span);
    }
    messages.push({ deviceCode: device.code, typeKey: device.typeKey, ts: startTs + i * stepMs, values });
  }
  return messages;
}

export function makeDevices(typeKeys: readonly string[], perType: number): BenchDevice[] {
  return typeKeys.flatMap((typeKey) => Array.from({ length: perType }, (_, n) => ({ code: `BENCH-${typeKey}-${String(n).padStart(3, '0')}`, typeKey })));
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < 1 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

export const rate = (n: number): string => Math.round(n).toLocaleString('en');
