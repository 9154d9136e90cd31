/** The UI's translation hook; the catalogs are shared with the server (shared/i18n). */
import { createContext, useContext, type ReactNode } from 'react';
import { translate, type Locale, type MessageKey } from '../../shared/i18n/index.ts';

const LocaleContext = createContext<Locale>('zh-CN');

export function LocaleProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  return <LocaleContext.Provider value={locale}>{children}</LocaleContext.Provider>;
}

export function useLocale(): Locale {
  return useContext(LocaleContext);
}

export function useT() {
  const locale = useLocale();
  return (key: MessageKey | string, params?: Record<string, unknown>) => translate(locale, key, params);
}

/** The catalog label of a value under `prefix` (e.g. auditActions.login), or the value itself when there is none. */
export function labelOr(t: ReturnType<typeof useT>, prefix: string, value: string | null | undefined): string {
  if (!value) return '—';
  const key = `${prefix}.${value}`;
  const label = t(key);
  return label === key ? value : label;
}
