/**
 * 定义管理: versioned definitions, the low-code backbone. Every (kind, key) has numbered versions
 * moving draft → published → retired. At most one draft exists per (kind, key); editing uses
 * optimistic concurrency on `updatedAt`. Publishing freezes the content with a checksum of its
 * canonical JSON; from then on the row is immutable (database triggers refuse any other change,
 * see db/migrations/{sqlite,pg}/0001_append_only_guards.sql) and only retiring it is allowed.
 */
import { validateFormDefinition } from '@tongguan/runtime/forms/index';
import { deviceTypeContentSchema, entityTypeContentSchema } from '@tongguan/runtime/devices/definition';
import { alarmRuleContentSchema, type AlarmRuleContent } from '@tongguan/runtime/alarms/definition';
import { alarmRuleIssues } from '../alarms/rules.server.ts';
import { checkIndicatorFormulas, indicatorContentSchema, type IndicatorContent } from '@tongguan/runtime/indicators/definition';
import { DATASET_SPECS } from '../indicators/datasets.server.ts';
import { compileProcess, processContentSchema, processInvalid } from '../workflow/process-models.server.ts';
import { scheduleStartTimers, withdrawStartTimers } from '../workflow/start-timers.server.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { and, asc, desc, eq, getTableColumns, inArray, like, or } from 'drizzle-orm';
import { z } from 'zod';
import type { App, Actor } from '../app.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { contentChecksum } from '../definitions/checksum.server.ts';
import { AppError, EXPR_ISSUE_PREFIX, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import type { Db } from '../db/database.server.ts';
import { optionSourceProblems } from './form-options.server.ts';
import type { Action, DefinitionKind } from '../../shared/domain.ts';
import { dictionaryContentSchema } from '../../shared/schemas/dictionary-csv.ts';
import {
  definitionCreateInput, definitionPatch, definitionPublishInput, definitionQuery, definitionVersionsParams,
  type DefinitionOutput, type DefinitionQuery, type DefinitionSummary,
} from '../../shared/schemas/definition.ts';

export type DefinitionRow = App['db']['t']['definitions']['$inferSelect'];
type SummaryRow = Omit<DefinitionRow, 'content'>;

/** Stored content is bounded whatever its kind: definitions are loaded whole by runtime engines. */
const MAX_CONTENT_BYTES = 1024 * 1024;
/** Kinds without a registered validator accept any JSON object for now. */
const anyJsonObject = z.record(z.string(), z.unknown());
const validators = new Map<DefinitionKind, z.ZodType>();

/**
 * Registers the content schema of a definition kind; each kind has at most one.
 *
 * @example
 * registerDefinitionValidator('form', formContentSchema);
 */
export function registerDefinitionValidator(kind: DefinitionKind, schema: z.ZodType): void {
  if (validators.has(kind)) throw new Error(`A content validator for definition kind "${kind}" is already registered`);
  validators.set(kind, schema);
}

registerDefinitionValidator('dictionary', dictionaryContentSchema);
registerDefinitionValidator('process', processContentSchema);
registerDefinitionValidator('form', z.record(z.string(), z.unknown()).superRefine((content, ctx) => {
  const result = validateFormDefinition(content, { locale: 'zh-CN' });
  if (!result.ok) for (const problem of result.problems) ctx.addIssue({ code: 'custom', path: problem.path ? problem.path.split('.') : [], message: problem.message });
  for (const problem of optionSourceProblems(content)) ctx.addIssue({ code: 'custom', path: problem.path.split('.'), message: problem.message });
}));

registerDefinitionValidator('indicator', indicatorContentSchema);

registerDefinitionValidator('deviceType', deviceTypeContentSchema);
registerDefinitionValidator('entityType', entityTypeContentSchema);
registerDefinitionValidator('alarmRule', alarmRuleContentSchema);

/**
 * Checks of a kind's content that need the city's other definitions and records (an alarm rule's
 * expressions against the metrics of the device types its scope resolves to), run inside the
 * saving or publishing transaction after the content validator; issue paths are relative to the content.
 */
type CityCheck = (app: App, db: Db, tenantId: string, content: unknown, locale: Locale) => Promise<z.core.$ZodIssue[]>;
const cityChecks = new Map<DefinitionKind, CityCheck>();

/**
 * Registers the city check of a definition kind; each kind has at most one.
 *
 * @example
 * registerDefinitionCheck('alarmRule', (app, db, tenantId, content, locale) => alarmRuleIssues(app, db, tenantId, content, locale));
 */
export function registerDefinitionCheck(kind: DefinitionKind, check: CityCheck): void {
  if (cityChecks.has(kind)) throw new Error(`A city check for definition kind "${kind}" is already registered`);
  cityChecks.set(kind, check);
}

registerDefinitionCheck('alarmRule', (app, db, tenantId, content, locale) => alarmRuleIssues(app, db, tenantId, content as AlarmRuleContent, locale));

/**
 * An indicator's formulas are checked as it is saved: a query basis item must compute in the
 * database over the datasets, the formula must give a number from the basis (issue 4 item 8) —
 * with the app's functions, so a plugin's function may be called outside the aggregates.
 */
export function indicatorFormulaIssues(app: Pick<App, 'functions'>, content: IndicatorContent): z.core.$ZodIssue[] {
  return checkIndicatorFormulas(content, DATASET_SPECS, app.functions).map((problem) => (
    { code: 'custom', path: problem.path, message: EXPR_ISSUE_PREFIX + JSON.stringify(problem.diagnostic), input: undefined } as z.core.$ZodIssue));
}

/** 评价网格 named by code must be grids of the city. */
async function evaluationGridIssues(app: App, db: Db, tenantId: string, content: IndicatorContent): Promise<z.core.$ZodIssue[]> {
  const named = content.basis.flatMap((item, i) => (item.source === 'inspection' && item.grids ? [{ i, grids: item.grids }] : []));
  if (!named.length) return [];
  const g = app.db.t.grids;
  const known = new Set((await db.select({ code: g.code }).from(g).where(eq(g.tenantId, tenantId))).map((row) => row.code));
  return named.flatMap(({ i, grids }) => grids.flatMap((code, j) => (known.has(code) ? [] : [
    { code: 'custom', path: ['basis', i, 'grids', j], message: '#validation.unknownGrid', input: undefined } as z.core.$ZodIssue,
  ])));
}

/** A data-entry form named by `formKey` must be published in the city and have a field for every input item. */
async function reportFormIssues(app: App, db: Db, tenantId: string, content: IndicatorContent): Promise<z.core.$ZodIssue[]> {
  if (!content.formKey) return [];
  const issue = (message: string) => [{ code: 'custom', path: ['formKey'], message, input: undefined } as z.core.$ZodIssue];
  const form = await getPublished(app, tenantId, 'form', content.formKey, undefined, db).catch(() => undefined);
  if (!form) return issue('#validation.reportFormUnknown');
  const keys = new Set<string>();
  const walk = (components: unknown): void => {
    if (!Array.isArray(components)) return;
    for (const c of components as { key?: unknown; input?: unknown; components?: unknown; columns?: { components?: unknown }[] }[]) {
      if (typeof c.key === 'string' && c.input !== false) keys.add(c.key);
      walk(c.components);
      for (const column of c.columns ?? []) walk(column.components);
    }
  };
  walk((form.content as { components?: unknown }).components);
  const missing = content.basis.filter((item) => item.source === 'input' && !keys.has(item.key)).map((item) => item.key);
  return missing.length ? issue(`#validation.reportFormFields`) : [];
}

registerDefinitionCheck('indicator', async (app, db, tenantId, content) => [
  ...indicatorFormulaIssues(app, content as IndicatorContent), ...(await evaluationGridIssues(app, db, tenantId, content as IndicatorContent)),
  ...(await reportFormIssues(app, db, tenantId, content as IndicatorContent)),
]);

/** Runs the kind's city check on parsed content; throws a 422 with every issue. */
export async function checkDefinitionInCity(app: App, db: Db, tenantId: string, kind: DefinitionKind, content: unknown, locale: Locale, path: (string | number)[] = ['content']): Promise<void> {
  const check = cityChecks.get(kind);
  if (!check) return;
  const issues = await check(app, db, tenantId, content, locale);
  if (issues.length) throw new AppError('validation_failed', {}, { issues: issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] }) as z.core.$ZodIssue) });
}

