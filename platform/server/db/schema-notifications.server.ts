/**
 * Notifications (站内消息): what a person is told — a 督办 notice when a case passes its
 * deadline, and whatever else a process's `notify` service task says. Written by the built-in
 * `notify` handler, which runs at least once, so `(source_key, user_id)` is unique and a retried
 * job adds nothing.
 *
 * `notification_deliveries` is the outbox of the other channels (SMS, WeCom…): one row per notice
 * and channel, written in the transaction that writes the in-app notices, sent after commit by the
 * delivery worker (platform/server/notify/deliveries.server.ts). `(source_key, channel)` is unique,
 * so a retried job or a replayed alarm batch queues nothing twice.
 */
import type { SchemaKit } from './schema-kit.server.ts';

/** pending → running (claimed, leased) → done, or back to pending after a failure; failed after the last attempt. */
export type DeliveryStatus = 'pending' | 'running' | 'done' | 'failed';

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
  const notificationDeliveries = k.table('notification_deliveries', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    sourceKey: k.text('source_key').notNull(),
    channel: k.text('channel').notNull(),
    /** The options the definition gave the channel (checked by the transport's schema at publish). */
    config: k.json<Record<string, unknown>>('config'),
    title: k.text('title').notNull(),
    body: k.text('body'),
    link: k.text('link'),
    /** 1–4 (一级～四级) or null. */
    severity: k.int('severity'),
    /** The people of the in-app notice; their phone numbers are read when sending, never copied here. */
    userIds: k.json<string[]>('user_ids').notNull(),
    status: k.text('status').$type<DeliveryStatus>().notNull(),
    attempts: k.int('attempts').notNull().default(0),
    runAt: k.timestamp('run_at').notNull(),
    lockedUntil: k.timestamp('locked_until'),
    lastError: k.text('last_error'),
    /** What the transport reported: `{accepted, skipped}`. */
    result: k.json<Record<string, unknown>>('result'),
    createdAt: k.timestamp('created_at').notNull(),
    finishedAt: k.timestamp('finished_at'),
  }, (t) => [
    k.uniqueIndex('notification_deliveries_source_channel_uq').on(t.sourceKey, t.channel),
    k.index('notification_deliveries_due_idx').on(t.status, t.runAt),
  ]);
  return { notifications, notificationDeliveries };
}
