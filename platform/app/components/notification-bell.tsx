/**
 * The header's bell (站内消息): the unread count and the newest notices; opening one marks it
 * read (through the /notifications route action) and goes to the page it is about.
 */
import { Link, useFetcher, useNavigate } from 'react-router';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { useShell } from '../lib/shell-context.tsx';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';

export interface NoticeItem {
  id: string;
  title: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export function NotificationBell({ items, unread, asOf }: { items: NoticeItem[]; unread: number; asOf: string }) {
  const t = useT();
  const { csrfToken } = useShell();
  const { dateTime } = useDateFormat();
  const fetcher = useFetcher();
  const navigate = useNavigate();

  const open = (item: NoticeItem) => {
    if (!item.readAt) void fetcher.submit({ _csrf: csrfToken, intent: 'read', id: item.id }, { method: 'post', action: '/notifications' });
    if (item.link) void navigate(item.link);
  };

  const content = (
    <div style={{ width: 320, maxWidth: '80vw' }} data-testid="notification-list">
      {items.length === 0 ? <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ui.notifications.empty')} /> : (
        <List size="small" dataSource={items} renderItem={(item) => (
          <List.Item onClick={() => open(item)} style={{ cursor: 'pointer' }} data-testid="notification-item" data-read={item.readAt ? 'true' : 'false'}>
            <List.Item.Meta
              title={<Typography.Text strong={!item.readAt}>{item.title}</Typography.Text>}
              description={dateTime(item.createdAt)} />
          </List.Item>
        )} />
      )}
      <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 8 }}>
        <Link to="/notifications">{t('ui.notifications.viewAll')}</Link>
        {unread > 0 ? (
          <Button size="small" type="link" onClick={() => void fetcher.submit({ _csrf: csrfToken, intent: 'readAll', before: asOf }, { method: 'post', action: '/notifications' })}>
            {t('ui.notifications.markAllRead')}
          </Button>
        ) : null}
      </div>
    </div>
  );
  return (
    <Popover content={content} title={t('ui.notifications.title')} trigger="click" placement="bottomRight">
      <Badge count={unread} size="small" data-testid="notification-count">
        <Button size="small" aria-label={t('ui.notifications.title')} data-testid="notification-bell">🔔</Button>
      </Badge>
    </Popover>
  );
}
