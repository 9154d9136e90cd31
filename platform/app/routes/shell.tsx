import { Form, Link, Outlet, useLoaderData, useLocation, type LoaderFunctionArgs } from 'react-router';
import { Layout, Menu, Button, Typography, Drawer, Grid as AntGrid } from 'antd';
import { useState } from 'react';
import { requireActor } from '../lib/guard.server.ts';
import { useT } from '../lib/i18n.tsx';
import { LocaleSwitch } from '../components/locale-switch.tsx';
import { ShellContext } from '../lib/shell-context.tsx';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { listNotifications } from '../../server/services/notifications.server.ts';
import { NotificationBell } from '../components/notification-bell.tsx';
import type { Action, SubjectName } from '../../shared/domain.ts';

/** Menu entries and what a person must be allowed (default: read the subject) to see each. */
const MENU: { path: string; key: string; subject?: SubjectName; action?: Action }[] = [
  { path: '/', key: 'ui.nav.home' },
  // Everyone signed in has an inbox: tasks come from assignment rules, not from a permission.
  { path: '/tasks', key: 'ui.nav.tasks' },
  { path: '/cases', key: 'ui.cases.menu', subject: 'Case' },
  { path: '/indicators', key: 'ui.nav.indicators', subject: 'Indicator' },
  { path: '/evaluation', key: 'ui.nav.evaluation', subject: 'Indicator' },
  { path: '/indicator-library', key: 'ui.nav.indicatorLibrary', subject: 'Definition', action: 'create' },
  { path: '/indicator-reports', key: 'ui.nav.reports', subject: 'Indicator', action: 'create' },
  // Inspectors have no dashboard but record field inspections in their grids.
  { path: '/inspections', key: 'ui.nav.inspections', subject: 'Indicator', action: 'create' },
  { path: '/map', key: 'ui.nav.map', subject: 'Device' },
  { path: '/alarms', key: 'ui.nav.alarms', subject: 'Alarm' },
  { path: '/devices', key: 'ui.nav.devices', subject: 'Device' },
  { path: '/processes/new', key: 'ui.nav.startProcess', subject: 'Process', action: 'create' },
  { path: '/organisations', key: 'ui.nav.organisations', subject: 'Organisation' },
  { path: '/users', key: 'ui.nav.users', subject: 'User' },
  { path: '/roles', key: 'ui.nav.roles', subject: 'Role' },
  { path: '/dictionaries', key: 'ui.nav.dictionaries', subject: 'Dictionary' },
  { path: '/parameters', key: 'ui.nav.parameters', subject: 'Parameter' },
  { path: '/plugins', key: 'ui.nav.plugins', subject: 'Parameter' },
  { path: '/calendar', key: 'ui.nav.calendar', subject: 'Calendar' },
  { path: '/definitions', key: 'ui.nav.definitions', subject: 'Definition' },
  { path: '/audit', key: 'ui.nav.audit', subject: 'AuditLog' },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const actor = await requireActor(request, context);
  const { principal } = actor;
  const ability = principal.ability;
  const can: Record<string, boolean> = {};
  for (const subject of ['Organisation', 'Grid', 'User', 'Role', 'ApiToken', 'Dictionary', 'Parameter', 'Calendar', 'Definition', 'AuditLog', 'Process', 'Case', 'Indicator', 'Facility', 'Device', 'Alarm'] as const) {
    for (const action of ['read', 'create', 'update', 'delete', 'publish', 'export', 'administer'] as const) {
      can[`${action}:${subject}`] = ability.can(action, subject);
    }
  }
  const { timeZone } = await getParameterValue(context.app, principal.tenantId, 'calendar.workingTime');
  const mapCoordinates = await getParameterValue(context.app, principal.tenantId, 'map.basemapCoordinates');
  const notices = await listNotifications(context.app, actor, { limit: 8 });
  return {
    notices,
    user: { id: principal.userId, username: principal.username, displayName: principal.displayName, positions: principal.positions },
    csrfToken: principal.csrfToken ?? '',
    timeZone,
    mapCoordinates,
    can,
  };
}

export default function Shell() {
  const data = useLoaderData<typeof loader>();
  const t = useT();
  const location = useLocation();
  const screens = AntGrid.useBreakpoint();
  const [open, setOpen] = useState(false);
  const items = MENU.filter((m) => !m.subject || data.can[`${m.action ?? 'read'}:${m.subject}`]).map((m) => ({
    key: m.path,
    label: <Link to={m.path} onClick={() => setOpen(false)}>{t(m.key)}</Link>,
  }));
  const selected = MENU.filter((m) => m.path !== '/' && location.pathname.startsWith(m.path)).map((m) => m.path);
  const menu = <Menu mode="inline" selectedKeys={selected.length ? selected : ['/']} items={items} data-testid="main-menu" />;
  const mobile = !screens.md;
  return (
    <ShellContext.Provider value={data}>
      <Layout style={{ minHeight: '100vh' }}>
        {mobile ? (
          <Drawer open={open} onClose={() => setOpen(false)} placement="left" size={240} styles={{ body: { padding: 0 } }}>{menu}</Drawer>
        ) : (
          <Layout.Sider width={220} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
            <div style={{ padding: 16, fontWeight: 600, fontSize: 18 }}>{t('ui.appName')}</div>
            {menu}
          </Layout.Sider>
        )}
        <Layout>
          <Layout.Header style={{ background: '#fff', display: 'flex', alignItems: 'center', gap: 12, padding: '0 16px', borderBottom: '1px solid #f0f0f0' }}>
            {mobile ? <Button onClick={() => setOpen(true)} aria-label="menu">☰</Button> : null}
            <Typography.Text strong style={{ flex: 1 }} ellipsis>{t('ui.appSubtitle')}</Typography.Text>
            <NotificationBell items={data.notices.items} unread={data.notices.unread} asOf={data.notices.asOf} />
            <LocaleSwitch />
            <Typography.Text data-testid="current-user">{data.user.displayName}</Typography.Text>
            <Form method="post" action="/logout">
              <input type="hidden" name="_csrf" value={data.csrfToken} />
              <Button htmlType="submit" size="small">{t('ui.nav.logout')}</Button>
            </Form>
          </Layout.Header>
          <Layout.Content style={{ padding: mobile ? 8 : 16 }}>
            <Outlet />
          </Layout.Content>
        </Layout>
      </Layout>
    </ShellContext.Provider>
  );
}
