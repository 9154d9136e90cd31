/** A case's status in the UI language, and the red 超期 mark of an open case past its due time. */
import { Tag } from 'antd';
import { labelOr, useT } from '../lib/i18n.tsx';

const STATUS_COLORS: Record<string, string> = {
  reported: 'blue', registered: 'cyan', dispatched: 'geekblue', handled: 'gold', suspended: 'orange', closed: 'green', voided: 'default',
};

export function CaseStatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={STATUS_COLORS[status]} data-testid="case-status">{labelOr(t, 'ui.cases.statuses', status)}</Tag>;
}

/** The server decides what is overdue (`overdue` on the case: open and past `dueAt`). */
export function OverdueTag({ overdue }: { overdue: boolean }) {
  const t = useT();
  return overdue ? <Tag color="red" data-testid="case-overdue">{t('ui.cases.overdue')}</Tag> : null;
}
