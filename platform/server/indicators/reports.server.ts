/**
 * 平台上报: departments report the numbers of a reported indicator's input items for a region and
 * period; a reviewer approves or rejects; only approved numbers reach the computation. Every
 * number is checked against its item (required, whole number, range) and the indicator's checks
 * (`inspected <= bridges`) before anything is written; a refusal names each bad field.
 */
import { and, desc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { compile, createEnvironment, t as types } from '@tongguan/runtime/expr/index';
import { indicatorContentSchema, type IndicatorContent } from '@tongguan/runtime/indicators/definition';
import { parsePeriod, periodContaining, type Period, type PeriodKind } from '@tongguan/runtime/indicators/period';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, conflict, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import type { Db } from '../db/database.server.ts';
import { getPublished } from '../services/definitions.server.ts';
import { checkSubmission } from '../services/forms.server.ts';
import { translate } from '../../shared/i18n/index.ts';

const CITY = '';

export const submitReportInput = z.object({
  period: z.string().min(4).max(10),
  /** A district (organisation id); absent for the whole city. */
  regionId: z.string().uuid().optional(),
  values: z.record(z.string(), z.unknown()),
});

export const reviewReportInput = z.object({ approved: z.boolean(), comment: z.string().max(500).optional() });

export const reportsQuery = z.object({
  status: z.enum(['submitted', 'approved', 'rejected']).optional(),
  key: z.string().max(100).optional(),
});

type ReportRow = App['db']['t']['indicatorReports']['$inferSelect'];

export interface ReportOutput {
  id: string; indicatorKey: string; definitionVersion: number; regionLevel: string; regionId: string | null; period: string;
  values: Record<string, number>; status: ReportRow['status']; submittedBy: string; submittedAt: string;
  reviewedBy: string | null; reviewedAt: string | null; reviewComment: string | null;
}

/** Labelled by the report's own period kind: a later version of the indicator (or its retirement) does not relabel it. */
function toOutput(row: ReportRow): ReportOutput {
  return {
    id: row.id, indicatorKey: row.indicatorKey, definitionVersion: row.definitionVersion, regionLevel: row.regionLevel, regionId: row.regionId || null,
    period: periodContaining(row.periodKind as PeriodKind, row.periodStart).label, values: row.values, status: row.status, submittedBy: row.submittedBy,
    submittedAt: row.submittedAt.toISOString(), reviewedBy: row.reviewedBy, reviewedAt: row.reviewedAt?.toISOString() ?? null, reviewComment: row.reviewComment,
  };
}

/** The reported numbers, checked item by item and against the indicator's rules; 422 naming every bad one. */
function checkedValues(actor: Actor, content: IndicatorContent, raw: Record<string, unknown>): Record<string, number> {
  const fields: { field: string; message: string }[] = [];
  const values: Record<string, number> = {};
  const say = (key: string, params?: Record<string, unknown>) => translate(actor.locale, key as never, params);
  for (const item of content.basis) {
    if (item.source !== 'input') continue;
    const value = raw[item.key];
    const field = `values.${item.key}`;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fields.push({ field, message: say('validation.inputRequired') });
      continue;
    }
    if (item.integer && !Number.isInteger(value)) fields.push({ field, message: say('validation.inputInteger') });
    else if ((item.min !== undefined && value < item.min) || (item.max !== undefined && value > item.max)) {
      fields.push({ field, message: say('validation.inputRange', { min: item.min ?? '−∞', max: item.max ?? '∞' }) });
    } else values[item.key] = value;
  }
  for (const key of Object.keys(raw)) {
    if (!content.basis.some((item) => item.key === key && item.source === 'input')) fields.push({ field: `values.${key}`, message: say('validation.notAnInput') });
  }
  if (!fields.length) {
    const environment = createEnvironment({ variables: Object.fromEntries(Object.keys(values).map((key) => [key, types.number])) });
    for (const check of content.checks) {
      if (compile(check.rule, { environment, expectedType: types.boolean }).evaluate(values) !== true) {
        fields.push({ field: `values.${check.field}`, message: actor.locale === 'en' && check.messageEn ? check.messageEn : check.message });
      }
    }
  }
  if (fields.length) throw new AppError('validation_failed', {}, { fields });
  return values;
}

/**
 * With a data-entry form, the submission is judged by the form's published version (@formio/core)
 * and by the indicator's own rules (whole numbers, ranges, unknown items, checks); a refusal lists
 * every field either finds, the form's message first where both do.
 */
