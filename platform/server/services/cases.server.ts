/**
 * 指挥协调 — cases: report (信息采集) a case, which numbers it, places it in its unit grid,
 * sets its handling limit in working hours from its category and starts the city's case process
 * (published definition `case-closed-loop`), all in one transaction; list and read cases within
 * the caller's data scope. Everything after the report happens through the case process's
 * tasks; the case status follows it (cases/case-status.server.ts).
 */
import { and, asc, count, desc, eq, gt, inArray, isNotNull, like, lt, or, type SQL } from 'drizzle-orm';
import { newId } from '../ids.server.ts';
import { isOpenCase, type CaseStatus } from '@tongguan/runtime/cases/case-lifecycle';
import type { z } from 'zod';
import type { Variables } from '@tongguan/runtime/bpmn/engine/contract';
import type { App, Actor } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, notFound, parseInput, fieldError } from '../errors.server.ts';
import { inStep, type WorkflowStep } from '../workflow/step.server.ts';
import { caseAttachments, linkAttachments } from './attachments.server.ts';
import { allocateCaseNumber } from '../cases/case-number.server.ts';
import { HANDLING_STAGES } from '../cases/case-status.server.ts';
import { getPublished } from './definitions.server.ts';
import { getParameterValue } from './parameters.server.ts';
import { gridContaining } from './grids.server.ts';
import { districtOf } from './organisations.server.ts';
import { loadProcessInstance } from './process-instances.server.ts';
import { caseInput, caseQuery, type CaseOutput, type CaseSummary } from '../../shared/schemas/case.ts';
import type { DictionaryContent } from '../../shared/schemas/dictionary-csv.ts';

/** The case process every city gets from templates/five-domains; cities publish their own versions of it. */
export const CASE_PROCESS_KEY = 'case-closed-loop';

type CaseRow = App['db']['t']['cases']['$inferSelect'];


function toCaseSummary(app: App, row: CaseRow): CaseSummary {
  return {
    id: row.id, caseNumber: row.caseNumber, source: row.source, categoryCode: row.categoryCode, categoryKind: row.categoryKind,
    title: row.title, address: row.address, location: row.lng !== null && row.lat !== null ? { lng: row.lng, lat: row.lat } : null,
    gridId: row.gridId, orgId: row.orgId, districtOrgId: row.districtOrgId, responsibleUnitId: row.responsibleUnitId,
    status: row.status, deadlineHours: row.deadlineHours, dueAt: row.dueAt?.toISOString() ?? null,
    overdue: isOpenCase(row.status) && row.dueAt !== null && row.dueAt.getTime() < app.now().getTime(),
    processInstanceId: row.processInstanceId, reportedBy: row.reportedBy, reportedAt: row.reportedAt.toISOString(), closedAt: row.closedAt?.toISOString() ?? null,
  };
}

/**
 * Whether the actor may read this case: its data scope, or having reported it — whoever
 * reported a case may follow it, even when it lies outside their own grids (an inspector
 * reporting across a boundary) or has no grid at all.
 */
function mayRead(actor: Actor, row: CaseRow): boolean {
  return can(actor, 'read', 'Case', caseSubject(row)) || (row.reportedBy === actor.principal.userId && can(actor, 'read', 'Case'));
}

/** What CASL checks a case against (SCOPE_FIELDS.Case). */
const caseSubject = (row: Pick<CaseRow, 'orgId' | 'districtOrgId' | 'responsibleUnitId' | 'gridId' | 'reportedBy'>) => ({
  orgIds: [row.orgId, row.districtOrgId, row.responsibleUnitId].filter((id): id is string => id !== null),
  gridId: row.gridId, reportedBy: row.reportedBy,
});

async function dictionaryItem(app: App, tenantId: string, key: string, code: string, field: string, db: Db) {
  const dictionary = await getPublished(app, tenantId, 'dictionary', key, undefined, db);
  const item = (dictionary.content as DictionaryContent).items.find((i) => i.code === code);
  if (!item) throw fieldError(field, '#validation.unknownCode');
  return item;
}

