import { useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, Grid as AntGrid, Input, Popconfirm, Select, Space, Table, Tag, type TableColumnsType } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/users';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { formId, runIntent } from '../lib/action.server.ts';
import { createUser, deleteUser, listUsers, resetPassword, unlockUser, updateUser } from '../../server/services/users.server.ts';
import { listOrganisations } from '../../server/services/organisations.server.ts';
import { listRoles } from '../../server/services/roles.server.ts';
import { POSITIONS } from '../../shared/domain.ts';
import { idSchema, searchText } from '../../shared/schemas/common.ts';
import { readSearch, toSearch } from '../lib/search-params.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { OrgTreeSelect } from '../components/org-tree-select.tsx';
import { UserDrawer, type EditableUser } from '../components/user-drawer.tsx';
import { PasswordModal } from '../components/password-modal.tsx';

const PAGE_SIZE = 20;

const userFilters = z.object({
  orgId: idSchema.optional(),
  position: z.enum(POSITIONS).optional(),
  q: searchText,
  page: z.coerce.number().int().min(1).max(100000).default(1),
});

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.users');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'User');
  const { app } = context;
  const ability = actor.principal.ability;
  const filters = readSearch(userFilters, request.url);
  const { page, ...query } = filters;
  const result = await listUsers(app, actor, { ...query, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const now = app.now().getTime();
  // Fields the caller's roles may not read are absent from the output (CASL field rules).
  const items = result.items.map((u) => ({
    id: u.id, username: u.username ?? '', displayName: u.displayName ?? '', phone: u.phone ?? null, email: u.email ?? null,
    status: u.status ?? 'active', lastLoginAt: u.lastLoginAt ?? null, memberships: u.memberships ?? [], roles: u.roles ?? [],
    locked: Boolean(u.lockedUntil && new Date(u.lockedUntil).getTime() > now),
  }));
  const orgs = ability.can('read', 'Organisation') ? await listOrganisations(app, actor) : [];
  const roles = ability.can('read', 'Role') ? (await listRoles(app, actor)).map(({ id, code, name }) => ({ id, code, name })) : [];
  return { items, total: result.total, filters, orgs, roles };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  const { app } = context;
  return runIntent(actor, form, {
    create: async (payload) => ({ id: (await createUser(app, actor, payload)).id }),
    update: async (payload) => ({ id: (await updateUser(app, actor, formId(form), payload)).id }),
    resetPassword: async (payload) => { await resetPassword(app, actor, formId(form), payload); },
    unlock: async () => { await unlockUser(app, actor, formId(form)); },
    disable: async () => { await deleteUser(app, actor, formId(form)); },
    enable: async () => { await updateUser(app, actor, formId(form), { status: 'active' }); },
  });
}

type Row = Route.ComponentProps['loaderData']['items'][number];

export default function Users({ loaderData }: Route.ComponentProps) {
  const { items, total, filters, orgs, roles } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const { can } = useShell();
  // Pinned columns only where there is room for them (on a phone they would cover the rest).
  const wide = Boolean(AntGrid.useBreakpoint().lg);
  const [, setParams] = useSearchParams();
  const [editing, setEditing] = useState<EditableUser | 'new' | null>(null);
  const [resetting, setResetting] = useState<Row | null>(null);
  const unlock = useIntent('unlock', { successKey: 'ui.users.unlocked' });
  const disable = useIntent('disable', { successKey: 'ui.users.disabled' });
  const enable = useIntent('enable', { successKey: 'ui.users.enabled' });
  const filter = (patch: Record<string, unknown>) => setParams(toSearch({ ...filters, page: undefined, ...patch }));

  const columns: TableColumnsType<Row> = [
    { title: t('ui.users.username'), dataIndex: 'username', fixed: wide ? 'left' : undefined, width: 140 },
    { title: t('ui.users.displayName'), dataIndex: 'displayName', width: 120 },
    {
      title: t('ui.users.memberships'), key: 'memberships', width: 280,
      render: (_, u) => u.memberships.map((m) => (
        <Tag key={`${m.orgId}-${m.position}`} color={m.primary ? 'blue' : undefined}>{m.orgName} · {t(`positions.${m.position}`)}</Tag>
      )),
    },
    { title: t('ui.users.roles'), key: 'roles', width: 180, render: (_, u) => u.roles.map((r) => <Tag key={r.id}>{r.name}</Tag>) },
    { title: t('ui.users.phone'), dataIndex: 'phone', width: 130 },
    {
      title: t('ui.users.status'), key: 'status', width: 110,
      render: (_, u) => (
        <Space size={4} wrap>
          <Tag color={u.status === 'active' ? 'green' : 'default'}>{t(`ui.users.statuses.${u.status}`)}</Tag>
          {u.locked ? <Tag color="red">{t('ui.users.locked')}</Tag> : null}
        </Space>
      ),
    },
    { title: t('ui.users.lastLoginAt'), dataIndex: 'lastLoginAt', width: 150, render: (v: string | null) => dateTime(v) },
    {
      title: t('ui.common.actions'), key: 'actions', width: 240, fixed: wide ? 'right' : undefined,
      render: (_, u) => (
        <Space size={0} wrap>
          {can['update:User'] ? <Button type="link" size="small" onClick={() => setEditing(u)}>{t('ui.common.edit')}</Button> : null}
          {can['update:User'] ? <Button type="link" size="small" onClick={() => setResetting(u)}>{t('ui.users.resetPassword')}</Button> : null}
          {can['update:User'] && u.locked ? <Button type="link" size="small" onClick={() => unlock.submit(undefined, { id: u.id })}>{t('ui.users.unlock')}</Button> : null}
          {can['delete:User'] && u.status === 'active' ? (
            <Popconfirm title={t('ui.users.confirmDisable', { name: u.displayName })} onConfirm={() => disable.submit(undefined, { id: u.id })}>
              <Button type="link" size="small" danger>{t('ui.users.disable')}</Button>
            </Popconfirm>
          ) : null}
          {can['update:User'] && u.status === 'disabled' ? (
            <Button type="link" size="small" onClick={() => enable.submit(undefined, { id: u.id })}>{t('ui.users.enable')}</Button>
          ) : null}
        </Space>
      ),
    },
  ];

  return (
    <Card
      title={t('ui.nav.users')}
      size="small"
      extra={can['create:User'] ? <Button type="primary" onClick={() => setEditing('new')} data-testid="user-create">{t('ui.users.create')}</Button> : null}
    >
      <Space wrap style={{ marginBottom: 12 }}>
        <Input.Search allowClear defaultValue={filters.q} placeholder={t('ui.users.search')} onSearch={(q) => filter({ q })} style={{ width: 220 }} />
        <OrgTreeSelect orgs={orgs} value={filters.orgId} placeholder={t('ui.users.organisation')} onChange={(orgId: string | undefined) => filter({ orgId })} style={{ width: 240 }} />
        <Select allowClear value={filters.position} placeholder={t('ui.users.position')} style={{ width: 160 }}
          options={POSITIONS.map((p) => ({ value: p, label: t(`positions.${p}`) }))} onChange={(position: string | undefined) => filter({ position })} />
      </Space>
      <div data-testid="users-table">
        <Table<Row>
          rowKey="id"
          size="small"
          columns={columns}
          dataSource={items}
          scroll={{ x: 1300 }}
          pagination={{ current: filters.page, pageSize: PAGE_SIZE, total, showSizeChanger: false, showTotal: (n) => t('ui.common.total', { count: n }) }}
          onChange={(p) => setParams(toSearch({ ...filters, page: p.current === 1 ? undefined : p.current }))}
        />
      </div>
      <UserDrawer user={editing} orgs={orgs} roles={roles} onClose={() => setEditing(null)} />
      <PasswordModal user={resetting} onClose={() => setResetting(null)} />
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
