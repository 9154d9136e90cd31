/**
 * 实地考察 (000 §5.2.7, table 5.2.8; 001 §4.1.4 item 4 评价任务管理): for an inspection
 * indicator's period, evaluation grids are drawn at random in every district and each becomes a
 * task, distributed to the inspector of the grid with the fewest open tasks (reassignable by an
 * administrator); the inspector records evaluation points in the grid — where each is, the
 * checklist answers and photos — and the done tasks give the indicator its numbers (points passing
 * every check, points inspected). A point outside its grid, a checklist item left out, an answer
 * that is not yes/no or a photo that is not the inspector's own upload is refused naming the field.
 */
import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { indicatorContentSchema } from '@tongguan/runtime/indicators/definition';
import { parsePeriod, periodContaining, type Period, type PeriodKind } from '@tongguan/runtime/indicators/period';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, conflict, fieldError, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import type { Db } from '../db/database.server.ts';
import { getPublished } from '../services/definitions.server.ts';
import { districtOf } from '../services/organisations.server.ts';
import { pointInPolygon } from '../../shared/schemas/geo.ts';
import { MAX_POINT_PHOTOS } from '../../shared/schemas/inspection.ts';
import { translate } from '../../shared/i18n/index.ts';
import { resolvePrincipal, type Principal } from '../auth/principal.server.ts';
import { insertNotifications, recipientsOf } from '../services/notifications.server.ts';
import { linkAttachments } from '../services/attachments.server.ts';

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
    /** Photos of the point, uploaded first through POST /api/v1/attachments. */
    photoIds: z.array(z.string().min(1).max(64)).max(MAX_POINT_PHOTOS).optional(),
  })).min(1).max(200),
});

export const assignInput = z.object({ assigneeId: z.string().min(1).max(64).nullable() });

export const inspectionQuery = z.object({
  status: z.enum(['open', 'done']).optional(), key: z.string().max(100).optional(),
  /** `me`: only the tasks distributed to the caller. */
  assignee: z.enum(['me']).optional(),
});

type TaskRow = App['db']['t']['inspectionTasks']['$inferSelect'];

export interface InspectionTaskOutput {
  id: string; indicatorKey: string; basisKey: string; period: string; gridId: string; gridName: string | null; districtOrgId: string | null;
  checklist: string[]; minPoints: number; status: TaskRow['status']; points: TaskRow['points']; createdAt: string; completedAt: string | null; completedBy: string | null;
  assigneeId: string | null; assigneeName: string | null; assignedAt: string | null;
}

/** Labelled by the task's own period kind: a later version of the indicator (or its retirement) does not relabel it. */
function toOutput(row: TaskRow, gridName: string | null, names: ReadonlyMap<string, string>): InspectionTaskOutput {
  return {
    id: row.id, indicatorKey: row.indicatorKey, basisKey: row.basisKey, period: periodContaining(row.periodKind as PeriodKind, row.periodStart).label, gridId: row.gridId, gridName,
    districtOrgId: row.districtOrgId, checklist: row.checklist, minPoints: row.minPoints ?? 1, status: row.status, points: row.points, createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null, completedBy: row.completedBy,
    assigneeId: row.assigneeId, assigneeName: row.assigneeId ? names.get(row.assigneeId) ?? null : null, assignedAt: row.assignedAt?.toISOString() ?? null,
  };
}

/** Display names of the people tasks are distributed to. */
async function assigneeNames(app: App, tenantId: string, rows: readonly TaskRow[], db: Db = app.db.read): Promise<Map<string, string>> {
  const ids = [...new Set(rows.map((row) => row.assigneeId).filter((id): id is string => id !== null))];
  if (!ids.length) return new Map();
  const u = app.db.t.users;
  const people = await db.select({ id: u.id, displayName: u.displayName }).from(u).where(and(eq(u.tenantId, tenantId), inArray(u.id, ids)));
  return new Map(people.map((p) => [p.id, p.displayName]));
}

interface Inspector { id: string; displayName: string; principal: Principal }

