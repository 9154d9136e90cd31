/**
 * 导出月报: downloads the month's operation report (DOCX, POST /api/v1/reports/monthly) with the month,
 * an optional trend indicator and the 备注 text. Fetched rather than linked, so that a refusal is
 * shown under the form in the page's language instead of replacing the page; the file keeps the
 * name the server gives it (Content-Disposition filename*, RFC 5987).
 */
import { useState } from 'react';
import { App, Button, DatePicker, Form, Input, Modal, Select } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useLocale, useT } from '../lib/i18n.tsx';
import { useShell } from '../lib/shell-context.tsx';
import { dispositionFileName } from '../lib/download.ts';

interface Props {
  /** The dashboard's month, preselected. */
  month: string;
  /** Indicators offered for the trend chart (monthly ones are listed). */
  indicators: readonly { key: string; code: string; name: string; period: string }[];
}

interface Values { month: Dayjs; trend?: string; notes?: string }

export function MonthlyReportButton({ month, indicators }: Props) {
  const t = useT();
  const locale = useLocale();
  const { message } = App.useApp();
  const { csrfToken } = useShell();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<Values>();

  const download = async (values: Values) => {
    const period = values.month.format('YYYY-MM');
    const body = { period, ...(values.trend ? { trend: values.trend } : {}), ...(values.notes?.trim() ? { notes: values.notes.trim() } : {}) };
    setBusy(true);
    try {
      // POST: 2000 characters of notes outgrow a URL.
      const response = await fetch('/api/v1/reports/monthly', {
        method: 'POST', credentials: 'same-origin', body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'accept-language': locale, 'x-csrf-token': csrfToken },
      });
      if (!response.ok) {
        const refusal = (await response.json().catch(() => null)) as { error?: { message?: string; fields?: { field: string; message: string }[] } } | null;
        const names: Record<string, keyof Values> = { period: 'month', trend: 'trend', notes: 'notes' };
        form.setFields((refusal?.error?.fields ?? []).filter((f) => names[f.field]).map((f) => ({ name: names[f.field]!, errors: [f.message] })));
        void message.error(refusal?.error?.message ?? String(response.status));
        return;
      }
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = dispositionFileName(response.headers.get('content-disposition'), `monthly-report-${period}.docx`);
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      setOpen(false);
    } catch (error) {
      void message.error(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button onClick={() => setOpen(true)} data-testid="monthly-report-export">{t('ui.monthlyReport.export')}</Button>
      <Modal open={open} title={t('ui.monthlyReport.title')} onCancel={() => setOpen(false)} destroyOnHidden
        footer={[
          <Button key="cancel" onClick={() => setOpen(false)}>{t('ui.common.cancel')}</Button>,
          <Button key="download" type="primary" loading={busy} onClick={() => form.submit()} data-testid="monthly-report-download">{t('ui.monthlyReport.download')}</Button>,
        ]}>
        <Form form={form} layout="vertical" initialValues={{ month: dayjs(`${month}-01`) }} onFinish={(values) => void download(values)}>
          <Form.Item name="month" label={t('ui.monthlyReport.month')} rules={[{ required: true }]}>
            <DatePicker picker="month" allowClear={false} style={{ width: '100%' }} data-testid="monthly-report-month" />
          </Form.Item>
          <Form.Item name="trend" label={t('ui.monthlyReport.trend')}>
            <Select allowClear showSearch optionFilterProp="label" placeholder={t('ui.monthlyReport.trendAuto')}
              options={indicators.filter((i) => i.period === 'month').map((i) => ({ value: i.key, label: `${i.code} ${i.name}` }))} />
          </Form.Item>
          <Form.Item name="notes" label={t('ui.monthlyReport.notes')}>
            <Input.TextArea rows={4} maxLength={2000} showCount placeholder={t('ui.monthlyReport.notesPlaceholder')} data-testid="monthly-report-notes" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
