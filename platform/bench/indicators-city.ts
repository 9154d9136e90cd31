/**
 * The generated city of `npm run bench:indicators`: the demo seed (templates, districts, grids,
 * units, people) plus facilities of the template's facility types with plausible attributes,
 * devices of the template's device types on fitting facilities (some never sent, some silent for
 * days, some retired), telemetry readings up to each device's last reading, the telemetry
 * rollups those readings imply (the platform's own rollup job), alarms of the template's rules
 * and cases, some of them started by alarms. Deterministic: every choice comes from mulberry32
 * seeded by `seed`, every time from the pinned clock `now`, every id from both.
 *
 * Rows are written with raw better-sqlite3 prepared statements (many rows per statement, large
 * transactions) on a connection of its own with a large page cache: generation is timed but is
 * not what the benchmark measures. A process of its own, started by indicators.ts (the page cache
 * and the generator's arrays stay out of the measuring process); replies its phases over IPC.
 */
import BetterSqlite3 from 'better-sqlite3';
import { and, count, eq, getTableColumns, getTableName, type Column } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { checkAttributes, type AttributeSpec, type DeviceTypeContent, type EntityTypeContent } from '@tongguan/runtime/devices/definition';
import { createApp } from '../server/app.server.ts';
import { loadConfig } from '../server/config.server.ts';
import { openDatabase } from '../server/db/database.server.ts';
import { schema } from '../server/db/schema.sqlite.server.ts';
import { monitoringTypes } from '../server/devices/devices.server.ts';
import { rollUpTelemetry } from '../server/devices/rollups.server.ts';
import { seedDemo } from '../server/seed/demo.server.ts';
import { z } from 'zod';
import { mulberry32 } from './alarms-workload.ts';

const cityShape = z.object({
  facilities: z.number().int().min(100),
  devices: z.number().int().min(100),
  telemetry: z.number().int().min(1000),
  /** Telemetry covers this many days before `now`. */
  days: z.number().int().min(1).max(365),
  alarms: z.number().int().min(0),
  cases: z.number().int().min(0),
  /** The pinned clock (epoch ms). */
  now: z.number().int(),
  seed: z.number().int(),
});
export type CityShape = z.output<typeof cityShape>;

const env = z.object({ BENCH_URL: z.string().min(1), BENCH_PATH: z.string().min(1), BENCH_SHAPE: z.string().transform((s) => cityShape.parse(JSON.parse(s))) });

export interface Phase { readonly name: string; readonly seconds: number; readonly rows: number }

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const YEAR = 365 * DAY;

/** How common each facility type is in a city (relative); a type the template adds later gets 100. */
const FACILITY_WEIGHTS: Readonly<Record<string, number>> = {
  manholeCover: 25_000, wastePoint: 12_000, drainagePipe: 12_000, gasAdjacentSpace: 10_000, gasPipeline: 8_000, waterMain: 8_000,
  roadSegment: 6_000, crowdedPlace: 3_000, bridge: 2_500, waterloggingPoint: 2_000, emergencyShelter: 1_000, gasStation: 600,
  drainagePumpStation: 500, wasteTransferStation: 500, boosterPumpStation: 400, tunnel: 400, sewagePlant: 100,
};
const DEVICE_WEIGHTS: Readonly<Record<string, number>> = {
  gasLeakDetector: 1_800, manholeCoverSensor: 1_500, pipeLevelMeter: 1_000, waterPressureMonitor: 800, binFillSensor: 800, wasteGasMonitor: 500,
  waterloggingMonitor: 500, gasPressureMonitor: 400, waterFlowMeter: 400, leakNoiseLogger: 400, drainageFlowMeter: 300, roadSubsidenceMonitor: 300,
  crowdCounter: 300, bridgeStaticMonitor: 250, transferStationMonitor: 200, gasRegulatorMonitor: 150, bridgeVibrationMonitor: 150,
  tunnelHealthMonitor: 150, shelterFacilityMonitor: 150, shelterGasMonitor: 100, bridgeWeighInMotion: 80, sewageQualityAnalyzer: 60,
};
/** Maintaining units by monitoring module (demo seed organisation codes). */
const UNIT_BY_MODULE: Readonly<Record<string, string>> = {
  gas: 'demo-ru-gas', waterSupply: 'demo-ru-water', drainage: 'demo-ru-drainage', sanitation: 'demo-ru-sanitation',
  road: 'demo-ru-municipal', bridge: 'demo-ru-municipal', tunnel: 'demo-ru-municipal',
};
/** Where device levels sit for metrics the template's indicators test against limits (pH 6–9, NH₃ 5 ppm, H₂S 1 ppm, PM 75/150, settlement 20 mm). */
const LEVELS: Readonly<Record<string, readonly [number, number]>> = {
  ph: [5.5, 9.5], nh3: [0, 7], h2s: [0, 1.4], pm25: [15, 110], pm10: [30, 200], cumulativeSettlement: [2, 26], lel: [0, 12],
};
const RISK_LEVELS = ['重大风险', '较大风险', '较大风险', '一般风险', '一般风险', '一般风险', '低风险', '低风险', '低风险', '低风险'];

