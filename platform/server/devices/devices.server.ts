/**
 * 设施与监测设备: facilities (entities of a published entityType) and the devices on them
 * (of a published deviceType). Both stand somewhere: the unit grid and district are resolved
 * from the location when saved, and data scope follows the maintaining unit, the grid and the
 * district. A device's token (for `POST /api/v1/telemetry`) is shown once when issued; only its
 * SHA-256 is kept.
 */
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gte, inArray, like, lte, or, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { checkAttributes, deviceTypeContentSchema, entityTypeContentSchema, type DeviceTypeContent, type EntityTypeContent } from '@tongguan/runtime/devices/definition';
import type { App, Actor } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import type { GeoJsonGeometry } from '../db/schema-devices.server.ts';
import { DEVICE_STATUSES, ENTITY_STATUSES } from '../db/schema-devices.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, conflict, fieldError, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import { gridContaining } from '../services/grids.server.ts';
import { districtOf } from '../services/organisations.server.ts';

const code = z.string().trim().min(1).max(64).regex(/^[\w.-]+$/, '#validation.definitionKey');
const lngLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const geometry = z.union([
  z.object({ type: z.literal('Point'), coordinates: lngLat }),
  z.object({ type: z.literal('LineString'), coordinates: z.array(lngLat).min(2).max(10_000) }),
  z.object({ type: z.literal('Polygon'), coordinates: z.array(z.array(lngLat).min(4).max(10_000)).min(1).max(100) }),
]);

export const facilityInput = z.object({
  code, name: z.string().trim().min(1).max(200), typeKey: z.string().min(1).max(80),
  orgId: z.string().max(64).nullish(),
  location: lngLat,
  geometry: geometry.optional(),
  status: z.enum(ENTITY_STATUSES).default('normal'),
  attributes: z.record(z.string(), z.unknown()).default({}),
});

/** Per-device alarm thresholds, read by alarm conditions as `threshold.<key>` (e.g. a cover's own tilt limit). */
const thresholds = z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,39}$/, '#validation.metricKey'), z.number())
  .refine((value) => Object.keys(value).length <= 50, '#validation.tooManyThresholds');

export const deviceInput = z.object({
  code, typeKey: z.string().min(1).max(80),
  facilityId: z.string().max(64).nullish(),
  orgId: z.string().max(64).nullish(),
  /** Absent: the facility's point. */
  location: lngLat.optional(),
  installedOn: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, '#validation.date').nullish(),
  status: z.enum(DEVICE_STATUSES).default('active'),
  thresholds: thresholds.optional(),
});
export const devicePatch = z.object({ status: z.enum(DEVICE_STATUSES).optional(), thresholds: thresholds.nullable().optional() })
  .refine((patch) => patch.status !== undefined || patch.thresholds !== undefined, { message: '#validation.inputRequired', path: ['status'] });

export const monitoringQuery = z.object({
  typeKey: z.string().max(80).optional(),
  module: z.string().max(40).optional(),
  districtId: z.string().max(64).optional(),
  facilityId: z.string().max(64).optional(),
  status: z.string().max(20).optional(),
  // Parsed again by the service after the router: the boolean it became passes too.
  online: z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]).optional(),
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
  offset: z.coerce.number().int().min(0).default(0),
});

export const telemetryQuery = z.object({
  metric: z.string().min(1).max(40),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  /** raw readings, or hourly / daily rollups (count, avg, min, max). */
  bucket: z.enum(['raw', 'hour', 'day']).default('raw'),
  limit: z.coerce.number().int().min(1).max(10_000).default(2000),
});

type FacilityRow = App['db']['t']['entities']['$inferSelect'];
type DeviceRow = App['db']['t']['devices']['$inferSelect'];

export interface FacilityOutput {
  id: string; code: string; name: string; typeKey: string; typeName: string | null; module: string | null; domain: string | null;
  orgId: string | null; gridId: string | null; districtOrgId: string | null; status: string;
  geometry: GeoJsonGeometry; lng: number; lat: number; attributes: Record<string, unknown>; createdAt: string; updatedAt: string;
}

