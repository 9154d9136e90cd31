/** 报警列表: the alarms in the reader's scope, open ones first by default, filtered by status, level and module. */
import { Link, useNavigate, useSearchParams } from 'react-router';
import { Card, Select, Space, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/alarms';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { listAlarms } from '../../server/alarms/alarms.server.ts';
import { ALARM_STATUSES } from '@tongguan/runtime/alarms/lifecycle';
import { MONITORING_MODULES } from '@tongguan/runtime/devices/definition';
import { SEVERITY_COLOURS } from '../components/one-map.tsx';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.alarms');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Alarm');
  const params = new URL(request.url).searchParams;
  const query = { status: params.get('status') ?? 'open', severity: params.get('severity') ?? undefined, module: params.get('module') ?? undefined, limit: 500 };
  return orRespond(actor.locale, async () => ({ alarms: await listAlarms(context.app, actor, query), status: query.status }));
}

export default function Alarms({ loaderData }: Route.ComponentProps) {
  const { alarms, status } = loaderData;
  const t = useT();
  const fmt = useDateFormat();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    void navigate(`/alarms?${next.toString()}`);
  };
  type Alarm = (typeof alarms.items)[number];
  return (
    <Card size="small" title={t('ui.nav.alarms')} data-testid="alarms-page" extra={(
      <Space wrap>
        <Select style={{ width: 130 }} value={status} onChange={(v) => setFilter('status', v)} data-testid="alarm-status-filter"
          options={[{ value: 'open', label: t('ui.alarms.open') }, ...ALARM_STATUSES.map((s) => ({ value: s, label: t(`ui.oneMap.alarmStatuses.${s}`) }))]} />
        <Select allowClear style={{ width: 130 }} placeholder={t('ui.alarms.severity')} value={params.get('severity') ?? undefined} onChange={(v) => setFilter('severity', v)}
          options={[1, 2, 3, 4].map((s) => ({ value: String(s), label: t(`ui.oneMap.severities.${s}`) }))} />
        <Select allowClear style={{ width: 150 }} placeholder={t('ui.oneMap.module')} value={params.get('module') ?? undefined} onChange={(v) => setFilter('module', v)}
          options={MONITORING_MODULES.map((m) => ({ value: m, label: t(`ui.modules.${m}`) }))} />
      </Space>
    )}>
      <Table<Alarm>
        rowKey="id" size="small" dataSource={alarms.items} scroll={{ x: 900 }} pagination={{ pageSize: 50, showTotal: (n) => t('ui.alarms.total', { total: n }) }}
        columns={[
          { title: t('ui.alarms.severity'), dataIndex: 'severity', width: 120, render: (s: number) => <Tag color={SEVERITY_COLOURS[s]}>{t(`ui.oneMap.severities.${s}`)}</Tag> },
          { title: t('ui.alarms.rule'), dataIndex: 'ruleName', render: (name: string, a) => <Link to={`/alarms/${a.id}`}>{name}</Link> },
          { title: t('ui.alarms.source'), dataIndex: 'sourceCode', width: 170, render: (code: string) => <Typography.Text code>{code}</Typography.Text> },
          { title: t('ui.alarms.message'), dataIndex: 'message', ellipsis: true },
          { title: t('ui.oneMap.status'), dataIndex: 'status', width: 100, render: (s: string) => t(`ui.oneMap.alarmStatuses.${s}`) },
          { title: t('ui.alarms.raisedAt'), dataIndex: 'raisedAt', width: 170, render: (at: string) => fmt.dateTime(at) },
        ]}
      />
    </Card>
  );
}
