/**
 * Guards for route loaders and actions: the first line of every loader/action calls one of
 * these. Sessions are the same server-side sessions the API accepts.
 */
import { data, redirect, type AppLoadContext } from 'react-router';
import type { Actor } from '../../server/app.server.ts';
import { authenticateSession, SESSION_COOKIE } from '../../server/auth/auth.server.ts';
import { AppError, toErrorBody } from '../../server/errors.server.ts';
import { isSameOrigin, readCookie } from '../../server/http/request.server.ts';
import type { Action, SubjectName } from '../../shared/domain.ts';
import { localeOf } from './locale.server.ts';

export function metaOf(request: Request, context: AppLoadContext) {
  return { ip: context.clientIp, userAgent: request.headers.get('user-agent') };
}

/** The signed-in actor, or a redirect to the login page. */
export async function requireActor(request: Request, context: AppLoadContext): Promise<Actor> {
  const cookie = readCookie(request.headers.get('cookie'), SESSION_COOKIE);
  const principal = cookie ? await authenticateSession(context.app, cookie) : null;
  if (!principal) {
    const url = new URL(request.url);
    throw redirect(`/login?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  return { principal, meta: metaOf(request, context), locale: localeOf(request) };
}

/** requireActor + a type-level permission check (403 page when missing). */
export async function requirePermission(request: Request, context: AppLoadContext, action: Action, subject: SubjectName): Promise<Actor> {
  const actor = await requireActor(request, context);
  if (!actor.principal.ability.can(action, subject)) throw new Response('Forbidden', { status: 403 });
  return actor;
}

/**
 * For actions: the form's `_csrf` field must match the session's token and the request must
 * come from our own origin. Returns the parsed form data. A failure is a 403 response carrying
 * the localized error body (a thrown plain error would reach the browser as an anonymous 500).
 */
export async function requireCsrf(request: Request, actor: Actor): Promise<FormData> {
  const form = await request.formData();
  if (form.get('_csrf') !== actor.principal.csrfToken || !isSameOrigin(request)) {
    const { status, body } = toErrorBody(new AppError('csrf_failed'), actor.locale);
    throw data(body, { status });
  }
  return form;
}
