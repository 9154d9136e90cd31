/**
 * The monitoring datasets (devices, facilities, alarms, telemetryDaily: 000 table 5.2.4's data)
 * compute in the database (SQLite, and PostgreSQL when DATABASE_URL says so) what the in-memory
 * evaluator computes over the same rows — joined columns, facility attributes read from JSON,
 * what a facility's devices say, daily buckets only — and the city filter holds through every
 * join. Every query basis item of the template's real-time indicators is compared too.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { compile, createEnvironment, t as types, type ExprValue } from '@tongguan/runtime/expr/index';
import { datasetType } from '@tongguan/runtime/expr/sql/plan';
import { PERIOD_TYPE, indicatorContentSchema } from '@tongguan/runtime/indicators/definition';
import { periodContaining, previousPeriod } from '@tongguan/runtime/indicators/period';
import { newId } from '../ids.server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { DATASET_SPECS } from './datasets.server.ts';
import { computePlan, computePlans, planOver } from './formula-sql.server.ts';

type Row = Record<string, ExprValue>;
type Rows = Record<'devices' | 'facilities' | 'alarms' | 'telemetryDaily', Row[]>;

let t: TestApp;
let demo: string;
let other: string;
const memory = new Map<string, Rows>();
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Device types (templates/five-domains/monitoring) with the facility type they go on and some of their metrics. */
const DEVICE_TYPES: Readonly<Record<string, readonly [string, readonly string[]]>> = {
  bridgeStaticMonitor: ['bridge', ['strain', 'temperature']],
  gasLeakDetector: ['gasAdjacentSpace', ['lel']],
  waterPressureMonitor: ['waterMain', ['pressure']],
  pipeLevelMeter: ['drainagePipe', ['level']],
  tunnelHealthMonitor: ['tunnel', ['cumulativeSettlement', 'crownSettlement', 'soilPressure', 'waterPressure', 'concreteStress', 'temperature', 'humidity']],
  wasteGasMonitor: ['wastePoint', ['nh3', 'h2s', 'pm25', 'pm10', 'tvoc', 'hcho', 'co2']],
  sewageQualityAnalyzer: ['sewagePlant', ['ph', 'orp', 'conductivity', 'temperature', 'turbidity']],
  transferStationMonitor: ['wasteTransferStation', ['compressorOn']],
  crowdCounter: ['crowdedPlace', ['headcount']],
  waterloggingMonitor: ['waterloggingPoint', ['depth']],
};
const FACILITY_TYPES = [...new Set([...Object.values(DEVICE_TYPES).map(([facility]) => facility), 'gasPipeline', 'roadSegment'])];
/** Readings that straddle the limits the template's formulas test (pH 6–9, NH₃ 5 ppm, H₂S 1 ppm, PM2.5 75, settlement 20 mm). */
const RANGES: Readonly<Record<string, readonly [number, number]>> = { ph: [4, 11], nh3: [0, 10], h2s: [0, 2], pm25: [10, 150], pm10: [20, 300], cumulativeSettlement: [0, 40] };
const ALARM_STATUSES = ['active', 'acknowledged', 'handling', 'resolved', 'closed', 'falseAlarm'] as const;
const RULES = ['bridge-strain-spike', 'offline-bridgeStaticMonitor', 'tunnel-settlement', 'gas-leak-lel'];