type Random = () => number;
type Row = Record<string, unknown>;

/** Ids shaped like the platform's UUIDv7 (time-ordered), from the row's time and the generator. */
function idMaker(random: Random): (ms: number) => string {
  let sequence = 0;
  const hex = (n: number, width: number) => Math.floor(n).toString(16).padStart(width, '0');
  return (ms) => {
    sequence = (sequence + 1) & 0xfff;
    const time = hex(Math.floor(ms / 0x10000), 8) + '-' + hex(ms % 0x10000, 4);
    return `${time}-7${hex(sequence, 3)}-${hex(0x8000 | (random() * 0x3fff), 4)}-${hex(random() * 0x1000000, 6)}${hex(random() * 0x1000000, 6)}`;
  };
}

function weightedPicker<T extends string>(keys: readonly T[], weights: Readonly<Record<string, number>>, random: Random): () => T {
  const cumulative: number[] = [];
  let total = 0;
  for (const key of keys) cumulative.push((total += weights[key] ?? 100));
  return () => {
    const x = random() * total;
    let i = 0;
    while (cumulative[i]! <= x) i++;
    return keys[i]!;
  };
}

/** A bulk INSERT of `table`'s rows (JavaScript objects, every column given, encoded as drizzle encodes them), `perStatement` rows per statement. */
function bulkInserter(raw: BetterSqlite3.Database, table: SQLiteTable, perStatement = 100): (rows: readonly Row[]) => void {
  const columns = Object.entries(getTableColumns(table)) as [string, Column][];
  const statement = (n: number) => raw.prepare(`INSERT INTO "${getTableName(table)}" (${columns.map(([, c]) => `"${c.name}"`).join(', ')}) VALUES ${Array.from({ length: n }, () => `(${columns.map(() => '?').join(', ')})`).join(', ')}`);
  const full = statement(perStatement);
  const encode = (row: Row) => columns.map(([key, column]) => (row[key] === null || row[key] === undefined ? null : column.mapToDriverValue(row[key])));
  return raw.transaction((rows: readonly Row[]) => {
    let i = 0;
    for (; i + perStatement <= rows.length; i += perStatement) full.run(rows.slice(i, i + perStatement).flatMap(encode));
    if (i < rows.length) statement(rows.length - i).run(rows.slice(i).flatMap(encode));
  });
}

function attributesOf(type: EntityTypeContent, random: Random, n: number): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const value = (a: AttributeSpec): unknown => {
    if (a.key === 'riskLevel') return RISK_LEVELS[Math.floor(random() * RISK_LEVELS.length)];
    if (a.key === 'videoCovered') return random() < 0.7;
    switch (a.type) {
      case 'string': return a.options ? a.options[Math.floor(random() * a.options.length)] : `${a.name}${n % 97}`;
      case 'boolean': return random() < 0.5;
      case 'date': return new Date(Date.UTC(1990 + Math.floor(random() * 35), Math.floor(random() * 12), 1 + Math.floor(random() * 28))).toISOString().slice(0, 10);
      case 'number': {
        const low = a.min ?? 0;
        const high = a.key === 'length' ? Math.min(a.max ?? 5000, 5000) : a.max ?? low + 1000;
        return Math.round((low + (high - low) * (a.key === 'length' ? 0.01 + random() * 0.6 : random())) * 10) / 10;
      }
    }
  };
  for (const a of type.attributes) if (a.required || random() < 0.9) out[a.key] = value(a);
  return out;
}

