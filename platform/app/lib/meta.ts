/** Page titles in the UI language (the root loader carries the locale). */
import type { MetaDescriptor } from 'react-router';
import { DEFAULT_LOCALE, isLocale, translate } from '../../shared/i18n/index.ts';

interface MatchLike {
  id: string;
  loaderData?: unknown;
}

export function pageTitle(matches: ReadonlyArray<MatchLike | undefined>, key: string, detail?: string): MetaDescriptor[] {
  const root = matches.find((m) => m?.id === 'root')?.loaderData as { locale?: unknown } | undefined;
  const locale = isLocale(root?.locale) ? root.locale : DEFAULT_LOCALE;
  const page = translate(locale, key);
  return [{ title: `${detail ? `${detail} · ` : ''}${page} · ${translate(locale, 'ui.appName')}` }];
}
