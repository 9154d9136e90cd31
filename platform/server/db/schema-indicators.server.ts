/**
 * Indicator values (指标值): one row per indicator × region × period, replaced when recomputed
 * (the unique key makes recomputation idempotent). Each keeps what it was computed from — the
 * definition version, every basis item's number and the data time — so a value can explain
 * itself. A value that could not be computed (no data, zero denominator) is stored as such.
 */
import type { SchemaKit } from './schema-kit.server.ts';

export function defineIndicatorSchema(k: SchemaKit) {
  const indicatorValues = k.table('indicator_values', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    /** The indicator definition's key (its code, e.g. 6-1-7). */
    indicatorKey: k.text('indicator_key').notNull(),
    definitionId: k.text('definition_id').notNull(),
    definitionVersion: k.int('definition_version').notNull(),
    /** city | district | grid | unit (responsible unit) */
    regionLevel: k.text('region_level').notNull(),
    /** The organisation or grid id; '' for the whole city (so the unique key holds on both dialects). */
    regionId: k.text('region_id').notNull(),
    periodKind: k.text('period_kind').notNull(),
    /** The period's first instant (Beijing time boundaries). */
    periodStart: k.timestamp('period_start').notNull(),
    periodEnd: k.timestamp('period_end').notNull(),
    /** Null when there is no data; `status` says so. */
    value: k.real('value'),
    status: k.text('status').$type<'ok' | 'noData'>().notNull(),
    /** Basis key → its number (null = no data). */
    inputs: k.json<Record<string, number | null>>('inputs').notNull(),
    computedAt: k.timestamp('computed_at').notNull(),
    computedBy: k.text('computed_by'),
  }, (t) => [
    k.uniqueIndex('indicator_values_uq').on(t.tenantId, t.indicatorKey, t.regionLevel, t.regionId, t.periodKind, t.periodStart),
  ]);

  /**
   * 平台上报: the numbers a department reports for a reported indicator's input items, one per
   * indicator × region × period, counted only once approved. Resubmitting replaces a pending or
   * rejected report; an approved one stays.
   */
  const indicatorReports = k.table('indicator_reports', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    indicatorKey: k.text('indicator_key').notNull(),
    definitionVersion: k.int('definition_version').notNull(),
    regionLevel: k.text('region_level').notNull(),
    /** '' for the whole city. */
    regionId: k.text('region_id').notNull(),
    periodKind: k.text('period_kind').notNull(),
    periodStart: k.timestamp('period_start').notNull(),
    values: k.json<Record<string, number>>('values').notNull(),
    status: k.text('status').$type<'submitted' | 'approved' | 'rejected'>().notNull(),
    submittedBy: k.text('submitted_by').notNull(),
    submittedAt: k.timestamp('submitted_at').notNull(),
    reviewedBy: k.text('reviewed_by'),
    reviewedAt: k.timestamp('reviewed_at'),
    reviewComment: k.text('review_comment'),
  }, (t) => [
    k.uniqueIndex('indicator_reports_uq').on(t.tenantId, t.indicatorKey, t.regionLevel, t.regionId, t.periodKind, t.periodStart),
    k.index('indicator_reports_status_idx').on(t.tenantId, t.status),
  ]);

  /**
   * 实地考察: one task per randomly sampled evaluation grid (评价网格) of an inspection indicator's
   * period; the inspector records evaluation points (评价点位) in the grid, each with its
   * checklist answers and where it was. Done tasks feed the indicator's value.
   */
  const inspectionTasks = k.table('inspection_tasks', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    indicatorKey: k.text('indicator_key').notNull(),
    basisKey: k.text('basis_key').notNull(),
    periodKind: k.text('period_kind').notNull(),
    periodStart: k.timestamp('period_start').notNull(),
    gridId: k.text('grid_id').notNull(),
    /** The grid's organisation (data scope: inspectors of that street or community). */
    orgId: k.text('org_id').notNull(),
    districtOrgId: k.text('district_org_id'),
    checklist: k.json<string[]>('checklist').notNull(),
    /** 评价点位: the least number of points to record, from the indicator when drawn (null: 1). */
    minPoints: k.int('min_points'),
    status: k.text('status').$type<'open' | 'done'>().notNull(),
    points: k.json<{ name: string; lng: number; lat: number; checks: Record<string, boolean>; note?: string; photoIds?: string[] }[]>('points'),
    /** The inspector the task is distributed to (null: any inspector whose data scope covers the grid). */
    assigneeId: k.text('assignee_id'),
    assignedAt: k.timestamp('assigned_at'),
    createdAt: k.timestamp('created_at').notNull(),
    createdBy: k.text('created_by').notNull(),
    completedAt: k.timestamp('completed_at'),
    completedBy: k.text('completed_by'),
  }, (t) => [
    k.uniqueIndex('inspection_tasks_uq').on(t.tenantId, t.indicatorKey, t.basisKey, t.periodKind, t.periodStart, t.gridId),
    k.index('inspection_tasks_org_idx').on(t.tenantId, t.orgId, t.status),
    k.index('inspection_tasks_assignee_idx').on(t.tenantId, t.assigneeId, t.status),
  ]);
  return { indicatorValues, indicatorReports, inspectionTasks };
}
