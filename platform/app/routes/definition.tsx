import { Link } from 'react-router';
import { useState } from 'react';
import { Button, Card, Descriptions, Popconfirm, Space, Table, Typography, type TableColumnsType } from 'antd';
import type { Route } from './+types/definition';
import { requireActor, requireCsrf, requirePermission } from '../lib/guard.server.ts';
import { formId, orRespond, runIntent } from '../lib/action.server.ts';
import { getDefinition, getDefinitionVersions, publishDefinition, retireDefinition } from '../../server/services/definitions.server.ts';
import { userNames } from '../lib/user-names.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { formatJson, useDateFormat } from '../lib/format.ts';
import { Checksum, DefinitionStatusTag } from '../components/definition-status.tsx';
import { PublishModal } from '../components/publish-modal.tsx';

export const meta: Route.MetaFunction = ({ matches, loaderData }) => pageTitle(matches, 'ui.nav.definitions', loaderData?.definition.name);

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Definition');
  const { app } = context;
  const definition = await orRespond(actor.locale, () => getDefinition(app, actor, params.id));
  const versions = await getDefinitionVersions(app, actor, definition.kind, definition.key);
  const names = await userNames(app, actor, versions.flatMap((v) => [v.createdBy, v.publishedBy]));
  return { definition, versions, names };
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    publish: async (payload) => ({ id: (await publishDefinition(context.app, actor, formId(form), payload)).id }),
    retire: async () => ({ id: (await retireDefinition(context.app, actor, formId(form))).id }),
  });
}

export default function Definition({ loaderData }: Route.ComponentProps) {
  const { definition: d, versions, names } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const { can } = useShell();
  const [publishing, setPublishing] = useState<string | null>(null);
  const retire = useIntent('retire', { successKey: 'ui.definitions.retired' });
  const who = (id: string | null) => (id ? names[id] ?? id : '—');
  type Version = (typeof versions)[number];
  const columns: TableColumnsType<Version> = [
    { title: t('ui.definitions.version'), dataIndex: 'version', width: 80, render: (v: number, row) => (row.id === d.id ? <strong>v{v}</strong> : <Link to={`/definitions/${row.id}`}>v{v}</Link>) },
    { title: t('ui.definitions.status'), dataIndex: 'status', width: 90, render: (s: Version['status']) => <DefinitionStatusTag status={s} /> },
    { title: t('ui.definitions.comment'), dataIndex: 'comment', render: (c: string | null) => c ?? '—' },
    { title: t('ui.definitions.publishedBy'), dataIndex: 'publishedBy', width: 110, render: who },
    { title: t('ui.definitions.publishedAt'), dataIndex: 'publishedAt', width: 150, render: (v: string | null) => dateTime(v) },
    { title: t('ui.definitions.checksum'), dataIndex: 'checksum', width: 160, render: (c: string | null) => <Checksum value={c} /> },
  ];

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small"
        title={<Space wrap><Link to="/definitions">{t('ui.nav.definitions')}</Link>/<span>{d.name}</span><DefinitionStatusTag status={d.status} /></Space>}
        extra={
          <Space wrap>
            {d.kind === 'process' && d.status !== 'retired' && can['create:Definition'] ? <Link to={`/designer/process/${d.id}`} data-testid="definition-design">{t('ui.designer.open')}</Link> : null}
            {d.status === 'draft' && can['publish:Definition'] ? <Button type="primary" onClick={() => setPublishing(d.id)} data-testid="definition-publish">{t('ui.definitions.publish')}</Button> : null}
            {d.status === 'published' && can['publish:Definition'] ? (
              <Popconfirm title={t('ui.definitions.confirmRetire', { name: d.name, version: d.version })} onConfirm={() => retire.submit(undefined, { id: d.id })}>
                <Button danger loading={retire.busy} data-testid="definition-retire">{t('ui.definitions.retire')}</Button>
              </Popconfirm>
            ) : null}
          </Space>
        }>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={[
          { key: 'kind', label: t('ui.definitions.kind'), children: t(`definitionKinds.${d.kind}`) },
          { key: 'key', label: t('ui.definitions.key'), children: <Typography.Text code>{d.key}</Typography.Text> },
          { key: 'version', label: t('ui.definitions.version'), children: `v${d.version}` },
          { key: 'checksum', label: t('ui.definitions.checksum'), children: <Checksum value={d.checksum} /> },
          { key: 'created', label: t('ui.definitions.createdBy'), children: `${who(d.createdBy)} · ${dateTime(d.createdAt)}` },
          { key: 'published', label: t('ui.definitions.publishedBy'), children: d.publishedAt ? `${who(d.publishedBy)} · ${dateTime(d.publishedAt)}` : '—' },
          ...(d.retiredAt ? [{ key: 'retired', label: t('ui.definitions.retiredAt'), children: dateTime(d.retiredAt) }] : []),
          { key: 'comment', label: t('ui.definitions.comment'), children: d.comment ?? '—' },
        ]} />
      </Card>
      <Card size="small" title={t('ui.definitions.content')}>
        <pre data-testid="definition-content" style={{ maxHeight: 480, overflow: 'auto', margin: 0, fontSize: 12, background: '#fafafa', padding: 12, borderRadius: 6 }}>{formatJson(d.content)}</pre>
      </Card>
      <Card size="small" title={t('ui.definitions.history')}>
        <Table<Version> rowKey="id" size="small" columns={columns} dataSource={versions} pagination={false} scroll={{ x: 800 }} />
      </Card>
      <PublishModal definitionId={publishing} title={t('ui.definitions.publishTitle', { name: d.name, version: d.version })} onClose={() => setPublishing(null)} />
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
