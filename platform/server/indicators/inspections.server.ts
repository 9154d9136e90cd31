/**
 * 实地考察 (000 §5.2.7, table 5.2.8): for an inspection indicator's period, evaluation grids are
 * drawn at random in every district and each becomes a task; an inspector records evaluation
 * points in the grid — where each is and the checklist answers — and the done tasks give the
 * indicator its numbers (points passing every check, points inspected). A point outside its grid,
 * a checklist item left out or an answer that is not yes/no is refused naming the field.
 */
import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { indicatorContentSchema } from '@tongguan/runtime/indicators/definition';
import { parsePeriod, periodContaining, type Period, type PeriodKind } from '@tongguan/runtime/indicators/period';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, conflict, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import type { Db } from '../db/database.server.ts';
import { getPublished } from '../services/definitions.server.ts';
import { districtOf } from '../services/organisations.server.ts';
import { pointInPolygon } from '../../shared/schemas/geo.ts';
import { translate } from '../../shared/i18n/index.ts';

export const sampleInput = z.object({
  period: z.string().min(4).max(10),
  /** Evaluation grids drawn per district (all of a district's grids when it has fewer). */
  perDistrict: z.number().int().min(1).max(100),
});

export const resultsInput = z.object({
  points: z.array(z.object({
    name: z.string().min(1).max(100),
    location: z.object({ lng: z.number().min(73).max(136), lat: z.number().min(3).max(54) }),
    checks: z.record(z.string(), z.unknown()),
    note: z.string().max(500).optional(),
  })).min(1).max(200),
});

export const inspectionQuery = z.object({ status: z.enum(['open', 'done']).optional(), key: z.string().max(100).optional() });

type TaskRow = App['db']['t']['inspectionTasks']['$inferSelect'];

export interface InspectionTaskOutput {
  id: string; indicatorKey: string; basisKey: string; period: string; gridId: string; gridName: string | null; districtOrgId: string | null;
  checklist: string[]; status: TaskRow['status']; points: TaskRow['points']; createdAt: string; completedAt: string | null; completedBy: string | null;
}

/** Labelled by the task's own period kind: a later version of the indicator (or its retirement) does not relabel it. */
function toOutput(row: TaskRow, gridName: string | null): InspectionTaskOutput {
  return {
    id: row.id, indicatorKey: row.indicatorKey, basisKey: row.basisKey, period: periodContaining(row.periodKind as PeriodKind, row.periodStart).label, gridId: row.gridId, gridName,
    districtOrgId: row.districtOrgId, checklist: row.checklist, status: row.status, points: row.points, createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null, completedBy: row.completedBy,
  };
}

/** Fisher–Yates with a cryptographic source: nobody can predict which grids will be inspected. */
function sample<T>(items: T[], n: number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy.slice(0, n);
}

async function inspectionIndicator(app: App, tenantId: string, key: string, db: Db = app.db.read) {
  const definition = await getPublished(app, tenantId, 'indicator', key, undefined, db).catch(() => { throw notFound('indicator'); });
  const content = indicatorContentSchema.parse(definition.content);
  const items = content.basis.filter((item) => item.source === 'inspection');
  if (!items.length) throw new AppError('validation_failed', {}, { fields: [{ field: 'key', message: '#validation.notAnInspectionIndicator' }] });
  return { definition, content, items };
}