/**
 * Checks that need more than the content's shape (a BPMN model must parse and be executable);
 * run when a draft is published. A failure is a 422 listing every problem with its element.
 */
const publishChecks = new Map<DefinitionKind, (app: App, content: unknown, locale: Locale) => Promise<void>>([
  ['process', async (app, content, locale) => {
    const { problems, model } = await compileProcess(processContentSchema.parse(content), locale, app.serviceTasks, app.functions);
    if (!model) throw processInvalid(problems);
  }],
]);

/**
 * Checks content against its kind's validator and returns the parsed content. Failures are 422s
 * whose field paths start with `path` (e.g. `content.items.3.parentCode`).
 */
export function validateDefinitionContent(kind: DefinitionKind, content: unknown, path: (string | number)[] = ['content']): unknown {
  const json = JSON.stringify(content);
  if (json !== undefined && Buffer.byteLength(json, 'utf8') > MAX_CONTENT_BYTES) {
    throw new AppError('validation_failed', {}, { fields: [{ field: path.join('.') || '(body)', message: '#validation.contentTooLarge' }] });
  }
  const result = (validators.get(kind) ?? anyJsonObject).safeParse(content);
  if (result.success) return result.data;
  const issues = result.error.issues.map((issue) => ({ ...issue, path: [...path, ...issue.path] }) as z.core.$ZodIssue);
  throw new AppError('validation_failed', {}, { issues });
}

