import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { idParams } from '../../../shared/schemas/common.ts';
import { listNotifications, markNotificationsRead, notificationQuery } from '../../services/notifications.server.ts';

const notification = z.object({
  id: z.string(), title: z.string(), body: z.string().nullable(), link: z.string().nullable(), createdAt: z.string(), readAt: z.string().nullable(),
});
const OWN = 'Every signed-in person reads and marks only their own notices.';

export const notificationRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/notifications', tag: 'notifications', summary: 'The caller\'s notices (站内消息), newest first, with the unread count',
    description: OWN, query: notificationQuery, response: z.object({ items: z.array(notification), unread: z.number(), asOf: z.string() }), errors: [401, 422],
    handler: ({ app, actor, query }) => listNotifications(app, actor, query),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/notifications/{id}/read', tag: 'notifications', summary: 'Mark one notice read',
    description: OWN, params: idParams, response: z.object({ marked: z.number() }), errors: [401, 404],
    handler: ({ app, actor, params }) => markNotificationsRead(app, actor, params.id),
  }),
  defineRoute({
    method: 'POST', path: '/api/v1/notifications/read-all', tag: 'notifications', summary: 'Mark all of the caller\'s notices read',
    description: `${OWN} With \`before\`, only those created until then (what the person has seen).`,
    body: z.object({ before: z.iso.datetime({ offset: true }).optional() }).strict(), response: z.object({ marked: z.number() }), errors: [401, 422],
    handler: ({ app, actor, body }) => markNotificationsRead(app, actor, undefined, body.before ? new Date(body.before) : undefined),
  }),
];
