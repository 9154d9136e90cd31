/**
 * Form submissions checked on the server against a published form version (@formio/core, no
 * JavaScript from definitions ever runs: see docs/decisions/006).
 */
import { validateSubmission } from '@tongguan/runtime/forms/index';
import type { App, Actor } from '../app.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { AppError } from '../errors.server.ts';
import { getPublished } from './definitions.server.ts';
import { withOptionSources } from './form-options.server.ts';

/** 422 with one field error per invalid component, paths prefixed like the request body (`formData.items[1].qty`). */
export function checkSubmission(content: unknown, data: unknown, actor: Actor, prefix: string): Record<string, unknown> {
  const result = validateSubmission(content, data, { locale: actor.locale });
  if (result.ok) return result.data as Record<string, unknown>;
  throw new AppError('validation_failed', {}, { fields: result.errors.map((e) => ({ field: e.path ? `${prefix}.${e.path}` : prefix, message: e.message })) });
}

export async function validateFormData(app: App, actor: Actor, key: string, data: Record<string, unknown>): Promise<{ data: Record<string, unknown> }> {
  assertCan(actor, 'read', 'Definition');
  const form = await getPublished(app, actor.principal.tenantId, 'form', key);
  return { data: checkSubmission(await withOptionSources(app, actor.principal.tenantId, form.content), data, actor, 'data') };
}
