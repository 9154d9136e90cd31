/**
 * The error boundary of the pages inside the shell: the menu stays, the page area shows what
 * went wrong — the server's localized message when the loader sent one (see orRespond).
 */
import { isRouteErrorResponse, Link, useRouteError } from 'react-router';
import { Result } from 'antd';
import { useT } from '../lib/i18n.tsx';

function messageOf(data: unknown): string | undefined {
  if (data && typeof data === 'object' && 'error' in data) {
    const error = (data as { error?: { message?: unknown } }).error;
    if (typeof error?.message === 'string') return error.message;
  }
  return undefined;
}

export function RouteErrorBoundary() {
  const error = useRouteError();
  const t = useT();
  const home = <Link to="/">{t('ui.nav.home')}</Link>;
  if (isRouteErrorResponse(error)) {
    const status = error.status === 403 ? '403' : error.status === 404 ? '404' : 'error';
    const fallback = error.status === 403 ? t('errors.forbidden') : error.status === 404 ? t('errors.not_found', { object: t('objects.resource') }) : String(error.status);
    return <Result status={status} title={messageOf(error.data) ?? fallback} extra={home} />;
  }
  return <Result status="error" title={t('errors.internal')} extra={home} />;
}
