/**
 * The delivery outbox on its own: a delivery is queued with its in-app notice, sent after commit
 * with the people's contact details as the register holds them, claimed under a lease (a process
 * that died mid-send leaves it to be claimed again when the lease ends, with the same message id),
 * and a channel whose transport is gone fails loudly — recorded, retried, parked — while the
 * in-app notice stands. The transport here is a plugin's, registered through the host.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { eq } from 'drizzle-orm';
import { definePlugin, type NotifyMessage, type NotifyRecipient, type PluginDefinition } from '@tongguan/plugin-sdk';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { recipientsOf, sendNotifications } from '../services/notifications.server.ts';

const sent: { message: NotifyMessage; recipients: readonly NotifyRecipient[] }[] = [];
const recorder = definePlugin({
  id: 'recorder', version: '1.0.0', platformRange: '>=0.1.0', kind: 'notify',
  setup(ctx) {
    ctx.registerNotifyTransport({ id: 'pager', name: '寻呼', async send(message, recipients) { sent.push({ message, recipients }); return { accepted: recipients.length }; } });
  },
}) as PluginDefinition<unknown>;

let t: TestApp;
let tenantId: string;
let leaders: string[];
beforeAll(async () => {
  t = await createTestApp({ plugins: [{ source: 'test/recorder', definition: recorder }] });
  tenantId = await t.tenantId();
  leaders = await recipientsOf(t.app, tenantId, { roles: ['leader'] });
});
afterAll(() => t.close());
afterEach(() => { vi.restoreAllMocks(); sent.length = 0; });

const deliveryOf = async (sourceKey: string) => {
  const d = t.app.db.t.notificationDeliveries;
  const [row] = await t.app.db.read.select().from(d).where(eq(d.sourceKey, sourceKey));
  return row!;
};
const notify = (sourceKey: string, channel: string) => sendNotifications(t.app, {
  tenantId, userIds: leaders, sourceKey, title: '巡查提醒', body: '请于今日完成', link: '/cases/c1', severity: 3, channels: [{ id: channel, config: undefined }],
});

describe('notification deliveries', () => {
  it('given a notice on a registered channel, when committed, then it is sent once with the people\'s contact details from the register', async () => {
    expect(await notify('test:contact', 'pager')).toEqual({ notices: leaders.length, deliveries: 1 });
    await t.app.deliveries.drain();
    expect(sent).toHaveLength(1);
    const delivery = await deliveryOf('test:contact');
    expect(sent[0]!.message).toEqual({ id: delivery.id, tenantId, title: '巡查提醒', body: '请于今日完成', link: '/cases/c1', severity: 3, sourceKey: 'test:contact' });
    const leader = await t.user('city.leader');
    expect(sent[0]!.recipients).toContainEqual({ userId: leader.id, username: 'city.leader', displayName: leader.displayName, phone: leader.phone, email: leader.email });
    expect(delivery).toMatchObject({ status: 'done', attempts: 1, result: { accepted: leaders.length, skipped: 0 } });
  });

  it('given a claim left by a process that died mid-send, when its lease ends, then the delivery is claimed again and sent with the same id', async () => {
    await notify('test:lease', 'pager');
    await t.app.deliveries.drain();
    sent.length = 0;
    const d = t.app.db.t.notificationDeliveries;
    const delivery = await deliveryOf('test:lease');
    // As a claim by a process killed before it reported leaves the row.
    await t.app.db.transaction((tx) => tx.update(d).set({ status: 'running', lockedUntil: new Date(t.clock.now().getTime() + 5 * 60_000) }).where(eq(d.id, delivery.id)));
    await t.app.deliveries.drain();
    expect(sent).toHaveLength(0);
    t.clock.advance(5 * 60_000);
    await t.app.deliveries.drain();
    expect(sent.map((s) => s.message.id)).toEqual([delivery.id]);
    expect(await deliveryOf('test:lease')).toMatchObject({ status: 'done', attempts: 2 });
  });

  it('given a channel whose transport is gone since publishing, when the worker runs, then each attempt fails loudly until it is parked, and the in-app notice stands', async () => {
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await notify('test:gone', 'fax');
    await t.app.deliveries.drain();
    expect(await deliveryOf('test:gone')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'no notification transport is registered for channel "fax"' });
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining('(fax, test:gone) failed, attempt 1 of 5'));
    for (const wait of [30_000, 60_000, 120_000, 240_000]) {
      t.clock.advance(wait);
      await t.app.deliveries.drain();
    }
    expect(await deliveryOf('test:gone')).toMatchObject({ status: 'failed', attempts: 5 });
    const n = t.app.db.t.notifications;
    expect(await t.app.db.read.select().from(n).where(eq(n.sourceKey, 'test:gone'))).toHaveLength(leaders.length);
  });

  it('given the same source key again, when sent, then neither a notice nor a delivery is added', async () => {
    await notify('test:twice', 'pager');
    expect(await notify('test:twice', 'pager')).toEqual({ notices: 0, deliveries: 0 });
    await t.app.deliveries.drain();
    expect(sent).toHaveLength(1);
  });
});
