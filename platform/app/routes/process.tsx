import { Link } from 'react-router';
import { Card, Col, Descriptions, Row, Space, Typography } from 'antd';
import type { Route } from './+types/process';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { getInstanceView } from '../../server/services/workflow-views.server.ts';
import { userNames } from '../lib/user-names.server.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';
import { useDateFormat } from '../lib/format.ts';
import { elementStates } from '../lib/diagram-markers.ts';
import { InstanceStatusTag } from '../components/workflow-tags.tsx';
import { VariablesList } from '../components/variables-list.tsx';
import { BpmnDiagram } from '../components/bpmn-diagram.tsx';
import { ProcessTimeline } from '../components/process-timeline.tsx';

export const meta: Route.MetaFunction = ({ matches, loaderData }) => pageTitle(matches, 'ui.processes.instance', loaderData?.processName);

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Process');
  const { app } = context;
  const { instance, processName, xml, elements } = await orRespond(actor.locale, () => getInstanceView(app, actor, params.id));
  const names = await userNames(app, actor, [instance.startedBy, ...instance.tasks.flatMap((task) => [task.assigneeId, task.completedBy])]);
  const tasks = instance.tasks.map(({ id, activityId, status, assigneeId, completedBy, completedAt, comment }) => ({ id, activityId, status, assigneeId, completedBy, completedAt, comment }));
  return { instance: { ...instance, tasks }, processName, xml, elements, names };
}

export default function Process({ loaderData }: Route.ComponentProps) {
  const { instance: i, processName, xml, elements, names } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const who = (id: string | null) => (id ? names[id] ?? id : '—');

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      <Card size="small" title={<Space wrap><span>{t('ui.processes.instance')}</span>/<span data-testid="instance-name">{processName}</span><InstanceStatusTag status={i.status} /></Space>}>
        <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} items={[
          { key: 'businessKey', label: t('ui.processes.businessKey'), children: i.businessKey ?? '—' },
          { key: 'version', label: t('ui.processes.version'), children: <>{i.processKey} <Typography.Text type="secondary">v{i.definitionVersion}</Typography.Text></> },
          { key: 'startedBy', label: t('ui.processes.startedBy'), children: who(i.startedBy) },
          { key: 'startedAt', label: t('ui.processes.startedAt'), children: dateTime(i.startedAt) },
          { key: 'endedAt', label: t('ui.processes.endedAt'), children: dateTime(i.endedAt) },
          ...(i.parentInstanceId ? [{ key: 'parent', label: t('ui.processes.parent'), children: <Link to={`/processes/${i.parentInstanceId}`}>{i.parentInstanceId}</Link> }] : []),
        ]} />
      </Card>
      {/* Side by side on wide screens (command-centre displays), stacked on phones. */}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={15}>
          <Card size="small" title={t('ui.processes.diagram')}>
            <BpmnDiagram xml={xml} states={elementStates(i.activities)} />
          </Card>
        </Col>
        <Col xs={24} xl={9}>
          <Card size="small" title={t('ui.processes.timeline')}>
            <ProcessTimeline activities={i.activities} tasks={i.tasks} elements={elements} names={names} />
          </Card>
        </Col>
      </Row>
      <Card size="small" title={t('ui.workflow.variables')}>
        <VariablesList variables={i.variables} />
      </Card>
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