export function toDefinitionSummary(row: SummaryRow): DefinitionSummary {
  return {
    id: row.id, kind: row.kind, key: row.key, version: row.version, status: row.status, name: row.name,
    checksum: row.checksum ?? null, comment: row.comment ?? null, createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
    publishedAt: row.publishedAt?.toISOString() ?? null, publishedBy: row.publishedBy ?? null, retiredAt: row.retiredAt?.toISOString() ?? null,
  };
}

export function toDefinitionOutput(row: DefinitionRow): DefinitionOutput {
  return { ...toDefinitionSummary(row), content: row.content };
}

function summaryColumns(app: App) {
  const { content: _content, ...columns } = getTableColumns(app.db.t.definitions);
  return columns;
}

/** The fields permission rules may test, e.g. `{ kind: 'form' }` for a form designer role. */
const recordOf = (row: { kind: string; key: string; status: string }) => ({ kind: row.kind, key: row.key, status: row.status });

function fieldMap(app: App) {
  const d = app.db.t.definitions;
  return { kind: d.kind, key: d.key, status: d.status };
}

/**
 * Each save moves `updatedAt` strictly forward, even within one clock millisecond: it is the
 * optimistic-concurrency token, so two saves must never share a value.
 */
function nextUpdatedAt(app: App, previous: Date): Date {
  return new Date(Math.max(app.now().getTime(), previous.getTime() + 1));
}

function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return true;
  }
  return false;
}

/** Definition `id` of the actor's tenant (another tenant's is not found), which the actor may `action`. */
async function findPermitted(db: Db, app: App, actor: Actor, id: string, action: Action): Promise<DefinitionRow> {
  const d = app.db.t.definitions;
  const [row] = await db.select().from(d).where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.id, id)));
  if (!row) throw notFound('definition');
  assertCan(actor, action, 'Definition', recordOf(row));
  return row;
}

export async function findDraft(db: Db, app: App, tenantId: string, kind: DefinitionKind, key: string): Promise<DefinitionRow | undefined> {
  const d = app.db.t.definitions;
  const [row] = await db.select().from(d).where(and(eq(d.tenantId, tenantId), eq(d.kind, kind), eq(d.key, key), eq(d.status, 'draft')));
  return row;
}

