/**
 * The datasets indicator formulas aggregate over (docs/expressions.md §10): each is a table the
 * formula sees as a list of records, always narrowed to the computing city (the tenant filter
 * is added here, never left to the formula), with the columns a formula may read and the
 * regions it can be grouped by: cases, devices, facilities, alarms and daily telemetry.
 *
 * A dataset may left-join tables by primary key (one row each, same city) to read, say, the
 * facility type of a device, and may compute a column as SQL (a facility's attribute, the
 * newest reading of its devices). Identifiers come only from here, never from formula text.
 */
import { and, eq, sql, type Column, type SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { t, type ExprType } from '@tongguan/runtime/expr/index';
import type { DatasetSpec } from '@tongguan/runtime/expr/sql/plan';
import type { App } from '../app.server.ts';
import type { Dialect } from '../db/database.server.ts';

/** What values are grouped by when a formula is computed per region. */
export type RegionLevel = 'district' | 'org' | 'grid' | 'unit';

export interface DatasetJoin {
  readonly table: SQLiteTable;
  /** Joined by the table's primary key and the same city: at most one row per dataset row. */
  readonly on: SQL;
}

export interface Dataset {
  readonly spec: DatasetSpec;
  readonly table: SQLiteTable;
  readonly tenantColumn: Column;
  /** Rows of the table that belong to the dataset besides the city filter (e.g. daily buckets only). */
  readonly scope?: SQL;
  readonly joins?: readonly DatasetJoin[];
  readonly columns: Readonly<Record<string, Column | SQL>>;
  readonly regions: Readonly<Partial<Record<RegionLevel, Column>>>;
}

type Tables = App['db']['t'];
/** A field: its type in the language and its SQL, given the tables and the dialect. */
type Field = readonly [ExprType, (tables: Tables, dialect: Dialect) => Column | SQL];

/** The cases dataset's fields: language name → type and column. */
const CASE_FIELDS = {
  id: [t.string, ({ cases: c }) => c.id],
  number: [t.string, ({ cases: c }) => c.caseNumber],
  source: [t.string, ({ cases: c }) => c.source],
  category: [t.string, ({ cases: c }) => c.categoryCode],
  categoryKind: [t.string, ({ cases: c }) => c.categoryKind],
  status: [t.string, ({ cases: c }) => c.status],
  gridId: [t.string, ({ cases: c }) => c.gridId],
  orgId: [t.string, ({ cases: c }) => c.orgId],
  districtId: [t.string, ({ cases: c }) => c.districtOrgId],
  unitId: [t.string, ({ cases: c }) => c.responsibleUnitId],
  deadlineHours: [t.number, ({ cases: c }) => c.deadlineHours],
  dueAt: [t.datetime, ({ cases: c }) => c.dueAt],
  reportedAt: [t.datetime, ({ cases: c }) => c.reportedAt],
  closedAt: [t.datetime, ({ cases: c }) => c.closedAt],
  registeredAt: [t.datetime, ({ cases: c }) => c.registeredAt],
  dispatchedAt: [t.datetime, ({ cases: c }) => c.dispatchedAt],
  handledAt: [t.datetime, ({ cases: c }) => c.handledAt],
  returns: [t.number, ({ cases: c }) => c.returnCount],
  reworks: [t.number, ({ cases: c }) => c.reworkCount],
  extensions: [t.number, ({ cases: c }) => c.extensionCount],
  supervisions: [t.number, ({ cases: c }) => c.supervisionCount],
} as const satisfies Record<string, Field>;

/** The devices dataset: every registered device of the city (retired ones too: filter by status). */
const DEVICE_FIELDS = {
  id: [t.string, ({ devices: d }) => d.id],
  code: [t.string, ({ devices: d }) => d.code],
  type: [t.string, ({ devices: d }) => d.typeKey],
  status: [t.string, ({ devices: d }) => d.status],
  facilityId: [t.string, ({ devices: d }) => d.entityId],
  /** The type of the facility it is installed on (joined); null when on none. */
  facilityType: [t.string, ({ entities: e }) => e.typeKey],
  gridId: [t.string, ({ devices: d }) => d.gridId],
  districtId: [t.string, ({ devices: d }) => d.districtOrgId],
  unitId: [t.string, ({ devices: d }) => d.orgId],
  /** Time of the newest reading (to the minute); null when it never sent. Online = within 72 h (000 table 5.2.4, 2-2-2). */
  lastSeen: [t.datetime, ({ devices: d }) => d.lastSeenAt],
  createdAt: [t.datetime, ({ devices: d }) => d.createdAt],
} as const satisfies Record<string, Field>;

/** A facility's attribute as its declared type, null when it is absent or of another JSON type. */
function attribute(key: string, kind: 'string' | 'number' | 'boolean'): Field[1] {
  // The key is a literal of this file, never formula text.
  if (!/^[A-Za-z]\w*$/.test(key)) throw new Error(`bad attribute key ${key}`);
  return ({ entities: e }, dialect) => {
    if (dialect === 'postgres') {
      const json = { string: 'string', number: 'number', boolean: 'boolean' }[kind];
      const value = { string: sql`${e.attributes} ->> '${sql.raw(key)}'`, number: sql`CAST(${e.attributes} ->> '${sql.raw(key)}' AS DOUBLE PRECISION)`, boolean: sql`CAST(${e.attributes} ->> '${sql.raw(key)}' AS BOOLEAN)` }[kind];
      return sql`(CASE WHEN jsonb_typeof(${e.attributes} -> '${sql.raw(key)}') = '${sql.raw(json)}' THEN ${value} END)`;
    }
    const types = { string: `'text'`, number: `'integer', 'real'`, boolean: `'true', 'false'` }[kind];
    return sql`(CASE WHEN json_type(${e.attributes}, '$.${sql.raw(key)}') IN (${sql.raw(types)}) THEN json_extract(${e.attributes}, '$.${sql.raw(key)}') END)`;
  };
}

/** Devices installed on the facility and not retired. */
const ownDevices = ({ devices: d, entities: e }: Tables) => sql`${d.entityId} = ${e.id} AND ${d.tenantId} = ${e.tenantId} AND ${d.status} <> 'retired'`;

/** The facilities dataset (设施), with the attributes the standard's indicators read and what its devices say. */
const FACILITY_FIELDS = {
  id: [t.string, ({ entities: e }) => e.id],
  code: [t.string, ({ entities: e }) => e.code],
  type: [t.string, ({ entities: e }) => e.typeKey],
  status: [t.string, ({ entities: e }) => e.status],
  gridId: [t.string, ({ entities: e }) => e.gridId],
  districtId: [t.string, ({ entities: e }) => e.districtOrgId],
  unitId: [t.string, ({ entities: e }) => e.orgId],
  createdAt: [t.datetime, ({ entities: e }) => e.createdAt],
  /** 风险等级 of pipelines and adjacent spaces (000 table 5.2.4 2-1-1, 2-3-2). */
  riskLevel: [t.string, attribute('riskLevel', 'string')],
  /** 长度 in metres (pipelines, roads, tunnels). */
  length: [t.number, attribute('length', 'number')],
  /** 桥梁规模 and 桥梁类型 (1-2-3: 大桥和特殊结构桥梁). */
  scale: [t.string, attribute('scale', 'string')],
  bridgeType: [t.string, attribute('bridgeType', 'string')],
  /** 已部署视频监控 of crowded places (5-2-1). */
  videoCovered: [t.boolean, attribute('videoCovered', 'boolean')],
  /** Devices installed on it and not retired (a facility with one is monitored). */
  deviceCount: [t.number, (tables) => sql`(SELECT COUNT(*) FROM ${tables.devices} WHERE ${ownDevices(tables)})`],
  /** The newest reading of any of those devices; null when none has sent. */
  lastSeen: [t.datetime, (tables) => sql`(SELECT MAX(${tables.devices.lastSeenAt}) FROM ${tables.devices} WHERE ${ownDevices(tables)})`],
} as const satisfies Record<string, Field>;

/** The alarms dataset (报警, 000 §4.2.4 item 3): every alarm raised in the city, with its facility's type and its case. */
const ALARM_FIELDS = {
  id: [t.string, ({ alarms: a }) => a.id],
  rule: [t.string, ({ alarms: a }) => a.ruleKey],
  /** 1 (一级) … 4 (四级); `highestSeverity` is the highest it reached. */
  severity: [t.number, ({ alarms: a }) => a.severity],
  highestSeverity: [t.number, ({ alarms: a }) => a.highestSeverity],
  /** active, acknowledged, handling, resolved, closed, falseAlarm. */
  status: [t.string, ({ alarms: a }) => a.status],
  sourceKind: [t.string, ({ alarms: a }) => a.sourceKind],
  deviceId: [t.string, ({ alarms: a }) => a.deviceId],
  facilityId: [t.string, ({ alarms: a }) => a.facilityId],
  facilityType: [t.string, ({ entities: e }) => e.typeKey],
  /** The monitoring module (000 §4.2.4) of the device or facility type. */
  module: [t.string, ({ alarms: a }) => a.module],
  gridId: [t.string, ({ alarms: a }) => a.gridId],
  districtId: [t.string, ({ alarms: a }) => a.districtOrgId],
  unitId: [t.string, ({ alarms: a }) => a.orgId],
  raisedAt: [t.datetime, ({ alarms: a }) => a.raisedAt],
  acknowledgedAt: [t.datetime, ({ alarms: a }) => a.acknowledgedAt],
  clearedAt: [t.datetime, ({ alarms: a }) => a.clearedAt],
  resolvedAt: [t.datetime, ({ alarms: a }) => a.resolvedAt],
  closedAt: [t.datetime, ({ alarms: a }) => a.closedAt],
  falseAlarm: [t.boolean, ({ alarms: a }) => a.falseAlarm],
  caseId: [t.string, ({ alarms: a }) => a.caseId],
  /** The status and closing time of the case the alarm started or joined (joined); null without one. */
  caseStatus: [t.string, ({ cases: c }) => c.status],
  caseClosedAt: [t.datetime, ({ cases: c }) => c.closedAt],
} as const satisfies Record<string, Field>;

/**
 * Daily telemetry (telemetry_rollups, Beijing-time days): one row per device × metric × day with
 * the day's count, minimum, maximum, sum and average. Kept beyond raw retention, and a closed
 * period's rows no longer change, so a value computed again for it is the same.
 */
const DAILY_FIELDS = {
  deviceId: [t.string, ({ telemetryRollups: r }) => r.deviceId],
  deviceType: [t.string, ({ devices: d }) => d.typeKey],
  deviceStatus: [t.string, ({ devices: d }) => d.status],
  facilityId: [t.string, ({ devices: d }) => d.entityId],
  facilityType: [t.string, ({ entities: e }) => e.typeKey],
  metric: [t.string, ({ telemetryRollups: r }) => r.metric],
  /** The day's start (Beijing midnight). */
  day: [t.datetime, ({ telemetryRollups: r }, dialect) => epochMs(r.bucketStart, dialect)],
  count: [t.number, ({ telemetryRollups: r }) => r.count],
  min: [t.number, ({ telemetryRollups: r }) => r.min],
  max: [t.number, ({ telemetryRollups: r }) => r.max],
  sum: [t.number, ({ telemetryRollups: r }) => r.sum],
  avg: [t.number, ({ telemetryRollups: r }) => sql`(${r.sum} / NULLIF(${r.count}, 0))`],
  gridId: [t.string, ({ devices: d }) => d.gridId],
  districtId: [t.string, ({ devices: d }) => d.districtOrgId],
  unitId: [t.string, ({ devices: d }) => d.orgId],
} as const satisfies Record<string, Field>;

/** Epoch milliseconds (telemetry's integer time) as the dialect's instant: SQLite keeps instants as milliseconds too. */
function epochMs(column: Column, dialect: Dialect): Column | SQL {
  return dialect === 'postgres' ? sql`to_timestamp(${column} / 1000.0)` : column;
}

const specOf = (fields: Record<string, Field>): DatasetSpec =>
  ({ fields: Object.fromEntries(Object.entries(fields).map(([name, [type]]) => [name, { type }])) });

/** What formulas may aggregate over, by name — static, so definitions can be checked without a database. */
export const DATASET_SPECS: Readonly<Record<string, DatasetSpec>> = {
  /** 案件: every case of the city, whatever its status. */
  cases: specOf(CASE_FIELDS),
  /** 监测设备. */
  devices: specOf(DEVICE_FIELDS),
  /** 设施. */
  facilities: specOf(FACILITY_FIELDS),
  /** 报警. */
  alarms: specOf(ALARM_FIELDS),
  /** 遥测日统计. */
  telemetryDaily: specOf(DAILY_FIELDS),
};

const columnsOf = (fields: Record<string, Field>, tables: Tables, dialect: Dialect) =>
  Object.fromEntries(Object.entries(fields).map(([name, [, column]]) => [name, column(tables, dialect)]));

/** Joins `table` by its id to `column`, within the row's city. */
const byId = (table: Tables['entities'] | Tables['devices'] | Tables['cases'], column: Column, tenantColumn: Column): DatasetJoin =>
  ({ table, on: and(eq(table.id, column), eq(table.tenantId, tenantColumn))! });

const byApp = new WeakMap<App['db'], Readonly<Record<string, Dataset>>>();

export function datasetsOf(app: App): Readonly<Record<string, Dataset>> {
  let datasets = byApp.get(app.db);
  if (datasets) return datasets;
  const tables = app.db.t;
  const { cases: c, devices: d, entities: e, alarms: a, telemetryRollups: r } = tables;
  const dialect = app.db.dialect;
  datasets = {
    cases: {
      spec: DATASET_SPECS.cases!, table: c, tenantColumn: c.tenantId, columns: columnsOf(CASE_FIELDS, tables, dialect),
      regions: { district: c.districtOrgId, org: c.orgId, grid: c.gridId, unit: c.responsibleUnitId },
    },
    devices: {
      spec: DATASET_SPECS.devices!, table: d, tenantColumn: d.tenantId, joins: [byId(e, d.entityId, d.tenantId)],
      columns: columnsOf(DEVICE_FIELDS, tables, dialect),
      regions: { district: d.districtOrgId, grid: d.gridId, unit: d.orgId },
    },
    facilities: {
      spec: DATASET_SPECS.facilities!, table: e, tenantColumn: e.tenantId, columns: columnsOf(FACILITY_FIELDS, tables, dialect),
      regions: { district: e.districtOrgId, grid: e.gridId, unit: e.orgId },
    },
    alarms: {
      spec: DATASET_SPECS.alarms!, table: a, tenantColumn: a.tenantId, joins: [byId(e, a.facilityId, a.tenantId), byId(c, a.caseId, a.tenantId)],
      columns: columnsOf(ALARM_FIELDS, tables, dialect),
      regions: { district: a.districtOrgId, grid: a.gridId, unit: a.orgId },
    },
    telemetryDaily: {
      // A literal, not a parameter: the partial index of daily buckets (telemetry_rollups_day_idx) must see that it applies.
      spec: DATASET_SPECS.telemetryDaily!, table: r, tenantColumn: r.tenantId, scope: sql`${r.bucket} = 'day'`,
      // The device's current place and facility: a moved device's past days count where it is now.
      joins: [byId(d, r.deviceId, r.tenantId), byId(e, d.entityId, r.tenantId)],
      columns: columnsOf(DAILY_FIELDS, tables, dialect),
      regions: { district: d.districtOrgId, grid: d.gridId, unit: d.orgId },
    },
  };
  byApp.set(app.db, datasets);
  return datasets;
}
