/**
 * The start page's variables editor: JSON text → process variables, checked with the same
 * schema the API uses, so the person sees the problem before the server refuses it.
 */
import { z } from 'zod';
import { variablesSchema } from '../../shared/schemas/workflow.ts';

/** Messages are catalog keys (`#validation.…` as the shared schemas use, or `ui.…`). */
export const variablesText = z.string().transform((text, ctx): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    ctx.addIssue({ code: 'custom', message: '#ui.processes.invalidJson' });
    return z.NEVER;
  }
}).pipe(z.record(z.string(), z.unknown(), { error: '#ui.processes.notAnObject' }).pipe(variablesSchema));

export type VariablesCheck = { ok: true; value: Record<string, unknown> } | { ok: false; messageKey: string; path: string };

/** Parses the editor's text; on failure the catalog key of the first problem and where it is. */
export function checkVariables(text: string): VariablesCheck {
  const parsed = variablesText.safeParse(text);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  // A bad variable name is reported by zod as an `invalid_key` wrapping the key's own issue.
  const message = issue.code === 'invalid_key' ? issue.issues[0]?.message ?? issue.message : issue.message;
  return { ok: false, messageKey: message.startsWith('#') ? message.slice(1) : 'ui.processes.invalidVariables', path: issue.path.map(String).join('.') };
}
