/**
 * 上报 (report a case), laid out for a phone held in one hand: one column, large submit. The
 * browser checks what it can; the server re-validates and its per-field errors land on the
 * fields (useIntent). Photos are uploaded while the form is filled in, so submitting sends ids.
 */
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router';
import { Button, Form, Input, Select } from 'antd';
import { useLocale, useT } from '../lib/i18n.tsx';
import { useIntent } from '../lib/use-intent.ts';
import { useShell } from '../lib/shell-context.tsx';
import { itemName, type CodeItem } from '../lib/case-codes.ts';
import { CaseCategorySelect } from './case-category-select.tsx';
import { CaseLocation } from './case-location.tsx';
import { PhotoUpload } from './photo-upload.tsx';
import type { MapGrid, MapPoint } from './grid-map.tsx';

interface Values {
  source?: string;
  categoryCode?: string;
  title?: string;
  description?: string;
  address?: string;
  location?: MapPoint;
  attachmentIds?: string[];
}

interface Props {
  sources: readonly CodeItem[];
  categories: readonly CodeItem[];
  grids: readonly MapGrid[];
  basemapUrl: string | null;
}

/** Server fields under a composite field (`location.lng`, `attachmentIds.0`) belong to that field. */
const COMPOSITE = ['location', 'attachmentIds'] as const;

export function CaseReportForm({ sources, categories, grids, basemapUrl }: Props) {
  const t = useT();
  const locale = useLocale();
  const navigate = useNavigate();
  const { user } = useShell();
  const [form] = Form.useForm<Values>();
  const [uploading, setUploading] = useState(false);
  const create = useIntent('create', { form, successKey: 'ui.cases.reported', onSuccess: (result) => navigate(`/cases/${result.id}`) });

  const { error } = create;
  useEffect(() => {
    const fields = (error?.fields ?? []).flatMap((f) => {
      const name = COMPOSITE.find((composite) => f.field.startsWith(`${composite}.`));
      return name ? [{ name, errors: [f.message] }] : [];
    });
    if (fields.length) form.setFields(fields);
  }, [error, form]);

  // An inspector's report comes from an inspector (监督员上报) unless they say otherwise.
  const initialSource = user.positions.includes('inspector') && sources.some((s) => s.code === 'inspector') ? 'inspector' : undefined;
  const submit = (values: Values) => create.submit({
    source: values.source, categoryCode: values.categoryCode, title: values.title, description: values.description,
    address: values.address?.trim() || undefined, location: values.location, attachmentIds: values.attachmentIds ?? [],
  });
  const required = (label: string) => [{ required: true, whitespace: true, message: t('ui.cases.required', { label }) }];

  return (
    <Form form={form} layout="vertical" onFinish={submit} initialValues={{ source: initialSource, attachmentIds: [] }} data-testid="case-report-form">
      <Form.Item name="source" label={t('ui.cases.source')} rules={required(t('ui.cases.source'))}>
        <Select placeholder={t('ui.cases.sourcePlaceholder')} options={sources.map((item) => ({ value: item.code, label: itemName(item, locale) }))} data-testid="case-source" />
      </Form.Item>
      <Form.Item name="categoryCode" label={t('ui.cases.category')} rules={required(t('ui.cases.category'))} extra={t('ui.cases.categoryHint')}>
        <CaseCategorySelect categories={categories} placeholder={t('ui.cases.categoryPlaceholder')} data-testid="case-category" />
      </Form.Item>
      <Form.Item name="title" label={t('ui.cases.titleLabel')} rules={required(t('ui.cases.titleLabel'))}>
        <Input maxLength={100} placeholder={t('ui.cases.titlePlaceholder')} data-testid="case-title" />
      </Form.Item>
      <Form.Item name="description" label={t('ui.cases.description')} rules={required(t('ui.cases.description'))}>
        <Input.TextArea rows={4} maxLength={2000} showCount data-testid="case-description" />
      </Form.Item>
      <Form.Item name="address" label={t('ui.cases.address')}>
        <Input maxLength={200} placeholder={t('ui.cases.addressPlaceholder')} data-testid="case-address" />
      </Form.Item>
      <Form.Item name="location" label={t('ui.cases.location')}>
        <CaseLocation grids={grids} basemapUrl={basemapUrl} />
      </Form.Item>
      <Form.Item name="attachmentIds" label={t('ui.cases.photos.title')} extra={t('ui.cases.photos.hint')}>
        <PhotoUpload max={20} onUploadingChange={setUploading} />
      </Form.Item>
      <Button type="primary" htmlType="submit" size="large" block loading={create.busy} disabled={uploading} data-testid="case-submit">
        {uploading ? t('ui.cases.photos.waiting') : t('ui.cases.submit')}
      </Button>
    </Form>
  );
}
