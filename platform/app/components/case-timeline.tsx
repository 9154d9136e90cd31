/**
 * Every step of a case in order: what it was, its state, who handled it and when, the opinion
 * given and what the step's form recorded; a step waiting for the reader links to its task.
 */
import { Link } from 'react-router';
import { Button, Descriptions, Flex, Tag, Timeline, Typography } from 'antd';
import { labelOr, useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import type { SubmissionRow, SubmissionValue } from '../lib/form-values.ts';
import { TaskStatusTag } from './workflow-tags.tsx';

export interface CaseStep {
  key: string;
  elementId: string;
  name: string;
  /** A task status (open, claimed, completed, cancelled), or active/completed for an event. */
  status: string;
  at: string;
  endedAt: string | null;
  by: string | null;
  comment: string | null;
  taskId: string | null;
  fields: SubmissionRow[];
}

interface Props {
  steps: readonly CaseStep[];
  /** Display names of people by user id. */
  names: Record<string, string>;
  /** Tasks of the case the reader may work on now. */
  workable: readonly string[];
}

const COLORS: Record<string, string> = { completed: 'green', open: 'blue', claimed: 'blue', active: 'blue', cancelled: 'gray' };
const TASK_STATUSES = new Set(['open', 'claimed', 'completed', 'cancelled']);

export function CaseTimeline({ steps, names, workable }: Props) {
  const t = useT();
  const { dateTime } = useDateFormat();
  // People outside the reader's data scope stay unnamed, as in the API.
  const who = (id: string) => names[id] ?? t('ui.cases.someone');
  const show = (value: SubmissionValue) => {
    if (value === null) return '—';
    if (typeof value === 'boolean') return t(value ? 'ui.cases.yes' : 'ui.cases.no');
    return Array.isArray(value) ? value.join(t('ui.cases.listSeparator')) : String(value);
  };

  const items = steps.map((step) => ({
    key: step.key,
    color: COLORS[step.status] ?? 'gray',
    content: (
      <Flex vertical gap={2} data-testid="case-step" data-element-id={step.elementId} data-status={step.status}>
        <Flex wrap gap={4} align="center">
          <Typography.Text strong>{step.name}</Typography.Text>
          {TASK_STATUSES.has(step.status) ? <TaskStatusTag status={step.status} /> : <Tag>{labelOr(t, 'ui.processes.legend', step.status)}</Tag>}
        </Flex>
        <Typography.Text type="secondary">
          {step.endedAt && step.endedAt !== step.at ? `${dateTime(step.at)} → ${dateTime(step.endedAt)}` : dateTime(step.at)}
        </Typography.Text>
        {step.by ? <Typography.Text>{t('ui.workflow.labelled', { label: t('ui.processes.handledBy'), value: who(step.by) })}</Typography.Text> : null}
        {step.comment ? <Typography.Text>{t('ui.workflow.labelled', { label: t('ui.processes.opinion'), value: step.comment })}</Typography.Text> : null}
        {step.fields.length ? (
          <Descriptions size="small" column={1} bordered style={{ marginTop: 4 }} data-testid="case-step-form"
            items={step.fields.map((field) => ({ key: field.key, label: field.label, children: show(field.value) }))} />
        ) : null}
        {step.taskId && workable.includes(step.taskId) ? (
          <Link to={`/tasks/${step.taskId}`}><Button type="primary" size="small" data-testid="case-step-work">{t('ui.cases.work')}</Button></Link>
        ) : null}
      </Flex>
    ),
  }));
  return <div data-testid="case-timeline"><Timeline items={items} /></div>;
}
