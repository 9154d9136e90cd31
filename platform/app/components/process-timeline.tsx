/**
 * Every activity of an instance in order: element name (from the BPMN), kind, start and end;
 * for user tasks who handled it, when, and the opinion they gave.
 */
import { Link } from 'react-router';
import { Space, Tag, Timeline, Typography } from 'antd';
import { labelOr, useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { elementStates, type ElementState } from '../lib/diagram-markers.ts';

export interface TimelineActivity {
  id: string;
  elementId: string;
  elementKind: string;
  startedAt: string;
  endedAt: string | null;
  outcome: string | null;
}

export interface TimelineTask {
  id: string;
  activityId: string | null;
  status: string;
  assigneeId: string | null;
  completedBy: string | null;
  completedAt: string | null;
  comment: string | null;
}

interface Props {
  activities: readonly TimelineActivity[];
  tasks: readonly TimelineTask[];
  elements: Record<string, { name: string | null; kind: string }>;
  /** Display names of people by user id. */
  names: Record<string, string>;
}

const COLORS: Record<ElementState, string> = { completed: 'green', active: 'blue', cancelled: 'gray' };

export function ProcessTimeline({ activities, tasks, elements, names }: Props) {
  const t = useT();
  const { dateTime } = useDateFormat();
  const who = (id: string | null) => (id ? names[id] ?? id : '—');
  const taskOf = new Map(tasks.filter((task) => task.activityId).map((task) => [task.activityId, task]));

  const items = activities.map((activity) => {
    const state = elementStates([activity])[activity.elementId];
    const task = taskOf.get(activity.id);
    const time = activity.endedAt && activity.endedAt !== activity.startedAt
      ? `${dateTime(activity.startedAt)} → ${dateTime(activity.endedAt)}`
      : dateTime(activity.startedAt);
    return {
      key: activity.id,
      color: COLORS[state],
      content: (
        <Space orientation="vertical" size={2} data-testid="timeline-item" data-element-id={activity.elementId}>
          <Space wrap size={4}>
            <Typography.Text strong>{elements[activity.elementId]?.name ?? activity.elementId}</Typography.Text>
            <Tag>{labelOr(t, 'elementKinds', activity.elementKind)}</Tag>
            {state === 'cancelled' ? <Tag>{t('ui.processes.legend.cancelled')}</Tag> : null}
          </Space>
          <Typography.Text type="secondary">{time}</Typography.Text>
          {task && task.status === 'completed' ? (
            <Typography.Text>{t('ui.workflow.labelled', { label: t('ui.processes.handledBy'), value: `${who(task.completedBy)} · ${dateTime(task.completedAt)}` })}</Typography.Text>
          ) : null}
          {task && (task.status === 'open' || task.status === 'claimed') ? (
            <Link to={`/tasks/${task.id}`}>{t('ui.processes.waiting')}{task.assigneeId ? ` · ${who(task.assigneeId)}` : ''}</Link>
          ) : null}
          {task?.comment ? <Typography.Text>{t('ui.workflow.labelled', { label: t('ui.processes.opinion'), value: task.comment })}</Typography.Text> : null}
        </Space>
      ),
    };
  });
  return <div data-testid="instance-timeline"><Timeline items={items} /></div>;
}
