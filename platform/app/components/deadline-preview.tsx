/** 时限预览: start + N working hours → the deadline, computed by the server's working calendar. */
import { Button, DatePicker, Form, InputNumber, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { useDateFormat } from '../lib/format.ts';

export function DeadlinePreview() {
  const t = useT();
  const { dateTime, fromPicker, timeZone } = useDateFormat();
  const [form] = Form.useForm<{ start: Dayjs; hours: number }>();
  const compute = useIntent('deadline', { form, successKey: false });
  const result = compute.result?.ok ? (compute.result.value as { deadline: string } | undefined) : undefined;
  return (
    <Form form={form} layout="inline" initialValues={{ hours: 8 }} style={{ rowGap: 8 }}
      onFinish={(values) => compute.submit({ start: fromPicker(values.start), hours: values.hours })}>
      <Form.Item name="start" label={t('ui.calendar.start')} rules={[{ required: true }]}>
        <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
      </Form.Item>
      <Form.Item name="hours" label={t('ui.calendar.hours')} rules={[{ required: true }]}>
        <InputNumber min={0} max={10000} step={0.5} style={{ width: 100 }} />
      </Form.Item>
      <Form.Item>
        <Button htmlType="submit" loading={compute.busy} data-testid="deadline-compute">{t('ui.calendar.compute')}</Button>
      </Form.Item>
      {result ? (
        <Form.Item label={t('ui.calendar.deadline')}>
          <Typography.Text strong data-testid="deadline-result">{dateTime(result.deadline)}</Typography.Text>
          <Typography.Text type="secondary"> ({dayjs(result.deadline).tz(timeZone).format('dddd')})</Typography.Text>
        </Form.Item>
      ) : null}
    </Form>
  );
}
