/**
 * Route actions: one action per route dispatches on the form's `intent`; complex values travel
 * as JSON in the `payload` field (services validate the raw object with zod themselves). Typed
 * application errors become the returned `error` (with per-field messages) so forms can show
 * them in place; anything else is rethrown for the error boundary.
 */
import { data } from 'react-router';
import type { Actor } from '../../server/app.server.ts';
import { AppError, toErrorBody } from '../../server/errors.server.ts';
import type { ErrorBody } from '../../shared/errors.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import { idSchema } from '../../shared/schemas/common.ts';

export type ActionResult =
  | { ok: true; intent: string; id?: string; value?: unknown }
  | { ok: false; intent: string; error: ErrorBody['error'] };

/** What an intent handler may return: nothing, the created/changed object's id, or a value to show. */
export type IntentOutcome = void | { id?: string; value?: unknown };

type IntentHandler = (payload: unknown, form: FormData) => Promise<IntentOutcome>;

function payloadOf(form: FormData): unknown {
  const raw = form.get('payload');
  if (typeof raw !== 'string' || raw === '') return {};
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('invalid_json');
  }
}

export async function runIntent(actor: Actor, form: FormData, handlers: Record<string, IntentHandler>): Promise<ActionResult> {
  const intent = String(form.get('intent') ?? '');
  try {
    const handler = Object.hasOwn(handlers, intent) ? handlers[intent] : undefined;
    if (!handler) throw new AppError('bad_request');
    const outcome = await handler(payloadOf(form), form);
    return { ok: true, intent, ...(outcome ?? {}) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { ok: false, intent, error: toErrorBody(error, actor.locale).body.error };
  }
}

/**
 * For loaders: runs a service call and turns its typed errors (404, 403…) into an error
 * response the route's error boundary shows with the localized message.
 */
export async function orRespond<T>(locale: Locale, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const { status, body } = toErrorBody(error, locale);
    throw data(body, { status });
  }
}

/** The `id` form field naming the record an intent acts on. */
export function formId(form: FormData, name = 'id'): string {
  const parsed = idSchema.safeParse(form.get(name));
  if (!parsed.success) throw new AppError('validation_failed', {}, { issues: parsed.error.issues.map((i) => ({ ...i, path: [name] })) });
  return parsed.data;
}
