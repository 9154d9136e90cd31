/**
 * Notifications (站内消息): a person's own notices — the 督办 notice of an overdue case, or what
 * a process's `notify` service task sends. Everyone signed in reads and marks only their own;
 * no permission beyond being signed in is needed, and no one reads another's. A notice that names
 * other channels (SMS, WeCom) queues their deliveries in the same transaction; they are sent after
 * commit (notify/deliveries.server.ts).
 */
import { and, count, desc, eq, inArray, isNull, like, lte, or, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { ChannelUse } from '@tongguan/runtime/notify/channels';
import type { App, Actor } from '../app.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { newId } from '../ids.server.ts';
import { notFound, parseInput } from '../errors.server.ts';
import type { Position } from '../../shared/domain.ts';
import type { Db } from '../db/database.server.ts';
import { queueDeliveries } from '../notify/deliveries.server.ts';

export interface NotificationOutput {
  id: string;
  title: string;
  body: string | null;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export const notificationQuery = z.object({
  unread: z.enum(['true', 'false']).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(20),
});

type Row = App['db']['t']['notifications']['$inferSelect'];
const toOutput = (row: Row): NotificationOutput => ({
  id: row.id, title: row.title, body: row.body, link: row.link, createdAt: row.createdAt.toISOString(), readAt: row.readAt?.toISOString() ?? null,
});

export async function listNotifications(app: App, actor: Actor, raw: unknown): Promise<{ items: NotificationOutput[]; unread: number; asOf: string }> {
  const query = parseInput(notificationQuery, raw);
  const n = app.db.t.notifications;
  const mine = and(eq(n.tenantId, actor.principal.tenantId), eq(n.userId, actor.principal.userId));
  const rows = await app.db.read.select().from(n).where(query.unread === 'true' ? and(mine, isNull(n.readAt)) : mine)
    .orderBy(desc(n.createdAt), desc(n.id)).limit(query.limit);
  const [unread] = await app.db.read.select({ value: count() }).from(n).where(and(mine, isNull(n.readAt)));
  // `asOf`: what "mark all read" may cover — a notice that arrives after the list was read stays unread.
  return { items: rows.map(toOutput), unread: unread?.value ?? 0, asOf: app.now().toISOString() };
}

/** Marks one of the actor's notices read (`id`), or all of them (created until `before`, when given); returns how many changed. */
export async function markNotificationsRead(app: App, actor: Actor, id?: string, before?: Date): Promise<{ marked: number }> {
  const n = app.db.t.notifications;
  const { tenantId, userId } = actor.principal;
  return app.db.transaction(async (tx) => {
    const now = app.now();
    const which = and(eq(n.tenantId, tenantId), eq(n.userId, userId), isNull(n.readAt), id ? eq(n.id, id) : undefined, before ? lte(n.createdAt, before) : undefined);
    if (id) {
      const [own] = await tx.select({ id: n.id }).from(n).where(and(eq(n.tenantId, tenantId), eq(n.userId, userId), eq(n.id, id)));
      if (!own) throw notFound('notification');
    }
    const changed = await tx.update(n).set({ readAt: now }).where(which).returning({ id: n.id });
    if (changed.length) {
      await auditAs(app, tx, actor, { action: 'read_notifications', objectType: 'notification', objectId: id ?? userId, after: { marked: changed.length } }, now);
    }
    return { marked: changed.length };
  });
}

/** Who receives a notice: holders of any of the roles or positions, within the organisations (and below) when given. */
export interface RecipientGroup {
  roles?: readonly string[];
  positions?: readonly Position[];
  organisationIds?: readonly string[];
}

/** The active people of a city a recipient group names. */
export async function recipientsOf(app: App, tenantId: string, group: RecipientGroup, db: Db = app.db.read): Promise<string[]> {
  // Organisations named but none given (e.g. a case not yet dispatched): nobody, never everyone.
  if (group.organisationIds !== undefined && group.organisationIds.length === 0) return [];
  const { users: u, userRoles: ur, roles: r, memberships: m, organisations: o } = app.db.t;
  const inOrgs = async (): Promise<SQL | undefined> => {
    if (!group.organisationIds?.length) return undefined;
    const roots = await db.select({ path: o.path }).from(o).where(and(eq(o.tenantId, tenantId), inArray(o.id, [...group.organisationIds])));
    if (!roots.length) return eq(m.orgId, '');
    return or(...roots.map((root) => like(o.path, `${root.path}%`)));
  };
  const orgFilter = await inOrgs();
  const ids = new Set<string>();
  if (group.roles?.length) {
    const holders = await db.selectDistinct({ id: ur.userId }).from(ur).innerJoin(r, eq(r.id, ur.roleId))
      .where(and(eq(ur.tenantId, tenantId), inArray(r.code, [...group.roles])));
    let allowed = holders.map((h) => h.id);
    if (orgFilter && allowed.length) {
      const members = await db.selectDistinct({ id: m.userId }).from(m).innerJoin(o, eq(o.id, m.orgId))
        .where(and(eq(m.tenantId, tenantId), inArray(m.userId, allowed), orgFilter));
      allowed = members.map((x) => x.id);
    }
    for (const id of allowed) ids.add(id);
  }
  if (group.positions?.length) {
    const members = await db.selectDistinct({ id: m.userId }).from(m).innerJoin(o, eq(o.id, m.orgId))
      .where(and(eq(m.tenantId, tenantId), inArray(m.position, [...group.positions]), orgFilter));
    for (const x of members) ids.add(x.id);
  }
  if (!ids.size) return [];
  const active = await db.select({ id: u.id }).from(u).where(and(eq(u.tenantId, tenantId), eq(u.status, 'active')));
  return active.map((x) => x.id).filter((id) => ids.has(id)).sort();
}

const INSERT_CHUNK = 500;

/**
 * Writes one notice per recipient and queues the deliveries of its other channels, then (after
 * commit) kicks the delivery worker; a repeated `sourceKey` (a retried job) adds nothing.
 */
export async function sendNotifications(app: App, input: NotificationInput): Promise<NotificationsWritten> {
  if (!input.userIds.length) return { notices: 0, deliveries: 0 };
  const written = await app.db.transaction((tx) => insertNotifications(app, tx, input));
  if (written.deliveries) app.deliveries.kick();
  return written;
}

export interface NotificationInput {
  tenantId: string; userIds: readonly string[]; title: string; body?: string | null; link?: string | null; sourceKey: string;
  /** 1–4 (一级～四级) for the channels that show it; the in-app notice does not. */
  severity?: number | null;
  /** Channels beyond the in-app notice (already checked when the definition was published). */
  channels?: readonly ChannelUse[];
}

export interface NotificationsWritten { notices: number; deliveries: number }

/** sendNotifications inside the caller's transaction (alarm notices commit with the alarm); the caller kicks `app.deliveries` after commit. */
export async function insertNotifications(app: App, tx: Db, input: NotificationInput): Promise<NotificationsWritten> {
  const n = app.db.t.notifications;
  const now = app.now();
  let written = 0;
  // In chunks: one statement per recipient list would pass the databases' bind-parameter limits.
  for (let start = 0; start < input.userIds.length; start += INSERT_CHUNK) {
    const rows = await tx.insert(n).values(input.userIds.slice(start, start + INSERT_CHUNK).map((userId) => ({
      id: newId(), tenantId: input.tenantId, userId, title: input.title, body: input.body ?? null, link: input.link ?? null, sourceKey: input.sourceKey, createdAt: now,
    }))).onConflictDoNothing().returning({ id: n.id });
    written += rows.length;
  }
  const deliveries = await queueDeliveries(app, tx, {
    tenantId: input.tenantId, sourceKey: input.sourceKey, userIds: input.userIds, title: input.title, body: input.body ?? null, link: input.link ?? null,
    severity: input.severity ?? null, channels: input.channels ?? [],
  });
  return { notices: written, deliveries };
}
