/**
 * The outbox of notification channels beyond 站内消息 (SMS, WeCom… — transports plugins register).
 * A notice that names channels queues one `notification_deliveries` row per channel in the same
 * transaction as its in-app notices (`queueDeliveries`), so either both commit or neither. After
 * commit the writer kicks the worker; a loop (`startDeliveryLoop`, every 10 s) picks up what a
 * crash or a failure left due. A claimed row carries a lease, so several processes can work the
 * queue (PostgreSQL: `FOR UPDATE SKIP LOCKED`) and a process that dies mid-send leaves the row to
 * be claimed again when the lease ends — delivery is at least once; transports get the row id as
 * their idempotency key. A failure is recorded on the row (attempts, last error) and retried with
 * backoff; after MAX_DELIVERY_ATTEMPTS the row is parked as `failed`. The in-app notice is never
 * touched: it was committed before any transport ran. Each final outcome is audited.
 */
import { and, asc, eq, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { NotifyMessage, NotifyRecipient } from '@tongguan/plugin-sdk';
import type { ChannelUse } from '@tongguan/runtime/notify/channels';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { newId } from '../ids.server.ts';

type DeliveryRow = App['db']['t']['notificationDeliveries']['$inferSelect'];
type Outcome = { result: { accepted: number; skipped: number } } | { failure: string };

export const MAX_DELIVERY_ATTEMPTS = 5;
/** Longer than the host's 60 s limit on one send (plugins/host.server.ts), so a live claim never expires mid-send. */
const LEASE_MS = 5 * 60_000;
const BATCH = 50;
const CHUNK = 500;
const SYSTEM = { ip: null, userAgent: null };
const backoffMs = (attempts: number) => Math.min(60 * 60_000, 30_000 * 2 ** (attempts - 1));

/** What a transport may report; anything else counts as every recipient accepted. */
const reported = z.object({ accepted: z.int().min(0), skipped: z.int().min(0).optional() });

export interface DeliveryInput {
  readonly tenantId: string;
  readonly sourceKey: string;
  readonly userIds: readonly string[];
  readonly title: string;
  readonly body: string | null;
  readonly link: string | null;
  readonly severity: number | null;
  readonly channels: readonly ChannelUse[];
}

/** Queues one delivery per channel inside the caller's transaction; returns how many were queued (a repeated source key queues nothing). */
export async function queueDeliveries(app: App, tx: Db, input: DeliveryInput): Promise<number> {
  if (!input.userIds.length || !input.channels.length) return 0;
  const d = app.db.t.notificationDeliveries;
  const now = app.now();
  const rows = await tx.insert(d).values(input.channels.map((channel) => ({
    id: newId(), tenantId: input.tenantId, sourceKey: input.sourceKey, channel: channel.id, config: channel.config ? { ...channel.config } : null,
    title: input.title, body: input.body, link: input.link, severity: input.severity, userIds: [...input.userIds],
    status: 'pending' as const, attempts: 0, runAt: now, createdAt: now,
  }))).onConflictDoNothing().returning({ id: d.id });
  return rows.length;
}

/** Sends up to `limit` due deliveries one after another; returns how many were handled. */
export async function runDueDeliveries(app: App, limit = BATCH): Promise<number> {
  let handled = 0;
  for (; handled < limit; handled++) {
    const row = await claim(app);
    if (!row) break;
    await report(app, row, await deliver(app, row));
  }
  return handled;
}

async function claim(app: App): Promise<DeliveryRow | undefined> {
  const d = app.db.t.notificationDeliveries;
  const now = app.now();
  return app.db.transaction(async (tx) => {
    let row: DeliveryRow | undefined;
    if (app.db.dialect === 'postgres') {
      const result = await (tx as unknown as { execute(q: ReturnType<typeof sql>): Promise<{ rows: { id: string }[] }> }).execute(sql`
        select id from notification_deliveries where run_at <= ${now.toISOString()}
          and (status = 'pending' or (status = 'running' and (locked_until is null or locked_until <= ${now.toISOString()})))
        order by run_at limit 1 for update skip locked`);
      const id = result.rows[0]?.id;
      if (id) [row] = await tx.select().from(d).where(eq(d.id, id));
    } else {
      const due = and(lte(d.runAt, now), or(eq(d.status, 'pending'), and(eq(d.status, 'running'), or(isNull(d.lockedUntil), lte(d.lockedUntil, now)))));
      [row] = await tx.select().from(d).where(due).orderBy(asc(d.runAt)).limit(1);
    }
    if (!row) return undefined;
    const lockedUntil = new Date(now.getTime() + LEASE_MS);
    await tx.update(d).set({ status: 'running', lockedUntil, attempts: row.attempts + 1 }).where(eq(d.id, row.id));
    return { ...row, status: 'running' as const, lockedUntil, attempts: row.attempts + 1 };
  });
}

/** The active people of the delivery, with what the people register holds to reach them. */
async function recipientsOf(app: App, row: DeliveryRow): Promise<NotifyRecipient[]> {
  const u = app.db.t.users;
  const out: NotifyRecipient[] = [];
  for (let i = 0; i < row.userIds.length; i += CHUNK) {
    const found = await app.db.read.select({ userId: u.id, username: u.username, displayName: u.displayName, phone: u.phone, email: u.email }).from(u)
      .where(and(eq(u.tenantId, row.tenantId), eq(u.status, 'active'), inArray(u.id, row.userIds.slice(i, i + CHUNK))));
    out.push(...found);
  }
  return out.sort((a, b) => (a.userId < b.userId ? -1 : 1));
}

async function deliver(app: App, row: DeliveryRow): Promise<Outcome> {
  const transport = app.notifyTransports.get(row.channel);
  if (!transport) return { failure: `no notification transport is registered for channel "${row.channel}"` };
  try {
    const config = transport.configSchema ? transport.configSchema.parse(row.config ?? {}) : undefined;
    const recipients = await recipientsOf(app, row);
    // Everyone disabled since the notice was written: nothing to send, nothing failed.
    if (!recipients.length) return { result: { accepted: 0, skipped: 0 } };
    const message: NotifyMessage = {
      id: row.id, tenantId: row.tenantId, title: row.title, body: row.body, link: row.link,
      severity: row.severity === null ? null : (row.severity as 1 | 2 | 3 | 4), sourceKey: row.sourceKey,
    };
    const answer = reported.safeParse(await transport.send(message, recipients, config));
    return { result: answer.success ? { accepted: answer.data.accepted, skipped: answer.data.skipped ?? 0 } : { accepted: recipients.length, skipped: 0 } };
  } catch (error) {
    return { failure: error instanceof Error ? error.message : String(error) };
  }
}

async function report(app: App, row: DeliveryRow, outcome: Outcome): Promise<void> {
  const d = app.db.t.notificationDeliveries;
  const now = app.now();
  const parked = 'failure' in outcome && row.attempts >= MAX_DELIVERY_ATTEMPTS;
  if ('failure' in outcome) {
    console.warn(`Notification delivery ${row.id} (${row.channel}, ${row.sourceKey}) failed, attempt ${row.attempts} of ${MAX_DELIVERY_ATTEMPTS}${parked ? ', given up' : ''}: ${outcome.failure}`);
  }
  await app.db.transaction(async (tx) => {
    // Only the claimant of a still-running row reports: one whose lease ran out and was claimed again is left to the new claimant.
    const mine = and(eq(d.id, row.id), eq(d.status, 'running'), eq(d.attempts, row.attempts));
    const changes = 'failure' in outcome
      ? { status: parked ? 'failed' as const : 'pending' as const, lastError: outcome.failure.slice(0, 2000), lockedUntil: null, runAt: parked ? row.runAt : new Date(now.getTime() + backoffMs(row.attempts)), finishedAt: parked ? now : null }
      : { status: 'done' as const, result: outcome.result, lastError: null, lockedUntil: null, finishedAt: now };
    const changed = await tx.update(d).set(changes).where(mine).returning({ id: d.id });
    if (!changed.length || !(parked || 'result' in outcome)) return;
    await recordAudit(app.db, tx, {
      tenantId: row.tenantId, actorId: null, actorName: 'notify', action: 'deliver_notification', objectType: 'notificationDelivery', objectId: row.id,
      detail: {
        channel: row.channel, sourceKey: row.sourceKey, recipients: row.userIds.length, attempts: row.attempts,
        ...('result' in outcome ? { status: 'done', ...outcome.result } : { status: 'failed', error: outcome.failure.slice(0, 500) }),
      },
    }, SYSTEM, now);
  });
}

/**
 * Works the outbox in this process: `kick()` after a commit that queued deliveries (runs in the
 * background, one drain at a time; a kick during a drain makes it go round once more), `drain()`
 * to send what is due and wait, `stop()` before the database closes.
 */
export class DeliveryWorker {
  private draining: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly app: App) {}

  kick(): void {
    if (this.stopped) return;
    if (this.draining) { this.again = true; return; }
    this.draining = (async () => {
      let handled: number;
      do {
        this.again = false;
        handled = await runDueDeliveries(this.app);
      } while ((this.again || handled === BATCH) && !this.stopped);
    })().catch((error: unknown) => console.error('Notification delivery worker failed', error)).finally(() => { this.draining = undefined; });
  }

  /** Sends everything due now; resolves when the drain (and any already under way) has finished. */
  async drain(): Promise<void> {
    this.kick();
    while (this.draining) await this.draining;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    while (this.draining) await this.draining;
  }
}

/** Kicks the worker every `intervalMs`: deliveries left due by a crash, a failure's backoff, another process. */
export function startDeliveryLoop(app: App, intervalMs = 10_000): () => Promise<void> {
  const timer = setInterval(() => app.deliveries.kick(), intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await app.deliveries.stop();
  };
}