/** The handling limit: the most specific category-code prefix configured, else the default. */
export function deadlineHoursFor(code: string, rule: { defaultHours: number; byCategory: Record<string, number> }): number {
  const prefix = Object.keys(rule.byCategory).filter((p) => code.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  return prefix ? rule.byCategory[prefix] : rule.defaultHours;
}

export type CaseReport = z.output<typeof caseInput>;

/** A report checked against the city: source and category from its dictionaries, the grid and district, the handling limit and the numbering rule. */
export async function prepareCase(app: App, tenantId: string, input: CaseReport, db: Db = app.db.read) {
  await dictionaryItem(app, tenantId, 'case-sources', input.source, 'source', db);
  const category = await dictionaryItem(app, tenantId, 'case-categories', input.categoryCode, 'categoryCode', db);
  if (category.kind !== 'part' && category.kind !== 'event') throw fieldError('categoryCode', '#validation.unknownCode');
  const grid = input.gridId
    ? await db.select({ id: app.db.t.grids.id, orgId: app.db.t.grids.orgId }).from(app.db.t.grids)
      .where(and(eq(app.db.t.grids.tenantId, tenantId), eq(app.db.t.grids.id, input.gridId))).then((rows) => rows[0])
    // The grid a point lies in is a fact of the city, not of the reporter's scope.
    : input.location ? await gridContaining(app, tenantId, input.location, undefined, db) : undefined;
  if (input.gridId && !grid) throw fieldError('gridId', '#validation.unknownGrid');
  const districtOrgId = grid ? await districtOf(app, tenantId, grid.orgId, db) : null;
  const deadlineHours = deadlineHoursFor(input.categoryCode, await getParameterValue(app, tenantId, 'case.deadlines', db));
  const { pattern } = await getParameterValue(app, tenantId, 'case.numberRule', db);
  return { categoryKind: category.kind as 'part' | 'event', grid, districtOrgId, deadlineHours, pattern };
}

/**
 * Numbers the case, inserts it and starts the case process on it in the step's transaction
 * (a person's report, or an alarm's: `extraVariables` carries its `alarmId`). Returns the case row.
 */
export async function insertCase(
  step: WorkflowStep, input: CaseReport, prepared: Awaited<ReturnType<typeof prepareCase>>,
  by: {
    reportedBy: string | null; id?: string; processInstanceId?: string; extraVariables?: Variables;
    /** Runs once the row exists, before the process starts (linking photos before handling). */
    beforeStart?: (row: CaseRow) => Promise<void>;
  },
): Promise<CaseRow> {
  const { app, tenantId } = step;
  const id = by.id ?? newId();
  const processInstanceId = by.processInstanceId ?? newId();
  const caseNumber = await allocateCaseNumber(step.tx, app, tenantId, prepared.pattern, step.now);
  const { grid, districtOrgId, deadlineHours } = prepared;
  const row: CaseRow = {
    id, tenantId, caseNumber, source: input.source, categoryCode: input.categoryCode, categoryKind: prepared.categoryKind,
    title: input.title, description: input.description, address: input.address ?? null, lng: input.location?.lng ?? null, lat: input.location?.lat ?? null,
    gridId: grid?.id ?? null, orgId: grid?.orgId ?? null, districtOrgId, responsibleUnitId: null, status: 'reported', deadlineHours, dueAt: null,
    processInstanceId, reportedBy: by.reportedBy, reportedAt: step.now, closedAt: null, updatedAt: step.now,
    registeredAt: null, dispatchedAt: null, handledAt: null, returnCount: 0, reworkCount: 0, extensionCount: 0, supervisionCount: 0,
  };
  await step.tx.insert(app.db.t.cases).values(row);
  await by.beforeStart?.(row);
  await step.start(CASE_PROCESS_KEY, {
    instanceId: processInstanceId, businessKey: caseNumber,
    variables: { ...by.extraVariables, caseId: id, caseNumber, source: input.source, categoryCode: input.categoryCode, gridId: row.gridId, districtOrgId, deadlineHours },
  });
  return row;
}

export async function createCase(app: App, actor: Actor, raw: unknown): Promise<CaseOutput> {
  assertCan(actor, 'create', 'Case');
  const input = parseInput(caseInput, raw);
  const { tenantId, userId } = actor.principal;
  const prepared = await prepareCase(app, tenantId, input);
  const id = newId();
  await inStep(app, tenantId, userId, async (step) => {
    const row = await insertCase(step, input, prepared, {
      reportedBy: userId, id, beforeStart: () => linkAttachments(step.tx, app, actor, input.attachmentIds, { caseId: id, stage: 'before' }, 'attachmentIds'),
    });
    await auditAs(app, step.tx, actor, { action: 'create', objectType: 'case', objectId: id, after: toCaseSummary(app, row) }, step.now);
  });
  return getCase(app, actor, id);
}

export async function listCases(app: App, actor: Actor, raw: unknown = {}): Promise<{ items: CaseSummary[]; total: number }> {
  assertCan(actor, 'read', 'Case');
  const query = parseInput(caseQuery, raw);
  const c = app.db.t.cases;
  const now = app.now();
  const open = inArray(c.status, ['reported', 'registered', 'dispatched', 'handled', 'suspended'] satisfies CaseStatus[]);
  const filters: (SQL | undefined)[] = [
    eq(c.tenantId, actor.principal.tenantId),
    orOwnReports(eq(c.reportedBy, actor.principal.userId), accessibleWhere(actor.principal.ability, 'read', 'Case', {
      orgIds: (operator, value) => {
        const ids = (Array.isArray(value) ? value : [value]) as string[];
        const any = or(inArray(c.orgId, ids), inArray(c.districtOrgId, ids), inArray(c.responsibleUnitId, ids)) as SQL;
        if (operator === 'in' || operator === 'eq') return any;
        throw new AppError('forbidden');
      },
      gridId: c.gridId, reportedBy: c.reportedBy,
    })),
    query.status ? eq(c.status, query.status) : undefined,
    query.source ? eq(c.source, query.source) : undefined,
    query.categoryCode ? like(c.categoryCode, `${query.categoryCode}%`) : undefined,
    query.overdue === 'true' ? and(open, isNotNull(c.dueAt), lt(c.dueAt, now)) : undefined,
    query.overdue === 'false' ? or(eq(c.status, 'closed'), eq(c.status, 'voided'), and(open, or(eq(c.dueAt, now), gt(c.dueAt, now)))) : undefined,
    query.q ? or(like(c.caseNumber, `%${escapeLike(query.q)}%`), like(c.title, `%${escapeLike(query.q)}%`), like(c.address, `%${escapeLike(query.q)}%`)) : undefined,
  ];
  const where = and(...filters);
  const [rows, [{ total }]] = await Promise.all([
    app.db.read.select().from(c).where(where).orderBy(desc(c.reportedAt), asc(c.caseNumber)).limit(query.limit).offset(query.offset),
    app.db.read.select({ total: count() }).from(c).where(where),
  ]);
  return { items: rows.map((row) => toCaseSummary(app, row)), total: Number(total) };
}

/** The data scope widened by one's own reports; no scope (everything) stays everything. */
const orOwnReports = (own: SQL, scope: SQL | undefined): SQL | undefined => (scope === undefined ? undefined : or(own, scope));

/** Escapes LIKE wildcards so a search for "50%" finds "50%" literally. */
const escapeLike = (text: string) => text.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/** Whether the actor may read the case (its data scope), for attachment downloads. */
export async function mayReadCase(app: App, actor: Actor, caseId: string): Promise<boolean> {
  const c = app.db.t.cases;
  const [row] = await app.db.read.select().from(c).where(and(eq(c.tenantId, actor.principal.tenantId), eq(c.id, caseId)));
  return !!row && mayRead(actor, row);
}

/** Links photos after handling to the case whose process the completed task belongs to. */
export async function linkHandlingPhotos(step: WorkflowStep, actor: Actor, task: { instanceId: string; elementId: string }, attachmentIds: readonly string[]): Promise<void> {
  if (attachmentIds.length === 0) return;
  if (!HANDLING_STAGES.has(task.elementId)) throw fieldError('attachmentIds', '#validation.notHandling');
  const { instanceId } = task;
  const c = step.app.db.t.cases;
  const [row] = await step.tx.select({ id: c.id }).from(c).where(and(eq(c.tenantId, step.tenantId), eq(c.processInstanceId, instanceId)));
  if (!row) throw fieldError('attachmentIds', '#validation.notACase');
  await linkAttachments(step.tx, step.app, actor, attachmentIds, { caseId: row.id, stage: 'after' }, 'attachmentIds');
}

export async function getCase(app: App, actor: Actor, id: string): Promise<CaseOutput> {
  assertCan(actor, 'read', 'Case');
  const c = app.db.t.cases;
  const [row] = await app.db.read.select().from(c).where(and(eq(c.tenantId, actor.principal.tenantId), eq(c.id, id)));
  if (!row || !mayRead(actor, row)) throw notFound('case');
  // Reading the case is what authorises reading its process history here (read:Process is not needed).
  const instance = await loadProcessInstance(app, row.tenantId, row.processInstanceId);
  const byTask = new Map(instance.tasks.map((t) => [t.activityId, t]));
  const timeline = instance.activities.filter((a) => a.elementKind === 'userTask' || a.elementKind === 'startEvent' || a.elementKind === 'endEvent').map((a) => {
    const task = byTask.get(a.id);
    return {
      elementId: a.elementId, taskId: task?.id ?? null, name: task?.name ?? null, at: a.startedAt, endedAt: a.endedAt,
      by: task?.completedBy ?? null, comment: task?.comment ?? null, status: task?.status ?? (a.endedAt ? 'completed' : 'active'),
    };
  });
  return { ...toCaseSummary(app, row), description: row.description, attachments: await caseAttachments(app, row.id), timeline };
}
