/** Status tags of tasks and process instances, and a due time that turns red once passed. */
import { Tag, Typography } from 'antd';
import { labelOr, useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { overdueSpan, spanText } from '../lib/overdue.ts';

const TASK_COLORS: Record<string, string> = { open: 'blue', claimed: 'geekblue', completed: 'green', cancelled: 'default' };
const INSTANCE_COLORS: Record<string, string> = { active: 'processing', completed: 'success', terminated: 'default', failed: 'error' };

export function TaskStatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={TASK_COLORS[status]}>{labelOr(t, 'taskStatuses', status)}</Tag>;
}

export function InstanceStatusTag({ status }: { status: string }) {
  const t = useT();
  return <Tag color={INSTANCE_COLORS[status]} data-testid="instance-status">{labelOr(t, 'instanceStatuses', status)}</Tag>;
}

const isOpen = (status: string) => status === 'open' || status === 'claimed';

/**
 * The due time in the city's zone; for an open task past it, in red with how long ago. `now`
 * comes from the loader (the server's clock) so the server and the browser render the same text.
 */
export function DueText({ dueAt, status, now }: { dueAt: string | null; status: string; now: string }) {
  const t = useT();
  const { dateTime } = useDateFormat();
  if (!dueAt) return <>—</>;
  const late = isOpen(status) ? overdueSpan(dueAt, now) : null;
  if (!late) return <>{dateTime(dueAt)}</>;
  return (
    <Typography.Text type="danger" data-testid="task-overdue">
      {dateTime(dueAt)} · {t('ui.workflow.overdueBy', { span: spanText(t, late) })}
    </Typography.Text>
  );
}
