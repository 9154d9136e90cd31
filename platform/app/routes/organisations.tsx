import { useEffect, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Card, Col, Descriptions, Empty, Form, Popconfirm, Row } from 'antd';
import type { Route } from './+types/organisations';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { formId, runIntent } from '../lib/action.server.ts';
import { createOrganisation, deleteOrganisation, listOrganisations, updateOrganisation } from '../../server/services/organisations.server.ts';
import { listGrids } from '../../server/services/grids.server.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { subtreeIds } from '../lib/org-tree.ts';
import { OrgTreePanel } from '../components/org-tree-panel.tsx';
import { OrganisationForm, childDefaults, toOrganisationPayload, type OrganisationValues } from '../components/organisation-form.tsx';
import { GridMap } from '../components/grid-map.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.organisations');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Organisation');
  const { app } = context;
  const ability = actor.principal.ability;
  const orgs = await listOrganisations(app, actor);
  const requested = new URL(request.url).searchParams.get('id');
  const selected = orgs.find((o) => o.id === requested) ?? orgs.find((o) => !orgs.some((p) => p.id === o.parentId)) ?? null;
  // The map shows the selected node's own grids and those of everything below it.
  const below = selected ? subtreeIds(orgs, selected.id) : new Set<string>();
  const leaf = below.size === 1;
  const grids = selected && ability.can('read', 'Grid')
    ? (await listGrids(app, actor, leaf ? { orgId: selected.id } : {})).filter((g) => below.has(g.orgId)).map(({ id, code, name, geometry }) => ({ id, code, name, geometry }))
    : [];
  // Display configuration, not a secret: everyone who may see the grids gets the city's basemap.
  const basemapUrl = ability.can('read', 'Grid') ? await getParameterValue(app, actor.principal.tenantId, 'map.basemapUrl') : null;
  return { orgs, selectedId: selected?.id ?? null, grids, basemapUrl };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  const { app } = context;
  return runIntent(actor, form, {
    create: async (payload) => ({ id: (await createOrganisation(app, actor, payload)).id }),
    update: async (payload) => ({ id: (await updateOrganisation(app, actor, formId(form), payload)).id }),
    delete: async () => { await deleteOrganisation(app, actor, formId(form)); },
  });
}

export default function Organisations({ loaderData }: Route.ComponentProps) {
  const { orgs, selectedId, grids, basemapUrl } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const { can } = useShell();
  const [, setParams] = useSearchParams();
  const select = (id: string | null) => setParams(id ? { id } : {}, { preventScrollReset: true });
  const selected = orgs.find((o) => o.id === selectedId) ?? null;
  const [editForm] = Form.useForm<OrganisationValues>();
  const [createForm] = Form.useForm<OrganisationValues>();
  const update = useIntent('update', { form: editForm });
  // After a deletion the parent is selected; remembered at the click (the node is gone by the answer).
  const parentOfDeleted = useRef<string | null>(null);
  const remove = useIntent('delete', { successKey: 'ui.common.deleted', onSuccess: () => select(parentOfDeleted.current) });
  const create = useIntent('create', {
    form: createForm,
    successKey: 'ui.common.created',
    onSuccess: (result) => {
      createForm.resetFields();
      if (result.id) select(result.id);
    },
  });
  // Shared form instances keep their values across selections: start each selection afresh.
  useEffect(() => {
    editForm.resetFields();
    createForm.resetFields();
  }, [selectedId, editForm, createForm]);
  // Moving is offered only where the current parent is visible (a district admin cannot see the city above).
  const parentVisible = selected !== null && (selected.parentId === null || orgs.some((o) => o.id === selected.parentId));
  const inSubtree = selected ? subtreeIds(orgs, selected.id) : new Set<string>();

  return (
    <Row gutter={[16, 16]}>
      <Col xs={24} lg={8}>
        <Card title={t('ui.organisations.tree')} size="small">
          {orgs.length ? <OrgTreePanel orgs={orgs} selectedId={selectedId} onSelect={select} /> : <Empty />}
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        <div style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
          {selected ? (
            <Card title={t('ui.organisations.detail', { name: selected.name })} size="small">
              <Descriptions size="small" column={{ xs: 1, sm: 2 }} style={{ marginBottom: 16 }} items={[
                { key: 'created', label: t('ui.common.createdAt'), children: dateTime(selected.createdAt) },
                { key: 'updated', label: t('ui.common.updatedAt'), children: dateTime(selected.updatedAt) },
              ]} />
              <OrganisationForm
                form={editForm}
                name="organisation-edit"
                initialValues={selected}
                parents={parentVisible ? orgs.filter((o) => !inSubtree.has(o.id)) : undefined}
                disabled={!can['update:Organisation']}
                busy={update.busy}
                submitLabel={t('ui.common.save')}
                onFinish={(values) => update.submit(toOrganisationPayload(values), { id: selected.id })}
                extra={can['delete:Organisation'] ? (
                  <Popconfirm title={t('ui.organisations.confirmDelete', { name: selected.name })} onConfirm={() => { parentOfDeleted.current = selected.parentId; remove.submit(undefined, { id: selected.id }); }}>
                    <Button danger loading={remove.busy}>{t('ui.common.delete')}</Button>
                  </Popconfirm>
                ) : null}
              />
            </Card>
          ) : null}
          {can['create:Organisation'] ? (
            <Card title={t('ui.organisations.createChild')} size="small" extra={selected ? t('ui.organisations.under', { name: selected.name }) : null}>
              <OrganisationForm
                form={createForm}
                testId="org-create-form"
                initialValues={childDefaults(selected)}
                busy={create.busy}
                submitLabel={t('ui.common.create')}
                onFinish={(values) => create.submit({ ...toOrganisationPayload(values), parentId: selected?.id ?? null })}
              />
            </Card>
          ) : null}
          {can['read:Grid'] ? (
            <Card title={t('ui.organisations.grids', { count: grids.length })} size="small">
              <GridMap grids={grids} basemapUrl={basemapUrl} />
            </Card>
          ) : null}
        </div>
      </Col>
    </Row>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
