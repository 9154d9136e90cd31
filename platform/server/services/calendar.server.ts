/**
 * 工作日历: the tenant's working time (parameter `calendar.workingTime`) and its exceptions,
 * public holidays and 调休 make-up working days (table `calendar_days`). Time limits (时限) are
 * counted in working hours by the runtime calendar built from both.
 */
import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm';
import { createWorkingCalendar, type WorkingCalendar } from '@tongguan/runtime/calendar/working-calendar';
import type { App, Actor } from '../app.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { notFound, parseInput } from '../errors.server.ts';
import type { Db } from '../db/database.server.ts';
import {
  calendarDateSchema, calendarDayInput, calendarImportInput, calendarQuery, deadlineInput,
  type CalendarDayOutput, type CalendarImportOutput, type CalendarOutput, type CalendarQuery, type DeadlineOutput,
} from '../../shared/schemas/calendar.ts';
import { getParameterValue } from './parameters.server.ts';

type DayRow = App['db']['t']['calendarDays']['$inferSelect'];

const toDayOutput = (row: DayRow): CalendarDayOutput => ({ date: row.date, kind: row.kind, name: row.name ?? null });
const toDayRow = (tenantId: string, day: Pick<DayRow, 'date' | 'kind'> & { name?: string | null }): DayRow =>
  ({ tenantId, date: day.date, kind: day.kind, name: day.name ?? null });

/** Matches the tenant's exception on `date`. */
function dayWhere(app: App, tenantId: string, date: string) {
  const c = app.db.t.calendarDays;
  return and(eq(c.tenantId, tenantId), eq(c.date, date));
}

/** Creates the exception of a date or replaces it. */
function upsertDay(app: App, tx: Db, row: DayRow) {
  const c = app.db.t.calendarDays;
  return tx.insert(c).values(row).onConflictDoUpdate({ target: [c.tenantId, c.date], set: { kind: row.kind, name: row.name } });
}

/**
 * The tenant's working calendar for deadline arithmetic (time limits in working hours).
 *
 * @example
 * const calendar = await loadWorkingCalendar(app, tenantId);
 * const due = calendar.addWorkingHours(acceptedAt, 16);
 */
export async function loadWorkingCalendar(app: App, tenantId: string, db: Db = app.db.read): Promise<WorkingCalendar> {
  const workingTime = await getParameterValue(app, tenantId, 'calendar.workingTime', db);
  const c = app.db.t.calendarDays;
  const days = await db.select().from(c).where(eq(c.tenantId, tenantId));
  return createWorkingCalendar({
    ...workingTime,
    exceptions: days.map((d) => ({ date: d.date, kind: d.kind, ...(d.name ? { name: d.name } : {}) })),
  });
}

function yearIn(timeZone: string, instant: Date): number {
  return Number(new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric' }).format(instant));
}

export async function getCalendar(app: App, actor: Actor, raw: CalendarQuery = {}): Promise<CalendarOutput> {
  const query = parseInput(calendarQuery, raw);
  assertCan(actor, 'read', 'Calendar');
  const { tenantId } = actor.principal;
  const workingTime = await getParameterValue(app, tenantId, 'calendar.workingTime');
  const year = query.year ?? yearIn(workingTime.timeZone, app.now());
  const c = app.db.t.calendarDays;
  const rows = await app.db.read.select().from(c)
    .where(and(eq(c.tenantId, tenantId), gte(c.date, `${year}-01-01`), lte(c.date, `${year}-12-31`))).orderBy(asc(c.date));
  return { year, workingTime, days: rows.map(toDayOutput) };
}

/** Marks one date as a holiday or a make-up working day (creates or replaces the exception). */
export async function setCalendarDay(app: App, actor: Actor, raw: unknown): Promise<CalendarDayOutput> {
  const input = parseInput(calendarDayInput, raw);
  assertCan(actor, 'update', 'Calendar');
  const { tenantId } = actor.principal;
  const c = app.db.t.calendarDays;
  return app.db.transaction(async (tx) => {
    const [before] = await tx.select().from(c).where(dayWhere(app, tenantId, input.date));
    const row = toDayRow(tenantId, input);
    await upsertDay(app, tx, row);
    await auditAs(app, tx, actor, { action: before ? 'update' : 'create', objectType: 'calendarDay', objectId: input.date, before, after: row });
    return toDayOutput(row);
  });
}

/** Removes an exception: the date follows the weekly pattern again. */
export async function deleteCalendarDay(app: App, actor: Actor, date: string): Promise<void> {
  const day = parseInput(calendarDateSchema, date);
  assertCan(actor, 'delete', 'Calendar');
  const { tenantId } = actor.principal;
  const c = app.db.t.calendarDays;
  await app.db.transaction(async (tx) => {
    const [before] = await tx.select().from(c).where(dayWhere(app, tenantId, day));
    if (!before) throw notFound('calendarDay');
    await tx.delete(c).where(dayWhere(app, tenantId, day));
    await auditAs(app, tx, actor, { action: 'delete', objectType: 'calendarDay', objectId: day, before });
  });
}

/** Creates or replaces many exceptions at once (e.g. next year's State Council notice), all or nothing. */
export async function importCalendarDays(app: App, actor: Actor, raw: unknown): Promise<CalendarImportOutput> {
  const input = parseInput(calendarImportInput, raw);
  assertCan(actor, 'update', 'Calendar');
  const { tenantId } = actor.principal;
  const c = app.db.t.calendarDays;
  return app.db.transaction(async (tx) => {
    const dates = input.days.map((d) => d.date);
    const before = await tx.select().from(c).where(and(eq(c.tenantId, tenantId), inArray(c.date, dates))).orderBy(asc(c.date));
    const after = input.days.map((d) => toDayRow(tenantId, d));
    for (const row of after) await upsertDay(app, tx, row);
    const result = { created: after.length - before.length, updated: before.length };
    await auditAs(app, tx, actor, {
      action: 'import', objectType: 'calendar', objectId: tenantId, before: before.map(toDayOutput), after: after.map(toDayOutput), detail: result,
    });
    return result;
  });
}

/** Preview of a time limit: the instant `hours` working hours after `start`. */
export async function computeDeadline(app: App, actor: Actor, raw: unknown): Promise<DeadlineOutput> {
  const input = parseInput(deadlineInput, raw);
  assertCan(actor, 'read', 'Calendar');
  const calendar = await loadWorkingCalendar(app, actor.principal.tenantId);
  const start = new Date(input.start);
  const deadline = calendar.addWorkingHours(start, input.hours);
  return { start: start.toISOString(), hours: input.hours, deadline: deadline.toISOString(), deadlineDate: calendar.dateOf(deadline) };
}