/** The city's active inspectors (监督员), each with what they may do, to judge which grids they can take. */
async function inspectorsOf(app: App, tenantId: string): Promise<Inspector[]> {
  const ids = await recipientsOf(app, tenantId, { positions: ['inspector'] });
  if (!ids.length) return [];
  const u = app.db.t.users;
  const rows = await app.db.read.select({ id: u.id, tenantId: u.tenantId, username: u.username, displayName: u.displayName, authVersion: u.authVersion })
    .from(u).where(and(eq(u.tenantId, tenantId), inArray(u.id, ids))).orderBy(asc(u.username));
  return Promise.all(rows.map(async (row) => ({ id: row.id, displayName: row.displayName, principal: await resolvePrincipal(app.db, app.principals, row, 'system', null) })));
}

/** Whether a person may carry out the inspection of a grid: an inspector who records results and whose data scope holds the grid. */
function mayInspect(principal: Principal, grid: { id: string; orgId: string }): boolean {
  return principal.positions.includes('inspector') && can({ principal }, 'create', 'Indicator') && can({ principal }, 'read', 'Grid', grid);
}

/** Open tasks per inspector: the load distribution balances. */
async function openLoad(app: App, tx: Db, tenantId: string): Promise<Map<string, number>> {
  const it = app.db.t.inspectionTasks;
  const rows = await tx.select({ assigneeId: it.assigneeId, n: sql<number>`count(*)` }).from(it)
    .where(and(eq(it.tenantId, tenantId), eq(it.status, 'open'))).groupBy(it.assigneeId);
  return new Map(rows.filter((r) => r.assigneeId !== null).map((r) => [r.assigneeId as string, Number(r.n)]));
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

/** The inspection indicators grids can be drawn for (the organiser's 抽取评价网格). */
export async function inspectionIndicators(app: App, actor: Actor): Promise<{ key: string; code: string; name: string; period: PeriodKind }[]> {
  assertCan(actor, 'update', 'Indicator');
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const latest = new Map<string, { version: number; content: ReturnType<typeof indicatorContentSchema.parse> }>();
  for (const row of rows) if ((latest.get(row.key)?.version ?? 0) < row.version) latest.set(row.key, { version: row.version, content: indicatorContentSchema.parse(row.content) });
  return [...latest.entries()].filter(([, { content }]) => content.basis.some((item) => item.source === 'inspection'))
    .map(([key, { content }]) => ({ key, code: content.code, name: content.name, period: content.period }))
    .sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
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
  const inspectors = await inspectorsOf(app, tenantId);
  return app.db.transaction(async (tx) => {
    const load = await openLoad(app, tx, tenantId);
    const grids = await tx.select({ id: g.id, code: g.code, name: g.name, orgId: g.orgId }).from(g).where(eq(g.tenantId, tenantId)).orderBy(asc(g.code));
    // 评价网格: the indicator may limit the draw to some grids (every item of one indicator names the same ones, or none).
    const allowed = items.find((item) => item.grids)?.grids;
    const byDistrict = new Map<string | null, typeof grids>();
    for (const grid of grids) {
      if (allowed && !allowed.includes(grid.code)) continue;
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
        // One inspector per grid (all its checklists), the one of the grid with the fewest open tasks; none: left to any inspector of the grid.
        const able = inspectors.filter((person) => mayInspect(person.principal, grid));
        const assignee = able.sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0))[0];
        if (assignee) load.set(assignee.id, (load.get(assignee.id) ?? 0) + items.length);
        for (const item of items) {
          const row: TaskRow = {
            id: newId(), tenantId, indicatorKey: key, basisKey: item.key, periodKind: period.kind, periodStart: period.start, gridId: grid.id, orgId: grid.orgId,
            districtOrgId: district, checklist: item.checklist, minPoints: item.minPoints ?? null, status: 'open', points: null, createdAt: now, createdBy: userId, completedAt: null, completedBy: null,
            assigneeId: assignee?.id ?? null, assignedAt: assignee ? now : null,
          };
          await tx.insert(it).values(row);
          created.push(row);
        }
      }
    }
    await auditAs(app, tx, actor, {
      action: 'create', objectType: 'inspection', objectId: definition.id,
      detail: { key, period: period.label, perDistrict: input.perDistrict, tasks: created.map((task) => ({ id: task.id, assigneeId: task.assigneeId })) },
    }, now);
    await notifyAssignees(app, tx, tenantId, created, `${definition.name}（${period.label}）`);
    const names = new Map(grids.map((grid) => [grid.id, grid.name]));
    const people = new Map(inspectors.map((person) => [person.id, person.displayName]));
    return created.map((row) => toOutput(row, names.get(row.gridId) ?? null, people));
  });
}