/** Lists one row per (kind, key): its highest version among those matching, most recently changed first. */
export async function listDefinitions(app: App, actor: Actor, raw: DefinitionQuery = {}): Promise<DefinitionSummary[]> {
  const query = parseInput(definitionQuery, raw);
  const d = app.db.t.definitions;
  const scope = accessibleWhere(actor.principal.ability, 'read', 'Definition', fieldMap(app));
  const rows = await app.db.read.select(summaryColumns(app)).from(d).where(and(
    eq(d.tenantId, actor.principal.tenantId),
    scope,
    query.kind ? eq(d.kind, query.kind) : undefined,
    query.key ? eq(d.key, query.key) : undefined,
    query.status ? eq(d.status, query.status) : undefined,
    query.q ? or(like(d.name, `%${query.q}%`), like(d.key, `%${query.q}%`)) : undefined,
  )).orderBy(asc(d.kind), asc(d.key), desc(d.version));
  const latest = new Map<string, SummaryRow>();
  for (const row of rows) {
    const id = `${row.kind}\u0000${row.key}`;
    if (!latest.has(id)) latest.set(id, row);
  }
  return [...latest.values()].sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime()).map(toDefinitionSummary);
}

export async function getDefinition(app: App, actor: Actor, id: string): Promise<DefinitionOutput> {
  return toDefinitionOutput(await findPermitted(app.db.read, app, actor, id, 'read'));
}

/** Every version of (kind, key), newest first. */
export async function getDefinitionVersions(app: App, actor: Actor, kind: DefinitionKind, key: string): Promise<DefinitionSummary[]> {
  const params = parseInput(definitionVersionsParams, { kind, key });
  const d = app.db.t.definitions;
  const scope = accessibleWhere(actor.principal.ability, 'read', 'Definition', fieldMap(app));
  const rows = await app.db.read.select(summaryColumns(app)).from(d).where(and(
    eq(d.tenantId, actor.principal.tenantId), scope, eq(d.kind, params.kind), eq(d.key, params.key),
  )).orderBy(desc(d.version));
  if (rows.length === 0) throw notFound('definition');
  return rows.map(toDefinitionSummary);
}

interface DraftFields {
  kind: DefinitionKind;
  key: string;
  name: string;
  content: unknown;
  comment: string | null;
}

/** Inserts version max+1 as a draft. The caller has checked that no draft exists. */
async function insertDraft(app: App, tx: Db, actor: Actor, fields: DraftFields): Promise<DefinitionRow> {
  const d = app.db.t.definitions;
  const { tenantId } = actor.principal;
  const [latest] = await tx.select({ version: d.version }).from(d)
    .where(and(eq(d.tenantId, tenantId), eq(d.kind, fields.kind), eq(d.key, fields.key))).orderBy(desc(d.version)).limit(1);
  const now = app.now();
  const row: DefinitionRow = {
    id: newId(), tenantId, kind: fields.kind, key: fields.key, version: (latest?.version ?? 0) + 1, status: 'draft',
    name: fields.name, content: fields.content, checksum: null, comment: fields.comment, createdBy: actor.principal.userId,
    createdAt: now, updatedAt: now, publishedAt: null, publishedBy: null, retiredAt: null,
  };
  try {
    await tx.insert(d).values(row);
  } catch (error) {
    // Two concurrent creations computed the same version number (PostgreSQL; SQLite serialises writers).
    if (isUniqueViolation(error)) throw draftExists();
    throw error;
  }
  return row;
}

const draftExists = () => new AppError('conflict', { object: 'definition', detail: 'draft' }, { fields: [{ field: 'key', message: '#validation.draftExists' }] });
const immutable = () => new AppError('immutable', { object: 'definition' });

/** `draft` with new content and, where given, a new name and comment (null clears it); `updatedAt` moves on. */
function withEdits(app: App, draft: DefinitionRow, edits: { name?: string; content: unknown; comment?: string | null }): DefinitionRow {
  return {
    ...draft, name: edits.name ?? draft.name, content: edits.content,
    comment: edits.comment !== undefined ? edits.comment : draft.comment, updatedAt: nextUpdatedAt(app, draft.updatedAt),
  };
}

