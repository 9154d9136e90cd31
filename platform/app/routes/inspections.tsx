import { useState } from 'react';
import { Link, useRevalidator, useSearchParams } from 'react-router';
import { Button, Card, Empty, Form, Input, InputNumber, List, Modal, Segmented, Select, Space, Tag, Typography } from 'antd';
import type { Route } from './+types/inspections';
import { requirePermission, requireCsrf } from '../lib/guard.server.ts';
import { formId, orRespond, runIntent } from '../lib/action.server.ts';
import { can } from '../../server/access/guard.server.ts';
import { assignInspection, inspectionIndicators, listInspectionTasks, sampleInspections, type InspectionTaskOutput } from '../../server/indicators/inspections.server.ts';
import { useLocale, useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.inspections.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Indicator');
  const mine = new URL(request.url).searchParams.get('view') !== 'all';
  // An inspector's day starts with what was distributed to them; organisers see every task and distribute them.
  const organiser = can(actor, 'update', 'Indicator');
  const { userId } = actor.principal;
  return orRespond(actor.locale, async () => {
    const all = await listInspectionTasks(context.app, actor, {});
    // 我的任务: distributed to me, or to nobody yet in my area (any inspector of the grid may take it).
    const items = !organiser && mine ? all.filter((task) => task.assigneeId === userId || task.assigneeId === null) : all;
    return { items, organiser, mine: !organiser && mine, indicators: organiser ? await inspectionIndicators(context.app, actor) : [] };
  });
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, context, 'update', 'Indicator');
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    assign: async (payload) => ({ value: await assignInspection(context.app, actor, formId(form), payload) }),
    sample: async (payload) => {
      const { key, ...rest } = (payload ?? {}) as { key?: unknown };
      return { value: await sampleInspections(context.app, actor, typeof key === 'string' ? key : '', rest) };
    },
  });
}

interface Candidate { id: string; displayName: string; openTasks: number }

/** 分配: picks one of the inspectors whose area holds the task's grid (asked of the API when opened). */
function AssignButton({ task }: { task: InspectionTaskOutput }) {
  const t = useT();
  const locale = useLocale();
  const revalidator = useRevalidator();
  const [candidates, setCandidates] = useState<Candidate[] | null>(null);
  const [open, setOpen] = useState(false);
  const [chosen, setChosen] = useState<string | null>(task.assigneeId);
  const assign = useIntent('assign', { successKey: 'ui.inspections.assigned', onSuccess: () => { setOpen(false); void revalidator.revalidate(); } });
  const show = async () => {
    setOpen(true);
    setChosen(task.assigneeId);
    const res = await fetch(`/api/v1/inspection-tasks/${encodeURIComponent(task.id)}/candidates`, { credentials: 'same-origin', headers: { 'accept-language': locale } });
    setCandidates(res.ok ? ((await res.json()) as { items: Candidate[] }).items : []);
  };
  return (
    <>
      <Button size="small" onClick={() => void show()} data-testid="inspection-assign">{t('ui.inspections.assign')}</Button>
      <Modal open={open} title={t('ui.inspections.assignTitle')} onCancel={() => setOpen(false)} okText={t('ui.inspections.assign')}
        confirmLoading={assign.busy} onOk={() => assign.submit({ assigneeId: chosen }, { id: task.id })} destroyOnHidden>
        <Select style={{ width: '100%' }} loading={candidates === null} value={chosen ?? ''} onChange={(value) => setChosen(value || null)} data-testid="inspection-assignee"
          options={[
            { value: '', label: t('ui.inspections.unassigned') },
            ...(candidates ?? []).map((c) => ({ value: c.id, label: t('ui.inspections.candidate', { name: c.displayName, open: c.openTasks }) })),
          ]} />
        {candidates?.length === 0 ? <Typography.Paragraph type="warning" style={{ marginTop: 8 }}>{t('ui.inspections.noCandidates')}</Typography.Paragraph> : null}
      </Modal>
    </>
  );
}

