import { Alert, Card, Space, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/plugins';
import { requirePermission } from '../lib/guard.server.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.plugins');

/** 插件管理: what is installed, whether it loaded (and why not), what it registered, how often its code failed. */
export async function loader({ request, context }: Route.LoaderArgs) {
  await requirePermission(request, context, 'read', 'Parameter');
  return { plugins: context.app.plugins.list().map((p) => ({ ...p, registered: { ...p.registered } })) };
}

const STATUS_COLOURS = { active: 'green', failed: 'red', disabled: 'default' } as const;
const REGISTERED = ['serviceTasks', 'protocols', 'endpoints', 'jobs', 'functions', 'transports'] as const;

export default function Plugins({ loaderData }: Route.ComponentProps) {
  const { plugins } = loaderData;
  const t = useT();
  type Plugin = (typeof plugins)[number];
  return (
    <Card title={t('ui.plugins.title')} size="small">
      <Alert type="info" showIcon message={t('ui.plugins.hint')} style={{ marginBottom: 12 }} />
      <div data-testid="plugins-table">
        <Table<Plugin>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={plugins}
          scroll={{ x: 1000 }}
          columns={[
            {
              title: t('ui.plugins.id'), dataIndex: 'id', width: 220, fixed: 'left',
              render: (id: string, p) => (
                <div>
                  <Typography.Text strong>{p.name ?? id}</Typography.Text>
                  <div><Typography.Text code>{id}</Typography.Text> <Typography.Text type="secondary">{p.version}</Typography.Text></div>
                </div>
              ),
            },
            {
              title: t('ui.plugins.status'), dataIndex: 'status', width: 200,
              render: (status: Plugin['status'], p) => (
                <div data-testid={`plugin-status-${p.id}`}>
                  <Tag color={STATUS_COLOURS[status]}>{t(`ui.plugins.statuses.${status}`)}</Tag>
                  {p.error && <div><Typography.Text type="danger">{p.error}</Typography.Text></div>}
                </div>
              ),
            },
            {
              title: t('ui.plugins.registered'), key: 'registered',
              render: (_: unknown, p) => {
                const groups = REGISTERED.filter((kind) => p.registered[kind].length > 0);
                if (!groups.length) return <Typography.Text type="secondary">{t('ui.plugins.none')}</Typography.Text>;
                return (
                  <Space direction="vertical" size={2}>
                    {groups.map((kind) => (
                      <div key={kind}>
                        <Typography.Text type="secondary">{t(`ui.plugins.${kind}`)}：</Typography.Text>
                        {p.registered[kind].map((item) => <Tag key={item}>{item}</Tag>)}
                      </div>
                    ))}
                  </Space>
                );
              },
            },
            {
              title: t('ui.plugins.faults'), dataIndex: 'errors', width: 240,
              render: (errors: number, p) => (
                <div>
                  <Typography.Text type={errors ? 'danger' : undefined}>{errors.toLocaleString('zh-CN')}</Typography.Text>
                  {p.lastError && <div><Typography.Text type="secondary">{t('ui.plugins.lastError')}：{p.lastError}</Typography.Text></div>}
                </div>
              ),
            },
            { title: t('ui.plugins.source'), dataIndex: 'source', width: 180, render: (source: string) => <Typography.Text code>{source}</Typography.Text> },
          ]}
        />
      </div>
    </Card>
  );
}