/** The columns an edit of a draft changes. */
const editedColumns = ({ name, content, comment, updatedAt }: DefinitionRow) => ({ name, content, comment, updatedAt });

/**
 * Replaces the content of the draft of (kind, key), or creates one when there is none (used by
 * imports such as dictionary CSV). Runs inside the caller's transaction; the caller audits.
 */
export async function replaceOrCreateDraft(
  app: App, tx: Db, actor: Actor, fields: Omit<DraftFields, 'name' | 'comment'> & { name?: string; comment?: string | null },
): Promise<{ before: DefinitionRow | undefined; after: DefinitionRow }> {
  const d = app.db.t.definitions;
  const { tenantId } = actor.principal;
  const before = await findDraft(tx, app, tenantId, fields.kind, fields.key);
  if (!before) {
    const [previous] = await tx.select({ name: d.name }).from(d)
      .where(and(eq(d.tenantId, tenantId), eq(d.kind, fields.kind), eq(d.key, fields.key))).orderBy(desc(d.version)).limit(1);
    const name = fields.name ?? previous?.name ?? fields.key;
    return { before, after: await insertDraft(app, tx, actor, { ...fields, name, comment: fields.comment ?? null }) };
  }
  const after = withEdits(app, before, fields);
  await tx.update(d).set(editedColumns(after)).where(and(eq(d.id, before.id), eq(d.status, 'draft')));
  return { before, after };
}

export async function createDraft(app: App, actor: Actor, raw: unknown): Promise<DefinitionOutput> {
  const input = parseInput(definitionCreateInput, raw);
  assertCan(actor, 'create', 'Definition', { kind: input.kind, key: input.key, status: 'draft' });
  const content = validateDefinitionContent(input.kind, input.content);
  const { tenantId } = actor.principal;
  return app.db.transaction(async (tx) => {
    if (await findDraft(tx, app, tenantId, input.kind, input.key)) throw draftExists();
    await checkDefinitionInCity(app, tx, tenantId, input.kind, content, actor.locale);
    const row = await insertDraft(app, tx, actor, { kind: input.kind, key: input.key, name: input.name, content, comment: input.comment ?? null });
    await auditAs(app, tx, actor, { action: 'create', objectType: 'definition', objectId: row.id, after: row }, row.createdAt);
    return toDefinitionOutput(row);
  });
}

export async function updateDraft(app: App, actor: Actor, id: string, raw: unknown): Promise<DefinitionOutput> {
  const patch = parseInput(definitionPatch, raw);
  const d = app.db.t.definitions;
  return app.db.transaction(async (tx) => {
    const before = await findPermitted(tx, app, actor, id, 'update');
    if (before.status !== 'draft') throw immutable();
    if (Date.parse(patch.expectedUpdatedAt) !== before.updatedAt.getTime()) throw new AppError('version_conflict');
    const content = patch.content !== undefined ? validateDefinitionContent(before.kind, patch.content) : before.content;
    if (patch.content !== undefined) await checkDefinitionInCity(app, tx, actor.principal.tenantId, before.kind, content, actor.locale);
    const after = withEdits(app, before, { name: patch.name, content, comment: patch.comment });
    // The updatedAt condition also catches a concurrent save that committed after our read (PostgreSQL).
    const changed = await tx.update(d).set(editedColumns(after))
      .where(and(eq(d.id, id), eq(d.status, 'draft'), eq(d.updatedAt, before.updatedAt))).returning({ id: d.id });
    if (changed.length === 0) throw new AppError('version_conflict');
    await auditAs(app, tx, actor, { action: 'update', objectType: 'definition', objectId: id, before, after }, after.updatedAt);
    return toDefinitionOutput(after);
  }).then(forgetDeviceTypes(app, actor));
}