/** An in-app notice to each person given tasks: 实地考察任务 with a link to the list. */
async function notifyAssignees(app: App, tx: Db, tenantId: string, rows: readonly TaskRow[], what: string): Promise<void> {
  const byPerson = new Map<string, TaskRow[]>();
  for (const row of rows) if (row.assigneeId) byPerson.set(row.assigneeId, [...(byPerson.get(row.assigneeId) ?? []), row]);
  for (const [userId, tasks] of byPerson) {
    const first = tasks[0] as TaskRow;
    await insertNotifications(app, tx, {
      tenantId, userIds: [userId], title: `实地考察任务：${what}`.slice(0, 200), body: `共 ${tasks.length} 项，请按检查表到评价网格现场考察并拍照。`,
      link: tasks.length === 1 ? `/inspections/${first.id}` : '/inspections', sourceKey: `inspection:${first.id}:${first.assignedAt?.getTime() ?? 0}`,
    });
  }
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
    query.assignee === 'me' ? eq(it.assigneeId, actor.principal.userId) : undefined,
  )).orderBy(desc(it.createdAt), asc(it.id)).limit(1000);
  const people = await assigneeNames(app, tenantId, rows);
  return rows.map((row) => toOutput(row, names.get(row.gridId) ?? null, people));
}

/** The task (its grid within the caller's data scope) or 404. */
async function visibleTask(app: App, actor: Actor, id: string, db: Db = app.db.read) {
  const it = app.db.t.inspectionTasks;
  const g = app.db.t.grids;
  const [row] = await db.select({ task: it, grid: g }).from(it).innerJoin(g, eq(g.id, it.gridId)).where(and(eq(it.tenantId, actor.principal.tenantId), eq(it.id, id)));
  if (!row || !can(actor, 'read', 'Grid', { id: row.task.gridId, orgId: row.task.orgId })) throw notFound('inspection');
  return row;
}

/** For photo downloads: whether the caller may see the task (the grid in their data scope). */
export async function mayReadInspection(app: App, actor: Actor, id: string): Promise<boolean> {
  if (!can(actor, 'read', 'Grid')) return false;
  return visibleTask(app, actor, id).then(() => true, () => false);
}

export interface InspectorCandidate { id: string; displayName: string; openTasks: number }

/** The inspectors a task can be distributed to (their data scope holds its grid), with their open tasks. */
export async function inspectionCandidates(app: App, actor: Actor, id: string): Promise<InspectorCandidate[]> {
  assertCan(actor, 'update', 'Indicator');
  const { grid } = await visibleTask(app, actor, id);
  const inspectors = (await inspectorsOf(app, actor.principal.tenantId)).filter((person) => mayInspect(person.principal, grid));
  const load = await openLoad(app, app.db.read, actor.principal.tenantId);
  return inspectors.map((person) => ({ id: person.id, displayName: person.displayName, openTasks: load.get(person.id) ?? 0 }));
}

/**
 * Distributes an open task to an inspector of its grid (or back to all of them with null);
 * anyone else is a 422 naming `assigneeId`, a done task a 409. Audited; the new assignee is notified.
 */
