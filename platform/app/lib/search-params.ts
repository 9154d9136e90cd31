/** Reads a page's filters from the URL with a zod schema; bad or missing values fall back to defaults. */
import type { z } from 'zod';

export function readSearch<S extends z.ZodObject>(schema: S, url: string | URL): z.output<S> {
  const params = new URL(url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (value !== '') raw[key] = value;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // Drop only the offending fields: one bad filter should not reset the others.
  const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
  return schema.parse(Object.fromEntries(Object.entries(raw).filter(([k]) => !bad.has(k))));
}

/** The filters as URL search params, leaving out empty values. */
export function toSearch(values: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== '') out[key] = String(value);
  }
  return out;
}
