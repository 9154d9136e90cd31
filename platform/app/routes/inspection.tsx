import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, Button, Card, Descriptions, Form, Input, Radio, Space, Table, Tag, Typography } from 'antd';
import type { Route } from './+types/inspection';
import { requirePermission, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent } from '../lib/action.server.ts';
import { getInspectionTask, submitInspection } from '../../server/indicators/inspections.server.ts';
import { MAX_POINT_PHOTOS } from '../../shared/schemas/inspection.ts';
import { getParameterValue } from '../../server/services/parameters.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';
import { CaseLocation } from '../components/case-location.tsx';
import type { MapPoint } from '../components/grid-map.tsx';
import { attachmentUrl, PhotoUpload } from '../components/photo-upload.tsx';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.inspections.title');

export async function loader({ request, context, params }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Indicator');
  return orRespond(actor.locale, async () => {
    const found = await getInspectionTask(context.app, actor, params.id);
    return {
      ...found,
      basemapUrl: await getParameterValue(context.app, actor.principal.tenantId, 'map.basemapUrl'),
      // The server refuses anyone else too; the page only says so up front.
      mayRecord: actor.principal.positions.includes('inspector') && (found.task.assigneeId === null || found.task.assigneeId === actor.principal.userId),
    };
  });
}

export async function action({ request, context, params }: Route.ActionArgs) {
  const actor = await requirePermission(request, context, 'create', 'Indicator');
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    submit: async (payload) => ({ value: await submitInspection(context.app, actor, params.id, payload) }),
  });
}

interface PointValues { name?: string; location?: MapPoint; checks?: Record<string, boolean>; note?: string; photoIds?: string[] }

function PointPhotos({ ids }: { ids?: string[] }) {
  if (!ids?.length) return null;
  return (
    <Space wrap size={4}>
      {ids.map((id) => (
        <a key={id} href={attachmentUrl(id)} target="_blank" rel="noreferrer" data-testid="inspection-photo">
          <img src={attachmentUrl(id)} alt="" width={48} height={48} loading="lazy" style={{ objectFit: 'cover', borderRadius: 4, display: 'block' }} />
        </a>
      ))}
    </Space>
  );
}

export default function Inspection({ loaderData }: Route.ComponentProps) {
  const { task, grid, basemapUrl, mayRecord } = loaderData;
  const t = useT();
  const navigate = useNavigate();
  const [uploading, setUploading] = useState<Record<string, boolean>>({});
  const busyUploading = Object.values(uploading).some(Boolean);
  const [form] = Form.useForm<{ points: PointValues[] }>();
  const submit = useIntent('submit', { form, successKey: 'ui.inspections.submitted', onSuccess: () => void navigate('/inspections') });
  const send = (values: { points: PointValues[] }) => submit.submit({
    points: values.points.map((p) => ({
      name: p.name ?? '', location: p.location, checks: p.checks ?? {}, ...(p.note ? { note: p.note } : {}), ...(p.photoIds?.length ? { photoIds: p.photoIds } : {}),
    })),
  });
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="inspection-page">
      <Card size="small" title={`${t('ui.inspections.grid')} ${grid.name}`} extra={<Tag color={task.status === 'open' ? 'orange' : 'green'}>{t(`ui.inspections.${task.status}`)}</Tag>}>
        <Descriptions size="small" column={{ xs: 1, md: 3 }} items={[
          { key: 'indicator', label: t('ui.inspections.indicator'), children: task.indicatorKey },
          { key: 'period', label: t('ui.inspections.period'), children: task.period },
          { key: 'checklist', label: t('ui.inspections.checklist'), children: task.checklist.join('；') },
          { key: 'minPoints', label: t('ui.inspections.minPoints'), children: task.minPoints },
          { key: 'assignee', label: t('ui.inspections.assignee'), children: task.assigneeName ?? t('ui.inspections.unassigned') },
        ]} />
      </Card>
      {task.status === 'done' ? (
        <Card size="small" title={t('ui.inspections.points')}>
          <Table size="small" rowKey="name" pagination={false} scroll={{ x: true }} dataSource={task.points ?? []} columns={[
            { title: t('ui.inspections.pointName'), dataIndex: 'name' },
            ...task.checklist.map((item) => ({ title: item, key: item, render: (_: unknown, p: { checks: Record<string, boolean> }) => (p.checks[item] ? t('ui.inspections.yes') : <Typography.Text type="danger">{t('ui.inspections.no')}</Typography.Text>) })),
            { title: t('ui.inspections.note'), dataIndex: 'note' },
            { title: t('ui.inspections.photos'), key: 'photos', render: (_: unknown, p: { checks: Record<string, boolean>; photoIds?: string[] }) => <PointPhotos ids={p.photoIds} /> },
          ]} />
        </Card>
      ) : !mayRecord ? (
        <Alert type="info" showIcon message={t('ui.inspections.notYours')} data-testid="inspection-not-yours" />
      ) : (
        <Form form={form} layout="vertical" onFinish={send} initialValues={{ points: [{ checks: Object.fromEntries(task.checklist.map((item) => [item, true])) }] }} data-testid="inspection-form">
          <Form.List name="points">
            {(fields, { add, remove }) => (
              <Space direction="vertical" style={{ width: '100%' }}>
                {fields.map((field, index) => (
                  <Card key={field.key} size="small" title={`${t('ui.inspections.points')} ${index + 1}`} data-testid="inspection-point"
                    extra={fields.length > 1 ? <Button size="small" onClick={() => remove(field.name)}>{t('ui.inspections.remove')}</Button> : null}>
                    <Form.Item name={[field.name, 'name']} label={t('ui.inspections.pointName')} rules={[{ required: true }]}>
                      <Input maxLength={100} data-testid="point-name" />
                    </Form.Item>
                    <Form.Item name={[field.name, 'location']} label={t('ui.inspections.location')} rules={[{ required: true }]}>
                      <CaseLocation grids={[grid]} basemapUrl={basemapUrl} />
                    </Form.Item>
                    {task.checklist.map((item) => (
                      <Form.Item key={item} name={[field.name, 'checks', item]} label={item}>
                        <Radio.Group optionType="button" options={[{ value: true, label: t('ui.inspections.yes') }, { value: false, label: t('ui.inspections.no') }]} />
                      </Form.Item>
                    ))}
                    <Form.Item name={[field.name, 'photoIds']} label={t('ui.inspections.photos')}>
                      <PhotoUpload max={MAX_POINT_PHOTOS} onUploadingChange={(busy) => setUploading((now) => (now[field.key] === busy ? now : { ...now, [field.key]: busy }))} />
                    </Form.Item>
                    <Form.Item name={[field.name, 'note']} label={t('ui.inspections.note')}>
                      <Input.TextArea maxLength={500} autoSize />
                    </Form.Item>
                  </Card>
                ))}
                <Button onClick={() => add({ checks: Object.fromEntries(task.checklist.map((item) => [item, true])) })} data-testid="add-point">{t('ui.inspections.addPoint')}</Button>
                <Button type="primary" htmlType="submit" loading={submit.busy} disabled={busyUploading} block data-testid="inspection-submit">{t('ui.inspections.submit')}</Button>
              </Space>
            )}
          </Form.List>
        </Form>
      )}
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