/** A small deterministic generator: the same rows on every run and both dialects. */
function generator(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

async function insertMonitoring(tenantId: string, seed: number, strangers: { facilityId: string; caseId: string }) {
  const random = generator(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
  const now = t.clock.now().getTime();
  const districts = [await t.orgId('demo-dh'), await t.orgId('demo-xl'), null];
  const when = (days: number) => new Date(now - Math.floor(random() * days * 24) * HOUR);
  const db = t.app.db.t;
  const entities = Array.from({ length: 60 }, (_, i) => ({
    id: newId(), tenantId, typeKey: pick(FACILITY_TYPES), code: `F${seed}-${i}`, name: `设施 ${i}`, orgId: null, gridId: null, districtOrgId: pick(districts),
    status: pick(['normal', 'normal', 'maintenance', 'retired'] as const), geometry: { type: 'Point' as const, coordinates: [117, 36.6] as [number, number] }, lng: 117, lat: 36.6,
    // Attributes of the wrong JSON type read as null, in SQL as in memory.
    attributes: { riskLevel: pick(['重大风险', '较大风险', '一般风险', '低风险', 3]), length: pick([120, 2480.5, 900, '12']), scale: pick(['特大桥', '大桥', '中桥']), bridgeType: pick(['梁桥', '斜拉桥']), ...(random() < 0.7 ? { videoCovered: pick([true, false, 'yes']) } : {}) },
    createdAt: when(60), updatedAt: new Date(now),
  }));
  const devices = Array.from({ length: 120 }, (_, i) => {
    const typeKey = pick(Object.keys(DEVICE_TYPES));
    const fitting = entities.filter((e) => e.typeKey === DEVICE_TYPES[typeKey]![0]);
    const entityId = random() < 0.1 ? strangers.facilityId : random() < 0.15 ? null : random() < 0.8 && fitting.length ? pick(fitting).id : pick(entities).id;
    return {
      id: newId(), tenantId, code: `D${seed}-${i}`, typeKey, entityId, orgId: null, gridId: null, districtOrgId: pick(districts), lng: 117, lat: 36.6,
      status: pick(['active', 'active', 'maintenance', 'retired'] as const), lastSeenAt: random() < 0.2 ? null : when(8), createdAt: when(60), updatedAt: new Date(now),
    };
  });
  const cases = Array.from({ length: 10 }, (_, i) => ({
    id: newId(), tenantId, caseNumber: `AL${seed}-${i}`, source: 'sensor', categoryCode: 'E04003', categoryKind: 'event' as const, title: 'x', description: 'x',
    gridId: null, orgId: null, districtOrgId: null, responsibleUnitId: null, status: pick(['dispatched', 'closed'] as const), deadlineHours: 24, dueAt: null,
    processInstanceId: newId(), reportedAt: when(30), closedAt: random() < 0.5 ? when(10) : null, updatedAt: new Date(now),
  }));
  const alarms = Array.from({ length: 120 }, (_, i) => {
    const raisedAt = when(45);
    const later = () => (random() < 0.5 ? new Date(raisedAt.getTime() + Math.floor(random() * 6 * HOUR)) : null);
    const status = pick(ALARM_STATUSES);
    const device = random() < 0.8 ? pick(devices) : null;
    return {
      id: newId(), tenantId, ruleKey: pick(RULES), ruleVersion: 1, ruleName: 'rule', severity: 1 + Math.floor(random() * 4), highestSeverity: 1 + Math.floor(random() * 2),
      status, sourceKind: 'device' as const, sourceCode: `S${seed}-${i}`, deviceId: device?.id ?? null,
      facilityId: random() < 0.05 ? strangers.facilityId : device?.entityId ?? (random() < 0.5 ? pick(entities).id : null),
      module: pick(['bridge', 'tunnel', 'gas', null]), lng: null, lat: null, orgId: null, districtOrgId: pick(districts), gridId: null, value: null, values: {}, message: 'm',
      raisedAt, acknowledgedAt: later(), clearedAt: later(), resolvedAt: status === 'resolved' || status === 'closed' ? later() ?? raisedAt : null, closedAt: status === 'closed' ? new Date(now) : null,
      falseAlarm: status === 'falseAlarm', caseId: random() < 0.3 ? pick(cases).id : random() < 0.05 ? strangers.caseId : null,
      processPending: false, processAttempts: 0, version: 1, updatedAt: new Date(now),
    };
  });
  const dayStart = (ms: number) => Math.floor((ms + 8 * HOUR) / DAY) * DAY - 8 * HOUR;
  const buckets = new Map<string, typeof db.telemetryRollups.$inferInsert>();
  for (let i = 0; i < 1500; i++) {
    // A few readings of a device the city does not have (deleted, or another city's by mistake).
    const device = random() < 0.03 ? { id: newId(), typeKey: 'gasLeakDetector' } : pick(devices);
    const metric = pick(DEVICE_TYPES[device.typeKey]![1]);
    const bucket = random() < 0.85 ? 'day' as const : 'hour' as const;
    const bucketStart = bucket === 'day' ? dayStart(when(70).getTime()) : Math.floor(when(70).getTime() / HOUR) * HOUR;
    const count = random() < 0.03 ? 0 : 1 + Math.floor(random() * 288);
    const [low, high] = RANGES[metric] ?? [0, 100];
    const min = Math.round((low + random() * (high - low) * 0.8) * 10) / 10;
    const max = Math.min(high, Math.round((min + random() * (high - low) * 0.3) * 10) / 10);
    buckets.set(`${device.id}/${metric}/${bucket}/${bucketStart}`, { deviceId: device.id, metric, bucket, bucketStart, tenantId, count, sum: count * (min + max) / 2, min, max });
  }
  await t.app.db.transaction(async (tx) => {
    await tx.insert(db.entities).values(entities);
    await tx.insert(db.devices).values(devices);
    await tx.insert(db.cases).values(cases);
    await tx.insert(db.alarms).values(alarms);
    await tx.insert(db.telemetryRollups).values([...buckets.values()]);
  });
}

/** The city's rows as each dataset shows them, joined in JavaScript (same city only). */
async function loadRows(tenantId: string): Promise<Rows> {
  const db = t.app.db.t;
  const read = t.app.db.read;
  const entities = await read.select().from(db.entities).where(eq(db.entities.tenantId, tenantId));
  const devices = await read.select().from(db.devices).where(eq(db.devices.tenantId, tenantId));
  const cases = new Map((await read.select().from(db.cases).where(eq(db.cases.tenantId, tenantId))).map((c) => [c.id, c]));
  const entityById = new Map(entities.map((e) => [e.id, e]));
  const deviceById = new Map(devices.map((d) => [d.id, d]));
  const typed = (value: unknown, kind: 'string' | 'number' | 'boolean') => (typeof value === kind ? value as ExprValue : null);
  const live = (entityId: string) => devices.filter((d) => d.entityId === entityId && d.status !== 'retired');
  const newest = (dates: (Date | null)[]) => dates.reduce<Date | null>((best, d) => (d && (!best || d > best) ? d : best), null);
  return {
    devices: devices.map((d) => ({
      id: d.id, code: d.code, type: d.typeKey, status: d.status, facilityId: d.entityId, facilityType: (d.entityId && entityById.get(d.entityId)?.typeKey) ?? null,
      gridId: d.gridId, districtId: d.districtOrgId, unitId: d.orgId, lastSeen: d.lastSeenAt, createdAt: d.createdAt,
    })),
    facilities: entities.map((e) => ({
      id: e.id, code: e.code, type: e.typeKey, status: e.status, gridId: e.gridId, districtId: e.districtOrgId, unitId: e.orgId, createdAt: e.createdAt,
      riskLevel: typed(e.attributes.riskLevel, 'string'), length: typed(e.attributes.length, 'number'), scale: typed(e.attributes.scale, 'string'),
      bridgeType: typed(e.attributes.bridgeType, 'string'), videoCovered: typed(e.attributes.videoCovered, 'boolean'),
      deviceCount: live(e.id).length, lastSeen: newest(live(e.id).map((d) => d.lastSeenAt)),
    })),
    alarms: (await read.select().from(db.alarms).where(eq(db.alarms.tenantId, tenantId))).map((a) => {
      const own = a.caseId ? cases.get(a.caseId) : undefined;
      return {
        id: a.id, rule: a.ruleKey, severity: a.severity, highestSeverity: a.highestSeverity, status: a.status, sourceKind: a.sourceKind, deviceId: a.deviceId,
        facilityId: a.facilityId, facilityType: (a.facilityId && entityById.get(a.facilityId)?.typeKey) ?? null, module: a.module, gridId: a.gridId,
        districtId: a.districtOrgId, unitId: a.orgId, raisedAt: a.raisedAt, acknowledgedAt: a.acknowledgedAt, clearedAt: a.clearedAt, resolvedAt: a.resolvedAt,
        closedAt: a.closedAt, falseAlarm: a.falseAlarm, caseId: a.caseId, caseStatus: own?.status ?? null, caseClosedAt: own?.closedAt ?? null,
      };
    }),
    telemetryDaily: (await read.select().from(db.telemetryRollups).where(eq(db.telemetryRollups.tenantId, tenantId))).filter((r) => r.bucket === 'day').map((r) => {
      const device = deviceById.get(r.deviceId);
      return {
        deviceId: r.deviceId, deviceType: device?.typeKey ?? null, deviceStatus: device?.status ?? null, facilityId: device?.entityId ?? null,
        facilityType: (device?.entityId && entityById.get(device.entityId)?.typeKey) ?? null, metric: r.metric, day: new Date(r.bucketStart),
        count: r.count, min: r.min, max: r.max, sum: r.sum, avg: r.count ? r.sum / r.count : null,
        gridId: device?.gridId ?? null, districtId: device?.districtOrgId ?? null, unitId: device?.orgId ?? null,
      };
    }),
  };
}

const period = () => periodContaining('month', t.clock.now());
const variables = (p = period()) => ({ period: { start: p.start, end: p.end, kind: p.kind }, since: new Date(t.clock.now().getTime() - 7 * DAY) });
const variableTypes = { period: PERIOD_TYPE, since: types.datetime };
const context = () => ({ now: () => t.clock.now() });

function inMemory(formula: string, rows: Rows, vars = variables()): ExprValue {
  const datasets = Object.fromEntries(Object.keys(rows).map((name) => [name, datasetType(DATASET_SPECS[name]!)]));
  return compile(formula, { environment: createEnvironment({ variables: { ...variableTypes, ...datasets } }) }).evaluate({ ...vars, ...rows }, context());
}

async function inSql(formula: string, tenantId: string, vars = variables(), groupBy?: 'district') {
  const plan = planOver(t.app, formula, { variables: createEnvironment({ variables: variableTypes }) });
  expect(plan.aggregates.length).toBeGreaterThan(0);
  return computePlan(t.app, tenantId, plan, { variables: vars, context: context(), ...(groupBy ? { groupBy } : {}) });
}

function expectSame(actual: ExprValue | undefined, expected: ExprValue) {
  if (typeof expected === 'number') expect(actual).toBeCloseTo(expected, 9);
  else expect(actual).toEqual(expected);
}

beforeAll(async () => {
  t = await createTestApp();
  // Late in March, so this month and the last both have a few weeks of data.
  t.clock.set(new Date('2026-03-20T02:00:00Z'));
  demo = await t.tenantId('demo');
  other = await t.tenantId('other');
  // Rows of the other city that demo rows point at by mistake: a join must never reach them.
  const strangers = { facilityId: newId(), caseId: newId() };
  await insertMonitoring(other, 11, { facilityId: newId(), caseId: newId() });
  await t.app.db.transaction(async (tx) => {
    await tx.insert(t.app.db.t.entities).values({ id: strangers.facilityId, tenantId: other, typeKey: 'bridge', code: 'STRANGER', name: '外市桥梁', orgId: null, gridId: null, districtOrgId: null, status: 'normal', geometry: { type: 'Point', coordinates: [118, 36.8] }, lng: 118, lat: 36.8, attributes: {}, createdAt: t.clock.now(), updatedAt: t.clock.now() });
    await tx.insert(t.app.db.t.cases).values({ id: strangers.caseId, tenantId: other, caseNumber: 'STRANGER', source: 'sensor', categoryCode: 'E04003', categoryKind: 'event', title: 'x', description: 'x', gridId: null, orgId: null, districtOrgId: null, responsibleUnitId: null, status: 'closed', deadlineHours: 24, dueAt: null, processInstanceId: newId(), reportedAt: t.clock.now(), closedAt: t.clock.now(), updatedAt: t.clock.now() });
  });
  await insertMonitoring(demo, 7, strangers);
  memory.set(demo, await loadRows(demo));
  memory.set(other, await loadRows(other));
});

afterAll(() => t.close());

const FORMULAS = [
  'COUNT(alarms)',
  'COUNT(alarms, a => a.status in ["resolved", "closed"] || a.caseStatus == "closed")',
  'PERCENT(COUNT(alarms, a => a.facilityType == "bridge" && a.status in ["resolved", "closed"]), COUNT(alarms, a => a.facilityType == "bridge" && a.status != "falseAlarm"))',
  'COUNT(alarms, a => a.falseAlarm) + COUNT(alarms, a => !a.falseAlarm) * 1000',
  'COUNT(alarms, a => a.acknowledgedAt - a.raisedAt <= 2h)',
  'COUNT(alarms, a => a.clearedAt - a.raisedAt > 1h || a.clearedAt == null)',
  'MAX(MAP(alarms, a => a.severity)) + MIN(MAP(alarms, a => a.highestSeverity))',
  'COUNT_DISTINCT(alarms, a => a.deviceId)',
  'COUNT(alarms, a => a.caseId != null && a.caseStatus == null)',
  'COUNT(alarms, a => a.facilityId != null && a.facilityType == null)',
  'MAX(MAP(FILTER(alarms, a => a.caseClosedAt != null), a => a.caseClosedAt))',
  'COUNT(alarms, a => a.raisedAt >= since && a.module == "bridge" && a.rule not in ["offline-bridgeStaticMonitor"])',
  'COUNT(devices, d => d.facilityType == "bridge")',
  'COUNT(devices, d => d.facilityId != null && d.facilityType == null)',
  'COUNT_DISTINCT(FILTER(devices, d => d.facilityType in ["gasAdjacentSpace", "tunnel"]), d => d.facilityId)',
  'PERCENT(COUNT(devices, d => d.status != "retired" && d.lastSeen > IF(period.end < NOW(), period.end, NOW()) - 72h), COUNT(devices, d => d.status != "retired"))',
  'COUNT(facilities, f => f.deviceCount > 0)',
  'SUM(facilities, f => f.deviceCount)',
  'SUM(FILTER(facilities, f => f.type == "gasPipeline"), f => f.length) / 1000',
  'AVG(facilities, f => f.length)',
  'COUNT(facilities, f => f.riskLevel == "重大风险") * 100 + COUNT(facilities, f => f.riskLevel == null)',
  'COUNT(facilities, f => f.videoCovered == true) * 100 + COUNT(facilities, f => f.videoCovered == null)',
  'COUNT(facilities, f => f.videoCovered)',
  'COUNT(facilities, f => f.lastSeen > NOW() - 72h)',
  'MAX(MAP(facilities, f => f.lastSeen))',
  'COUNT(facilities, f => f.scale in ["特大桥", "大桥"] || f.bridgeType in ["斜拉桥"])',
  'COUNT(telemetryDaily)',
  'COUNT(telemetryDaily, r => r.metric == "ph" && r.min >= 6 && r.max <= 9)',
  'AVG(telemetryDaily, r => r.avg)',
  'SUM(telemetryDaily, r => r.count)',
  'COUNT(telemetryDaily, r => r.avg == null)',
  'MAX(MAP(FILTER(telemetryDaily, r => r.facilityType == "tunnel"), r => r.max))',
  'COUNT(telemetryDaily, r => r.day >= period.start && r.day < period.end)',
  'MAX(MAP(telemetryDaily, r => r.day))',
  'COUNT(telemetryDaily, r => r.deviceType == null)',
  'COUNT(telemetryDaily, r => r.deviceStatus == "retired")',
];

describe('monitoring datasets computed in the database', () => {
  it.each(FORMULAS)('given each city\'s monitoring rows, when %s is computed in SQL, then it equals the in-memory result', async (formula) => {
    for (const tenant of [demo, other]) expectSame((await inSql(formula, tenant)).values.get(null), inMemory(formula, memory.get(tenant)!));
  });

  it.each(['alarms', 'devices', 'facilities', 'telemetryDaily'])('given rows in two cities, when COUNT(%s) is computed for each, then each counts only its own', async (name) => {
    for (const tenant of [demo, other]) expect((await inSql(`COUNT(${name})`, tenant)).values.get(null)).toBe(memory.get(tenant)![name as keyof Rows].length);
  });

  it.each([
    'PERCENT(COUNT(alarms, a => a.status in ["resolved", "closed"]), COUNT(alarms, a => a.status != "falseAlarm"))',
    'COUNT(facilities, f => f.deviceCount > 0)',
    'COUNT(devices, d => d.lastSeen != null)',
    'AVG(telemetryDaily, r => r.max)',
  ])('given grouping by district, when %s is computed, then each district equals the in-memory result over its rows', async (formula) => {
    const rows = memory.get(demo)!;
    const result = await inSql(formula, demo, variables(), 'district');
    const name = (['alarms', 'facilities', 'devices', 'telemetryDaily'] as const).find((n) => formula.includes(`(${n}`))!;
    const districts = new Set(rows[name].map((row) => row.districtId as string | null));
    expect([...result.values.keys()].filter((key) => !districts.has(key))).toEqual([]);
    for (const district of districts) {
      const only = { ...rows, [name]: rows[name].filter((row) => row.districtId === district) };
      // A district none of whose rows counts is absent: its value is the formula over no rows.
      expectSame(result.values.has(district) ? result.values.get(district) : inMemory(formula, { ...rows, [name]: [] }), inMemory(formula, only));
    }
  });
});

describe('the template\'s real-time indicators (000 table 5.2.4) over these rows', () => {
  const dir = join(import.meta.dirname, '../../../templates/five-domains/indicators');
  const files = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { file: string }[]).map((f) => f.file);
  const items = files.flatMap((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { content: unknown }[])
    .map((entry) => indicatorContentSchema.parse(entry.content))
    .filter((content) => content.collection === 'realtime' && content.domain !== 'cases')
    .flatMap((content) => content.basis.flatMap((item) => (item.source === 'query' ? [[`${content.code} ${item.key}`, item.formula] as const] : [])));

  it('given the template, when its monitoring indicators are listed, then there are query basis items to compare', () => {
    expect(items.length).toBeGreaterThan(40);
  });

  it.each(items)('given %s, when computed in SQL for this month and the last, then it equals the in-memory result (and is not empty)', async (_name, formula) => {
    const values: ExprValue[] = [];
    for (const p of [period(), previousPeriod(period())]) {
      const value = (await inSql(formula, demo, variables(p))).values.get(null) ?? null;
      expectSame(value, inMemory(formula, memory.get(demo)!, variables(p)));
      values.push(value);
    }
    // The rows are made to reach every item: equal empty results would prove nothing.
    expect(values.some((value) => value !== null && value !== 0)).toBe(true);
  });

  const indicators = files.flatMap((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { content: unknown }[])
    .map((entry) => indicatorContentSchema.parse(entry.content))
    .filter((content) => content.collection === 'realtime' && content.domain !== 'cases')
    .map((content) => [content.code, content.basis.flatMap((item) => (item.source === 'query' ? [item.formula] : []))] as const);

  it.each(indicators)('given %s, when all its query items are computed together (one statement per dataset) for the city and by district, then each equals the in-memory result', async (_code, formulas) => {
    const plans = formulas.map((formula) => planOver(t.app, formula, { variables: createEnvironment({ variables: variableTypes }) }));
    const rows = memory.get(demo)!;
    const of = (district: string | null | undefined) => Object.fromEntries(Object.entries(rows).map(([name, list]) => [name, district === undefined ? [] : list.filter((row) => row.districtId === district)])) as Rows;
    const districts = new Set(Object.values(rows).flatMap((list) => list.map((row) => row.districtId as string | null)));
    for (const p of [period(), previousPeriod(period())]) {
      const city = await computePlans(t.app, demo, plans, { variables: variables(p), context: context() });
      const byDistrict = await computePlans(t.app, demo, plans, { variables: variables(p), context: context(), groupBy: 'district' });
      formulas.forEach((formula, i) => {
        expectSame(city[i]!.values.get(null), inMemory(formula, rows, variables(p)));
        for (const district of districts) {
          const got = byDistrict[i]!.values;
          // A district none of whose rows counts is absent: its value is the formula over no rows.
          expectSame(got.has(district) ? got.get(district) : inMemory(formula, of(undefined), variables(p)), inMemory(formula, of(district), variables(p)));
        }
      });
    }
  });
});
