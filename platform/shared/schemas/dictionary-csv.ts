/**
 * Dictionaries (code tables with hierarchy, e.g. 部件/事件 大类/小类) and their CSV form:
 * header `code,name,nameEn,parentCode,kind,standardRef`; RFC 4180 quoting.
 */
import { z } from 'zod';
import { DEFINITION_STATUSES } from '../domain.ts';
import { codeSchema, nameSchema } from './common.ts';

export const dictionaryItemSchema = z.object({
  code: codeSchema,
  name: nameSchema,
  nameEn: z.string().trim().max(100).optional(),
  parentCode: codeSchema.optional(),
  kind: z.string().trim().max(32).optional(),
  standardRef: z.string().trim().max(64).optional(),
});
export type DictionaryItem = z.infer<typeof dictionaryItemSchema>;

export const dictionaryContentSchema = z.object({
  items: z.array(dictionaryItemSchema).max(20000),
}).superRefine((content, ctx) => {
  const codes = new Set<string>();
  content.items.forEach((item, i) => {
    if (codes.has(item.code)) ctx.addIssue({ code: 'custom', path: ['items', i, 'code'], message: '#validation.duplicateCode' });
    codes.add(item.code);
  });
  content.items.forEach((item, i) => {
    if (item.parentCode && !codes.has(item.parentCode)) ctx.addIssue({ code: 'custom', path: ['items', i, 'parentCode'], message: '#validation.unknownParent' });
  });
});
export type DictionaryContent = z.infer<typeof dictionaryContentSchema>;

export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const src = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') { cell += '"'; i++; }
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(cell); cell = ''; }
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(cell); cell = '';
      if (row.some((c) => c !== '')) rows.push(row);
      row = [];
    } else cell += ch;
  }
  row.push(cell);
  if (row.some((c) => c !== '')) rows.push(row);
  return rows;
}

/** Parses dictionary CSV into raw items (validate with dictionaryContentSchema). */
export function parseDictionaryCsv(text: string): Record<string, string | undefined>[] {
  const [header, ...rows] = parseCsv(text);
  if (!header) return [];
  const columns = header.map((h) => h.trim());
  return rows.map((cells) => Object.fromEntries(columns.map((c, i) => [c, cells[i]?.trim() ? cells[i].trim() : undefined])));
}

export function toCsvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : String(value);
  // A leading =, +, - or @ would be run as a formula by spreadsheet programs (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Column order of the CSV form (import accepts any order; export writes this one). */
export const DICTIONARY_CSV_COLUMNS = ['code', 'name', 'nameEn', 'parentCode', 'kind', 'standardRef'] as const;

/** Serialises items to CSV (without BOM), defusing cells a spreadsheet would run as formulas. */
export function dictionaryToCsv(items: readonly DictionaryItem[]): string {
  const lines = [DICTIONARY_CSV_COLUMNS.join(',')];
  for (const item of items) lines.push(DICTIONARY_CSV_COLUMNS.map((c) => toCsvCell(item[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export interface DictionaryTreeNode extends DictionaryItem {
  children: DictionaryTreeNode[];
}

export const dictionaryTreeNodeSchema: z.ZodType<DictionaryTreeNode> = z.object({
  ...dictionaryItemSchema.shape,
  get children() {
    return z.array(dictionaryTreeNodeSchema);
  },
});

/** Nests items under their parents, keeping the items' order; items with unknown parents become roots. */
export function buildDictionaryTree(items: readonly DictionaryItem[]): DictionaryTreeNode[] {
  const nodes = new Map<string, DictionaryTreeNode>();
  for (const item of items) nodes.set(item.code, { ...item, children: [] });
  const roots: DictionaryTreeNode[] = [];
  for (const item of items) {
    const node = nodes.get(item.code) as DictionaryTreeNode;
    const parent = item.parentCode ? nodes.get(item.parentCode) : undefined;
    if (parent && parent !== node) parent.children.push(node);
    else roots.push(node);
  }
  return roots;
}

export const dictionaryImportInput = z.object({
  /** CSV text with the header row; RFC 4180 quoting, UTF-8 (a leading BOM is ignored). */
  csv: z.string().min(1).max(1_000_000),
  name: nameSchema.optional(),
});
export type DictionaryImportInput = z.input<typeof dictionaryImportInput>;

export const dictionaryQuery = z.object({
  /** Read the draft instead of the latest published version. */
  draft: z.stringbool().optional(),
});

export const dictionarySummary = z.object({
  key: z.string(),
  name: z.string(),
  /** Latest published version, or null while only a draft exists. */
  publishedVersion: z.number().int().nullable(),
  /** Id of the current draft, for editing and publishing it through /definitions. */
  draftId: z.string().nullable(),
  draftVersion: z.number().int().nullable(),
  /** Items in the latest published version (in the draft when nothing is published yet). */
  itemCount: z.number().int(),
  updatedAt: z.string(),
});
export type DictionarySummary = z.infer<typeof dictionarySummary>;

export const dictionaryOutput = z.object({
  id: z.string(),
  key: z.string(),
  name: z.string(),
  version: z.number().int(),
  status: z.enum(DEFINITION_STATUSES),
  updatedAt: z.string(),
  items: z.array(dictionaryItemSchema),
  tree: z.array(dictionaryTreeNodeSchema),
});
export type DictionaryOutput = z.infer<typeof dictionaryOutput>;