export interface DeviceOutput {
  id: string; code: string; typeKey: string; typeName: string | null; module: string | null; facilityId: string | null;
  orgId: string | null; gridId: string | null; districtOrgId: string | null; lng: number; lat: number; installedOn: string | null;
  status: string; online: boolean; lastSeenAt: string | null; createdAt: string; thresholds: Record<string, number> | null;
  latest: Record<string, { value: number; ts: string }>;
}

export const hashDeviceToken = (token: string) => createHash('sha256').update(token).digest('hex');
const newDeviceToken = () => `tgd_${randomBytes(24).toString('base64url')}`;

/** Published device and facility types of a city, by key (latest version). */
export async function monitoringTypes(app: App, tenantId: string, db: Db = app.db.read): Promise<{ devices: Map<string, DeviceTypeContent & { version: number }>; facilities: Map<string, EntityTypeContent & { version: number }> }> {
  const def = app.db.t.definitions;
  const rows = await db.select({ kind: def.kind, key: def.key, version: def.version, content: def.content }).from(def)
    .where(and(eq(def.tenantId, tenantId), inArray(def.kind, ['deviceType', 'entityType']), eq(def.status, 'published'))).orderBy(desc(def.version));
  const devices = new Map<string, DeviceTypeContent & { version: number }>();
  const facilities = new Map<string, EntityTypeContent & { version: number }>();
  for (const row of rows) {
    if (row.kind === 'deviceType' && !devices.has(row.key)) {
      const parsed = deviceTypeContentSchema.safeParse(row.content);
      if (parsed.success) devices.set(row.key, { ...parsed.data, version: row.version });
    } else if (row.kind === 'entityType' && !facilities.has(row.key)) {
      const parsed = entityTypeContentSchema.safeParse(row.content);
      if (parsed.success) facilities.set(row.key, { ...parsed.data, version: row.version });
    }
  }
  return { devices, facilities };
}

/** Rows of `table` the actor may read as `subject`: its maintaining unit, its district, or its grid (or the grid's organisation) in scope. */
function scopeOf(app: App, actor: Actor, subject: 'Facility' | 'Device', columns: { orgId: AnyColumn; districtOrgId: AnyColumn; gridId: AnyColumn }) {
  const g = app.db.t.grids;
  return accessibleWhere(actor.principal.ability, 'read', subject, {
    orgIds: (operator, value) => {
      if (operator !== 'in' && operator !== 'eq') throw new AppError('forbidden');
      const ids = (Array.isArray(value) ? value : [value]) as string[];
      if (!ids.length) return sql`1 = 0`;
      return or(
        inArray(columns.orgId, ids), inArray(columns.districtOrgId, ids),
        inArray(columns.gridId, app.db.read.select({ id: g.id }).from(g).where(inArray(g.orgId, ids))),
      ) as SQL;
    },
    gridId: columns.gridId,
  });
}

async function recordOf(app: App, row: { orgId: string | null; districtOrgId: string | null; gridId: string | null }, db: Db = app.db.read) {
  const g = app.db.t.grids;
  const gridOrg = row.gridId ? (await db.select({ orgId: g.orgId }).from(g).where(eq(g.id, row.gridId)))[0]?.orgId : undefined;
  return { orgIds: [row.orgId, row.districtOrgId, gridOrg].filter((id): id is string => !!id), gridId: row.gridId };
}

async function placeOf(app: App, tx: Db, tenantId: string, point: [number, number]) {
  const grid = await gridContaining(app, tenantId, { lng: point[0], lat: point[1] }, undefined, tx);
  return { gridId: grid?.id ?? null, districtOrgId: grid ? await districtOf(app, tenantId, grid.orgId, tx) : null };
}

async function assertOrg(app: App, tx: Db, tenantId: string, orgId: string | null | undefined): Promise<void> {
  if (!orgId) return;
  const o = app.db.t.organisations;
  const [org] = await tx.select({ id: o.id }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.id, orgId)));
  if (!org) throw fieldError('orgId', '#validation.unknownOrg');
}

