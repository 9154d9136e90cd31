/**
 * The case list: a table where there is room, cards on phones (inspectors work on phones).
 * Overdue cases are marked red (row and 超期 tag). Paging is the server's (the page is in the URL).
 */
import { Link } from 'react-router';
import { Card, Empty, Grid as AntGrid, Pagination, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { CaseStatusTag, OverdueTag } from './case-tags.tsx';
import './case-list.css';

export interface CaseListItem {
  id: string;
  caseNumber: string;
  title: string;
  source: string;
  categoryCode: string;
  address: string | null;
  status: string;
  overdue: boolean;
  dueAt: string | null;
  reportedAt: string;
}

interface Props {
  cases: readonly CaseListItem[];
  /** Display names of sources and categories by code. */
  sourceNames: Record<string, string>;
  categoryNames: Record<string, string>;
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}

export function CaseList({ cases, sourceNames, categoryNames, page, pageSize, total, onPage }: Props) {
  const t = useT();
  const { dateTime } = useDateFormat();
  const phone = !AntGrid.useBreakpoint().md;
  const number = (c: CaseListItem) => <Link to={`/cases/${c.id}`}>{c.caseNumber}</Link>;
  const status = (c: CaseListItem) => <Space size={4}><CaseStatusTag status={c.status} /><OverdueTag overdue={c.overdue} /></Space>;
  const pager = { current: page, pageSize, total, showSizeChanger: false, onChange: onPage, showTotal: (n: number) => t('ui.common.total', { count: n }) };

  if (phone) {
    if (cases.length === 0) return <Empty description={t('ui.cases.empty')} />;
    return (
      <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="case-cards">
        {cases.map((c) => (
          <Card key={c.id} size="small" title={number(c)} extra={status(c)} className={c.overdue ? 'tg-case-overdue' : undefined} data-testid="case-card">
            <Typography.Text strong>{c.title}</Typography.Text>
            <div><Typography.Text type="secondary">{categoryNames[c.categoryCode] ?? c.categoryCode}</Typography.Text></div>
            {c.address ? <div>{c.address}</div> : null}
            <div>{t('ui.workflow.labelled', { label: t('ui.cases.reportedAt'), value: dateTime(c.reportedAt) })}</div>
            {c.dueAt ? <div>{t('ui.workflow.labelled', { label: t('ui.cases.dueAt'), value: dateTime(c.dueAt) })}</div> : null}
          </Card>
        ))}
        {total > pageSize ? <Pagination simple {...pager} /> : null}
      </Space>
    );
  }

  const columns: TableColumnsType<CaseListItem> = [
    { title: t('ui.cases.caseNumber'), key: 'caseNumber', width: 140, render: (_, c) => number(c) },
    // Status beside the number: it is what a command centre scans the list for.
    { title: t('ui.cases.status'), key: 'status', width: 150, render: (_, c) => status(c) },
    { title: t('ui.cases.titleLabel'), dataIndex: 'title', width: 180, ellipsis: true },
    { title: t('ui.cases.category'), key: 'category', width: 170, ellipsis: true, render: (_, c) => categoryNames[c.categoryCode] ?? c.categoryCode },
    { title: t('ui.cases.source'), key: 'source', width: 110, ellipsis: true, render: (_, c) => sourceNames[c.source] ?? c.source },
    { title: t('ui.cases.address'), dataIndex: 'address', width: 160, ellipsis: true, render: (v: string | null) => v ?? '—' },
    { title: t('ui.cases.reportedAt'), dataIndex: 'reportedAt', width: 140, render: (v: string) => dateTime(v) },
    { title: t('ui.cases.dueAt'), dataIndex: 'dueAt', width: 140, render: (v: string | null) => dateTime(v) },
  ];
  return (
    <div data-testid="case-table">
      <Table<CaseListItem>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={[...cases]}
        rowClassName={(c) => (c.overdue ? 'tg-case-overdue' : '')}
        scroll={{ x: 1090 }}
        locale={{ emptyText: <Empty description={t('ui.cases.empty')} /> }}
        pagination={total > pageSize ? pager : false}
      />
    </div>
  );
}
