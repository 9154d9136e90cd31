/**
 * Monitoring data: facilities (entities of an entityType), devices (of a deviceType, linked to a
 * facility), telemetry and what ingestion refused.
 *
 * Telemetry is the one high-volume table. Its time is epoch milliseconds as a plain integer on
 * both dialects (`epochMs`), so hour/day buckets are the same arithmetic in SQL everywhere; one
 * unique index (device, metric, ts) is both the dedupe rule (a resent reading is ignored) and the
 * history lookup. `seq` orders rows by arrival for the incremental rollup job (decision 007).
 */
import { sql } from 'drizzle-orm';
import type { SchemaKit } from './schema-kit.server.ts';

export type GeoJsonGeometry =
  | { type: 'Point'; coordinates: [number, number] }
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] };

export const ENTITY_STATUSES = ['normal', 'maintenance', 'retired'] as const;
export const DEVICE_STATUSES = ['active', 'maintenance', 'retired'] as const;
/** Why ingestion refused a message or a reading (counted per device, shown on 设备管理). */
export const INGEST_REJECTIONS = ['malformedJson', 'invalidMessage', 'unknownDevice', 'badToken', 'deviceRetired', 'unknownMetric', 'notNumeric', 'outOfRange', 'badTimestamp'] as const;
export type IngestRejection = (typeof INGEST_REJECTIONS)[number];

export function defineDeviceSchema(k: SchemaKit) {
  /** 设施: one row per facility; common typed columns plus the attributes its type declares. */
  const entities = k.table('entities', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    typeKey: k.text('type_key').notNull(),
    code: k.text('code').notNull(),
    name: k.text('name').notNull(),
    /** The maintaining organisation (权属/养护单位). */
    orgId: k.text('org_id'),
    /** Resolved from the location: the unit grid and its district (data scope, regions). */
    gridId: k.text('grid_id'),
    districtOrgId: k.text('district_org_id'),
    status: k.text('status').$type<(typeof ENTITY_STATUSES)[number]>().notNull(),
    /** WGS-84 / CGCS2000; the representative point is also in lng/lat for map queries. */
    geometry: k.json<GeoJsonGeometry>('geometry').notNull(),
    lng: k.real('lng').notNull(),
    lat: k.real('lat').notNull(),
    attributes: k.json<Record<string, unknown>>('attributes').notNull(),
    createdAt: k.timestamp('created_at').notNull(),
    updatedAt: k.timestamp('updated_at').notNull(),
  }, (t) => [
    k.uniqueIndex('entities_code_uq').on(t.tenantId, t.code),
    k.index('entities_type_idx').on(t.tenantId, t.typeKey),
    k.index('entities_district_idx').on(t.tenantId, t.districtOrgId),
  ]);

  /** 监测设备. The token is shown once when issued; only its SHA-256 is kept. */
  const devices = k.table('devices', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    code: k.text('code').notNull(),
    typeKey: k.text('type_key').notNull(),
    entityId: k.text('entity_id'),
    orgId: k.text('org_id'),
    gridId: k.text('grid_id'),
    districtOrgId: k.text('district_org_id'),
    lng: k.real('lng').notNull(),
    lat: k.real('lat').notNull(),
    installedOn: k.text('installed_on'),
    status: k.text('status').$type<(typeof DEVICE_STATUSES)[number]>().notNull(),
    tokenHash: k.text('token_hash'),
    /** Per-device alarm thresholds (`threshold.tiltMax` in alarm conditions), e.g. set at installation; null: none. */
    thresholds: k.json<Record<string, number>>('thresholds'),
    /** Time of the newest reading (to the minute: ingestion writes it when it moves on by a minute or more). */
    lastSeenAt: k.timestamp('last_seen_at'),
    createdAt: k.timestamp('created_at').notNull(),
    updatedAt: k.timestamp('updated_at').notNull(),
  }, (t) => [
    k.uniqueIndex('devices_code_uq').on(t.tenantId, t.code),
    k.index('devices_entity_idx').on(t.entityId),
    k.index('devices_type_idx').on(t.tenantId, t.typeKey),
    k.uniqueIndex('devices_token_uq').on(t.tokenHash),
  ]);

  /** Every accepted reading, once. */
  const telemetry = k.table('telemetry', {
    seq: k.serial('seq'),
    tenantId: k.text('tenant_id').notNull(),
    deviceId: k.text('device_id').notNull(),
    metric: k.text('metric').notNull(),
    ts: k.epochMs('ts').notNull(),
    value: k.real('value').notNull(),
  }, (t) => [
    k.uniqueIndex('telemetry_device_metric_ts_uq').on(t.deviceId, t.metric, t.ts),
  ]);

  /** The newest reading per device × metric (the map, device pages and alarm state read this). */
  const telemetryLatest = k.table('telemetry_latest', {
    deviceId: k.text('device_id').notNull(),
    metric: k.text('metric').notNull(),
    tenantId: k.text('tenant_id').notNull(),
    ts: k.epochMs('ts').notNull(),
    value: k.real('value').notNull(),
  }, (t) => [k.primaryKey({ columns: [t.deviceId, t.metric] })]);

  /** Hourly and daily aggregates (Beijing-time days) for history charts beyond raw retention. */
  const telemetryRollups = k.table('telemetry_rollups', {
    deviceId: k.text('device_id').notNull(),
    metric: k.text('metric').notNull(),
    bucket: k.text('bucket').$type<'hour' | 'day'>().notNull(),
    bucketStart: k.epochMs('bucket_start').notNull(),
    tenantId: k.text('tenant_id').notNull(),
    count: k.int('count').notNull(),
    sum: k.real('sum').notNull(),
    min: k.real('min').notNull(),
    max: k.real('max').notNull(),
  }, (t) => [
    k.primaryKey({ columns: [t.deviceId, t.metric, t.bucket, t.bucketStart] }),
    // Indicators read a period's daily buckets of a device type's devices whatever the metric
    // (the telemetryDaily dataset): per device, straight to the period's days, past the hourly rows.
    k.index('telemetry_rollups_day_idx').on(t.deviceId, t.bucketStart).where(sql`bucket = 'day'`),
  ]);

  /**
   * What ingestion refused, counted per device code and reason. `tenant_id` is '' when the sender
   * could not be tied to a city (an HTTP token matching no device).
   */
  const ingestRejections = k.table('ingest_rejections', {
    tenantId: k.text('tenant_id').notNull(),
    deviceCode: k.text('device_code').notNull(),
    reason: k.text('reason').$type<IngestRejection>().notNull(),
    count: k.int('count').notNull(),
    lastAt: k.timestamp('last_at').notNull(),
    lastDetail: k.text('last_detail'),
  }, (t) => [k.primaryKey({ columns: [t.tenantId, t.deviceCode, t.reason] })]);

  /** How far a background job has got through an append-only table (the rollup job: the last telemetry `seq` rolled up). */
  const watermarks = k.table('watermarks', {
    name: k.text('name').primaryKey(),
    value: k.epochMs('value').notNull(),
  });

  return { entities, devices, telemetry, telemetryLatest, telemetryRollups, ingestRejections, watermarks };
}