function toFacility(row: FacilityRow, type: EntityTypeContent | undefined): FacilityOutput {
  return {
    id: row.id, code: row.code, name: row.name, typeKey: row.typeKey, typeName: type?.name ?? null, module: type?.module ?? null, domain: type?.domain ?? null,
    orgId: row.orgId, gridId: row.gridId, districtOrgId: row.districtOrgId, status: row.status, geometry: row.geometry, lng: row.lng, lat: row.lat,
    attributes: row.attributes, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

function isOnline(lastSeenAt: Date | null, type: DeviceTypeContent | undefined, now: Date): boolean {
  return !!lastSeenAt && now.getTime() - lastSeenAt.getTime() <= (type?.offlineAfterHours ?? 72) * 3_600_000;
}

function toDevice(row: DeviceRow, type: DeviceTypeContent | undefined, now: Date, latest: DeviceOutput['latest'] = {}): DeviceOutput {
  return {
    id: row.id, code: row.code, typeKey: row.typeKey, typeName: type?.name ?? null, module: type?.module ?? null, facilityId: row.entityId,
    orgId: row.orgId, gridId: row.gridId, districtOrgId: row.districtOrgId, lng: row.lng, lat: row.lat, installedOn: row.installedOn,
    status: row.status, online: isOnline(row.lastSeenAt, type, now), lastSeenAt: row.lastSeenAt?.toISOString() ?? null, createdAt: row.createdAt.toISOString(),
    thresholds: row.thresholds, latest,
  };
}

export async function listFacilities(app: App, actor: Actor, raw: unknown = {}): Promise<{ items: FacilityOutput[]; total: number }> {
  assertCan(actor, 'read', 'Facility');
  const query = parseInput(monitoringQuery, raw);
  const e = app.db.t.entities;
  const { tenantId } = actor.principal;
  const types = (await monitoringTypes(app, tenantId)).facilities;
  const typeKeys = query.module ? [...types].filter(([, t]) => t.module === query.module).map(([k]) => k) : undefined;
  const where = and(
    eq(e.tenantId, tenantId), scopeOf(app, actor, 'Facility', e),
    query.typeKey ? eq(e.typeKey, query.typeKey) : undefined,
    typeKeys ? (typeKeys.length ? inArray(e.typeKey, typeKeys) : sql`1 = 0`) : undefined,
    query.districtId ? eq(e.districtOrgId, query.districtId) : undefined,
    query.status ? eq(e.status, query.status as FacilityRow['status']) : undefined,
    query.q ? or(like(e.name, `%${query.q}%`), like(e.code, `%${query.q}%`)) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    app.db.read.select().from(e).where(where).orderBy(asc(e.code)).limit(query.limit).offset(query.offset),
    app.db.read.select({ n: sql<number>`count(*)` }).from(e).where(where),
  ]);
  return { items: rows.map((row) => toFacility(row, types.get(row.typeKey))), total: Number(total?.n ?? 0) };
}

export async function getFacility(app: App, actor: Actor, id: string): Promise<FacilityOutput & { devices: DeviceOutput[] }> {
  assertCan(actor, 'read', 'Facility');
  const { tenantId } = actor.principal;
  const e = app.db.t.entities;
  const [row] = await app.db.read.select().from(e).where(and(eq(e.tenantId, tenantId), eq(e.id, id)));
  if (!row) throw notFound('facility');
  assertCan(actor, 'read', 'Facility', await recordOf(app, row));
  const types = await monitoringTypes(app, tenantId);
  const devices = await listDevices(app, actor, { facilityId: id, limit: 5000 }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'forbidden') return { items: [] };
    throw error;
  });
  return { ...toFacility(row, types.facilities.get(row.typeKey)), devices: devices.items };
}

