/** What a task is: its process, business key, people, times and (once done) the opinion given. */
import { Descriptions, Tag } from 'antd';
import { labelOr, useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { DueText, TaskStatusTag } from './workflow-tags.tsx';

export interface TaskSummaryData {
  processName: string;
  businessKey: string | null;
  status: string;
  assigneeId: string | null;
  candidateRoles: string[];
  candidatePositions: string[];
  createdAt: string;
  dueAt: string | null;
  completedAt: string | null;
  completedBy: string | null;
  comment: string | null;
}

interface Props {
  task: TaskSummaryData;
  /** Display names of the people on the task, by user id. */
  names: Record<string, string>;
  roleNames: Record<string, string>;
  now: string;
}

export function TaskSummary({ task, names, roleNames, now }: Props) {
  const t = useT();
  const { dateTime } = useDateFormat();
  const who = (id: string | null) => (id ? names[id] ?? id : '—');
  const candidates = [
    ...task.candidateRoles.map((role) => <Tag key={`r-${role}`}>{roleNames[role] ?? role}</Tag>),
    ...task.candidatePositions.map((position) => <Tag key={`p-${position}`}>{labelOr(t, 'positions', position)}</Tag>),
  ];
  const done = task.status === 'completed';
  return (
    <Descriptions size="small" column={{ xs: 1, sm: 2, lg: 3 }} data-testid="task-summary" items={[
      { key: 'process', label: t('ui.tasks.process'), children: task.processName },
      { key: 'businessKey', label: t('ui.tasks.businessKey'), children: task.businessKey ?? '—' },
      { key: 'status', label: t('ui.tasks.status'), children: <TaskStatusTag status={task.status} /> },
      { key: 'createdAt', label: t('ui.tasks.createdAt'), children: dateTime(task.createdAt) },
      { key: 'dueAt', label: t('ui.tasks.dueAt'), children: <DueText dueAt={task.dueAt} status={task.status} now={now} /> },
      done
        ? { key: 'completedBy', label: t('ui.tasks.completedBy'), children: `${who(task.completedBy)} · ${dateTime(task.completedAt)}` }
        : { key: 'assignee', label: task.assigneeId ? t('ui.tasks.assignee') : t('ui.tasks.candidates'), children: task.assigneeId ? who(task.assigneeId) : candidates.length ? candidates : '—' },
      ...(task.comment ? [{ key: 'comment', label: t('ui.tasks.comment'), children: task.comment }] : []),
    ]} />
  );
}
