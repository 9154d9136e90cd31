import { useSearchParams } from 'react-router';
import { Card, Tabs, Typography } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/tasks';
import { requireActor } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { listTasks } from '../../server/services/tasks.server.ts';
import { processNames } from '../../server/services/workflow-views.server.ts';
import { readSearch, toSearch } from '../lib/search-params.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { pageTitle } from '../lib/meta.ts';
import { TaskList } from '../components/task-list.tsx';

/** The newest tasks of a view; an inbox longer than this is a backlog for a report, not a page. */
const LIMIT = 200;

const taskSearch = z.object({
  /** 待办 (assigned to me or open to me), 已办 (completed by me), 全部 (process administrators). */
  view: z.enum(['inbox', 'done', 'all']).default('inbox'),
});

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.nav.tasks');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requireActor(request, context);
  const { app } = context;
  const { view } = readSearch(taskSearch, request.url);
  const tasks = await orRespond(actor.locale, () => listTasks(app, actor, { view, limit: LIMIT }));
  const names = await processNames(app, actor, tasks.map((task) => task.processKey));
  const items = tasks.map((task) => ({
    id: task.id, name: task.name, elementId: task.elementId, processKey: task.processKey, businessKey: task.businessKey,
    createdAt: task.createdAt, dueAt: task.dueAt, status: task.status, completedAt: task.completedAt,
  }));
  return { view, items, names, now: app.now().toISOString(), limited: tasks.length >= LIMIT };
}

export default function Tasks({ loaderData }: Route.ComponentProps) {
  const { view, items, names, now, limited } = loaderData;
  const t = useT();
  const { can } = useShell();
  const [, setParams] = useSearchParams();
  const tabs = [
    { key: 'inbox', label: t('ui.tasks.tabs.inbox') },
    { key: 'done', label: t('ui.tasks.tabs.done') },
    ...(can['administer:Process'] ? [{ key: 'all', label: t('ui.tasks.tabs.all') }] : []),
  ];

  return (
    <Card title={t('ui.nav.tasks')} size="small">
      <Tabs activeKey={view} items={tabs} onChange={(key) => setParams(toSearch({ view: key === 'inbox' ? undefined : key }))} data-testid="task-tabs" />
      <TaskList tasks={items} processNames={names} now={now} showCompleted={view !== 'inbox'} />
      {limited ? <Typography.Text type="secondary">{t('ui.tasks.limited', { count: LIMIT })}</Typography.Text> : null}
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
