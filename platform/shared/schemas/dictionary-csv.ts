/**
 * Dictionaries (code tables with hierarchy, e.g. 部件/事件 大类/小类) and their CSV form:
 * header `code,name,nameEn,parentCode,kind,standardRef`; RFC 4180 quoting.
 */
import { z } from 'zod';
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
