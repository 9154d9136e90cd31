import { useNavigate, useSearchParams } from 'react-router';
import { Badge, Card, Empty, Select, Space, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/devices';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { can } from '../../server/access/guard.server.ts';
import { listDevices, listRejections, type DeviceOutput } from '../../server/devices/devices.server.ts';
import { MONITORING_MODULES } from '@tongguan/runtime/devices/definition';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.devices.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Device');
  const params = new URL(request.url).searchParams;
  const query = { module: params.get('module') ?? undefined, online: params.get('online') ?? undefined, limit: 2000 };
  return orRespond(actor.locale, async () => ({
    devices: await listDevices(context.app, actor, query),
    // Ingestion refusals are for those who look after devices (update rights).
    rejections: can(actor, 'update', 'Device') ? await listRejections(context.app, actor) : null,
  }));
}

export default function Devices({ loaderData }: Route.ComponentProps) {
  const { devices, rejections } = loaderData;
  const t = useT();
  const fmt = useDateFormat();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const setFilter = (key: string, value: string | undefined) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value); else next.delete(key);
    void navigate(`/devices?${next.toString()}`);
  };
  const online = devices.items.filter((d) => d.online).length;
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card size="small" title={t('ui.devices.title')} data-testid="devices-page"
        extra={(
          <Space wrap>
            <Select allowClear placeholder={t('ui.devices.module')} style={{ minWidth: 140 }} value={params.get('module') ?? undefined}
              options={MONITORING_MODULES.map((m) => ({ value: m, label: t(`ui.modules.${m}`) }))} onChange={(v?: string) => setFilter('module', v)} />
            <Select allowClear placeholder={t('ui.devices.online')} style={{ minWidth: 120 }} value={params.get('online') ?? undefined}
              options={[{ value: 'true', label: t('ui.devices.isOnline') }, { value: 'false', label: t('ui.devices.isOffline') }]} onChange={(v?: string) => setFilter('online', v)} />
          </Space>
        )}>
        <Typography.Paragraph type="secondary" data-testid="devices-summary">
          {t('ui.devices.summary', { total: devices.total, online, offline: devices.items.length - online })}
        </Typography.Paragraph>
        <Table<DeviceOutput> size="small" rowKey="id" dataSource={devices.items} pagination={{ pageSize: 50 }} scroll={{ x: 900 }}
          columns={[
            { title: t('ui.devices.code'), dataIndex: 'code' },
            { title: t('ui.devices.type'), dataIndex: 'typeName', render: (v: string | null, d) => v ?? d.typeKey },
            { title: t('ui.devices.module'), dataIndex: 'module', render: (m: string | null) => (m ? t(`ui.modules.${m}`) : '') },
            {
              title: t('ui.devices.online'), dataIndex: 'online',
              render: (v: boolean) => <Badge status={v ? 'success' : 'default'} text={v ? t('ui.devices.isOnline') : t('ui.devices.isOffline')} />,
            },
            { title: t('ui.devices.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`ui.devices.statuses.${s}`)}</Tag> },
            { title: t('ui.devices.lastSeen'), dataIndex: 'lastSeenAt', render: (v: string | null) => (v ? fmt.dateTime(v) : '—') },
            {
              title: t('ui.devices.latest'), key: 'latest',
              render: (_: unknown, d) => Object.entries(d.latest).map(([metric, r]) => `${metric} ${r.value}`).join('，'),
            },
          ]} />
      </Card>
      {rejections ? (
        <Card size="small" title={t('ui.devices.rejections')} data-testid="ingest-rejections">
          {rejections.length === 0 ? <Empty description={t('ui.devices.noRejections')} /> : (
            <Table size="small" rowKey={(r) => `${r.deviceCode}|${r.reason}`} dataSource={rejections} pagination={{ pageSize: 20 }}
              columns={[
                { title: t('ui.devices.code'), dataIndex: 'deviceCode' },
                { title: t('ui.devices.reason'), dataIndex: 'reason', render: (r: string) => t(`ui.devices.reasons.${r}`) },
                { title: t('ui.devices.count'), dataIndex: 'count' },
                { title: t('ui.devices.lastAt'), dataIndex: 'lastAt', render: (v: string) => fmt.dateTime(v) },
                { title: t('ui.devices.detail'), dataIndex: 'lastDetail' },
              ]} />
          )}
        </Card>
      ) : null}
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
