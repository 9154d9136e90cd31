import { redirect, type ActionFunctionArgs } from 'react-router';
import { endSession, SESSION_COOKIE } from '../../server/auth/auth.server.ts';
import { sessionCookie } from '../../server/http/request.server.ts';
import { requireActor, requireCsrf } from '../lib/guard.server.ts';

export async function loader() {
  throw redirect('/');
}

export async function action({ request, context }: ActionFunctionArgs) {
  const actor = await requireActor(request, context);
  await requireCsrf(request, actor);
  await endSession(context.app, actor.principal, actor.meta);
  return redirect('/login', { headers: { 'Set-Cookie': sessionCookie(SESSION_COOKIE, '', { maxAgeSeconds: 0, secure: context.app.config.cookieSecure }) } });
}
