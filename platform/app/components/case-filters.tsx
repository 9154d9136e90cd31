/** The case list's filter bar: status, source, category (with everything under it), overdue only, text. Values live in the URL. */
import { Button, Checkbox, Flex, Input, Select } from 'antd';
import { labelOr, useLocale, useT } from '../lib/i18n.tsx';
import { itemName, type CodeItem } from '../lib/case-codes.ts';
import { CaseCategorySelect } from './case-category-select.tsx';

export interface CaseFilterValues {
  status?: string;
  source?: string;
  category?: string;
  overdue?: 'true';
  q?: string;
}

interface Props {
  values: CaseFilterValues;
  statuses: readonly string[];
  sources: readonly CodeItem[];
  categories: readonly CodeItem[];
  onChange: (values: CaseFilterValues) => void;
}

export function CaseFilters({ values, statuses, sources, categories, onChange }: Props) {
  const t = useT();
  const locale = useLocale();
  const set = (patch: Partial<CaseFilterValues>) => onChange({ ...values, ...patch });
  // Full width on phones, a row of fixed widths where there is room.
  const field = { flex: '1 1 160px', maxWidth: 320 };
  return (
    <Flex wrap gap={8} style={{ marginBottom: 12 }} data-testid="case-filters">
      <Select allowClear placeholder={t('ui.cases.status')} value={values.status} style={field} data-testid="case-filter-status"
        options={statuses.map((value) => ({ value, label: labelOr(t, 'ui.cases.statuses', value) }))}
        onChange={(status?: string) => set({ status })} />
      <Select allowClear placeholder={t('ui.cases.source')} value={values.source} style={field}
        options={sources.map((item) => ({ value: item.code, label: itemName(item, locale) }))}
        onChange={(source?: string) => set({ source })} />
      <div style={field}>
        <CaseCategorySelect categories={categories} placeholder={t('ui.cases.category')} value={values.category}
          onChange={(category?: string) => set({ category })} />
      </div>
      {/* Keyed by the URL's text so going back in history shows the text that was searched. */}
      <Input.Search key={values.q ?? ''} defaultValue={values.q} allowClear placeholder={t('ui.cases.searchHint')} style={{ flex: '2 1 220px', maxWidth: 360 }}
        onSearch={(q) => set({ q: q.trim() || undefined })} data-testid="case-filter-q" />
      <Flex align="center" gap={8}>
        <Checkbox checked={values.overdue === 'true'} onChange={(e) => set({ overdue: e.target.checked ? 'true' : undefined })} data-testid="case-filter-overdue">
          {t('ui.cases.overdueOnly')}
        </Checkbox>
        <Button onClick={() => onChange({})}>{t('ui.common.reset')}</Button>
      </Flex>
    </Flex>
  );
}
