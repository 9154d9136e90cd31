import { useSearchParams } from 'react-router';
import { Card, Table, Tag, type TableColumnsType } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/audit';
import { requirePermission } from '../lib/guard.server.ts';
import { queryAuditLog } from '../../server/services/audit-log.server.ts';
import { auditFilter } from '../../shared/schemas/audit.ts';
import { readSearch, toSearch } from '../lib/search-params.ts';
import { labelOr, useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { AuditDiff } from '../components/audit-diff.tsx';
import { AuditFilters, type AuditFilterValues } from '../components/audit-filters.tsx';

const PAGE_SIZE = 50;

const auditSearch = auditFilter.extend({ page: z.coerce.number().int().min(1).max(100000).default(1) });

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.audit');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'AuditLog');
  const { page, ...filters } = readSearch(auditSearch, request.url);
  const result = await queryAuditLog(context.app, actor, { ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  return { ...result, filters, page };
}

export default function Audit({ loaderData }: Route.ComponentProps) {
  const { items, total, filters, page } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const { can } = useShell();
  const [, setParams] = useSearchParams();
  type Entry = (typeof items)[number];
  const search = new URLSearchParams(toSearch(filters)).toString();
  const columns: TableColumnsType<Entry> = [
    { title: t('ui.audit.at'), dataIndex: 'at', width: 150, render: (v: string) => dateTime(v) },
    { title: t('ui.audit.actor'), dataIndex: 'actorName', width: 120, render: (v: string | null) => v ?? '—' },
    {
      title: t('ui.audit.action'), dataIndex: 'action', width: 110,
      render: (v: string) => <Tag color={v === 'login_failed' ? 'red' : v === 'delete' ? 'volcano' : undefined}>{labelOr(t, 'auditActions', v)}</Tag>,
    },
    { title: t('ui.audit.objectType'), dataIndex: 'objectType', width: 110, render: (v: string | null) => labelOr(t, 'objects', v) },
    { title: t('ui.audit.objectId'), dataIndex: 'objectId', width: 220, ellipsis: true, render: (v: string | null) => v ?? '—' },
    { title: t('ui.audit.ip'), dataIndex: 'ip', width: 130, render: (v: string | null) => v ?? '—' },
  ];

  return (
    <Card title={t('ui.nav.audit')} size="small">
      <AuditFilters
        key={search}
        values={filters as AuditFilterValues}
        onChange={(values) => setParams(toSearch({ ...values }))}
        exportHref={can['export:AuditLog'] ? `/api/v1/audit-logs/export.csv${search ? `?${search}` : ''}` : undefined}
      />
      <div data-testid="audit-table">
        <Table<Entry>
          rowKey="seq"
          size="small"
          columns={columns}
          dataSource={items}
          scroll={{ x: 900 }}
          expandable={{ expandedRowRender: (e) => <AuditDiff before={e.before} after={e.after} detail={e.detail} userAgent={e.userAgent} /> }}
          pagination={{ current: page, pageSize: PAGE_SIZE, total, showSizeChanger: false, showTotal: (n) => t('ui.common.total', { count: n }) }}
          onChange={(p) => setParams(toSearch({ ...filters, page: p.current === 1 ? undefined : p.current }))}
        />
      </div>
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