/** Draws the evaluation grids of a period and creates their tasks; grids already drawn are kept. */
export async function sampleInspections(app: App, actor: Actor, key: string, raw: unknown): Promise<InspectionTaskOutput[]> {
  assertCan(actor, 'update', 'Indicator');
  const input = parseInput(sampleInput, raw);
  const { tenantId, userId } = actor.principal;
  const { definition, content, items } = await inspectionIndicator(app, tenantId, key);
  const period = parsePeriod(content.period, input.period);
  if (!period) throw new AppError('validation_failed', {}, { fields: [{ field: 'period', message: '#validation.periodLabel' }] });
  const g = app.db.t.grids;
  const it = app.db.t.inspectionTasks;
  return app.db.transaction(async (tx) => {
    const grids = await tx.select({ id: g.id, name: g.name, orgId: g.orgId }).from(g).where(eq(g.tenantId, tenantId)).orderBy(asc(g.code));
    const byDistrict = new Map<string | null, typeof grids>();
    for (const grid of grids) {
      const district = await districtOf(app, tenantId, grid.orgId, tx);
      byDistrict.set(district, [...(byDistrict.get(district) ?? []), grid]);
    }
    const existing = await tx.select().from(it).where(and(eq(it.tenantId, tenantId), eq(it.indicatorKey, key), eq(it.periodKind, period.kind), eq(it.periodStart, period.start)));
    const now = app.now();
    const created: TaskRow[] = [];
    for (const [district, candidates] of byDistrict) {
      if (district === null) continue;
      const drawn = existing.filter((task) => task.districtOrgId === district).length;
      const fresh = candidates.filter((grid) => !existing.some((task) => task.gridId === grid.id));
      for (const grid of sample(fresh, Math.max(0, input.perDistrict - drawn / items.length))) {
        for (const item of items) {
          const row: TaskRow = {
            id: newId(), tenantId, indicatorKey: key, basisKey: item.key, periodKind: period.kind, periodStart: period.start, gridId: grid.id, orgId: grid.orgId,
            districtOrgId: district, checklist: item.checklist, status: 'open', points: null, createdAt: now, createdBy: userId, completedAt: null, completedBy: null,
          };
          await tx.insert(it).values(row);
          created.push(row);
        }
      }
    }
    await auditAs(app, tx, actor, {
      action: 'create', objectType: 'inspection', objectId: definition.id,
      detail: { key, period: period.label, perDistrict: input.perDistrict, tasks: created.map((task) => task.id) },
    }, now);
    const names = new Map(grids.map((grid) => [grid.id, grid.name]));
    return created.map((row) => toOutput(row, names.get(row.gridId) ?? null));
  });
}

/** Tasks the caller may work on or follow: those in grids within their data scope, newest first. */
export async function listInspectionTasks(app: App, actor: Actor, raw: unknown): Promise<InspectionTaskOutput[]> {
  assertCan(actor, 'read', 'Grid');
  const query = parseInput(inspectionQuery, raw);
  const { tenantId } = actor.principal;
  const it = app.db.t.inspectionTasks;
  const g = app.db.t.grids;
  // The grids in scope first, so the limit applies to what the caller may see.
  const grids = (await app.db.read.select({ id: g.id, orgId: g.orgId, name: g.name }).from(g).where(eq(g.tenantId, tenantId)))
    .filter((grid) => can(actor, 'read', 'Grid', { id: grid.id, orgId: grid.orgId }));
  if (!grids.length) return [];
  const names = new Map(grids.map((grid) => [grid.id, grid.name]));
  const rows = await app.db.read.select().from(it).where(and(
    eq(it.tenantId, tenantId), inArray(it.gridId, [...names.keys()]),
    query.status ? eq(it.status, query.status) : undefined, query.key ? eq(it.indicatorKey, query.key) : undefined,
  )).orderBy(desc(it.createdAt), asc(it.id)).limit(1000);
  return rows.map((row) => toOutput(row, names.get(row.gridId) ?? null));
}