interface Place { gridId: string | null; districtOrgId: string | null; lng: number; lat: number }
interface Facility extends Place { id: string; typeKey: string; orgId: string | null }
interface Device extends Place { id: string; code: string; typeKey: string; entityId: string; orgId: string | null; status: 'active' | 'maintenance' | 'retired'; createdAt: number; lastSeen: number | null }

/** Seeds the demo city into the file at `url`, adds the generated city, rolls up its telemetry; returns the phases' times. */
async function generateCity(url: string, file: string, shape: CityShape, log: (line: string) => void): Promise<Phase[]> {
  const phases: Phase[] = [];
  const timed = async <T>(name: string, run: () => Promise<T> | T, rows: (result: T) => number): Promise<T> => {
    const began = process.hrtime.bigint();
    const result = await run();
    phases.push({ name, seconds: Number(process.hrtime.bigint() - began) / 1e9, rows: rows(result) });
    log(`  ${name}: ${rows(result).toLocaleString('en')} rows in ${phases.at(-1)!.seconds.toFixed(1)} s`);
    return result;
  };
  const config = (dir: string) => ({ ...loadConfig({ NODE_ENV: 'production', TONGGUAN_MODE: 'demo', DEMO_PASSWORD: 'Bench@Pass2026', DATABASE_URL: url }), filesDir: dir });
  const clock = () => new Date(shape.now);

  // 1. The demo seed: templates (indicators, facility/device types, alarm rules), districts, grids, units.
  let db = await openDatabase(url);
  let app = createApp(config(`${file}.files`), db, clock);
  const city = await timed('demo seed (templates, organisations, grids, people)', async () => {
    const report = await seedDemo(app);
    if (!report) throw new Error(`${file} is not empty`);
    const t = db.t;
    const [tenant] = await db.read.select({ id: t.tenants.id }).from(t.tenants).where(eq(t.tenants.code, 'demo'));
    if (!tenant) throw new Error('the demo seed has no city "demo"');
    const orgs = await db.read.select().from(t.organisations).where(eq(t.organisations.tenantId, tenant.id));
    const grids = await db.read.select({ id: t.grids.id, orgId: t.grids.orgId, bbox: t.grids.bbox }).from(t.grids).where(eq(t.grids.tenantId, tenant.id));
    const rules = await db.read.select({ key: t.definitions.key, name: t.definitions.name, content: t.definitions.content }).from(t.definitions)
      .where(and(eq(t.definitions.tenantId, tenant.id), eq(t.definitions.kind, 'alarmRule'), eq(t.definitions.status, 'published')));
    const [categories] = await db.read.select({ content: t.definitions.content }).from(t.definitions)
      .where(and(eq(t.definitions.tenantId, tenant.id), eq(t.definitions.kind, 'dictionary'), eq(t.definitions.key, 'case-categories')));
    return { tenantId: tenant.id, orgs, grids, rules, categories, types: await monitoringTypes(app, tenant.id), seeded: Object.values(report.inserted).reduce((a, b) => a + b, 0) };
  }, (result) => result.seeded);
  await app.telemetry.close();
  await db.close();

  const raw = new BetterSqlite3(file);
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = OFF');
  raw.pragma('cache_size = -1048576');
  const random = mulberry32(shape.seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const newId = idMaker(random);
  const { tenantId, types } = city;
  const now = shape.now;
  const windowStart = now - shape.days * DAY;

  // Districts and units: a grid's district is the district on its organisation's path.
  const orgById = new Map(city.orgs.map((o) => [o.id, o]));
  const orgByCode = new Map(city.orgs.map((o) => [o.code, o]));
  const districtOf = (orgId: string) => orgById.get(orgId)?.path.split('/').map((id) => orgById.get(id)).find((o) => o?.level === 'district')?.id ?? null;
  const grids = city.grids.map((g) => ({ ...g, districtOrgId: districtOf(g.orgId) }));
  const units = city.orgs.filter((o) => o.kind === 'responsibleUnit');
  const place = (): Place => {
    // One in a hundred lies outside every grid (no district: it counts for the city only).
    if (random() < 0.01) return { gridId: null, districtOrgId: null, lng: 116.8 + random() * 0.1, lat: 36.5 + random() * 0.1 };
    const grid = pick(grids);
    const [minLng, minLat, maxLng, maxLat] = grid.bbox;
    return { gridId: grid.id, districtOrgId: grid.districtOrgId, lng: minLng + random() * (maxLng - minLng), lat: minLat + random() * (maxLat - minLat) };
  };

  // 2. Facilities.
  const facilityTypes = [...types.facilities.keys()];
  const facilityType = weightedPicker(facilityTypes, FACILITY_WEIGHTS, random);
  const facilities = await timed('facilities (entities)', () => {
    const out: Facility[] = [];
    const insert = bulkInserter(raw, schema.entities);
    let batch: Row[] = [];
    for (let i = 0; i < shape.facilities; i++) {
      const typeKey = facilityType();
      const type = types.facilities.get(typeKey)!;
      const attributes = attributesOf(type, random, i);
      const problems = checkAttributes(type, attributes);
      if (problems.length) throw new Error(`generated ${typeKey} attributes refused: ${problems.map((p) => p.key).join(', ')}`);
      const at = place();
      const unit = orgByCode.get(UNIT_BY_MODULE[type.module] ?? '') ?? (random() < 0.5 ? pick(units) : undefined);
      // Mostly built years ago; one in fifty registered during the last month.
      const createdAt = random() < 0.02 ? now - random() * 30 * DAY : now - 30 * DAY - random() * 6 * YEAR;
      const status = random() < 0.02 ? 'retired' : random() < 0.03 ? 'maintenance' : 'normal';
      const facility: Facility = { id: newId(createdAt), typeKey, orgId: unit?.id ?? null, ...at };
      out.push(facility);
      batch.push({
        ...facility, tenantId, code: `BENCH-F-${String(i).padStart(6, '0')}`, name: `${type.name} ${i}`, status,
        geometry: { type: 'Point', coordinates: [at.lng, at.lat] }, attributes, createdAt: new Date(createdAt), updatedAt: new Date(now),
      });
      if (batch.length === 10_000) { insert(batch); batch = []; }
    }
    insert(batch);
    return out;
  }, (rows) => rows.length);

  // 3. Devices on fitting facilities; their last reading decided now, their rows written after the telemetry.
  const byType = new Map<string, Facility[]>();
  for (const f of facilities) byType.set(f.typeKey, [...(byType.get(f.typeKey) ?? []), f]);
  const deviceTypes = [...types.devices.keys()].filter((key) => types.devices.get(key)!.facilityTypes.some((f) => byType.has(f)));
  const deviceType = weightedPicker(deviceTypes, DEVICE_WEIGHTS, random);
  const devices: Device[] = [];
  for (let i = 0; i < shape.devices; i++) {
    const typeKey = deviceType();
    const fitting = types.devices.get(typeKey)!.facilityTypes.flatMap((f) => byType.get(f) ?? []);
    const facility = pick(fitting);
    const createdAt = random() < 0.04 ? now - random() * shape.days * DAY : windowStart - random() * 3 * YEAR;
    const status = random() < 0.03 ? 'retired' : random() < 0.04 ? 'maintenance' : 'active';
    // 6 % never sent; retired ones went silent long ago; 9 % silent for more than 72 h; the rest sent within the hour.
    const r = random();
    const lastSeen = r < 0.06 ? null
      : status === 'retired' ? Math.max(createdAt, now - (40 + random() * 300) * DAY)
        : r < 0.15 ? Math.max(createdAt + HOUR, now - (73 + random() * 24 * 20) * HOUR) : now - random() * HOUR;
    devices.push({
      id: newId(createdAt), code: `BENCH-D-${String(i).padStart(5, '0')}`, typeKey, entityId: facility.id, orgId: facility.orgId,
      gridId: facility.gridId, districtOrgId: facility.districtOrgId, lng: facility.lng, lat: facility.lat, status, createdAt, lastSeen,
    });
  }

  // 4. Telemetry: each sending device reads all its metrics at evenly spread (jittered) times within the window, in time order.
  await timed('telemetry (raw readings)', () => {
    const metricsOf = (d: Device): DeviceTypeContent['metrics'] => types.devices.get(d.typeKey)!.metrics;
    const spans = devices.map((d) => (d.lastSeen === null || d.lastSeen < windowStart ? 0 : d.lastSeen - Math.max(windowStart, d.createdAt)));
    const weight = devices.reduce((sum, d, i) => sum + spans[i]! * metricsOf(d).length, 0);
    const step = weight / shape.telemetry;
    const multiplier = 2 ** Math.ceil(Math.log2(devices.length + 1));
    if (shape.days * DAY * multiplier > Number.MAX_SAFE_INTEGER) throw new Error('too many devices × days for the merge key');
    const keys: number[] = [];
    devices.forEach((d, i) => {
      const messages = spans[i]! > 0 ? Math.max(1, Math.ceil(spans[i]! / step)) : 0;
      const from = d.lastSeen! - spans[i]!;
      for (let k = 0; k < messages; k++) keys.push((Math.floor(from + (k + 0.1 + random() * 0.8) * (spans[i]! / messages)) - windowStart) * multiplier + i);
    });
    const order = Float64Array.from(keys).sort();
    const levels = devices.map((d) => metricsOf(d).map((m) => {
      const [low, high] = LEVELS[m.key] ?? [m.min ?? 0, m.max ?? 100];
      return low + (high - low) * (0.15 + random() * 0.7);
    }));
    const perStatement = 200;
    const statement = (n: number) => raw.prepare(`INSERT INTO telemetry (tenant_id, device_id, metric, ts, value) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?)').join(', ')}`);
    const full = statement(perStatement);
    const params: (string | number)[] = [];
    const newest = new Map<number, { ts: number; value: number }>();
    const last = new Map<number, number>();
    let written = 0;
    raw.exec('BEGIN');
    for (let j = 0; j < order.length && written < shape.telemetry; j++) {
      const i = order[j]! % multiplier;
      const ts = (order[j]! - i) / multiplier + windowStart;
      const device = devices[i]!;
      const metrics = metricsOf(device);
      for (let m = 0; m < metrics.length && written < shape.telemetry; m++) {
        const metric = metrics[m]!;
        const low = metric.min ?? 0;
        const high = metric.max ?? low + 100;
        const span = high - low;
        // Around the device's level, one reading in a hundred anywhere in the metric's range.
        const value = metric.flag === true ? (random() < 0.05 ? 1 : 0)
          : random() < 0.01 ? Math.round((low + random() * (high - low)) * 100) / 100
            : Math.min(high, Math.max(low, Math.round((levels[i]![m]! + (random() - 0.5) * span * 0.16) * 100) / 100));
        params.push(tenantId, device.id, metric.key, ts, value);
        newest.set(i * 128 + m, { ts, value });
        written++;
        if (params.length === perStatement * 5) {
          full.run(params);
          params.length = 0;
        }
        // Transactions of half a million readings.
        if (written % 500_000 === 0) raw.exec('COMMIT; BEGIN');
      }
      last.set(i, ts);
    }
    if (params.length) statement(params.length / 5).run(params);
    raw.exec('COMMIT');
    // The newest reading per device × metric, and each device's last reading time, as ingestion leaves them.
    const latest = raw.prepare('INSERT INTO telemetry_latest (device_id, metric, tenant_id, ts, value) VALUES (?, ?, ?, ?, ?)');
    raw.transaction(() => {
      for (const [key, { ts, value }] of newest) {
        const device = devices[Math.floor(key / 128)]!;
        latest.run(device.id, metricsOf(device)[key % 128]!.key, tenantId, ts, value);
      }
    })();
    devices.forEach((d, i) => { if (d.lastSeen !== null && d.lastSeen >= windowStart) d.lastSeen = last.get(i) ?? null; });
    return written;
  }, (n) => n);

  await timed('devices', () => {
    bulkInserter(raw, schema.devices)(devices.map((d) => ({
      id: d.id, tenantId, code: d.code, typeKey: d.typeKey, entityId: d.entityId, orgId: d.orgId, gridId: d.gridId, districtOrgId: d.districtOrgId,
      lng: d.lng, lat: d.lat, installedOn: new Date(d.createdAt).toISOString().slice(0, 10), status: d.status, tokenHash: null, thresholds: null,
      lastSeenAt: d.lastSeen === null ? null : new Date(Math.floor(d.lastSeen / 60_000) * 60_000), createdAt: new Date(d.createdAt), updatedAt: new Date(now),
    })));
    return devices.length;
  }, (n) => n);

  // 5. Alarms of the template's rules on sending devices, cases (a quarter of the severe alarms start one).
  const leafCategories = ((city.categories?.content as { items?: { code: string; kind: string; parentCode?: string | null }[] } | undefined)?.items ?? [])
    .filter((item) => item.parentCode && (item.kind === 'part' || item.kind === 'event'));
  if (!leafCategories.length) throw new Error('the demo seed has no case categories');
  const cases: Row[] = [];
  const caseRow = (reportedAt: number, at: Place & { orgId?: string | null }, source: string): Row => {
    const category = pick(leafCategories);
    const deadlineHours = pick([2, 4, 8, 24, 48, 72, 120]);
    const grid = at.gridId ? grids.find((g) => g.id === at.gridId) : undefined;
    const registeredAt = random() < 0.03 ? null : reportedAt + (5 + random() * 115) * 60_000;
    const dispatchedAt = registeredAt === null ? null : registeredAt + (10 + random() * 230) * 60_000;
    const handledAt = dispatchedAt === null ? null : dispatchedAt + (1 + random() * deadlineHours * 1.3) * HOUR;
    const closedAt = handledAt === null ? null : handledAt + (1 + random() * 23) * HOUR;
    const past = (ms: number | null) => (ms !== null && ms <= now ? ms : null);
    const voided = registeredAt !== null && random() < 0.04;
    const suspended = !voided && random() < 0.03;
    const status = voided ? 'voided' : suspended ? 'suspended' : past(closedAt) ? 'closed' : past(handledAt) ? 'handled' : past(dispatchedAt) ? 'dispatched' : past(registeredAt) ? 'registered' : 'reported';
    const n = cases.length;
    const reworked = status === 'closed' && random() < 0.06;
    return {
      id: newId(reportedAt), tenantId, caseNumber: `BENCH-${String(n).padStart(7, '0')}`, source, categoryCode: category.code, categoryKind: category.kind,
      title: `基准案件 ${n}`, description: '基准测试生成', address: null, lng: at.lng, lat: at.lat, gridId: at.gridId, orgId: grid?.orgId ?? null,
      districtOrgId: at.districtOrgId, responsibleUnitId: at.orgId ?? (random() < 0.9 ? pick(units).id : null), status, deadlineHours,
      dueAt: registeredAt === null ? null : new Date(registeredAt + deadlineHours * HOUR), processInstanceId: newId(reportedAt), reportedBy: null,
      reportedAt: new Date(reportedAt), closedAt: status === 'closed' ? new Date(closedAt!) : null, updatedAt: new Date(now),
      registeredAt: past(registeredAt) === null ? null : new Date(registeredAt!), dispatchedAt: past(dispatchedAt) === null ? null : new Date(dispatchedAt!),
      handledAt: past(handledAt) === null ? null : new Date(handledAt!), returnCount: random() < 0.1 ? 1 : 0, reworkCount: reworked ? 1 : 0,
      extensionCount: random() < 0.03 ? 1 : 0, supervisionCount: random() < 0.08 ? 1 + Math.floor(random() * 2) : 0,
    };
  };
  await timed('alarms', () => {
    const rulesByType = new Map<string, { key: string; name: string }[]>();
    for (const rule of city.rules) {
      const scope = (rule.content as { scope?: { kind: string; key: string } }).scope;
      if (scope?.kind === 'deviceType') rulesByType.set(scope.key, [...(rulesByType.get(scope.key) ?? []), rule]);
    }
    const sending = devices.filter((d) => d.lastSeen !== null && rulesByType.has(d.typeKey));
    const open = new Set<string>();
    const rows: Row[] = [];
    for (let i = 0; i < shape.alarms; i++) {
      const device = pick(sending);
      const rule = pick(rulesByType.get(device.typeKey)!);
      const raisedAt = Math.min(device.lastSeen!, now - random() * 90 * DAY);
      const old = now - raisedAt > 3 * DAY;
      const r = random();
      let status = r < 0.08 ? 'falseAlarm' : old ? (r < 0.5 ? 'resolved' : r < 0.88 ? 'closed' : r < 0.94 ? 'handling' : r < 0.97 ? 'acknowledged' : 'active')
        : r < 0.3 ? 'active' : r < 0.5 ? 'acknowledged' : r < 0.7 ? 'handling' : r < 0.9 ? 'resolved' : 'closed';
      // At most one open alarm per rule × device (alarms_open_uq).
      if (['active', 'acknowledged', 'handling'].includes(status)) {
        if (open.has(`${rule.key}/${device.id}`)) status = 'closed';
        else open.add(`${rule.key}/${device.id}`);
      }
      const severity = 1 + Math.floor(random() * 4);
      const after = (ms: number, hours: number) => new Date(Math.min(now, ms + random() * hours * HOUR));
      const started = severity <= 2 && status !== 'falseAlarm' && random() < 0.25 ? caseRow(raisedAt, device, 'sensor') : undefined;
      if (started) cases.push(started);
      rows.push({
        id: newId(raisedAt), tenantId, ruleKey: rule.key, ruleVersion: 1, ruleName: rule.name, severity, highestSeverity: Math.max(1, severity - (random() < 0.2 ? 1 : 0)),
        status, sourceKind: 'device', sourceCode: device.code, deviceId: device.id, facilityId: device.entityId, module: types.devices.get(device.typeKey)!.module,
        lng: device.lng, lat: device.lat, orgId: device.orgId, districtOrgId: device.districtOrgId, gridId: device.gridId, value: null, values: {},
        message: `${rule.name}：${device.code}`, raisedAt: new Date(raisedAt), acknowledgedAt: status === 'active' ? null : after(raisedAt, 2), acknowledgedBy: null,
        clearedAt: ['resolved', 'closed', 'falseAlarm'].includes(status) ? after(raisedAt, 12) : null,
        resolvedAt: status === 'resolved' || status === 'closed' ? after(raisedAt, 24) : null, closedAt: status === 'closed' ? after(raisedAt, 48) : null,
        closedBy: null, falseAlarm: status === 'falseAlarm', falseAlarmReason: status === 'falseAlarm' ? '误报' : null, caseId: started?.id ?? null,
        processInstanceId: started?.processInstanceId ?? null, processPending: false, processAttempts: 0, lastRemindedAt: null, version: 1, updatedAt: new Date(now),
      });
    }
    bulkInserter(raw, schema.alarms, 50)(rows);
    return rows.length;
  }, (n) => n);

  await timed('cases', () => {
    const sources = ['inspector', 'public', 'hotline12345', 'hotline12319', 'video'];
    while (cases.length < shape.cases) cases.push(caseRow(now - random() * 400 * DAY, place(), pick(sources)));
    bulkInserter(raw, schema.cases, 50)(cases);
    return cases.length;
  }, (n) => n);
  raw.pragma('wal_checkpoint(TRUNCATE)');
  raw.close();

  // 6. The rollups those readings imply, by the platform's own job (200,000 readings per run) until it has caught up.
  db = await openDatabase(url);
  app = createApp(config(`${file}.files`), db, clock);
  await timed('telemetry rollups (rollUpTelemetry until caught up)', async () => {
    let readings = 0;
    for (let n = await rollUpTelemetry(app); n > 0; n = await rollUpTelemetry(app)) readings += n;
    const [{ n }] = await db.read.select({ n: count() }).from(db.t.telemetryRollups);
    log(`    ${readings.toLocaleString('en')} readings rolled up into ${n.toLocaleString('en')} hourly and daily buckets`);
    return n;
  }, (n) => n);
  await app.telemetry.close();
  await db.close();
  return phases;
}

const { BENCH_URL, BENCH_PATH, BENCH_SHAPE } = env.parse(process.env);
generateCity(BENCH_URL, BENCH_PATH, BENCH_SHAPE, (line) => console.log(line)).then(
  (phases) => process.send!(phases, () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
