/**
 * Notifications (站内消息): what a person is told — a 督办 notice when a case passes its
 * deadline, and whatever else a process's `notify` service task says. Written by the built-in
 * `notify` handler, which runs at least once, so `(source_key, user_id)` is unique and a retried
 * job adds nothing.
 */
import type { SchemaKit } from './schema-kit.server.ts';

export function defineNotificationSchema(k: SchemaKit) {
  const notifications = k.table('notifications', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    userId: k.text('user_id').notNull(),
    title: k.text('title').notNull(),
    body: k.text('body'),
    /** Page of the app the notice is about, e.g. `/cases/…` or `/processes/…`. */
    link: k.text('link'),
    /** What sent it (the service-task job id): makes a retried send idempotent. */
    sourceKey: k.text('source_key').notNull(),
    createdAt: k.timestamp('created_at').notNull(),
    readAt: k.timestamp('read_at'),
  }, (t) => [
    k.uniqueIndex('notifications_source_user_idx').on(t.sourceKey, t.userId),
    k.index('notifications_user_idx').on(t.userId, t.createdAt),
  ]);
  return { notifications };
}
