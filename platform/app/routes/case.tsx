import { Link } from 'react-router';
import { Alert, Button, Card, Col, Flex, Row, Space } from 'antd';
import type { Route } from './+types/case';
import { requirePermission } from '../lib/guard.server.ts';
import { orRespond } from '../lib/action.server.ts';
import { caseDictionaries, getCaseView } from '../../server/services/case-views.server.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { userNames } from '../lib/user-names.server.ts';
import { submissionRows } from '../lib/form-values.ts';
import { codeLabels } from '../lib/case-codes.ts';
import { useT } from '../lib/i18n.tsx';
import { pageTitle } from '../lib/meta.ts';
import { CaseStatusTag, OverdueTag } from '../components/case-tags.tsx';
import { CaseFacts } from '../components/case-facts.tsx';
import { CasePhotos } from '../components/case-photos.tsx';
import { CaseTimeline, type CaseStep } from '../components/case-timeline.tsx';
import { GridMap } from '../components/grid-map.tsx';

export const meta: Route.MetaFunction = ({ matches, loaderData }) => pageTitle(matches, 'ui.cases.detail', loaderData?.case.caseNumber);

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'read', 'Case');
  const { app } = context;
  const view = await orRespond(actor.locale, () => getCaseView(app, actor, params.id));
  const { case: c, elements, submissions } = view;
  const [codes, names, basemapUrl] = await Promise.all([
    caseDictionaries(app, actor),
    userNames(app, actor, [c.reportedBy, ...c.timeline.map((step) => step.by)]),
    getParameterValue(app, actor.principal.tenantId, 'map.basemapUrl'),
  ]);
  const steps: CaseStep[] = c.timeline.map((step, i) => {
    const submission = step.taskId ? submissions[step.taskId] : undefined;
    return {
      key: `${i}-${step.elementId}`, elementId: step.elementId, name: step.name ?? elements[step.elementId]?.name ?? step.elementId,
      status: step.status, at: step.at, endedAt: step.endedAt, by: step.by, comment: step.comment, taskId: step.taskId,
      fields: submission ? submissionRows(submission.form, submission.data) : [],
    };
  });
  const { attachments } = c;
  return {
    case: {
      caseNumber: c.caseNumber, status: c.status, overdue: c.overdue, title: c.title, description: c.description, address: c.address, location: c.location,
      gridId: c.gridId, orgId: c.orgId, districtOrgId: c.districtOrgId, responsibleUnitId: c.responsibleUnitId, deadlineHours: c.deadlineHours,
      dueAt: c.dueAt, reportedBy: c.reportedBy, reportedAt: c.reportedAt, closedAt: c.closedAt, processInstanceId: c.processInstanceId,
    },
    sourceName: codeLabels(codes.sources, actor.locale)[c.source] ?? c.source,
    categoryName: codeLabels(codes.categories, actor.locale)[c.categoryCode] ?? c.categoryCode,
    photos: attachments.map(({ id, name, contentType, stage }) => ({ id, name, contentType, stage })),
    steps, names, grid: view.grid, orgNames: view.orgNames, openTasks: view.openTasks, basemapUrl,
    mayReadProcess: actor.principal.ability.can('read', 'Process'),
  };
}

export default function Case({ loaderData }: Route.ComponentProps) {
  const { case: c, sourceName, categoryName, photos, steps, names, grid, orgNames, openTasks, basemapUrl, mayReadProcess } = loaderData;
  const t = useT();
  const title = (
    <Flex wrap gap={8} align="center">
      <span data-testid="case-number">{c.caseNumber}</span>
      <CaseStatusTag status={c.status} />
      <OverdueTag overdue={c.overdue} />
    </Flex>
  );
  const processLink = mayReadProcess ? <Link to={`/processes/${c.processInstanceId}`} data-testid="case-process">{t('ui.cases.viewProcess')}</Link> : null;

  return (
    <Space orientation="vertical" size={16} style={{ width: '100%' }}>
      {openTasks.length ? (
        <Alert type="info" showIcon title={t('ui.cases.yourTasks')} data-testid="case-open-tasks" action={
          <Flex wrap gap={8}>
            {openTasks.map((task) => (
              <Link key={task.id} to={`/tasks/${task.id}`}><Button type="primary" size="small" autoInsertSpace={false}>{task.name ?? task.elementId}</Button></Link>
            ))}
          </Flex>
        } />
      ) : null}
      <Card size="small" title={title} extra={processLink}>
        <CaseFacts value={c} sourceName={sourceName} categoryName={categoryName} names={names} grid={grid} orgNames={orgNames} />
      </Card>
      {/* Side by side on wide screens, stacked on phones. */}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            {c.location || grid ? (
              <Card size="small" title={t('ui.cases.location')}>
                <GridMap grids={grid ? [grid] : []} point={c.location} basemapUrl={basemapUrl} height={280} />
              </Card>
            ) : null}
            <Card size="small" title={t('ui.cases.photos.title')}>
              <CasePhotos photos={photos} />
            </Card>
          </Space>
        </Col>
        <Col xs={24} xl={10}>
          <Card size="small" title={t('ui.processes.timeline')}>
            <CaseTimeline steps={steps} names={names} workable={openTasks.map((task) => task.id)} />
          </Card>
        </Col>
      </Row>
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
