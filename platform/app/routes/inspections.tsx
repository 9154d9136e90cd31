import { Link } from 'react-router';
import { Card, Empty, List, Space, Tag, Typography } from 'antd';
import type { Route } from './+types/inspections';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { listInspectionTasks } from '../../server/indicators/inspections.server.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.inspections.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Indicator');
  return orRespond(actor.locale, async () => ({ items: await listInspectionTasks(context.app, actor, {}) }));
}

export default function Inspections({ loaderData }: Route.ComponentProps) {
  const t = useT();
  // Open tasks first: they are today's work.
  const items = [...loaderData.items].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1));
  return (
    <Card size="small" title={t('ui.inspections.title')} data-testid="inspections-page">
      {items.length === 0 ? <Empty description={t('ui.inspections.empty')} /> : (
        <List dataSource={items} renderItem={(task) => (
          <List.Item data-testid="inspection-row" extra={<Tag color={task.status === 'open' ? 'orange' : 'green'}>{t(`ui.inspections.${task.status}`)}</Tag>}>
            <List.Item.Meta
              title={<Link to={`/inspections/${task.id}`}>{task.gridName ?? task.gridId}</Link>}
              description={<Space wrap size="small"><Typography.Text type="secondary">{t('ui.inspections.indicator')} {task.indicatorKey}</Typography.Text><Typography.Text type="secondary">{task.period}</Typography.Text></Space>} />
          </List.Item>
        )} />
      )}
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