export async function publishDefinition(app: App, actor: Actor, id: string, raw: unknown): Promise<DefinitionOutput> {
  const input = parseInput(definitionPublishInput, raw);
  const d = app.db.t.definitions;
  return app.db.transaction(async (tx) => {
    const before = await findPermitted(tx, app, actor, id, 'publish');
    if (before.status !== 'draft') throw immutable();
    // The kind's validator may have become stricter since the draft was saved.
    const parsed = validateDefinitionContent(before.kind, before.content);
    await checkDefinitionInCity(app, tx, actor.principal.tenantId, before.kind, parsed, actor.locale);
    await publishChecks.get(before.kind)?.(app, before.content, actor.locale);
    const now = app.now();
    const after: DefinitionRow = {
      ...before, status: 'published', checksum: contentChecksum(before.content), comment: input.comment,
      publishedAt: now, publishedBy: actor.principal.userId, updatedAt: nextUpdatedAt(app, before.updatedAt),
    };
    const changed = await tx.update(d).set({
      status: after.status, checksum: after.checksum, comment: after.comment, publishedAt: after.publishedAt, publishedBy: after.publishedBy, updatedAt: after.updatedAt,
    }).where(and(eq(d.id, id), eq(d.status, 'draft'))).returning({ id: d.id });
    if (changed.length === 0) throw new AppError('version_conflict');
    if (after.kind === 'process') await scheduleStartTimers(app, tx, after, actor.locale);
    await auditAs(app, tx, actor, {
      action: 'publish', objectType: 'definition', objectId: id, before: toDefinitionSummary(before), after: toDefinitionSummary(after),
    }, now);
    return toDefinitionOutput(after);
  }).then(forgetDeviceTypes(app, actor));
}

/**
 * Ingestion judges readings by the published device type, and alarm evaluation by the published
 * alarm rules and the metrics and attributes of the types they watch: both see a new or retired
 * version at once (other processes within their reload interval).
 */
const forgetDeviceTypes = (app: App, actor: Actor) => (out: DefinitionOutput): DefinitionOutput => {
  if (out.kind === 'deviceType') app.devices.invalidate(actor.principal.tenantId);
  if (out.kind === 'deviceType' || out.kind === 'entityType' || out.kind === 'alarmRule') app.alarms.invalidate(actor.principal.tenantId);
  return out;
};

export async function retireDefinition(app: App, actor: Actor, id: string): Promise<DefinitionOutput> {
  const d = app.db.t.definitions;
  return app.db.transaction(async (tx) => {
    const before = await findPermitted(tx, app, actor, id, 'publish');
    if (before.status !== 'published') {
      throw new AppError('validation_failed', {}, { fields: [{ field: 'status', message: '#validation.notPublished' }] });
    }
    const now = app.now();
    const after: DefinitionRow = { ...before, status: 'retired', retiredAt: now, updatedAt: nextUpdatedAt(app, before.updatedAt) };
    // Only status and timestamps change: the immutability trigger allows exactly this transition.
    await tx.update(d).set({ status: after.status, retiredAt: after.retiredAt, updatedAt: after.updatedAt }).where(eq(d.id, id));
    if (after.kind === 'process') await withdrawStartTimers(app, tx, id);
    await auditAs(app, tx, actor, {
      action: 'retire', objectType: 'definition', objectId: id, before: toDefinitionSummary(before), after: toDefinitionSummary(after),
    }, now);
    return toDefinitionOutput(after);
  }).then(forgetDeviceTypes(app, actor));
}

/**
 * For runtime callers (process engine, form renderer…), without a person's permissions: the
 * latest published version of (kind, key), or the given version when it was ever published
 * (retired versions still serve the instances pinned to them). Throws 404 when there is none.
 */
export async function getPublished(
  app: App, tenantId: string, kind: DefinitionKind, key: string, version?: number, db: Db = app.db.read,
): Promise<DefinitionOutput> {
  const d = app.db.t.definitions;
  const [row] = await db.select().from(d).where(and(
    eq(d.tenantId, tenantId), eq(d.kind, kind), eq(d.key, key),
    version === undefined ? eq(d.status, 'published') : and(eq(d.version, version), inArray(d.status, ['published', 'retired'])),
  )).orderBy(desc(d.version)).limit(1);
  if (!row) throw notFound('definition');
  return toDefinitionOutput(row);
}