export async function assignInspection(app: App, actor: Actor, id: string, raw: unknown): Promise<InspectionTaskOutput> {
  assertCan(actor, 'update', 'Indicator');
  const { assigneeId } = parseInput(assignInput, raw);
  const { tenantId } = actor.principal;
  const { grid } = await visibleTask(app, actor, id);
  const assignee = assigneeId === null ? null : (await inspectorsOf(app, tenantId)).find((person) => person.id === assigneeId);
  if (assignee === undefined || (assignee && !mayInspect(assignee.principal, grid))) throw fieldError('assigneeId', '#validation.notAnInspectorOfGrid');
  const it = app.db.t.inspectionTasks;
  return app.db.transaction(async (tx) => {
    const { task } = await visibleTask(app, actor, id, tx);
    if (task.status !== 'open') throw conflict('inspection', 'the inspection is already done');
    const now = app.now();
    const changes = { assigneeId: assignee?.id ?? null, assignedAt: assignee ? now : null };
    const updated = await tx.update(it).set(changes).where(and(eq(it.id, id), eq(it.status, 'open'))).returning({ id: it.id });
    if (!updated.length) throw conflict('inspection', 'the inspection is already done');
    await auditAs(app, tx, actor, { action: 'update', objectType: 'inspection', objectId: id, before: { assigneeId: task.assigneeId }, after: { assigneeId: changes.assigneeId } }, now);
    const row = { ...task, ...changes };
    if (assignee && assignee.id !== task.assigneeId) await notifyAssignees(app, tx, tenantId, [row], `${grid.name}（${toOutput(row, grid.name, new Map()).period}）`);
    return toOutput(row, grid.name, new Map(assignee ? [[assignee.id, assignee.displayName]] : []));
  });
}

/** Records the evaluation points of an open task (an inspector of the grid, on the spot). */
export async function submitInspection(app: App, actor: Actor, id: string, raw: unknown): Promise<InspectionTaskOutput> {
  assertCan(actor, 'create', 'Indicator');
  // Field inspection is the 监督员's: the districts it scores report their own data, but may not inspect themselves.
  if (!actor.principal.positions.includes('inspector')) throw new AppError('forbidden');
  const input = parseInput(resultsInput, raw);
  const { tenantId, userId } = actor.principal;
  const it = app.db.t.inspectionTasks;
  return app.db.transaction(async (tx) => {
    const { task, grid } = await visibleTask(app, actor, id, tx);
    if (task.status !== 'open') throw conflict('inspection', 'the inspection is already done');
    // Distributed to someone else: theirs to do (an administrator can reassign it).
    if (task.assigneeId !== null && task.assigneeId !== userId) throw new AppError('forbidden', { detail: 'the inspection is assigned to another inspector' });
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
      return {
        name: point.name, lng: point.location.lng, lat: point.location.lat, checks, ...(point.note ? { note: point.note } : {}),
        ...(point.photoIds?.length ? { photoIds: point.photoIds } : {}),
      };
    });
    const least = task.minPoints ?? 1;
    if (points.length < least) fields.push({ field: 'points', message: translate(actor.locale, 'validation.tooFewPoints', { min: least }) });
    if (fields.length) throw new AppError('validation_failed', {}, { fields });
    for (const [i, point] of points.entries()) {
      if (point.photoIds) await linkAttachments(tx, app, actor, point.photoIds, { inspectionTaskId: id, photosOnly: true }, `points.${i}.photoIds`);
    }
    const now = app.now();
    // Only while still open: of two inspectors submitting at once (PostgreSQL), one wins and the other gets 409.
    const updated = await tx.update(it).set({ status: 'done', points, completedAt: now, completedBy: userId })
      .where(and(eq(it.id, id), eq(it.status, 'open'))).returning({ id: it.id });
    if (!updated.length) throw conflict('inspection', 'the inspection is already done');
    await auditAs(app, tx, actor, { action: 'update', objectType: 'inspection', objectId: id, before: { status: 'open' }, after: { status: 'done', points } }, now);
    return toOutput({ ...task, status: 'done', points, completedAt: now, completedBy: userId }, grid.name, await assigneeNames(app, tenantId, [task], tx));
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
  const row = await visibleTask(app, actor, id);
  return { task: toOutput(row.task, row.grid.name, await assigneeNames(app, actor.principal.tenantId, [row.task])), grid: { id: row.grid.id, code: row.grid.code, name: row.grid.name, geometry: row.grid.geometry } };
}

type TaskGrid = App['db']['t']['grids']['$inferSelect'];
