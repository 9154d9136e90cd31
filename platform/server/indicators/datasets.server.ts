/**
 * The datasets indicator formulas aggregate over (docs/expressions.md §10): each is a table the
 * formula sees as a list of records, always narrowed to the computing city (the tenant filter
 * is added here, never left to the formula), with the columns a formula may read and the
 * regions it can be grouped by. Entities, devices and telemetry join this registry with the
 * device issue; cases are here now.
 */
import type { Column, SQL } from 'drizzle-orm';
import type { SQLiteTable } from 'drizzle-orm/sqlite-core';
import { t, type ExprType } from '@tongguan/runtime/expr/index';
import type { DatasetSpec } from '@tongguan/runtime/expr/sql/plan';
import type { App } from '../app.server.ts';

/** What values are grouped by when a formula is computed per region. */
export type RegionLevel = 'district' | 'org' | 'grid';

export interface Dataset {
  readonly spec: DatasetSpec;
  readonly table: SQLiteTable;
  readonly tenantColumn: Column;
  readonly columns: Readonly<Record<string, Column | SQL>>;
  readonly regions: Readonly<Partial<Record<RegionLevel, Column>>>;
}

function dataset(table: SQLiteTable, tenantColumn: Column, fields: Record<string, { column: Column | SQL; type: ExprType }>, regions: Dataset['regions']): Dataset {
  return {
    spec: { fields: Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, { type: field.type }])) },
    table, tenantColumn,
    columns: Object.fromEntries(Object.entries(fields).map(([name, field]) => [name, field.column])),
    regions,
  };
}

const byApp = new WeakMap<App['db'], Readonly<Record<string, Dataset>>>();

export function datasetsOf(app: App): Readonly<Record<string, Dataset>> {
  let datasets = byApp.get(app.db);
  if (datasets) return datasets;
  const c = app.db.t.cases;
  datasets = {
    /** 案件: every case of the city, whatever its status. */
    cases: dataset(c, c.tenantId, {
      id: { column: c.id, type: t.string },
      number: { column: c.caseNumber, type: t.string },
      source: { column: c.source, type: t.string },
      category: { column: c.categoryCode, type: t.string },
      categoryKind: { column: c.categoryKind, type: t.string },
      status: { column: c.status, type: t.string },
      gridId: { column: c.gridId, type: t.string },
      orgId: { column: c.orgId, type: t.string },
      districtId: { column: c.districtOrgId, type: t.string },
      unitId: { column: c.responsibleUnitId, type: t.string },
      deadlineHours: { column: c.deadlineHours, type: t.number },
      dueAt: { column: c.dueAt, type: t.datetime },
      reportedAt: { column: c.reportedAt, type: t.datetime },
      closedAt: { column: c.closedAt, type: t.datetime },
    }, { district: c.districtOrgId, org: c.orgId, grid: c.gridId }),
  };
  byApp.set(app.db, datasets);
  return datasets;
}
