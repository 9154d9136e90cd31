/**
 * The datasets indicator formulas aggregate over (docs/expressions.md §10): each is a table the
 * formula sees as a list of records, always narrowed to the computing city (the tenant filter
 * is added here, never left to the formula), with the columns a formula may read and the
 * regions it can be grouped by: cases, devices and facilities. Telemetry and alarms join with
 * the alarm work.
 */
import type { Column, SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { t, type ExprType } from '@tongguan/runtime/expr/index';
import type { DatasetSpec } from '@tongguan/runtime/expr/sql/plan';
import type { App } from '../app.server.ts';

/** What values are grouped by when a formula is computed per region. */
export type RegionLevel = 'district' | 'org' | 'grid' | 'unit';

export interface Dataset {
  readonly spec: DatasetSpec;
  readonly table: SQLiteTable;
  readonly tenantColumn: Column;
  readonly columns: Readonly<Record<string, Column | SQL>>;
  readonly regions: Readonly<Partial<Record<RegionLevel, Column>>>;
}

type CasesTable = App['db']['t']['cases'];

/** The cases dataset's fields: language name → type and column. */
const CASE_FIELDS = {
  id: [t.string, (c: CasesTable) => c.id],
  number: [t.string, (c: CasesTable) => c.caseNumber],
  source: [t.string, (c: CasesTable) => c.source],
  category: [t.string, (c: CasesTable) => c.categoryCode],
  categoryKind: [t.string, (c: CasesTable) => c.categoryKind],
  status: [t.string, (c: CasesTable) => c.status],
  gridId: [t.string, (c: CasesTable) => c.gridId],
  orgId: [t.string, (c: CasesTable) => c.orgId],
  districtId: [t.string, (c: CasesTable) => c.districtOrgId],
  unitId: [t.string, (c: CasesTable) => c.responsibleUnitId],
  deadlineHours: [t.number, (c: CasesTable) => c.deadlineHours],
  dueAt: [t.datetime, (c: CasesTable) => c.dueAt],
  reportedAt: [t.datetime, (c: CasesTable) => c.reportedAt],
  closedAt: [t.datetime, (c: CasesTable) => c.closedAt],
  registeredAt: [t.datetime, (c: CasesTable) => c.registeredAt],
  dispatchedAt: [t.datetime, (c: CasesTable) => c.dispatchedAt],
  handledAt: [t.datetime, (c: CasesTable) => c.handledAt],
  returns: [t.number, (c: CasesTable) => c.returnCount],
  reworks: [t.number, (c: CasesTable) => c.reworkCount],
  extensions: [t.number, (c: CasesTable) => c.extensionCount],
  supervisions: [t.number, (c: CasesTable) => c.supervisionCount],
} as const satisfies Record<string, readonly [ExprType, (c: CasesTable) => Column]>;

type DevicesTable = App['db']['t']['devices'];
type EntitiesTable = App['db']['t']['entities'];

/** The devices dataset: every registered device of the city (retired ones too: filter by status). */
const DEVICE_FIELDS = {
  id: [t.string, (d: DevicesTable) => d.id],
  code: [t.string, (d: DevicesTable) => d.code],
  type: [t.string, (d: DevicesTable) => d.typeKey],
  status: [t.string, (d: DevicesTable) => d.status],
  facilityId: [t.string, (d: DevicesTable) => d.entityId],
  gridId: [t.string, (d: DevicesTable) => d.gridId],
  districtId: [t.string, (d: DevicesTable) => d.districtOrgId],
  unitId: [t.string, (d: DevicesTable) => d.orgId],
  /** Time of the newest reading (to the minute); null when it never sent. Online = within 72 h (000 table 5.2.4, 2-2-2). */
  lastSeen: [t.datetime, (d: DevicesTable) => d.lastSeenAt],
  createdAt: [t.datetime, (d: DevicesTable) => d.createdAt],
} as const satisfies Record<string, readonly [ExprType, (d: DevicesTable) => Column]>;

/** The facilities dataset (设施). */
const FACILITY_FIELDS = {
  id: [t.string, (e: EntitiesTable) => e.id],
  code: [t.string, (e: EntitiesTable) => e.code],
  type: [t.string, (e: EntitiesTable) => e.typeKey],
  status: [t.string, (e: EntitiesTable) => e.status],
  gridId: [t.string, (e: EntitiesTable) => e.gridId],
  districtId: [t.string, (e: EntitiesTable) => e.districtOrgId],
  unitId: [t.string, (e: EntitiesTable) => e.orgId],
  createdAt: [t.datetime, (e: EntitiesTable) => e.createdAt],
} as const satisfies Record<string, readonly [ExprType, (e: EntitiesTable) => Column]>;

const specOf = (fields: Record<string, readonly [ExprType, unknown]>): DatasetSpec =>
  ({ fields: Object.fromEntries(Object.entries(fields).map(([name, [type]]) => [name, { type }])) });

/** What formulas may aggregate over, by name — static, so definitions can be checked without a database. */
export const DATASET_SPECS: Readonly<Record<string, DatasetSpec>> = {
  /** 案件: every case of the city, whatever its status. */
  cases: specOf(CASE_FIELDS),
  /** 监测设备. */
  devices: specOf(DEVICE_FIELDS),
  /** 设施. */
  facilities: specOf(FACILITY_FIELDS),
};

const byApp = new WeakMap<App['db'], Readonly<Record<string, Dataset>>>();

export function datasetsOf(app: App): Readonly<Record<string, Dataset>> {
  let datasets = byApp.get(app.db);
  if (datasets) return datasets;
  const c = app.db.t.cases;
  datasets = {
    cases: {
      spec: DATASET_SPECS.cases!, table: c, tenantColumn: c.tenantId,
      columns: Object.fromEntries(Object.entries(CASE_FIELDS).map(([name, [, column]]) => [name, column(c)])),
      regions: { district: c.districtOrgId, org: c.orgId, grid: c.gridId, unit: c.responsibleUnitId },
    },
    devices: {
      spec: DATASET_SPECS.devices!, table: app.db.t.devices, tenantColumn: app.db.t.devices.tenantId,
      columns: Object.fromEntries(Object.entries(DEVICE_FIELDS).map(([name, [, column]]) => [name, column(app.db.t.devices)])),
      regions: { district: app.db.t.devices.districtOrgId, grid: app.db.t.devices.gridId, unit: app.db.t.devices.orgId },
    },
    facilities: {
      spec: DATASET_SPECS.facilities!, table: app.db.t.entities, tenantColumn: app.db.t.entities.tenantId,
      columns: Object.fromEntries(Object.entries(FACILITY_FIELDS).map(([name, [, column]]) => [name, column(app.db.t.entities)])),
      regions: { district: app.db.t.entities.districtOrgId, grid: app.db.t.entities.gridId, unit: app.db.t.entities.orgId },
    },
  };
  byApp.set(app.db, datasets);
  return datasets;
}