async function formCheckedValues(app: App, actor: Actor, content: IndicatorContent, formKey: string, raw: Record<string, unknown>): Promise<Record<string, number>> {
  const form = await getPublished(app, actor.principal.tenantId, 'form', formKey);
  const fieldsOf = (error: unknown) => {
    if (error instanceof AppError && error.code === 'validation_failed') return error.fields ?? [];
    throw error;
  };
  let entered: Record<string, unknown> = raw;
  let fields: { field: string; message: string }[] = [];
  try {
    entered = { ...raw, ...checkSubmission(form.content, raw, actor, 'values') };
  } catch (error) {
    fields = fieldsOf(error);
  }
  try {
    const values = checkedValues(actor, content, entered);
    if (!fields.length) return values;
  } catch (error) {
    for (const field of fieldsOf(error)) if (!fields.some((f) => f.field === field.field)) fields.push(field);
  }
  throw new AppError('validation_failed', {}, { fields });
}

async function districtIds(app: App, db: Db, tenantId: string): Promise<Set<string>> {
  const o = app.db.t.organisations;
  return new Set((await db.select({ id: o.id }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.level, 'district')))).map((r) => r.id));
}

export async function submitReport(app: App, actor: Actor, key: string, raw: unknown): Promise<ReportOutput> {
  assertCan(actor, 'create', 'Indicator');
  const input = parseInput(submitReportInput, raw);
  const { tenantId, userId } = actor.principal;
  const definition = await getPublished(app, tenantId, 'indicator', key).catch(() => { throw notFound('indicator'); });
  const content = indicatorContentSchema.parse(definition.content);
  if (!content.basis.some((item) => item.source === 'input')) {
    throw new AppError('validation_failed', {}, { fields: [{ field: 'key', message: '#validation.notAnInputIndicator' }] });
  }
  const period = parsePeriod(content.period, input.period);
  if (!period) throw new AppError('validation_failed', {}, { fields: [{ field: 'period', message: '#validation.periodLabel' }] });
  const regionId = input.regionId ?? CITY;
  // A district's staff report for their district; the whole city's numbers need city-wide rights.
  assertCan(actor, 'create', 'Indicator', { regionId: regionId || null });
  const values = content.formKey ? await formCheckedValues(app, actor, content, content.formKey, input.values) : checkedValues(actor, content, input.values);
  const r = app.db.t.indicatorReports;
  return app.db.transaction(async (tx) => {
    if (regionId && !(await districtIds(app, tx, tenantId)).has(regionId)) {
      throw new AppError('validation_failed', {}, { fields: [{ field: 'regionId', message: '#validation.regionNotDistrict' }] });
    }
    const now = app.now();
    const regionLevel = regionId ? 'district' : 'city';
    const [before] = await tx.select().from(r).where(and(eq(r.tenantId, tenantId), eq(r.indicatorKey, key), eq(r.regionLevel, regionLevel),
      eq(r.regionId, regionId), eq(r.periodKind, period.kind), eq(r.periodStart, period.start)));
    if (before?.status === 'approved') throw conflict('indicator', 'the report of this period is approved');
    const row: ReportRow = {
      id: before?.id ?? newId(), tenantId, indicatorKey: key, definitionVersion: definition.version, regionLevel, regionId,
      periodKind: period.kind, periodStart: period.start, values, status: 'submitted', submittedBy: userId, submittedAt: now,
      reviewedBy: null, reviewedAt: null, reviewComment: null,
    };
    if (before) {
      // Only what was read: a report approved meanwhile (PostgreSQL, another reviewer) is not overwritten.
      const replaced = await tx.update(r).set(row).where(and(eq(r.id, before.id), eq(r.status, before.status), eq(r.submittedAt, before.submittedAt))).returning({ id: r.id });
      if (!replaced.length) throw conflict('indicatorReport', 'the report changed meanwhile');
    } else {
      const inserted = await tx.insert(r).values(row).onConflictDoNothing().returning({ id: r.id });
      if (!inserted.length) throw conflict('indicatorReport', 'a report for this period was submitted meanwhile');
    }
    await auditAs(app, tx, actor, {
      action: before ? 'update' : 'create', objectType: 'indicatorReport', objectId: row.id,
      ...(before ? { before: { values: before.values, status: before.status } } : {}), after: { key, period: period.label, regionId: regionId || null, values },
    }, now);
    return toOutput(row);
  });
}

