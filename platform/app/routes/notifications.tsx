import { Link } from 'react-router';
import { z } from 'zod';
import { Button, Card, Empty, List, Tag, Typography } from 'antd';
import type { Route } from './+types/notifications';
import { requireActor, requireCsrf } from '../lib/guard.server.ts';
import { orRespond, runIntent, formId } from '../lib/action.server.ts';
import { listNotifications, markNotificationsRead } from '../../server/services/notifications.server.ts';
import { parseInput } from '../../server/errors.server.ts';
import { useT } from '../lib/i18n.tsx';
import { useDateFormat } from '../lib/format.ts';
import { useIntent } from '../lib/use-intent.ts';
import { pageTitle } from '../lib/meta.ts';

/** "Mark all read" covers what the person was shown: notices until the list was read. */
const readAllInput = z.object({ before: z.iso.datetime({ offset: true }).optional() });

/** A person sees their newest notices; older ones are history, not a page. */
const LIMIT = 200;

export const meta: Route.MetaFunction = ({ matches }) => pageTitle(matches, 'ui.notifications.title');

export async function loader({ request, context }: Route.LoaderArgs) {
  const actor = await requireActor(request, context);
  return orRespond(actor.locale, () => listNotifications(context.app, actor, { limit: LIMIT }));
}

export async function action({ request, context }: Route.ActionArgs) {
  const actor = await requireActor(request, context);
  const form = await requireCsrf(request, actor);
  return runIntent(actor, form, {
    read: async () => ({ value: await markNotificationsRead(context.app, actor, formId(form)) }),
    readAll: async () => {
      const { before } = parseInput(readAllInput, { before: form.get('before') ?? undefined });
      return { value: await markNotificationsRead(context.app, actor, undefined, before ? new Date(before) : undefined) };
    },
  });
}

export default function Notifications({ loaderData }: Route.ComponentProps) {
  const { items, unread, asOf } = loaderData;
  const t = useT();
  const { dateTime } = useDateFormat();
  const readAll = useIntent('readAll', { successKey: false });
  const read = useIntent('read', { successKey: false });
  // Following a notice's link reads it.
  const open = (id: string, readAt: string | null) => { if (!readAt) void read.submit(undefined, { id }); };
  return (
    <Card size="small" title={t('ui.notifications.title')} data-testid="notifications-page"
      extra={unread > 0 ? <Button size="small" loading={readAll.busy} onClick={() => readAll.submit(undefined, { before: asOf })}>{t('ui.notifications.markAllRead')}</Button> : null}>
      {items.length === 0 ? <Empty description={t('ui.notifications.empty')} /> : (
        <List dataSource={items} renderItem={(item) => (
          <List.Item data-testid="notification-row" extra={item.readAt ? null : <Tag color="red">{t('ui.notifications.unread')}</Tag>}>
            <List.Item.Meta
              title={item.link ? <Link to={item.link} onClick={() => open(item.id, item.readAt)}>{item.title}</Link> : <Typography.Text>{item.title}</Typography.Text>}
              description={<>{item.body ? <div>{item.body}</div> : null}<Typography.Text type="secondary">{dateTime(item.createdAt)}</Typography.Text></>} />
          </List.Item>
        )} />
      )}
    </Card>
  );
}

export { RouteErrorBoundary as ErrorBoundary } from '../components/route-error.tsx';
