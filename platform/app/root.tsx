import { Links, Meta, Outlet, Scripts, ScrollRestoration, isRouteErrorResponse, useLoaderData, useRouteError, type LoaderFunctionArgs } from 'react-router';
import { ConfigProvider, Result, App as AntApp } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import 'dayjs/locale/zh-cn';
import dayjs from 'dayjs';
import { LocaleProvider, useT } from './lib/i18n.tsx';
import { localeOf } from './lib/locale.server.ts';
import type { Locale } from '../shared/i18n/index.ts';
import 'leaflet/dist/leaflet.css';

export async function loader({ request }: LoaderFunctionArgs) {
  return { locale: localeOf(request) };
}

export function Layout({ children }: { children: React.ReactNode }) {
  const data = useLoaderData<typeof loader>() as { locale: Locale } | undefined;
  const locale = data?.locale ?? 'zh-CN';
  return (
    <html lang={locale}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body style={{ margin: 0 }}>
        {children}
        <ScrollRestoration />
        <Scripts />
      </body>
    </html>
  );
}

export default function Root() {
  const { locale } = useLoaderData<typeof loader>();
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en');
  return (
    <LocaleProvider locale={locale}>
      <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#1f5fbf' } }}>
        <AntApp>
          <Outlet />
        </AntApp>
      </ConfigProvider>
    </LocaleProvider>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  if (isRouteErrorResponse(error)) {
    const status = error.status === 403 ? '403' : error.status === 404 ? '404' : 'error';
    const title = error.status === 403 ? t('errors.forbidden') : error.status === 404 ? t('errors.not_found', { object: t('objects.resource') }) : `${error.status}`;
    return <Result status={status} title={title} extra={<a href="/">{t('ui.nav.home')}</a>} />;
  }
  return <Result status="error" title={t('errors.internal')} extra={<a href="/">{t('ui.nav.home')}</a>} />;
}