export async function reviewReport(app: App, actor: Actor, id: string, raw: unknown): Promise<ReportOutput> {
  assertCan(actor, 'update', 'Indicator');
  const input = parseInput(reviewReportInput, raw);
  const { tenantId, userId } = actor.principal;
  const r = app.db.t.indicatorReports;
  return app.db.transaction(async (tx) => {
    const [before] = await tx.select().from(r).where(and(eq(r.tenantId, tenantId), eq(r.id, id)));
    if (!before || !can(actor, 'update', 'Indicator', { regionId: before.regionId || null })) throw notFound('indicatorReport');
    if (before.status !== 'submitted') throw conflict('indicatorReport', `the report is ${before.status}`);
    // Separation of duties: nobody approves the numbers they reported.
    if (before.submittedBy === userId) throw new AppError('validation_failed', {}, { fields: [{ field: 'approved', message: '#validation.selfReview' }] });
    const now = app.now();
    const after: ReportRow = { ...before, status: input.approved ? 'approved' : 'rejected', reviewedBy: userId, reviewedAt: now, reviewComment: input.comment ?? null };
    // The numbers reviewed are the numbers read: a resubmission in between makes this a 409, not an approval of unseen values.
    const reviewed = await tx.update(r).set({ status: after.status, reviewedBy: userId, reviewedAt: now, reviewComment: after.reviewComment })
      .where(and(eq(r.id, id), eq(r.status, 'submitted'), eq(r.submittedAt, before.submittedAt))).returning({ id: r.id });
    if (!reviewed.length) throw conflict('indicatorReport', 'the report changed meanwhile');
    await auditAs(app, tx, actor, { action: input.approved ? 'approve' : 'reject', objectType: 'indicatorReport', objectId: id, before: { status: before.status }, after: { status: after.status, comment: after.reviewComment } }, now);
    return toOutput(after);
  });
}

export async function listReports(app: App, actor: Actor, raw: unknown): Promise<ReportOutput[]> {
  assertCan(actor, 'read', 'Indicator');
  const query = parseInput(reportsQuery, raw);
  const r = app.db.t.indicatorReports;
  const rows = await app.db.read.select().from(r).where(and(
    eq(r.tenantId, actor.principal.tenantId), query.status ? eq(r.status, query.status) : undefined, query.key ? eq(r.indicatorKey, query.key) : undefined,
  )).orderBy(desc(r.submittedAt)).limit(500);
  return rows.filter((row) => can(actor, 'read', 'Indicator', { regionId: row.regionId || null })).map(toOutput);
}

/** The approved numbers for a region and period (what the computation reads), or none. */
export async function approvedValues(app: App, tx: Db, tenantId: string, key: string, regionLevel: string, regionId: string, period: Period): Promise<Record<string, number> | undefined> {
  const r = app.db.t.indicatorReports;
  const [row] = await tx.select({ values: r.values }).from(r).where(and(eq(r.tenantId, tenantId), eq(r.indicatorKey, key), eq(r.regionLevel, regionLevel),
    eq(r.regionId, regionId), eq(r.periodKind, period.kind), eq(r.periodStart, period.start), eq(r.status, 'approved')));
  return row?.values;
}

export interface ReportableIndicator {
  key: string;
  code: string;
  name: string;
  period: IndicatorContent['period'];
  inputs: { key: string; name: string; min?: number; max?: number; unit?: string; integer?: boolean }[];
  /** The published data-entry form (form.io JSON) the page renders, or null: a field per input. */
  form: unknown;
}

/** What the caller may report: reported indicators with their input items, and the regions (city and/or districts) in their scope. */
export async function reportForms(app: App, actor: Actor): Promise<{ indicators: ReportableIndicator[]; regions: { id: string | null; name: string | null }[] }> {
  assertCan(actor, 'create', 'Indicator');
  const { tenantId } = actor.principal;
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const latest = new Map<string, { version: number; content: IndicatorContent }>();
  for (const row of rows) if ((latest.get(row.key)?.version ?? 0) < row.version) latest.set(row.key, { version: row.version, content: indicatorContentSchema.parse(row.content) });
  const forms = new Map<string, unknown>();
  for (const { content } of latest.values()) {
    if (content.formKey && !forms.has(content.formKey)) forms.set(content.formKey, await getPublished(app, tenantId, 'form', content.formKey).then((f) => f.content, () => null));
  }
  const indicators = [...latest.entries()].filter(([, { content }]) => content.level === 3 && content.basis.some((item) => item.source === 'input'))
    .map(([key, { content }]) => ({
      key, code: content.code, name: content.name, period: content.period, form: content.formKey ? forms.get(content.formKey) ?? null : null,
      inputs: content.basis.flatMap((item) => (item.source === 'input' ? [{ key: item.key, name: item.name, ...(item.min !== undefined ? { min: item.min } : {}), ...(item.max !== undefined ? { max: item.max } : {}), ...(item.unit ? { unit: item.unit } : {}), ...(item.integer ? { integer: true } : {}) }] : [])),
    }))
    .sort((a, b) => a.code.localeCompare(b.code, 'en', { numeric: true }));
  const o = app.db.t.organisations;
  const districts = await app.db.read.select({ id: o.id, name: o.name }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.level, 'district')));
  const regions = [
    ...(can(actor, 'create', 'Indicator', { regionId: null }) ? [{ id: null, name: null }] : []),
    ...districts.filter((district) => can(actor, 'create', 'Indicator', { regionId: district.id })),
  ];
  return { indicators, regions };
}