/** Records the evaluation points of an open task (an inspector of the grid, on the spot). */
export async function submitInspection(app: App, actor: Actor, id: string, raw: unknown): Promise<InspectionTaskOutput> {
  assertCan(actor, 'create', 'Indicator');
  // Field inspection is the 监督员's: the districts it scores report their own data, but may not inspect themselves.
  if (!actor.principal.positions.includes('inspector')) throw new AppError('forbidden');
  const input = parseInput(resultsInput, raw);
  const { tenantId, userId } = actor.principal;
  const it = app.db.t.inspectionTasks;
  const g = app.db.t.grids;
  return app.db.transaction(async (tx) => {
    const [row] = await tx.select({ task: it, grid: g }).from(it).innerJoin(g, eq(g.id, it.gridId)).where(and(eq(it.tenantId, tenantId), eq(it.id, id)));
    if (!row || !can(actor, 'read', 'Grid', { id: row.task.gridId, orgId: row.task.orgId })) throw notFound('inspection');
    const { task, grid } = row;
    if (task.status !== 'open') throw conflict('inspection', 'the inspection is already done');
    const fields: { field: string; message: string }[] = [];
    const say = (key: string) => translate(actor.locale, key as never);
    const points = input.points.map((point, i) => {
      if (!pointInPolygon([point.location.lng, point.location.lat], grid.geometry)) fields.push({ field: `points.${i}.location`, message: say('validation.outsideGrid') });
      const checks: Record<string, boolean> = {};
      for (const item of task.checklist) {
        const answer = point.checks[item];
        if (typeof answer !== 'boolean') fields.push({ field: `points.${i}.checks.${item}`, message: say('validation.inputRequired') });
        else checks[item] = answer;
      }
      for (const item of Object.keys(point.checks)) if (!task.checklist.includes(item)) fields.push({ field: `points.${i}.checks.${item}`, message: say('validation.notAChecklistItem') });
      return { name: point.name, lng: point.location.lng, lat: point.location.lat, checks, ...(point.note ? { note: point.note } : {}) };
    });
    if (fields.length) throw new AppError('validation_failed', {}, { fields });
    const now = app.now();
    // Only while still open: of two inspectors submitting at once (PostgreSQL), one wins and the other gets 409.
    const updated = await tx.update(it).set({ status: 'done', points, completedAt: now, completedBy: userId })
      .where(and(eq(it.id, id), eq(it.status, 'open'))).returning({ id: it.id });
    if (!updated.length) throw conflict('inspection', 'the inspection is already done');
    await auditAs(app, tx, actor, { action: 'update', objectType: 'inspection', objectId: id, before: { status: 'open' }, after: { status: 'done', points } }, now);
    return toOutput({ ...task, status: 'done', points, completedAt: now, completedBy: userId }, grid.name);
  });
}

/** Per district: evaluation points of the period's done tasks that passed every check, and all of them. */
export async function inspectionTallies(app: App, tx: Db, tenantId: string, key: string, basisKey: string, period: Period): Promise<Map<string, { passed: number; total: number }>> {
  const it = app.db.t.inspectionTasks;
  const rows = await tx.select({ districtOrgId: it.districtOrgId, points: it.points }).from(it).where(and(
    eq(it.tenantId, tenantId), eq(it.indicatorKey, key), eq(it.basisKey, basisKey), eq(it.periodKind, period.kind), eq(it.periodStart, period.start), eq(it.status, 'done'),
  ));
  const tallies = new Map<string, { passed: number; total: number }>();
  for (const row of rows) {
    if (!row.districtOrgId) continue;
    const tally = tallies.get(row.districtOrgId) ?? { passed: 0, total: 0 };
    for (const point of row.points ?? []) {
      tally.total += 1;
      if (Object.values(point.checks).every(Boolean)) tally.passed += 1;
    }
    tallies.set(row.districtOrgId, tally);
  }
  return tallies;
}

/** One task the caller may work on (its grid within their data scope), with the grid to draw. */
export async function getInspectionTask(app: App, actor: Actor, id: string): Promise<{ task: InspectionTaskOutput; grid: { id: string; code: string; name: string; geometry: TaskGrid['geometry'] } }> {
  assertCan(actor, 'read', 'Grid');
  const { tenantId } = actor.principal;
  const it = app.db.t.inspectionTasks;
  const g = app.db.t.grids;
  const [row] = await app.db.read.select({ task: it, grid: g }).from(it).innerJoin(g, eq(g.id, it.gridId)).where(and(eq(it.tenantId, tenantId), eq(it.id, id)));
  if (!row || !can(actor, 'read', 'Grid', { id: row.task.gridId, orgId: row.task.orgId })) throw notFound('inspection');
  return { task: toOutput(row.task, row.grid.name), grid: { id: row.grid.id, code: row.grid.code, name: row.grid.name, geometry: row.grid.geometry } };
}

type TaskGrid = App['db']['t']['grids']['$inferSelect'];