export async function createFacility(app: App, actor: Actor, raw: unknown): Promise<FacilityOutput> {
  assertCan(actor, 'create', 'Facility');
  const input = parseInput(facilityInput, raw);
  const { tenantId } = actor.principal;
  const now = app.now();
  const id = newId();
  const row = await app.db.transaction(async (tx) => {
    const type = (await monitoringTypes(app, tenantId, tx)).facilities.get(input.typeKey);
    if (!type) throw fieldError('typeKey', '#validation.unknownType');
    const problems = checkAttributes(type, input.attributes);
    if (problems.length) throw new AppError('validation_failed', {}, { fields: problems.map((p) => ({ field: `attributes.${p.key}`, message: p.message })) });
    await assertOrg(app, tx, tenantId, input.orgId);
    const e = app.db.t.entities;
    const [clash] = await tx.select({ id: e.id }).from(e).where(and(eq(e.tenantId, tenantId), eq(e.code, input.code)));
    if (clash) throw conflict('facility', input.code);
    const row: FacilityRow = {
      id, tenantId, typeKey: input.typeKey, code: input.code, name: input.name, orgId: input.orgId ?? null, ...(await placeOf(app, tx, tenantId, input.location)),
      status: input.status, geometry: input.geometry ?? { type: 'Point', coordinates: input.location }, lng: input.location[0], lat: input.location[1],
      attributes: input.attributes, createdAt: now, updatedAt: now,
    };
    // Creating is scoped too: a district's staff may not place a facility in another district.
    assertCan(actor, 'create', 'Facility', await recordOf(app, row, tx));
    await tx.insert(e).values(row);
    await auditAs(app, tx, actor, { action: 'create', objectType: 'facility', objectId: id, after: { ...row, createdAt: undefined, updatedAt: undefined } }, now);
    return row;
  });
  return toFacility(row, (await monitoringTypes(app, tenantId)).facilities.get(row.typeKey));
}

export async function listDevices(app: App, actor: Actor, raw: unknown = {}): Promise<{ items: DeviceOutput[]; total: number }> {
  assertCan(actor, 'read', 'Device');
  const query = parseInput(monitoringQuery, raw);
  const d = app.db.t.devices;
  const { tenantId } = actor.principal;
  const types = (await monitoringTypes(app, tenantId)).devices;
  const typeKeys = query.module ? [...types].filter(([, t]) => t.module === query.module).map(([k]) => k) : undefined;
  const now = app.now();
  // Online = data within the type's window (72 h by default); per type, since windows differ.
  const onlineWhere = query.online === undefined ? undefined : or(...[...types].map(([key, type]) => and(eq(d.typeKey, key),
    query.online ? gte(d.lastSeenAt, new Date(now.getTime() - type.offlineAfterHours * 3_600_000))
      : or(sql`${d.lastSeenAt} IS NULL`, lte(d.lastSeenAt, new Date(now.getTime() - type.offlineAfterHours * 3_600_000))))), query.online ? sql`1 = 0` : sql`${d.lastSeenAt} IS NULL`);
  const where = and(
    eq(d.tenantId, tenantId), scopeOf(app, actor, 'Device', d),
    query.typeKey ? eq(d.typeKey, query.typeKey) : undefined,
    typeKeys ? (typeKeys.length ? inArray(d.typeKey, typeKeys) : sql`1 = 0`) : undefined,
    query.districtId ? eq(d.districtOrgId, query.districtId) : undefined,
    query.facilityId ? eq(d.entityId, query.facilityId) : undefined,
    query.status ? eq(d.status, query.status as DeviceRow['status']) : undefined,
    query.q ? like(d.code, `%${query.q}%`) : undefined,
    onlineWhere,
  );
  const [rows, [total]] = await Promise.all([
    app.db.read.select().from(d).where(where).orderBy(asc(d.code)).limit(query.limit).offset(query.offset),
    app.db.read.select({ n: sql<number>`count(*)` }).from(d).where(where),
  ]);
  const latest = await latestOf(app, rows.map((r) => r.id));
  return { items: rows.map((row) => toDevice(row, types.get(row.typeKey), now, latest.get(row.id))), total: Number(total?.n ?? 0) };
}

