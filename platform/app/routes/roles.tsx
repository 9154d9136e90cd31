import { useSearchParams } from 'react-router';
import { Button, Card, Col, Empty, Row, Table, Tag } from 'antd';
import type { Route } from './+types/roles';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { formId, runIntent } from '../lib/action.server.ts';
import { createRole, deleteRole, listRoles, updateRole } from '../../server/services/roles.server.ts';
import { listOrganisations } from '../../server/services/organisations.server.ts';
import { listGrids } from '../../server/services/grids.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { RoleEditor } from '../components/role-editor.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.roles');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Role');
  const { app } = context;
  const ability = actor.principal.ability;
  const roles = await listRoles(app, actor);
  const orgs = ability.can('read', 'Organisation') ? await listOrganisations(app, actor) : [];
  const grids = ability.can('read', 'Grid') ? (await listGrids(app, actor, {})).map(({ id, code, name }) => ({ id, code, name })) : [];
  const selected = new URL(request.url).searchParams.get('id');
  return { roles, orgs, grids, selected: selected === 'new' || roles.some((r) => r.id === selected) ? selected : roles[0]?.id ?? null };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  const { app } = context;
  return runIntent(actor, form, {
    create: async (payload) => ({ id: (await createRole(app, actor, payload)).id }),
    update: async (payload) => ({ id: (await updateRole(app, actor, formId(form), payload)).id }),
    delete: async () => { await deleteRole(app, actor, formId(form)); },
  });
}

export default function Roles({ loaderData }: Route.ComponentProps) {
  const { roles, orgs, grids, selected } = loaderData;
  const t = useT();
  const { can } = useShell();
  const [, setParams] = useSearchParams();
  const select = (id: string | null) => setParams(id ? { id } : {}, { preventScrollReset: true });
  const role = roles.find((r) => r.id === selected) ?? null;
  const creating = selected === 'new';
  type Role = (typeof roles)[number];

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={9}>
        <Card title={t('ui.nav.roles')} size="small"
          extra={can['create:Role'] ? <Button type="primary" size="small" onClick={() => select('new')} data-testid="role-create">{t('ui.roles.create')}</Button> : null}>
          <div data-testid="roles-table">
            <Table<Role>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={roles}
              rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')}
              onRow={(r) => ({ onClick: () => select(r.id), style: { cursor: 'pointer' } })}
              columns={[
                { title: t('ui.roles.name'), dataIndex: 'name', render: (name: string, r) => <span>{name}<br /><small style={{ color: '#8c8c8c' }}>{r.code}</small></span> },
                { title: t('ui.roles.dataScope'), dataIndex: 'dataScope', width: 110, render: (s: Role['dataScope']) => <Tag>{t(`dataScopes.${s}`)}</Tag> },
                { title: t('ui.roles.userCount'), dataIndex: 'userCount', width: 64, align: 'right' },
              ]}
            />
          </div>
        </Card>
      </Col>
      <Col xs={24} lg={15}>
        <Card size="small" title={creating ? t('ui.roles.create') : role ? t('ui.roles.editing', { name: role.name }) : t('ui.nav.roles')}>
          {role || creating ? (
            <RoleEditor
              role={creating ? null : role}
              orgs={orgs}
              grids={grids}
              canSave={creating ? can['create:Role'] : can['update:Role']}
              canDelete={can['delete:Role']}
              onCreated={select}
              onDeleted={() => select(null)}
            />
          ) : <Empty />}
        </Card>
      </Col>
    </Row>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
