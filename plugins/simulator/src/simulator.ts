/**
 * Telemetry for the demo devices: each active device reports every metric of its type at its
 * sampling interval (capped at `maxIntervalSeconds` so the demo moves), with a daily swing and
 * noise around a normal level, through the same ingestion as real devices. An injected anomaly
 * changes the metrics it concerns over its course and makes the device report every
 * `anomalyIntervalSeconds`, starting at once.
 */
import type { DeviceSummary, PluginLogger, PluginServices, TelemetryMessage } from '@tongguan/plugin-sdk';
import { ANOMALIES, type AnomalyKind } from './anomalies.ts';
import { FLAGS_NORMALLY_ON, PROFILES, gaussian, hashCode, random } from './profiles.ts';

export interface SimulatorOptions {
  readonly maxIntervalSeconds: number;
  readonly anomalyIntervalSeconds: number;
  /** Cities to simulate (codes); all when empty. */
  readonly tenants: readonly string[];
  readonly seed: number;
}

export interface ActiveAnomaly {
  readonly tenantId: string;
  readonly deviceCode: string;
  readonly kind: AnomalyKind;
  readonly metrics: readonly string[];
  readonly startedAt: string;
  readonly endsAt: string;
}

export class AnomalyRefused extends Error {
  constructor(readonly reason: 'unknownDevice' | 'noSuchMetric', message: string) {
    super(message);
  }
}

const DEVICE_REFRESH_MS = 60_000;
const ORIGIN = Date.UTC(2026, 0, 1);
const round = (value: number) => Number(value.toPrecision(5));

export class Simulator {
  private readonly fleets = new Map<string, { loadedAt: number; devices: DeviceSummary[] }>();
  private readonly nextDue = new Map<string, number>();
  /** The last reading time sent per device: a reading at the same millisecond would be a duplicate. */
  private readonly lastTs = new Map<string, number>();
  private readonly anomalies = new Map<string, ActiveAnomaly & { started: number; ends: number }>();
  private readonly rng: () => number;

  constructor(private readonly services: PluginServices, private readonly now: () => Date, private readonly options: SimulatorOptions, private readonly logger: PluginLogger) {
    this.rng = random(options.seed);
    // Every app process hears of an anomaly: the one running the telemetry job (the cluster's
    // leader) plays it, whichever process took the request.
    services.peers.subscribe('anomaly', (payload) => this.record(payload as unknown as ActiveAnomaly & { started: number; ends: number }));
  }

  /** Sends what is due now; returns how many messages went to ingestion. */
  async tick(): Promise<number> {
    const at = this.now().getTime();
    const messages: TelemetryMessage[] = [];
    for (const tenant of await this.cities()) {
      for (const device of await this.fleet(tenant.id, at)) {
        const key = `${tenant.id}\u0000${device.code}`;
        const anomaly = this.anomalies.get(key);
        if (anomaly && at >= anomaly.ends) this.anomalies.delete(key);
        const interval = this.intervalOf(device, this.anomalies.has(key));
        // The first report of each device is spread over its interval, so a start sends no burst.
        const due = this.nextDue.get(key) ?? at + Math.floor((hashCode(device.code) % 1000) / 1000 * interval);
        if (due > at) { this.nextDue.set(key, due); continue; }
        this.nextDue.set(key, at + interval);
        messages.push({ tenantId: tenant.id, deviceCode: device.code, ts: this.stamp(key, at), values: this.values(tenant.id, device, at) });
      }
    }
    if (messages.length) {
      const outcome = await this.services.telemetry.ingest(messages);
      if (outcome.rejected.length) this.logger.warn(`${outcome.rejected.length} simulated readings were refused`, outcome.rejected.slice(0, 3));
    }
    return messages.length;
  }

  /** Starts an anomaly on a device and sends its first reading at once. */
  async inject(tenantId: string, deviceCode: string, kind: AnomalyKind, durationMinutes: number): Promise<ActiveAnomaly> {
    const at = this.now().getTime();
    const device = (await this.fleet(tenantId, at, true)).find((d) => d.code === deviceCode);
    if (!device) throw new AnomalyRefused('unknownDevice', `no active device ${deviceCode}`);
    const effect = ANOMALIES[kind];
    const metrics = effect.metrics.filter((m) => device.metrics.some((dm) => dm.key === m));
    if (!metrics.length) throw new AnomalyRefused('noSuchMetric', `device ${deviceCode} (${device.typeKey}) reports none of ${effect.metrics.join(', ')}`);
    const anomaly = { tenantId, deviceCode, kind, metrics, started: at, ends: at + durationMinutes * 60_000, startedAt: new Date(at).toISOString(), endsAt: new Date(at + durationMinutes * 60_000).toISOString() };
    this.services.peers.publish('anomaly', { ...anomaly, metrics: [...metrics] });
    await this.services.telemetry.ingest([{ tenantId, deviceCode, ts: this.stamp(`${tenantId}\u0000${deviceCode}`, at), values: this.values(tenantId, device, at) }]);
    const { started: _s, ends: _e, ...visible } = anomaly;
    return visible;
  }

