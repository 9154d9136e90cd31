/**
 * 系统配置 → 字典: code tables with hierarchy (部件/事件 大类/小类, case sources, unit types…).
 * A dictionary is a definition of kind `dictionary` whose content is `{ items }`; it is edited as
 * a draft (here by CSV import) and published through the definitions lifecycle.
 */
import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { RawResponse } from '../api/define.server.ts';
import { AppError, notFound, parseInput } from '../errors.server.ts';
import { codeSchema } from '../../shared/schemas/common.ts';
import {
  DICTIONARY_CSV_COLUMNS, buildDictionaryTree, dictionaryImportInput, dictionaryToCsv, parseCsv, parseDictionaryCsv,
  type DictionaryContent, type DictionaryOutput, type DictionarySummary,
} from '../../shared/schemas/dictionary-csv.ts';
import { findDraft, replaceOrCreateDraft, validateDefinitionContent, type DefinitionRow } from './definitions.server.ts';

export interface DictionaryReadOptions {
  /** Read the current draft instead of the latest published version. */
  draft?: boolean;
}

function toDictionaryOutput(row: DefinitionRow): DictionaryOutput {
  const { items } = row.content as DictionaryContent;
  return {
    id: row.id, key: row.key, name: row.name, version: row.version, status: row.status, updatedAt: row.updatedAt.toISOString(),
    items, tree: buildDictionaryTree(items),
  };
}

function itemCount(content: unknown): number {
  return (content as DictionaryContent).items.length;
}

export async function listDictionaries(app: App, actor: Actor): Promise<DictionarySummary[]> {
  const d = app.db.t.definitions;
  const scope = accessibleWhere(actor.principal.ability, 'read', 'Dictionary', { key: d.key });
  const rows = await app.db.read.select({ id: d.id, key: d.key, name: d.name, version: d.version, status: d.status, updatedAt: d.updatedAt })
    .from(d).where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'dictionary'), scope)).orderBy(asc(d.key), desc(d.version));
  type Row = (typeof rows)[number];
  const byKey = new Map<string, Row[]>();
  for (const row of rows) {
    const versions = byKey.get(row.key) ?? [];
    versions.push(row);
    byKey.set(row.key, versions);
  }
  const current = new Map<string, { published?: Row; draft?: Row; counted: Row }>();
  for (const [key, versions] of byKey) {
    const published = versions.find((r) => r.status === 'published');
    const draft = versions.find((r) => r.status === 'draft');
    current.set(key, { published, draft, counted: published ?? draft ?? versions[0] });
  }
  const countedIds = [...current.values()].map((c) => c.counted.id);
  const contents = countedIds.length
    ? await app.db.read.select({ id: d.id, content: d.content }).from(d).where(and(eq(d.tenantId, actor.principal.tenantId), inArray(d.id, countedIds)))
    : [];
  const counts = new Map(contents.map((c) => [c.id, itemCount(c.content)]));
  return [...current.entries()].map(([key, c]) => ({
    key,
    name: (c.published ?? c.counted).name,
    publishedVersion: c.published?.version ?? null,
    draftId: c.draft?.id ?? null,
    draftVersion: c.draft?.version ?? null,
    itemCount: counts.get(c.counted.id) ?? 0,
    updatedAt: new Date(Math.max(...(byKey.get(key) ?? []).map((r) => r.updatedAt.getTime()))).toISOString(),
  }));
}

async function findDictionary(app: App, actor: Actor, key: string, options: DictionaryReadOptions): Promise<DefinitionRow> {
  const dictKey = parseInput(codeSchema, key);
  assertCan(actor, 'read', 'Dictionary', { key: dictKey });
  const { tenantId } = actor.principal;
  const d = app.db.t.definitions;
  const [row] = options.draft
    ? [await findDraft(app.db.read, app, tenantId, 'dictionary', dictKey)]
    : await app.db.read.select().from(d)
      .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'dictionary'), eq(d.key, dictKey), eq(d.status, 'published')))
      .orderBy(desc(d.version)).limit(1);
  if (!row) throw notFound('dictionary');
  return row;
}

/** The latest published version (or the draft) with its items as a flat list and as a tree. */
export async function getDictionary(app: App, actor: Actor, key: string, options: DictionaryReadOptions = {}): Promise<DictionaryOutput> {
  return toDictionaryOutput(await findDictionary(app, actor, key, options));
}

/**
 * Creates or replaces the dictionary's draft from CSV. All rows are validated first; a bad row
 * is a 422 naming `items.<index>.<field>` (index 0 is the first row after the header) and
 * nothing is written.
 */
export async function importDictionaryCsv(app: App, actor: Actor, key: string, raw: unknown): Promise<DictionaryOutput> {
  const dictKey = parseInput(codeSchema, key);
  const input = parseInput(dictionaryImportInput, raw);
  assertCan(actor, 'update', 'Dictionary', { key: dictKey });
  const [header] = parseCsv(input.csv);
  const columns = (header ?? []).map((c) => c.trim());
  const known = new Set<string>(DICTIONARY_CSV_COLUMNS);
  if (!columns.includes('code') || !columns.includes('name') || columns.some((c) => !known.has(c))) {
    throw new AppError('validation_failed', {}, { fields: [{ field: 'csv', message: '#validation.csvHeader' }] });
  }
  const items = parseDictionaryCsv(input.csv);
  if (items.length === 0) throw new AppError('validation_failed', {}, { fields: [{ field: 'csv', message: '#validation.csvEmpty' }] });
  const content = validateDefinitionContent('dictionary', { items }, []);
  const { db } = app;
  return db.transaction(async (tx) => {
    const { before, after } = await replaceOrCreateDraft(app, tx, actor, { kind: 'dictionary', key: dictKey, name: input.name, content });
    await recordAudit(db, tx, {
      tenantId: actor.principal.tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'import',
      objectType: 'definition', objectId: after.id, before, after, detail: { kind: 'dictionary', key: dictKey, items: items.length },
    }, actor.meta, app.now());
    return toDictionaryOutput(after);
  });
}

/** CSV of the latest published version (or the draft), with a UTF-8 BOM so Excel reads Chinese. */
export async function exportDictionaryCsv(app: App, actor: Actor, key: string, options: DictionaryReadOptions = {}): Promise<RawResponse> {
  const row = await findDictionary(app, actor, key, options);
  const csv = `\uFEFF${dictionaryToCsv((row.content as DictionaryContent).items)}`;
  return new RawResponse(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${row.key}-v${row.version}${row.status === 'draft' ? '-draft' : ''}.csv"`,
  }, csv);
}