const PERIOD_EXAMPLE: Record<string, string> = { day: '2026-03-05', month: '2026-03', quarter: '2026-Q1', year: '2026' };

/** 抽取评价网格: draws grids at random in every district for an inspection indicator's period (and distributes them). */
function SampleButton({ indicators }: { indicators: { key: string; code: string; name: string; period: string }[] }) {
  const t = useT();
  const revalidator = useRevalidator();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ key: string; period: string; perDistrict: number }>();
  const chosen = Form.useWatch('key', form);
  const kind = indicators.find((i) => i.key === chosen)?.period ?? 'quarter';
  const sample = useIntent('sample', { form, successKey: 'ui.inspections.sampled', onSuccess: () => { setOpen(false); void revalidator.revalidate(); } });
  return (
    <>
      <Button size="small" type="primary" onClick={() => setOpen(true)} disabled={!indicators.length} data-testid="inspection-sample">{t('ui.inspections.sample')}</Button>
      <Modal open={open} title={t('ui.inspections.sampleTitle')} onCancel={() => setOpen(false)} okText={t('ui.inspections.sample')}
        confirmLoading={sample.busy} onOk={() => form.submit()} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ perDistrict: 2 }} onFinish={(values) => sample.submit(values)}>
          <Form.Item name="key" label={t('ui.inspections.indicator')} rules={[{ required: true }]}>
            <Select data-testid="sample-indicator" options={indicators.map((i) => ({ value: i.key, label: `${i.code} ${i.name}` }))} />
          </Form.Item>
          <Form.Item name="period" label={t('ui.inspections.period')} rules={[{ required: true }]} extra={t('ui.indicatorReports.periodHint', { example: PERIOD_EXAMPLE[kind] ?? '' })}>
            <Input data-testid="sample-period" />
          </Form.Item>
          <Form.Item name="perDistrict" label={t('ui.inspections.perDistrict')} rules={[{ required: true }]}>
            <InputNumber min={1} max={100} precision={0} data-testid="sample-per-district" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export default function Inspections({ loaderData }: Route.ComponentProps) {
  const t = useT();
  const [, setSearchParams] = useSearchParams();
  const { organiser, mine } = loaderData;
  // Open tasks first: they are today's work.
  const items = [...loaderData.items].sort((a, b) => (a.status === b.status ? 0 : a.status === 'open' ? -1 : 1));
  return (
    <Card size="small" title={t('ui.inspections.title')} data-testid="inspections-page"
      extra={organiser ? <SampleButton indicators={loaderData.indicators} /> : (
        <Segmented size="small" value={mine ? 'mine' : 'all'} onChange={(value) => setSearchParams(value === 'all' ? { view: 'all' } : {})}
          options={[{ value: 'mine', label: t('ui.inspections.mine') }, { value: 'all', label: t('ui.inspections.all') }]} data-testid="inspection-view" />
      )}>
      {items.length === 0 ? <Empty description={t('ui.inspections.empty')} /> : (
        <List dataSource={items} pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }} renderItem={(task) => (
          <List.Item data-testid="inspection-row" extra={(
            <Space size="small">
              <Tag color={task.status === 'open' ? 'orange' : 'green'}>{t(`ui.inspections.${task.status}`)}</Tag>
              {organiser && task.status === 'open' ? <AssignButton task={task} /> : null}
            </Space>
          )}>
            <List.Item.Meta
              title={<Link to={`/inspections/${task.id}`}>{task.gridName ?? task.gridId}</Link>}
              description={(
                <Space wrap size="small">
                  <Typography.Text type="secondary">{t('ui.inspections.indicator')} {task.indicatorKey}</Typography.Text>
                  <Typography.Text type="secondary">{task.period}</Typography.Text>
                  <Typography.Text type={task.assigneeName ? 'secondary' : 'warning'} data-testid="inspection-assignee-name">
                    {t('ui.inspections.assignee')} {task.assigneeName ?? t('ui.inspections.unassigned')}
                  </Typography.Text>
                </Space>
              )} />
          </List.Item>
        )} />
      )}
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
