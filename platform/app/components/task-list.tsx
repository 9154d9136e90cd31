/**
 * The inbox list: a table where there is room, a list of cards on phones (inspectors work on
 * phones). Each entry links to its task page.
 */
import { Link } from 'react-router';
import { Card, Empty, Grid as AntGrid, Space, Table, Typography, type TableColumnsType } from 'antd';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { DueText, TaskStatusTag } from './workflow-tags.tsx';

export interface TaskListItem {
  id: string;
  name: string | null;
  elementId: string;
  processKey: string;
  businessKey: string | null;
  createdAt: string;
  dueAt: string | null;
  status: string;
  completedAt: string | null;
}

interface Props {
  tasks: readonly TaskListItem[];
  processNames: Record<string, string>;
  now: string;
  /** 已办 shows when each task was completed. */
  showCompleted: boolean;
}

const PAGE_SIZE = 20;

export function TaskList({ tasks, processNames, now, showCompleted }: Props) {
  const t = useT();
  const { dateTime } = useDateFormat();
  const phone = !AntGrid.useBreakpoint().md;
  const title = (task: TaskListItem) => <Link to={`/tasks/${task.id}`}>{task.name ?? task.elementId}</Link>;
  const processOf = (task: TaskListItem) => processNames[task.processKey] ?? task.processKey;

  if (phone) {
    if (tasks.length === 0) return <Empty description={t('ui.tasks.empty')} />;
    return (
      <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="task-cards">
        {tasks.map((task) => (
          <Card key={task.id} size="small" title={title(task)} extra={<TaskStatusTag status={task.status} />}>
            <Typography.Text type="secondary">{processOf(task)}{task.businessKey ? ` · ${task.businessKey}` : ''}</Typography.Text>
            <div>{t('ui.workflow.labelled', { label: t('ui.tasks.createdAt'), value: dateTime(task.createdAt) })}</div>
            <div>{t('ui.tasks.dueAt')} <DueText dueAt={task.dueAt} status={task.status} now={now} /></div>
            {showCompleted ? <div>{t('ui.workflow.labelled', { label: t('ui.tasks.completedAt'), value: dateTime(task.completedAt) })}</div> : null}
          </Card>
        ))}
      </Space>
    );
  }

  const columns: TableColumnsType<TaskListItem> = [
    { title: t('ui.tasks.name'), key: 'name', width: 200, render: (_, task) => title(task) },
    { title: t('ui.tasks.process'), key: 'process', width: 160, render: (_, task) => processOf(task) },
    { title: t('ui.tasks.businessKey'), dataIndex: 'businessKey', width: 150, render: (v: string | null) => v ?? '—' },
    { title: t('ui.tasks.createdAt'), dataIndex: 'createdAt', width: 150, render: (v: string) => dateTime(v) },
    { title: t('ui.tasks.dueAt'), key: 'dueAt', width: 240, render: (_, task) => <DueText dueAt={task.dueAt} status={task.status} now={now} /> },
    ...(showCompleted ? [{ title: t('ui.tasks.completedAt'), dataIndex: 'completedAt', width: 150, render: (v: string | null) => dateTime(v) }] : []),
    { title: t('ui.tasks.status'), dataIndex: 'status', width: 100, render: (v: string) => <TaskStatusTag status={v} /> },
  ];
  return (
    <div data-testid="task-table">
      <Table<TaskListItem>
        rowKey="id"
        size="small"
        columns={columns}
        dataSource={[...tasks]}
        scroll={{ x: 1000 }}
        locale={{ emptyText: <Empty description={t('ui.tasks.empty')} /> }}
        pagination={tasks.length > PAGE_SIZE ? { pageSize: PAGE_SIZE, showSizeChanger: false, showTotal: (n) => t('ui.common.total', { count: n }) } : false}
      />
    </div>
  );
}
