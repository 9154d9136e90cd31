/** What a case is and where it stands: the description list at the top of its page. */
import { Descriptions, Typography } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';

export interface CaseFactsValue {
  title: string;
  description: string;
  address: string | null;
  location: { lng: number; lat: number } | null;
  orgId: string | null;
  districtOrgId: string | null;
  responsibleUnitId: string | null;
  deadlineHours: number;
  dueAt: string | null;
  reportedBy: string | null;
  reportedAt: string;
  closedAt: string | null;
}

interface Props {
  value: CaseFactsValue;
  sourceName: string;
  categoryName: string;
  /** Display names of people by user id. */
  names: Record<string, string>;
  grid: { code: string; name: string } | null;
  /** Names of the case's organisations by id. */
  orgNames: Record<string, string>;
}

export function CaseFacts({ value: c, sourceName, categoryName, names, grid, orgNames }: Props) {
  const t = useT();
  const { dateTime } = useDateFormat();
  const org = (id: string | null) => (id ? orgNames[id] ?? id : '—');
  return (
    <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} data-testid="case-facts" items={[
      { key: 'title', label: t('ui.cases.titleLabel'), span: 'filled', children: <Typography.Text strong data-testid="case-title">{c.title}</Typography.Text> },
      { key: 'description', label: t('ui.cases.description'), span: 'filled', children: <span style={{ whiteSpace: 'pre-wrap' }}>{c.description}</span> },
      { key: 'source', label: t('ui.cases.source'), children: sourceName },
      { key: 'category', label: t('ui.cases.category'), children: categoryName },
      { key: 'address', label: t('ui.cases.address'), children: c.address ?? '—' },
      { key: 'grid', label: t('ui.cases.grid'), children: grid ? `${grid.name} (${grid.code})` : t('ui.cases.noGrid') },
      { key: 'org', label: t('ui.cases.gridOrg'), children: org(c.orgId) },
      { key: 'district', label: t('ui.cases.district'), children: org(c.districtOrgId) },
      { key: 'unit', label: t('ui.cases.responsibleUnit'), children: org(c.responsibleUnitId) },
      { key: 'reportedBy', label: t('ui.cases.reportedBy'), children: c.reportedBy ? names[c.reportedBy] ?? t('ui.cases.someone') : '—' },
      { key: 'reportedAt', label: t('ui.cases.reportedAt'), children: dateTime(c.reportedAt) },
      { key: 'deadline', label: t('ui.cases.deadline'), children: t('ui.cases.workingHours', { n: c.deadlineHours }) },
      { key: 'dueAt', label: t('ui.cases.dueAt'), children: <span data-testid="case-due">{dateTime(c.dueAt)}</span> },
      ...(c.closedAt ? [{ key: 'closedAt', label: t('ui.cases.closedAt'), children: dateTime(c.closedAt) }] : []),
      ...(c.location ? [{ key: 'point', label: t('ui.cases.location'), children: t('ui.cases.point', { lng: c.location.lng.toFixed(6), lat: c.location.lat.toFixed(6) }) }] : []),
    ]} />
  );
}