async function latestOf(app: App, deviceIds: string[]): Promise<Map<string, DeviceOutput['latest']>> {
  const tl = app.db.t.telemetryLatest;
  const out = new Map<string, DeviceOutput['latest']>();
  for (let i = 0; i < deviceIds.length; i += 500) {
    const rows = await app.db.read.select().from(tl).where(inArray(tl.deviceId, deviceIds.slice(i, i + 500)));
    for (const r of rows) {
      let entry = out.get(r.deviceId);
      if (!entry) out.set(r.deviceId, entry = {});
      entry[r.metric] = { value: r.value, ts: new Date(r.ts).toISOString() };
    }
  }
  return out;
}

async function deviceRow(app: App, actor: Actor, id: string, action: 'read' | 'update', db: Db = app.db.read): Promise<DeviceRow> {
  const d = app.db.t.devices;
  const [row] = await db.select().from(d).where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.id, id)));
  if (!row) throw notFound('device');
  assertCan(actor, action, 'Device', await recordOf(app, row, db));
  return row;
}

export async function getDevice(app: App, actor: Actor, id: string): Promise<DeviceOutput & { metrics: DeviceTypeContent['metrics'] }> {
  assertCan(actor, 'read', 'Device');
  const row = await deviceRow(app, actor, id, 'read');
  const type = (await monitoringTypes(app, actor.principal.tenantId)).devices.get(row.typeKey);
  return { ...toDevice(row, type, app.now(), (await latestOf(app, [id])).get(id)), metrics: type?.metrics ?? [] };
}

export async function createDevice(app: App, actor: Actor, raw: unknown): Promise<{ device: DeviceOutput; token: string }> {
  assertCan(actor, 'create', 'Device');
  const input = parseInput(deviceInput, raw);
  const { tenantId } = actor.principal;
  const now = app.now();
  const token = newDeviceToken();
  const row = await app.db.transaction(async (tx) => {
    const types = await monitoringTypes(app, tenantId, tx);
    const type = types.devices.get(input.typeKey);
    if (!type) throw fieldError('typeKey', '#validation.unknownType');
    const e = app.db.t.entities;
    const facility = input.facilityId ? (await tx.select().from(e).where(and(eq(e.tenantId, tenantId), eq(e.id, input.facilityId))))[0] : undefined;
    if (input.facilityId && !facility) throw fieldError('facilityId', '#validation.unknownFacility');
    if (facility && type.facilityTypes.length && !type.facilityTypes.includes(facility.typeKey)) throw fieldError('facilityId', '#validation.facilityTypeNotAllowed');
    const location = input.location ?? (facility ? [facility.lng, facility.lat] as [number, number] : undefined);
    if (!location) throw fieldError('location', '#validation.locationRequired');
    await assertOrg(app, tx, tenantId, input.orgId);
    const d = app.db.t.devices;
    const [clash] = await tx.select({ id: d.id }).from(d).where(and(eq(d.tenantId, tenantId), eq(d.code, input.code)));
    if (clash) throw conflict('device', input.code);
    const row: DeviceRow = {
      id: newId(), tenantId, code: input.code, typeKey: input.typeKey, entityId: facility?.id ?? null, orgId: input.orgId ?? facility?.orgId ?? null,
      ...(await placeOf(app, tx, tenantId, location)), lng: location[0], lat: location[1], installedOn: input.installedOn ?? null, status: input.status,
      tokenHash: hashDeviceToken(token), thresholds: input.thresholds ?? null, lastSeenAt: null, createdAt: now, updatedAt: now,
    };
    assertCan(actor, 'create', 'Device', await recordOf(app, row, tx));
    await tx.insert(d).values(row);
    await auditAs(app, tx, actor, { action: 'create', objectType: 'device', objectId: row.id, after: { ...row, tokenHash: undefined, createdAt: undefined, updatedAt: undefined } }, now);
    return row;
  });
  app.devices.invalidate(tenantId);
  return { device: toDevice(row, (await monitoringTypes(app, tenantId)).devices.get(row.typeKey), now), token };
}

