/**
 * The alarm engine on the App: judges stored telemetry by the city's published alarm rules
 * (`onStored`, a listener of the ingestion pipeline, called after each batch commits) and the
 * passing of time (`tick`, every 30 s: offline, duration and clear-after timers, reminders, a
 * schedule coming on duty). Evaluation is the pure runtime evaluator; this class picks the rules
 * that apply and hands the work to one transaction per batch (store.server.ts).
 *
 * A stored batch holds one row per metric: rows of one device and time are one reading. At device
 * scope a reading is what the device sent at that time — metrics it did not send are unknown to
 * the evaluator, so a battery-only heartbeat neither raises nor clears (old values are never
 * replayed at a new time, which would make stale data look continuous to duration and repeat
 * conditions). At facility scope the reading is the facility's latest value of every metric of
 * its devices with this batch's values laid over in time order, as the evaluator expects.
 *
 * Rules are held per city, indexed by device type, device, facility type and facility, and
 * reloaded when this process publishes or retires an alarm rule, a device type or a facility
 * type (`invalidate`), or after `ttlMs` (changes made by another process).
 */
import { and, eq, inArray, isNotNull, ne, or } from 'drizzle-orm';
import type { AlarmReading } from '@tongguan/runtime/alarms/evaluator';
import type { App } from '../app.server.ts';
import type { Reading } from '../devices/ingest.server.ts';
import type { KnownDevice } from '../devices/directory.server.ts';
import { MAX_PROCESS_ATTEMPTS, startAlarmProcess } from './actions.server.ts';
import { loadTenantAlarmRules, type AlarmFacility, type IndexedRule, type TenantAlarmRules } from './rules.server.ts';
import { storeAlarmWork, type AlarmSource, type AlarmWork, type StoredAlarmWork } from './store.server.ts';

const HOUR = 3_600_000;

export interface TickOutcome {
  /** Rule × source pairs looked at. */
  evaluated: number;
  /** Owed processes started. */
  started: number;
}

