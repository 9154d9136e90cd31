import { Link, type ShouldRevalidateFunctionArgs } from 'react-router';
import { Alert, Button, Card, Space } from 'antd';
import { z } from 'zod';
import type { Route } from './+types/task';
import { requireActor, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { claimTask, completeTask } from '../../server/services/tasks.server.ts';
import { getTaskView } from '../../server/services/workflow-views.server.ts';
import { parseInput } from '../../server/errors.server.ts';
import { userNames } from '../lib/user-names.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { TaskSummary } from '../components/task-summary.tsx';
import { VariablesList } from '../components/variables-list.tsx';
import { TaskCompletion } from '../components/task-completion.tsx';
import { TaskStatusTag } from '../components/workflow-tags.tsx';

/** What the page may send when completing: the form's data and the opinion, nothing else. */
const completion = z.object({
  formData: z.record(z.string(), z.unknown()).optional(),
  comment: z.string().optional(),
  attachmentIds: z.array(z.string()).max(20).optional(),
});

export const meta: Route.MetaFunction = ({ matches, loaderData }) => pageTitle(matches, 'ui.nav.tasks', loaderData?.task.name ?? undefined);

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requireActor(request, context);
  const { app } = context;
  const view = await orRespond(actor.locale, () => getTaskView(app, actor, params.id));
  const names = await userNames(app, actor, [view.task.assigneeId, view.task.completedBy]);
  return { ...view, names, now: app.now().toISOString() };
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  const { app } = context;
  return runIntent(actor, form, {
    claim: async () => ({ id: (await claimTask(app, actor, params.id)).id }),
    complete: async (payload) => ({ id: (await completeTask(app, actor, params.id, parseInput(completion, payload))).id }),
  });
}

/**
 * A refused action wrote nothing: reloading would only rebuild the form and lose what was typed.
 * A completed task is left for the inbox: reloading first would unmount the form (the task is no
 * longer workable) before it could hand over to the inbox.
 */
export function shouldRevalidate({ actionResult, defaultShouldRevalidate }: ShouldRevalidateFunctionArgs) {
  if (actionResult && typeof actionResult === 'object' && 'ok' in actionResult) {
    if (actionResult.ok === false) return false;
    if ('intent' in actionResult && actionResult.intent === 'complete') return false;
  }
  return defaultShouldRevalidate;
}

export default function Task({ loaderData }: Route.ComponentProps) {
  const { task, processName, caseRef, form, mayWork, mayClaim, roleNames, names, now } = loaderData;
  const t = useT();
  const { can } = useShell();
  const claim = useIntent('claim', { successKey: 'ui.tasks.claimed' });
  const open = task.status === 'open' || task.status === 'claimed';

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small"
        title={<Space wrap><Link to="/tasks">{t('ui.nav.tasks')}</Link>/<span data-testid="task-name">{task.name ?? task.elementId}</span><TaskStatusTag status={task.status} /></Space>}
        extra={
          <Space wrap>
            {mayClaim ? <Button type="primary" ghost loading={claim.busy} onClick={() => claim.submit()} data-testid="task-claim">{t('ui.tasks.claim')}</Button> : null}
            {caseRef ? <Link to={`/cases/${caseRef.id}`} data-testid="task-case-link">{t('ui.tasks.viewCase', { number: caseRef.caseNumber })}</Link> : null}
            {can['read:Process'] ? <Link to={`/processes/${task.instanceId}`} data-testid="task-instance-link">{t('ui.tasks.viewInstance')}</Link> : null}
          </Space>
        }>
        <TaskSummary task={{ ...task, processName }} names={names} roleNames={roleNames} now={now} />
      </Card>
      <Card size="small" title={t('ui.workflow.variables')}>
        <VariablesList variables={task.variables} />
      </Card>
      <Card size="small" title={t('ui.tasks.completion')}>
        {mayWork ? <TaskCompletion key={task.id} schema={form} withPhotos={caseRef?.photosAfter ?? false} /> : (
          <Alert type="info" showIcon title={open ? t('ui.tasks.notYours') : t('ui.tasks.closed')} data-testid="task-readonly" />
        )}
      </Card>
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
