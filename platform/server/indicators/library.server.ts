/**
 * 评价指标管理 (001 §4.1.4 item 4, 1): the indicator library as an administrator configures it —
 * 编码, 名称, 描述, 分值, 评价方式, 计算公式, 评分方法, 评价网格, 评价点位, 检查项 of every
 * third-level indicator. Edits go into the indicator's draft (a new version from the published
 * one when there is none) through the definitions service, so they are checked exactly as any
 * definition is — the formula against the datasets with positions, grid codes against the city —
 * audited, and take effect only when the draft is published with a comment.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { indicatorContentSchema, type IndicatorContent } from '@tongguan/runtime/indicators/definition';
import type { App, Actor } from '../app.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { notFound, parseInput } from '../errors.server.ts';
import { createDraft, publishDefinition, updateDraft } from '../services/definitions.server.ts';

export interface LibraryVersion { id: string; version: number; status: 'draft' | 'published'; updatedAt: string; content: IndicatorContent }
export interface LibraryEntry { key: string; published: LibraryVersion | null; draft: LibraryVersion | null }

/** Every third-level indicator with its published version and its draft, in code order. */
export async function indicatorLibrary(app: App, actor: Actor): Promise<LibraryEntry[]> {
  assertCan(actor, 'read', 'Indicator');
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ id: d.id, key: d.key, version: d.version, status: d.status, updatedAt: d.updatedAt, content: d.content }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'indicator'), inArray(d.status, ['draft', 'published'])));
  const entries = new Map<string, LibraryEntry>();
  for (const row of rows) {
    const content = indicatorContentSchema.parse(row.content);
    if (content.level !== 3) continue;
    const entry = entries.get(row.key) ?? { key: row.key, published: null, draft: null };
    const version: LibraryVersion = { id: row.id, version: row.version, status: row.status as 'draft' | 'published', updatedAt: row.updatedAt.toISOString(), content };
    if (row.status === 'draft') entry.draft = version;
    else if ((entry.published?.version ?? 0) < row.version) entry.published = version;
    entries.set(row.key, entry);
  }
  const codeOf = (e: LibraryEntry) => (e.draft ?? e.published)!.content.code;
  return [...entries.values()].sort((a, b) => codeOf(a).localeCompare(codeOf(b), 'en', { numeric: true }));
}

const inspectionEdits = z.object({
  checklist: z.array(z.string()).optional(),
  grids: z.array(z.string()).nullable().optional(),
  minPoints: z.number().nullable().optional(),
});

/** The library's editable fields; anything else of the definition is kept as it is. Checked again by the indicator's own validator. */
export const libraryEditsInput = z.object({
  /** The draft's `updatedAt` the editor loaded (absent: no draft yet); a stale one is a 409. */
  expectedUpdatedAt: z.string().optional(),
  content: z.object({
    name: z.string().optional(),
    description: z.string().nullable().optional(),
    formula: z.string().optional(),
    score: z.number().nullable().optional(),
    scoring: z.string().nullable().optional(),
    scoringFormula: z.string().nullable().optional(),
    target: z.object({ operator: z.enum(['>=', '<=']), value: z.number() }).nullable().optional(),
    /** Per basis item, by position: only inspection items' checklist, grids and points. */
    basis: z.array(inspectionEdits.nullable()).optional(),
  }),
});

/** null or '' clears an optional field. */
function applied(base: IndicatorContent, edits: z.infer<typeof libraryEditsInput>['content']): Record<string, unknown> {
  const next: Record<string, unknown> = { ...base };
  for (const field of ['name', 'formula', 'description', 'score', 'scoring', 'scoringFormula', 'target'] as const) {
    if (!(field in edits)) continue;
    const value = edits[field];
    if (value === null || value === '') delete next[field];
    else next[field] = value;
  }
  if (edits.basis) {
    next.basis = base.basis.map((item, i) => {
      const change = edits.basis?.[i];
      if (!change || item.source !== 'inspection') return item;
      const out: Record<string, unknown> = { ...item };
      if (change.checklist) out.checklist = change.checklist;
      if (change.grids !== undefined) {
        if (change.grids === null || change.grids.length === 0) delete out.grids;
        else out.grids = change.grids;
      }
      if (change.minPoints !== undefined) {
        if (change.minPoints === null) delete out.minPoints;
        else out.minPoints = change.minPoints;
      }
      return out;
    });
  }
  return next;
}

/** Saves edits into the indicator's draft (created from the published version when there is none). */
export async function saveLibraryEdits(app: App, actor: Actor, key: string, raw: unknown): Promise<LibraryEntry> {
  const { content: edits, expectedUpdatedAt } = parseInput(libraryEditsInput, raw);
  const entry = (await indicatorLibrary(app, actor)).find((e) => e.key === key);
  if (!entry) throw notFound('indicator');
  const base = entry.draft ?? entry.published!;
  const content = applied(base.content, edits);
  if (entry.draft) {
    await updateDraft(app, actor, entry.draft.id, { name: String(content.name), content, expectedUpdatedAt: expectedUpdatedAt ?? entry.draft.updatedAt });
  } else {
    await createDraft(app, actor, { kind: 'indicator', key, name: String(content.name ?? base.content.name), content });
  }
  return (await indicatorLibrary(app, actor)).find((e) => e.key === key)!;
}

/** Publishes the indicator's draft with the comment the library asks for. */
export async function publishLibraryDraft(app: App, actor: Actor, key: string, raw: unknown): Promise<LibraryEntry> {
  const entry = (await indicatorLibrary(app, actor)).find((e) => e.key === key);
  if (!entry?.draft) throw notFound('definition');
  await publishDefinition(app, actor, entry.draft.id, raw);
  return (await indicatorLibrary(app, actor)).find((e) => e.key === key)!;
}
