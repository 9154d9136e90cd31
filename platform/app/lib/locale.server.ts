import { isLocale, negotiateLocale, type Locale } from '../../shared/i18n/index.ts';
import { readCookie } from '../../server/http/request.server.ts';

export const LOCALE_COOKIE = 'tg_locale';

/** The UI language: the user's explicit choice (cookie), else Accept-Language, else zh-CN. */
export function localeOf(request: Request): Locale {
  const chosen = readCookie(request.headers.get('cookie'), LOCALE_COOKIE);
  return isLocale(chosen) ? chosen : negotiateLocale(request.headers.get('accept-language'));
}