/** Issues a new token (the old one stops working at once). */
export async function issueDeviceToken(app: App, actor: Actor, id: string): Promise<{ token: string }> {
  assertCan(actor, 'update', 'Device');
  const token = newDeviceToken();
  await app.db.transaction(async (tx) => {
    const row = await deviceRow(app, actor, id, 'update', tx);
    await tx.update(app.db.t.devices).set({ tokenHash: hashDeviceToken(token), updatedAt: app.now() }).where(eq(app.db.t.devices.id, row.id));
    await auditAs(app, tx, actor, { action: 'update', objectType: 'device', objectId: id, detail: { token: 'issued' } });
  });
  app.devices.invalidate(actor.principal.tenantId);
  return { token };
}

export async function updateDevice(app: App, actor: Actor, id: string, raw: unknown): Promise<DeviceOutput> {
  assertCan(actor, 'update', 'Device');
  const patch = parseInput(devicePatch, raw);
  await app.db.transaction(async (tx) => {
    const before = await deviceRow(app, actor, id, 'update', tx);
    const after = { status: patch.status ?? before.status, thresholds: patch.thresholds === undefined ? before.thresholds : patch.thresholds };
    await tx.update(app.db.t.devices).set({ ...after, updatedAt: app.now() }).where(eq(app.db.t.devices.id, id));
    await auditAs(app, tx, actor, { action: 'update', objectType: 'device', objectId: id, before: { status: before.status, thresholds: before.thresholds }, after });
  });
  app.devices.invalidate(actor.principal.tenantId);
  return getDevice(app, actor, id);
}

/** A device's history of one metric: raw readings, or hourly/daily rollups. Oldest first. */
export async function deviceTelemetry(app: App, actor: Actor, id: string, raw: unknown): Promise<{ metric: string; bucket: string; points: { ts: string; value: number; min?: number; max?: number; count?: number }[] }> {
  assertCan(actor, 'read', 'Device');
  const query = parseInput(telemetryQuery, raw);
  await deviceRow(app, actor, id, 'read');
  const to = query.to ? Date.parse(query.to) : app.now().getTime();
  const from = query.from ? Date.parse(query.from) : to - 24 * 3_600_000;
  if (from > to) throw fieldError('from', '#validation.fromAfterTo');
  if (query.bucket === 'raw') {
    const tm = app.db.t.telemetry;
    const rows = await app.db.read.select({ ts: tm.ts, value: tm.value }).from(tm)
      .where(and(eq(tm.deviceId, id), eq(tm.metric, query.metric), gte(tm.ts, from), lte(tm.ts, to))).orderBy(desc(tm.ts)).limit(query.limit);
    return { metric: query.metric, bucket: 'raw', points: rows.reverse().map((r) => ({ ts: new Date(r.ts).toISOString(), value: r.value })) };
  }
  const ru = app.db.t.telemetryRollups;
  const rows = await app.db.read.select().from(ru)
    .where(and(eq(ru.deviceId, id), eq(ru.metric, query.metric), eq(ru.bucket, query.bucket), gte(ru.bucketStart, from), lte(ru.bucketStart, to))).orderBy(desc(ru.bucketStart)).limit(query.limit);
  return {
    metric: query.metric, bucket: query.bucket,
    points: rows.reverse().map((r) => ({ ts: new Date(r.bucketStart).toISOString(), value: r.sum / r.count, min: r.min, max: r.max, count: r.count })),
  };
}

/** What ingestion refused, per device and reason, most recent first (the city's devices, and unknown codes sent to it). */
export async function listRejections(app: App, actor: Actor): Promise<{ deviceCode: string; reason: string; count: number; lastAt: string; lastDetail: string | null }[]> {
  assertCan(actor, 'update', 'Device');
  const ir = app.db.t.ingestRejections;
  const rows = await app.db.read.select().from(ir).where(eq(ir.tenantId, actor.principal.tenantId)).orderBy(desc(ir.lastAt)).limit(1000);
  return rows.map((r) => ({ deviceCode: r.deviceCode, reason: r.reason, count: r.count, lastAt: r.lastAt.toISOString(), lastDetail: r.lastDetail }));
}

