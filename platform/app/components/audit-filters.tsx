/** The audit log's filter bar: time range, actor, action, object type, IP. Values live in the URL. */
import { Button, DatePicker, Form, Input, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { catalogFor } from '../../shared/i18n/index.ts';
import { useLocale, useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';

export interface AuditFilterValues {
  from?: string;
  to?: string;
  actor?: string;
  action?: string;
  objectType?: string;
  ip?: string;
}

interface Props {
  values: AuditFilterValues;
  onChange: (values: AuditFilterValues) => void;
  exportHref?: string;
}

interface FormValues {
  range?: [Dayjs | null, Dayjs | null] | null;
  actor?: string;
  action?: string;
  objectType?: string;
  ip?: string;
}

const OBJECT_TYPES = ['organisation', 'grid', 'user', 'role', 'apiToken', 'dictionary', 'parameter', 'calendarDay', 'definition', 'auditLog', 'tenant'];

export function AuditFilters({ values, onChange, exportHref }: Props) {
  const t = useT();
  const catalog = catalogFor(useLocale());
  const [form] = Form.useForm<FormValues>();
  const { toPicker, fromPicker } = useDateFormat();
  const initial: FormValues = {
    range: values.from || values.to ? [toPicker(values.from), toPicker(values.to)] : null,
    actor: values.actor, action: values.action, objectType: values.objectType, ip: values.ip,
  };
  const finish = (v: FormValues) => onChange({
    from: fromPicker(v.range?.[0]), to: fromPicker(v.range?.[1]),
    actor: v.actor?.trim() || undefined, action: v.action, objectType: v.objectType, ip: v.ip?.trim() || undefined,
  });
  return (
    <Form form={form} layout="inline" initialValues={initial} onFinish={finish} style={{ rowGap: 8, marginBottom: 12 }} data-testid="audit-filters">
      <Form.Item name="range">
        <DatePicker.RangePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" allowEmpty={[true, true]} />
      </Form.Item>
      <Form.Item name="actor"><Input placeholder={t('ui.audit.actor')} allowClear style={{ width: 140 }} /></Form.Item>
      <Form.Item name="action">
        <Select allowClear placeholder={t('ui.audit.action')} style={{ width: 140 }} showSearch={{ optionFilterProp: 'label' }}
          options={Object.entries(catalog.auditActions).map(([value, label]) => ({ value, label }))} />
      </Form.Item>
      <Form.Item name="objectType">
        <Select allowClear placeholder={t('ui.audit.objectType')} style={{ width: 140 }}
          options={OBJECT_TYPES.map((value) => ({ value, label: t(`objects.${value}`) }))} />
      </Form.Item>
      <Form.Item name="ip"><Input placeholder={t('ui.audit.ip')} allowClear style={{ width: 140 }} /></Form.Item>
      <Space wrap>
        <Button type="primary" htmlType="submit">{t('ui.common.search')}</Button>
        <Button onClick={() => { form.setFieldsValue({ range: null, actor: undefined, action: undefined, objectType: undefined, ip: undefined }); onChange({}); }}>{t('ui.common.reset')}</Button>
        {exportHref ? <Button href={exportHref} data-testid="audit-export">{t('ui.audit.export')}</Button> : null}
      </Space>
    </Form>
  );
}
