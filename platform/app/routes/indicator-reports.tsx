import { useEffect, useRef, useState } from 'react';
import { useRevalidator } from 'react-router';
import { Alert, Button, Card, Empty, Form, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import { FormioForm, type FormioHandle } from '../components/formio-form.tsx';
import { splitFormErrors } from '../lib/formio-support.ts';
import type { Route } from './+types/indicator-reports';
import { requirePermission, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent, formId } from '../lib/action.server.ts';
import { listReports, reportForms, reviewReport, submitReport, type ReportOutput } from '../../server/indicators/reports.server.ts';
import { AppError } from '../../server/errors.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { useShell } from '../lib/shell-context.tsx';
import { useDateFormat } from '../lib/format.ts';
import { pageTitle } from '../lib/meta.ts';

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.reports.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requirePermission(request, context, 'create', 'Indicator');
  return orRespond(actor.locale, async () => ({ ...(await reportForms(context.app, actor)), reports: await listReports(context.app, actor, {}) }));
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requirePermission(request, context, 'create', 'Indicator');
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    submit: async (payload) => {
      const { key, ...body } = (payload ?? {}) as { key?: unknown };
      if (typeof key !== 'string') throw new AppError('validation_failed', {}, { fields: [{ field: 'key', message: '#validation.notAnInputIndicator' }] });
      return { value: await submitReport(context.app, actor, key, body) };
    },
    review: async (payload) => ({ value: await reviewReport(context.app, actor, formId(form), payload) }),
  });
}

const EXAMPLES = { day: '2026-03-05', month: '2026-03', quarter: '2026-Q1', year: '2026' } as const;

export default function IndicatorReports({ loaderData }: Route.ComponentProps) {
  const { indicators, regions, reports } = loaderData;
  const t = useT();
  const { can } = useShell();
  const { dateTime } = useDateFormat();
  const revalidator = useRevalidator();
  const [form] = Form.useForm();
  const [key, setKey] = useState(indicators[0]?.key);
  const indicator = indicators.find((i) => i.key === key);
  const formio = useRef<FormioHandle>(null);
  const [formErrors, setFormErrors] = useState<string[]>([]);
  const submit = useIntent('submit', { form, successKey: 'ui.reports.submitted', onSuccess: () => void revalidator.revalidate() });
  // A refusal of the form's values goes under the form.io fields (`values.<key>`); the rest stays on the antd fields.
  useEffect(() => {
    const error = submit.error;
    if (!error || error.code !== 'validation_failed' || !indicator?.form) return;
    const { components } = splitFormErrors(error.fields, 'values');
    const placed = formio.current?.showErrors(components) ?? [];
    setFormErrors(placed.map((p) => (p.label && !p.message.includes(p.label) ? `${p.label}：${p.message}` : p.message)));
  }, [submit.error, indicator]);
  const review = useIntent('review', { successKey: 'ui.reports.reviewed', onSuccess: () => void revalidator.revalidate() });
  const send = (values: { period: string; region?: string; values: Record<string, number> }) => {
    const entered = indicator?.form ? formio.current?.data() : values.values ?? {};
    if (!entered) return;
    setFormErrors([]);
    submit.submit({ key, period: values.period, ...(values.region && values.region !== 'city' ? { regionId: values.region } : {}), values: entered });
  };
  const regionName = (id: string | null) => (id ? regions.find((r) => r.id === id)?.name ?? id : t('ui.reports.city'));
  return (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="reports-page">
      <Card size="small" title={t('ui.reports.title')}>
        {!indicator || regions.length === 0 ? <Empty description={t('ui.reports.empty')} /> : (
          <Form form={form} layout="vertical" onFinish={send} initialValues={{ region: regions[0]!.id ?? 'city' }} data-testid="report-form">
            <Form.Item label={t('ui.reports.indicator')}>
              <Select value={key} onChange={(value) => { setKey(value); form.resetFields(['values']); }} data-testid="report-indicator"
                options={indicators.map((i) => ({ value: i.key, label: `${i.code} ${i.name}` }))} />
            </Form.Item>
            <Space wrap>
              <Form.Item name="period" label={t('ui.reports.period')} rules={[{ required: true }]} extra={t('ui.reports.periodHint', { example: EXAMPLES[indicator.period] })}>
                <Input style={{ width: 160 }} data-testid="report-period" />
              </Form.Item>
              <Form.Item name="region" label={t('ui.reports.region')}>
                <Select style={{ width: 200 }} options={regions.map((r) => ({ value: r.id ?? 'city', label: regionName(r.id) }))} />
              </Form.Item>
            </Space>
            {indicator.form ? (
              <div data-testid="report-formio">
                <FormioForm key={indicator.key} schema={indicator.form} ref={formio} />
                {formErrors.length ? <Alert type="error" showIcon style={{ marginBottom: 16 }} data-testid="report-errors" title={formErrors.join('；')} /> : null}
              </div>
            ) : indicator.inputs.map((input) => (
              <Form.Item key={input.key} name={['values', input.key]} label={input.name} rules={[{ required: true }]}>
                <InputNumber style={{ width: 200 }} min={input.min} max={input.max} precision={input.integer ? 0 : undefined} addonAfter={input.unit} data-testid={`report-value-${input.key}`} />
              </Form.Item>
            ))}
            <Button type="primary" htmlType="submit" loading={submit.busy} data-testid="report-submit">{t('ui.reports.submit')}</Button>
          </Form>
        )}
      </Card>
      <Card size="small" title={t('ui.reports.mine')}>
        <Table<ReportOutput> size="small" rowKey="id" pagination={{ pageSize: 20 }} scroll={{ x: true }} dataSource={reports} data-testid="report-table" columns={[
          { title: t('ui.reports.indicator'), dataIndex: 'indicatorKey' },
          { title: t('ui.reports.period'), dataIndex: 'period' },
          { title: t('ui.reports.region'), key: 'region', render: (_, r) => regionName(r.regionId) },
          { title: t('ui.reports.values'), key: 'values', render: (_, r) => Object.entries(r.values).map(([k, v]) => `${k} ${v}`).join('；') },
          { title: t('ui.reports.submittedAt'), key: 'at', render: (_, r) => dateTime(r.submittedAt) },
          { title: '', key: 'status', render: (_, r) => <Tag color={{ submitted: 'orange', approved: 'green', rejected: 'red' }[r.status]}>{t(`ui.reports.status.${r.status}`)}</Tag> },
          ...(can['update:Indicator'] ? [{
            title: '', key: 'review', render: (_: unknown, r: ReportOutput) => (r.status === 'submitted' ? (
              <Space size="small">
                <Button size="small" type="primary" onClick={() => review.submit({ approved: true }, { id: r.id })} data-testid="report-approve">{t('ui.reports.approve')}</Button>
                <Button size="small" danger onClick={() => review.submit({ approved: false }, { id: r.id })}>{t('ui.reports.reject')}</Button>
              </Space>
            ) : null),
          }] : []),
        ]} />
      </Card>
    </Space>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