export class AlarmEngine {
  private readonly tenants = new Map<string, Promise<TenantAlarmRules>>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly app: App, private readonly ttlMs = 10_000) {}

  /** Forget a city's rules (after this process published or retired a rule or a type). */
  invalidate(tenantId: string): void {
    this.tenants.delete(tenantId);
  }

  /** The city's rules, indexed (reloaded after `ttlMs`). */
  rules(tenantId: string): Promise<TenantAlarmRules> {
    const cached = this.tenants.get(tenantId);
    if (cached) return cached.then((r) => (this.app.now().getTime() - r.loadedAt > this.ttlMs ? this.reload(tenantId) : r), () => this.reload(tenantId));
    return this.reload(tenantId);
  }

  private reload(tenantId: string): Promise<TenantAlarmRules> {
    const loading = loadTenantAlarmRules(this.app, tenantId, this.app.now().getTime());
    this.tenants.set(tenantId, loading);
    return loading;
  }

  /** The ingestion listener: evaluates newly stored readings, city by city. */
  onStored(readings: readonly Reading[]): Promise<void> {
    const run = this.evaluateStored(readings);
    this.inFlight.add(run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }

  /** Resolves once the evaluations under way have finished (a caller answered after commit may look before they did). */
  async settled(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async evaluateStored(readings: readonly Reading[]): Promise<void> {
    const byTenant = new Map<string, Reading[]>();
    for (const reading of readings) {
      const list = byTenant.get(reading.tenantId);
      if (list) list.push(reading); else byTenant.set(reading.tenantId, [reading]);
    }
    for (const [tenantId, list] of byTenant) {
      try {
        await this.evaluateReadings(tenantId, list);
      } catch (error) {
        console.error(`Alarm evaluation of ${list.length} readings failed (tenant ${tenantId})`, error);
      }
    }
  }

  private async evaluateReadings(tenantId: string, readings: readonly Reading[]): Promise<void> {
    let rules = await this.rules(tenantId);
    if (!rules.rules.length) return;
    const perDevice = new Map<string, Map<number, Record<string, number>>>();
    for (const r of readings) {
      let times = perDevice.get(r.deviceId);
      if (!times) perDevice.set(r.deviceId, times = new Map());
      const values = times.get(r.ts);
      if (values) values[r.metric] = r.value; else times.set(r.ts, { [r.metric]: r.value });
    }
    const work: AlarmWork[] = [];
    const atFacilities = new Map<string, { facility: AlarmFacility; rules: IndexedRule[]; times: Map<number, Record<string, number>>; threshold: Record<string, number> }>();
    let reloaded = false;
    for (const [deviceId, times] of perDevice) {
      const device = await this.app.devices.byId(tenantId, deviceId);
      if (!device?.type) continue;
      if (device.entityId && !rules.facilities.has(device.entityId) && !reloaded) {
        // A facility registered since the rules were loaded.
        rules = await this.reload(tenantId);
        reloaded = true;
      }
      const facility = device.entityId ? rules.facilities.get(device.entityId) : undefined;
      const ordered = [...times.keys()].sort((a, b) => a - b);
      const deviceRules = [...(rules.byDeviceType.get(device.typeKey) ?? []), ...(rules.byDevice.get(device.code) ?? [])];
      if (deviceRules.length) {
        const source = deviceSource(device, rules);
        const list: AlarmReading[] = ordered.map((ts) => ({ ts, values: times.get(ts)!, attributes: facility?.attributes ?? {}, threshold: device.thresholds ?? {} }));
        for (const rule of deviceRules) {
          const environment = rules.environment(rule, device.typeKey);
          if (environment) work.push({ rule, source, environment, readings: list });
        }
      }
      if (!facility) continue;
      const facilityRules = [...(rules.byFacilityType.get(facility.typeKey) ?? []), ...(rules.byFacility.get(facility.code) ?? [])];
      if (!facilityRules.length) continue;
      let entry = atFacilities.get(facility.id);
      if (!entry) atFacilities.set(facility.id, entry = { facility, rules: facilityRules, times: new Map(), threshold: {} });
      Object.assign(entry.threshold, device.thresholds ?? {});
      for (const ts of ordered) entry.times.set(ts, { ...entry.times.get(ts), ...times.get(ts) });
    }
    if (atFacilities.size) work.push(...(await this.facilityWork(tenantId, rules, [...atFacilities.values()])));
    if (!work.length) return;
    await this.afterCommit(rules, tenantId, await storeAlarmWork(this.app, tenantId, work));
  }

  /** What a committed batch owes: its notification deliveries go out in the background, its processes start now. */
  private async afterCommit(rules: TenantAlarmRules, tenantId: string, stored: StoredAlarmWork): Promise<void> {
    if (stored.deliveries) this.app.deliveries.kick();
    for (const alarmId of stored.processOwed) await startAlarmProcess(this.app, rules, tenantId, alarmId);
  }

  /** Facility readings: the facility's latest value of each metric its devices send, this batch's laid over in time order. */
  private async facilityWork(
    tenantId: string, rules: TenantAlarmRules,
    entries: readonly { facility: AlarmFacility; rules: IndexedRule[]; times: Map<number, Record<string, number>>; threshold: Record<string, number> }[],
  ): Promise<AlarmWork[]> {
    const { telemetryLatest: tl, devices: d } = this.app.db.t;
    const latest = await this.app.db.read.select({ entityId: d.entityId, metric: tl.metric, ts: tl.ts, value: tl.value }).from(tl).innerJoin(d, eq(d.id, tl.deviceId))
      .where(and(eq(d.tenantId, tenantId), inArray(d.entityId, entries.map((e) => e.facility.id)), ne(d.status, 'retired')));
    const work: AlarmWork[] = [];
    for (const entry of entries) {
      const inBatch = new Set([...entry.times.values()].flatMap((values) => Object.keys(values)));
      const base = new Map<string, { ts: number; value: number }>();
      for (const row of latest) {
        if (row.entityId !== entry.facility.id || inBatch.has(row.metric)) continue;
        const known = base.get(row.metric);
        if (!known || known.ts < row.ts) base.set(row.metric, { ts: row.ts, value: row.value });
      }
      const running: Record<string, number> = Object.fromEntries([...base].map(([metric, v]) => [metric, v.value]));
      const readings: AlarmReading[] = [...entry.times.keys()].sort((a, b) => a - b).map((ts) => {
        Object.assign(running, entry.times.get(ts));
        return { ts, values: { ...running }, attributes: entry.facility.attributes, threshold: entry.threshold };
      });
      const source = facilitySource(entry.facility, rules);
      for (const rule of entry.rules) {
        const environment = rules.environment(rule, entry.facility.typeKey);
        if (environment) work.push({ rule, source, environment, readings });
      }
    }
    return work;
  }

  /**
   * Advances every city's alarms to now: active and pending states (reminders, clear-after,
   * durations, schedules), and sources silent past an offline level — devices that never sent
   * data count from when they were registered; devices under maintenance or retired are not
   * watched. Then retries owed processes.
   */
  async tick(): Promise<TickOutcome> {
    const now = this.app.now().getTime();
    const def = this.app.db.t.definitions;
    const tenants = await this.app.db.read.selectDistinct({ tenantId: def.tenantId }).from(def).where(and(eq(def.kind, 'alarmRule'), eq(def.status, 'published')));
    let evaluated = 0;
    for (const { tenantId } of tenants) {
      try {
        evaluated += await this.tickTenant(tenantId, now);
      } catch (error) {
        console.error(`Alarm tick failed (tenant ${tenantId})`, error);
      }
    }
    return { evaluated, started: await this.retryOwedProcesses() };
  }

  private async tickTenant(tenantId: string, now: number): Promise<number> {
    const rules = await this.rules(tenantId);
    if (!rules.rules.length) return 0;
    const { alarmRuleStates: s, devices: d } = this.app.db.t;
    const live = await this.app.db.read.select({ ruleKey: s.ruleKey, sourceKind: s.sourceKind, sourceCode: s.sourceCode }).from(s)
      .where(and(eq(s.tenantId, tenantId), or(isNotNull(s.activeSeverity), eq(s.pending, true))));
    const offlineRules = rules.rules.filter((rule) => rule.offlineHours !== null);
    if (!live.length && !offlineRules.length) return 0;
    const deviceRows = await this.app.db.read.select({ code: d.code, typeKey: d.typeKey, entityId: d.entityId, status: d.status, lastSeenAt: d.lastSeenAt, createdAt: d.createdAt })
      .from(d).where(eq(d.tenantId, tenantId));
    const seenOf = (row: (typeof deviceRows)[number]) => (row.lastSeenAt ?? row.createdAt).getTime();
    const deviceSeen = new Map<string, number>();
    const facilitySeen = new Map<string, number>();
    for (const row of deviceRows) {
      if (row.status !== 'active') continue;
      deviceSeen.set(row.code, seenOf(row));
      const facility = row.entityId ? rules.facilities.get(row.entityId) : undefined;
      if (facility) facilitySeen.set(facility.code, Math.max(facilitySeen.get(facility.code) ?? 0, seenOf(row)));
    }
    const work = new Map<string, AlarmWork>();
    const add = async (rule: IndexedRule, code: string) => {
      const id = `${rule.key}\u0000${code}`;
      if (work.has(id)) return;
      const source = rule.sourceKind === 'device' ? await this.deviceSourceByCode(tenantId, rules, code) : this.facilitySourceByCode(rules, code);
      if (!source) return;
      const seen = rule.sourceKind === 'device' ? deviceSeen.get(code) : facilitySeen.get(code);
      work.set(id, { rule, source, tick: { now, lastSeenAt: seen ?? null } });
    };
    for (const state of live) {
      const rule = rules.byKey.get(state.ruleKey);
      // A retired rule's states stay as they were: nothing evaluates them any more.
      if (rule && rule.sourceKind === state.sourceKind) await add(rule, state.sourceCode);
    }
    for (const rule of offlineRules) {
      const silentSince = now - rule.offlineHours! * HOUR;
      const { scope } = rule.content;
      if (rule.sourceKind === 'device') {
        for (const row of deviceRows) {
          if (row.status !== 'active' || seenOf(row) > silentSince) continue;
          if ((scope.kind === 'deviceType' && row.typeKey === scope.key) || (scope.kind === 'device' && row.code === scope.key)) await add(rule, row.code);
        }
      } else {
        for (const [code, seen] of facilitySeen) {
          const facility = rules.facilitiesByCode.get(code);
          if (!facility || seen > silentSince) continue;
          if ((scope.kind === 'facilityType' && facility.typeKey === scope.key) || (scope.kind === 'facility' && code === scope.key)) await add(rule, code);
        }
      }
    }
    if (!work.size) return 0;
    await this.afterCommit(rules, tenantId, await storeAlarmWork(this.app, tenantId, [...work.values()], { tick: true }));
    return work.size;
  }

  /** Processes owed by alarms whose start failed or whose process died before it started. */
  private async retryOwedProcesses(): Promise<number> {
    const a = this.app.db.t.alarms;
    const owed = await this.app.db.read.select({ id: a.id, tenantId: a.tenantId, attempts: a.processAttempts }).from(a).where(eq(a.processPending, true)).limit(100);
    let started = 0;
    for (const alarm of owed) {
      if (alarm.attempts >= MAX_PROCESS_ATTEMPTS) continue;
      if (await startAlarmProcess(this.app, await this.rules(alarm.tenantId), alarm.tenantId, alarm.id)) started++;
    }
    return started;
  }

  private async deviceSourceByCode(tenantId: string, rules: TenantAlarmRules, code: string): Promise<AlarmSource | undefined> {
    const device = await this.app.devices.byCode(tenantId, code);
    return device ? deviceSource(device, rules) : undefined;
  }

  private facilitySourceByCode(rules: TenantAlarmRules, code: string): AlarmSource | undefined {
    const facility = rules.facilitiesByCode.get(code);
    return facility ? facilitySource(facility, rules) : undefined;
  }
}

function deviceSource(device: KnownDevice, rules: TenantAlarmRules): AlarmSource {
  const facility = device.entityId ? rules.facilities.get(device.entityId) : undefined;
  return {
    kind: 'device', code: device.code, deviceId: device.id, deviceCode: device.code, facilityId: device.entityId, facilityCode: facility?.code ?? null,
    module: device.type?.module ?? rules.deviceTypes.get(device.typeKey)?.module ?? null, lng: device.lng, lat: device.lat,
    orgId: device.orgId, gridId: device.gridId, districtOrgId: device.districtOrgId,
  };
}

function facilitySource(facility: AlarmFacility, rules: TenantAlarmRules): AlarmSource {
  return {
    kind: 'facility', code: facility.code, deviceId: null, deviceCode: null, facilityId: facility.id, facilityCode: facility.code,
    module: rules.entityTypes.get(facility.typeKey)?.module ?? null, lng: facility.lng, lat: facility.lat,
    orgId: facility.orgId, gridId: facility.gridId, districtOrgId: facility.districtOrgId,
  };
}

/** Runs the tick every `intervalMs` (30 s in production) until the returned stop function is called. */
export function startAlarmLoop(app: App, intervalMs = 30_000): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    running = running.then(() => app.alarms.tick()).catch((error: unknown) => console.error('Alarm tick failed', error));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
