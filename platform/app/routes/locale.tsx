import { redirect, type ActionFunctionArgs } from 'react-router';
import { isLocale } from '../../shared/i18n/index.ts';
import { LOCALE_COOKIE } from '../lib/locale.server.ts';

/** Switches the UI language (a preference cookie; not a security-relevant mutation). */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get('locale');
  const back = String(form.get('back') ?? '/');
  if (!isLocale(locale)) throw new Response('Bad locale', { status: 400 });
  return redirect(back.startsWith('/') && !back.startsWith('//') ? back : '/', {
    headers: { 'Set-Cookie': `${LOCALE_COOKIE}=${locale}; Path=/; SameSite=Lax; Max-Age=31536000` },
  });
}
