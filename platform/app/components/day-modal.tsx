/** Sets or clears one calendar exception: 法定节假日 (holiday) or 调休上班 (make-up working day). */
import { useEffect } from 'react';
import { Button, Form, Input, Modal, Radio } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import type { CalendarDay } from './year-calendar.tsx';

interface Props {
  date: string | null;
  current: CalendarDay | undefined;
  onClose: () => void;
}

export function DayModal({ date, current, onClose }: Props) {
  const t = useT();
  const [form] = Form.useForm<{ kind: 'holiday' | 'workday'; name?: string }>();
  const save = useIntent('setDay', { form, onSuccess: onClose });
  const clear = useIntent('clearDay', { successKey: 'ui.common.deleted', onSuccess: onClose });
  useEffect(() => { if (date) form.resetFields(); }, [date, form]);
  return (
    <Modal
      open={Boolean(date)}
      title={t('ui.calendar.dayTitle', { date: date ?? '' })}
      onCancel={onClose}
      footer={[
        current ? <Button key="clear" danger loading={clear.busy} onClick={() => clear.submit(undefined, { date: date ?? '' })}>{t('ui.calendar.clear')}</Button> : null,
        <Button key="cancel" onClick={onClose}>{t('ui.common.cancel')}</Button>,
        <Button key="save" type="primary" loading={save.busy} onClick={() => form.submit()}>{t('ui.common.save')}</Button>,
      ]}
    >
      <Form form={form} layout="vertical" initialValues={{ kind: current?.kind ?? 'holiday', name: current?.name ?? '' }}
        onFinish={(values) => date && save.submit({ date, kind: values.kind, name: values.name?.trim() ? values.name.trim() : null })}>
        <Form.Item name="kind" label={t('ui.calendar.kind')} rules={[{ required: true }]}>
          <Radio.Group options={(['holiday', 'workday'] as const).map((k) => ({ value: k, label: t(`ui.calendar.kinds.${k}`) }))} />
        </Form.Item>
        <Form.Item name="name" label={t('ui.calendar.name')}>
          <Input maxLength={100} placeholder={t('ui.calendar.namePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
