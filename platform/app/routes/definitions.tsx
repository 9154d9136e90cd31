import { Link, useSearchParams } from 'react-router';
import { Card, Input, Select, Space, Table, type TableColumnsType } from 'antd';
import type { Route } from './+types/definitions';
import { requirePermission } from '../lib/guard.server.ts';
import { listDefinitions } from '../../server/services/definitions.server.ts';
import { DEFINITION_KINDS, DEFINITION_STATUSES } from '../../shared/domain.ts';
import { definitionQuery } from '../../shared/schemas/definition.ts';
import { readSearch, toSearch } from '../lib/search-params.ts';
import { userNames } from '../lib/user-names.server.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { Checksum, DefinitionStatusTag } from '../components/definition-status.tsx';

const definitionFilters = definitionQuery.pick({ kind: true, status: true, q: true });

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.definitions');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Definition');
  const filters = readSearch(definitionFilters, request.url);
  const definitions = await listDefinitions(context.app, actor, filters);
  const names = await userNames(context.app, actor, definitions.map((d) => d.publishedBy));
  return { definitions, filters, names };
}

export default function Definitions({ loaderData }: Route.ComponentProps) {
  const { definitions, filters, names } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const [, setParams] = useSearchParams();
  const filter = (patch: Record<string, unknown>) => setParams(toSearch({ ...filters, ...patch }));
  type Definition = (typeof definitions)[number];
  const columns: TableColumnsType<Definition> = [
    { title: t('ui.definitions.kind'), dataIndex: 'kind', width: 100, render: (k: Definition['kind']) => t(`definitionKinds.${k}`) },
    { title: t('ui.definitions.key'), dataIndex: 'key', width: 180, render: (key: string, d) => <Link to={`/definitions/${d.id}`}>{key}</Link> },
    { title: t('ui.definitions.name'), dataIndex: 'name', width: 180 },
    { title: t('ui.definitions.version'), dataIndex: 'version', width: 70, align: 'right', render: (v: number) => `v${v}` },
    { title: t('ui.definitions.status'), dataIndex: 'status', width: 90, render: (s: Definition['status']) => <DefinitionStatusTag status={s} /> },
    { title: t('ui.definitions.checksum'), dataIndex: 'checksum', width: 160, render: (c: string | null) => <Checksum value={c} /> },
    { title: t('ui.definitions.publishedBy'), dataIndex: 'publishedBy', width: 110, render: (id: string | null) => (id ? names[id] ?? id : '—') },
    { title: t('ui.definitions.publishedAt'), dataIndex: 'publishedAt', width: 150, render: (v: string | null) => dateTime(v) },
  ];
  return (
    <Card title={t('ui.nav.definitions')} size="small">
      <Space wrap style={{ marginBottom: 12 }}>
        <Select allowClear value={filters.kind} placeholder={t('ui.definitions.kind')} style={{ width: 140 }} onChange={(kind: string | undefined) => filter({ kind })}
          options={DEFINITION_KINDS.map((k) => ({ value: k, label: t(`definitionKinds.${k}`) }))} />
        <Select allowClear value={filters.status} placeholder={t('ui.definitions.status')} style={{ width: 120 }} onChange={(status: string | undefined) => filter({ status })}
          options={DEFINITION_STATUSES.map((s) => ({ value: s, label: t(`definitionStatuses.${s}`) }))} />
        <Input.Search allowClear defaultValue={filters.q} placeholder={t('ui.definitions.search')} onSearch={(q) => filter({ q })} style={{ width: 220 }} />
      </Space>
      <div data-testid="definitions-table">
        <Table<Definition> rowKey="id" size="small" columns={columns} dataSource={definitions} scroll={{ x: 1100 }}
          pagination={{ pageSize: 50, showSizeChanger: false, hideOnSinglePage: true }} />
      </div>
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