  private record(anomaly: ActiveAnomaly & { started: number; ends: number }): void {
    const key = `${anomaly.tenantId}\u0000${anomaly.deviceCode}`;
    this.anomalies.set(key, anomaly);
    this.nextDue.set(key, anomaly.started + this.options.anomalyIntervalSeconds * 1000);
  }

  active(tenantId: string): ActiveAnomaly[] {
    const at = this.now().getTime();
    return [...this.anomalies.values()].filter((a) => a.tenantId === tenantId && a.ends > at).map(({ started: _s, ends: _e, ...visible }) => visible);
  }

  /** One reading of every metric of the device at `at`. */
  values(tenantId: string, device: DeviceSummary, at: number): Record<string, number | boolean> {
    const anomaly = this.anomalies.get(`${tenantId}\u0000${device.code}`);
    const values: Record<string, number | boolean> = {};
    // Beijing time of day drives the daily swing (peak mid-afternoon).
    const hour = ((at / 3_600_000) + 8) % 24;
    const swing = Math.sin((2 * Math.PI * (hour - 9)) / 24);
    const spread = ((hashCode(device.code) % 2001) / 1000 - 1) * 0.05;
    for (const metric of device.metrics) {
      const affected = anomaly && anomaly.metrics.includes(metric.key);
      const progress = affected ? Math.min(1, ANOMALIES[anomaly.kind].rampSeconds ? (at - anomaly.started) / 1000 / ANOMALIES[anomaly.kind].rampSeconds : 1) : 0;
      if (metric.flag) {
        const normal = FLAGS_NORMALLY_ON.has(metric.key) ? 1 : 0;
        values[metric.key] = (affected ? ANOMALIES[anomaly.kind].apply(metric.key, normal, progress) : normal) >= 0.5;
        continue;
      }
      const min = metric.min ?? -Infinity;
      const max = metric.max ?? Infinity;
      const profile = PROFILES[metric.key] ?? { base: Number.isFinite(min) && Number.isFinite(max) ? min + (max - min) * 0.2 : 0, noise: 0 };
      let normal = profile.base * (1 + spread) + (profile.daily ?? 0) * swing + profile.noise * gaussian(this.rng);
      if (profile.perHour) normal = profile.base + profile.perHour * ((at - ORIGIN) / 3_600_000);
      const value = affected ? ANOMALIES[anomaly.kind].apply(metric.key, normal, progress) : normal;
      values[metric.key] = round(Math.min(max, Math.max(min, value)));
    }
    return values;
  }

  private stamp(key: string, at: number): number {
    const ts = Math.max(at, (this.lastTs.get(key) ?? 0) + 1);
    this.lastTs.set(key, ts);
    return ts;
  }

  private intervalOf(device: DeviceSummary, anomalous: boolean): number {
    if (anomalous) return this.options.anomalyIntervalSeconds * 1000;
    const fastest = Math.min(...device.metrics.map((m) => m.samplingSeconds));
    return Math.min(Number.isFinite(fastest) ? fastest : 300, this.options.maxIntervalSeconds) * 1000;
  }

  private async cities() {
    const all = await this.services.tenants.list();
    return this.options.tenants.length ? all.filter((t) => this.options.tenants.includes(t.code)) : all;
  }

  private async fleet(tenantId: string, at: number, fresh = false): Promise<DeviceSummary[]> {
    const cached = this.fleets.get(tenantId);
    if (!fresh && cached && at - cached.loadedAt < DEVICE_REFRESH_MS && at >= cached.loadedAt) return cached.devices;
    const devices = (await this.services.entities.devices(tenantId)).filter((d) => d.status === 'active' && d.metrics.length > 0);
    this.fleets.set(tenantId, { loadedAt: at, devices });
    return devices;
  }
}
