/**
 * The notify plugin inside the platform (issue 5 item 3), with a real HTTP server where the SMS
 * gateway and WeCom stand: a `notify` task and an alarm rule naming channels deliver the in-app
 * notice and, after commit, the SMS / WeCom message — once, also when the task is retried; a
 * gateway that fails or hangs is a logged, counted, recorded failure retried with backoff while
 * the in-app notice stands; a channel nobody provides is refused when published or imported.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../../../platform/server/testing/test-app.server.ts';
import { discoverPlugins } from '../../../platform/server/plugins/host.server.ts';
import { runDueJobs } from '../../../platform/server/workflow/jobs.server.ts';
import { COVER_TYPE, alarmsOf, centreOf, publish, registerDevice } from '../../../platform/server/alarms/testing/alarm-fixtures.ts';
import { signBody } from './sms.ts';
import { startGateway, type Gateway, type Received } from './testing/gateway.ts';

const SECRET = 'city-sms-secret-0123456789';
const PUBLIC_URL = 'https://tg.example.gov.cn';

const processXml = (channels: unknown) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/test">
  <process id="tellLeaders" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="notify"/>
    <serviceTask id="notify" name="通知领导" tg:type="notify" tg:resultVariable="notified">
      <extensionElements><tg:config>${JSON.stringify({ title: 'CONCAT("督办：", subject)', body: '"请尽快处理"', to: [{ roles: ['leader'] }], channels, severity: 2 })}</tg:config></extensionElements>
    </serviceTask>
    <sequenceFlow id="f2" sourceRef="notify" targetRef="review"/>
    <userTask id="review" name="研判"/>
    <sequenceFlow id="f3" sourceRef="review" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

let gateway: Gateway;
let t: TestApp;
let tenantId: string;

const smsRequests = () => gateway.received.filter((r) => r.path === '/sms/send');
const robotRequests = () => gateway.received.filter((r) => r.path === '/cgi-bin/webhook/send');
const answerSms = (answer: (r: Received) => ReturnType<Parameters<Gateway['answer']>[0]>) =>
  gateway.answer((r) => (r.path === '/sms/send' ? answer(r) : { status: 200, json: { errcode: 0, errmsg: 'ok' } }));

beforeAll(async () => {
  gateway = await startGateway();
  t = await createTestApp({
    plugins: await discoverPlugins(),
    config: { plugins: { packages: [], disabled: [], config: { notify: {
      publicUrl: PUBLIC_URL,
      sms: { url: `${gateway.url}/sms/send`, appKey: 'tongguan', secret: SECRET, template: 'SMS_NOTICE', timeoutMs: 300 },
      wecom: { mode: 'robot', url: `${gateway.url}/cgi-bin/webhook/send?key=robot-key`, timeoutMs: 300 },
    } } } },
  });
  tenantId = await t.tenantId();
  await publish(t, 'process', 'tellLeaders', { xml: processXml(['inApp', 'sms']) });
});
afterAll(async () => { await t.close(); await gateway.close(); });
afterEach(() => {
  vi.restoreAllMocks();
  answerSms(() => ({ status: 200, json: { code: 0 } }));
});

/** Starts the process, runs its notify job and waits for the deliveries it queued. */
async function run(subject: string): Promise<{ instanceId: string; jobId: string }> {
  const res = await t.request('POST', '/api/v1/process-instances', { token: await t.tokenFor('admin'), body: { processKey: 'tellLeaders', variables: { subject } } });
  expect(res.status, await res.clone().text()).toBe(201);
  const { id } = (await res.json()) as { id: string };
  await runDueJobs(t.app);
  await t.app.deliveries.drain();
  const j = t.app.db.t.jobs;
  const [job] = await t.app.db.read.select({ id: j.id }).from(j).where(and(eq(j.instanceId, id), eq(j.serviceType, 'notify')));
  return { instanceId: id, jobId: job!.id };
}

const noticesOf = (sourceKey: string) => {
  const n = t.app.db.t.notifications;
  return t.app.db.read.select().from(n).where(eq(n.sourceKey, sourceKey));
};
const deliveriesOf = (sourceKey: string) => {
  const d = t.app.db.t.notificationDeliveries;
  return t.app.db.read.select().from(d).where(eq(d.sourceKey, sourceKey));
};
async function phonesOf(userIds: readonly string[]): Promise<string[]> {
  const u = t.app.db.t.users;
  const rows = await t.app.db.read.select({ phone: u.phone }).from(u).where(inArray(u.id, [...userIds]));
  return rows.map((r) => r.phone!).sort();
}

describe('a notify task with channels', () => {
  it('given channels inApp and sms, when the process runs, then the leaders get the notice in-app and one signed SMS with their numbers, audited', async () => {
    const { instanceId, jobId } = await run('排水设施巡查超期');
    const notices = await noticesOf(jobId);
    expect(notices).toHaveLength(3);
    const [delivery] = await deliveriesOf(jobId);
    expect(delivery).toMatchObject({ channel: 'sms', status: 'done', attempts: 1, result: { accepted: 3, skipped: 0 }, lastError: null });
    const [sms] = smsRequests().filter((r) => (r.json as { requestId: string }).requestId === delivery!.id);
    expect(sms!.headers['x-tg-signature']).toBe(`sha256=${signBody(SECRET, sms!.raw)}`);
    expect(sms!.json).toMatchObject({
      appKey: 'tongguan', template: 'SMS_NOTICE', timestamp: t.clock.now().getTime(),
      params: { title: '督办：排水设施巡查超期', body: '请尽快处理', link: `${PUBLIC_URL}/processes/${instanceId}`, severity: '二级（橙色）' },
    });
    expect((sms!.json as { phoneNumbers: string[] }).phoneNumbers.sort()).toEqual(await phonesOf(notices.map((n) => n.userId)));
    const audit = await t.auditFor(delivery!.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ action: 'deliver_notification', actorName: 'notify', detail: { channel: 'sms', status: 'done', accepted: 3, recipients: 3 } });
  });

  it('given the task runs again with its job id, as after a crash, then there is no second notice, delivery or SMS', async () => {
    const { instanceId, jobId } = await run('重试');
    const sent = smsRequests().length;
    const handler = t.app.serviceTasks.get('notify')!;
    const j = t.app.db.t.jobs;
    const [job] = await t.app.db.read.select().from(j).where(eq(j.id, jobId));
    await handler.run({ jobId, tenantId, instanceId, elementId: 'notify', config: handler.configSchema.parse(job!.config), variables: job!.variables as never });
    await t.app.deliveries.drain();
    expect(await noticesOf(jobId)).toHaveLength(3);
    expect(await deliveriesOf(jobId)).toHaveLength(1);
    expect(smsRequests()).toHaveLength(sent);
  });

  it('given a leader without a mobile number, when the process runs, then the others are texted and that leader is reported skipped', async () => {
    const leader = await t.user('city.leader');
    const patch = async (phone: string | null) => t.request('PATCH', `/api/v1/users/${leader.id}`, { token: await t.tokenFor('admin'), body: { phone } });
    expect((await patch(null)).status).toBe(200);
    try {
      const { jobId } = await run('无手机号');
      const [delivery] = await deliveriesOf(jobId);
      expect(delivery).toMatchObject({ status: 'done', result: { accepted: 2, skipped: 1 } });
      const [sms] = smsRequests().filter((r) => (r.json as { requestId: string }).requestId === delivery!.id);
      expect((sms!.json as { phoneNumbers: string[] }).phoneNumbers).not.toContain(leader.phone);
      expect(await noticesOf(jobId)).toHaveLength(3);
    } finally {
      expect((await patch(leader.phone)).status).toBe(200);
    }
  });
});

describe('a gateway that fails', () => {
  it('given the gateway answers 500, when the process runs, then the in-app notice stands, the failure is logged, counted and recorded, and the retry after backoff sends it once', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const faults = t.app.plugins.get('notify')!.errors;
    answerSms(() => ({ status: 500, json: { error: 'gateway overloaded' } }));
    const { instanceId, jobId } = await run('网关故障');
    expect(await noticesOf(jobId)).toHaveLength(3);
    const [failed] = await deliveriesOf(jobId);
    expect(failed).toMatchObject({ status: 'pending', attempts: 1, result: null, finishedAt: null, lockedUntil: null });
    expect(failed!.lastError).toBe('SMS gateway answered HTTP 500: {"error":"gateway overloaded"}');
    expect(t.app.plugins.get('notify')).toMatchObject({ status: 'active', errors: faults + 1, lastError: failed!.lastError });
    expect(errors).toHaveBeenCalledWith('Plugin notify failed', expect.any(Error));
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining(`Notification delivery ${failed!.id} (sms, ${jobId}) failed, attempt 1 of 5`));
    expect(await t.auditFor(failed!.id)).toEqual([]);
    const instance = (await (await t.request('GET', `/api/v1/process-instances/${instanceId}`, { token: await t.tokenFor('admin') })).json()) as { tasks: { elementId: string }[] };
    expect(instance.tasks.map((task) => task.elementId)).toEqual(['review']);

    answerSms(() => ({ status: 200, json: { code: 0 } }));
    await t.app.deliveries.drain();
    expect((await deliveriesOf(jobId))[0]).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(30_000);
    await t.app.deliveries.drain();
    expect((await deliveriesOf(jobId))[0]).toMatchObject({ status: 'done', attempts: 2, lastError: null, result: { accepted: 3 } });
    const tries = smsRequests().filter((r) => (r.json as { requestId: string }).requestId === failed!.id);
    expect(tries).toHaveLength(2);
    expect(await noticesOf(jobId)).toHaveLength(3);
  });

  it('given a gateway that never answers, when the process runs, then the delivery fails on the 300 ms timeout and stays due for a retry', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    answerSms(() => 'hang');
    const { jobId } = await run('网关无响应');
    const [delivery] = await deliveriesOf(jobId);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastError: 'SMS gateway did not answer within 300 ms' });
    expect(await noticesOf(jobId)).toHaveLength(3);
  });

  it('given the gateway fails every attempt, when the fifth fails, then the delivery is parked as failed and audited so, and nothing is retried after', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const warnings = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    answerSms(() => ({ status: 503 }));
    const { jobId } = await run('持续故障');
    for (const wait of [30_000, 60_000, 120_000, 240_000]) {
      t.clock.advance(wait);
      await t.app.deliveries.drain();
    }
    const [delivery] = await deliveriesOf(jobId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 5, lastError: 'SMS gateway answered HTTP 503' });
    expect(delivery!.finishedAt).not.toBeNull();
    expect(warnings).toHaveBeenCalledWith(expect.stringContaining(`Notification delivery ${delivery!.id} (sms, ${jobId}) failed, attempt 5 of 5, given up`));
    const [audit] = await t.auditFor(delivery!.id);
    expect(audit).toMatchObject({ action: 'deliver_notification', detail: { channel: 'sms', status: 'failed', attempts: 5, error: 'SMS gateway answered HTTP 503' } });
    const tries = () => smsRequests().filter((r) => (r.json as { requestId: string }).requestId === delivery!.id).length;
    expect(tries()).toBe(5);
    t.clock.advance(24 * 3600_000);
    await t.app.deliveries.drain();
    expect(tries()).toBe(5);
    expect(await noticesOf(jobId)).toHaveLength(3);
  });
});

describe('channels refused when published or imported', () => {
  let drafts = 0;
  const publishRefused = async (channels: unknown, locale: string) => {
    const created = await t.request('POST', '/api/v1/definitions', { token: await t.tokenFor('admin'), body: { kind: 'process', key: `bad-channels-${++drafts}`, name: 'x', content: { xml: processXml(channels) } } });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    const res = await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: await t.tokenFor('admin'), body: { comment: 'v1' }, headers: { 'accept-language': locale } });
    expect(res.status).toBe(422);
    return ((await res.json()) as ErrorJson).error.fields ?? [];
  };

  it('given a notify task naming a channel no plugin provides, when published, then 422 names it and the available channels in the reader\'s language', async () => {
    expect(await publishRefused(['inApp', 'fax'], 'zh-CN')).toEqual([{
      field: 'content.xml#notify', message: expect.stringContaining('channels.1: 未知的通知渠道「fax」，可用渠道：inApp、sms、wecom'),
    }]);
    expect(await publishRefused(['inApp', 'fax'], 'en')).toEqual([{
      field: 'content.xml#notify', message: expect.stringContaining('channels.1: unknown notification channel "fax"; available: inApp, sms, wecom'),
    }]);
  });

  it('given options a channel does not take, when published, then 422 names the option', async () => {
    const [field] = await publishRefused([{ id: 'sms', config: { template: 'T', colour: 'red' } }], 'en');
    expect(field?.message).toContain('channels.0.config');
    expect(field?.message).toContain('colour');
  });

  it('given an alarm rule bundle naming an unknown channel, when imported, then nothing is written and 422 names the channel at its path', async () => {
    await publish(t, 'deviceType', 'notifyCover', COVER_TYPE);
    const bundle = {
      format: 'tongguan.alarmRules', version: 1,
      rules: [{ key: 'imported-cover', name: '导入的井盖规则', content: { scope: { kind: 'deviceType', key: 'notifyCover' }, levels: [{ severity: 2, condition: { type: 'simple', expr: 'open' } }], actions: { notifyRoles: ['commandCenter'], channels: ['wecom', 'fax'] } } }],
    };
    const res = await t.request('POST', '/api/v1/alarm-rules/import', { token: await t.tokenFor('admin'), body: bundle, headers: { 'accept-language': 'en' } });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields).toEqual([
      { field: 'rules.0.content.actions.channels.1', message: 'unknown notification channel "fax"; available: inApp, sms, wecom (SMS, WeCom and others come from the notify plugin, as configured)' },
    ]);
    const d = t.app.db.t.definitions;
    expect(await t.app.db.read.select({ id: d.id }).from(d).where(eq(d.key, 'imported-cover'))).toEqual([]);
  });
});

describe('an alarm rule with channels', () => {
  it('given a rule notifying the command centre on wecom, when an alarm is raised, then they get it in-app and the group robot message mentions them with the alarm\'s link', async () => {
    await publish(t, 'deviceType', 'wecomCover', COVER_TYPE);
    await publish(t, 'alarmRule', 'wecom-cover', {
      scope: { kind: 'deviceType', key: 'wecomCover' },
      levels: [{ severity: 2, condition: { type: 'simple', expr: 'open' } }],
      actions: { notifyRoles: ['commandCenter'], channels: ['inApp', { id: 'wecom', config: { format: 'text' } }] },
    });
    const cover = await registerDevice(t, { code: 'COVER-WECOM', typeKey: 'wecomCover', location: await centreOf(t, 'demo-dh-lq-jx') });
    const before = robotRequests().length;
    await cover.send({ open: true, tilt: 0, displacement: 0 });
    await t.app.deliveries.drain();
    const [alarm] = await alarmsOf(t, cover.device.id);
    const n = t.app.db.t.notifications;
    const notices = await t.app.db.read.select().from(n).where(eq(n.link, `/alarms/${alarm!.id}`));
    expect(notices.length).toBeGreaterThan(0);
    const [delivery] = await deliveriesOf(notices[0]!.sourceKey);
    expect(delivery).toMatchObject({ channel: 'wecom', status: 'done', severity: 2, config: { format: 'text' } });
    expect(robotRequests()).toHaveLength(before + 1);
    const { text } = robotRequests().at(-1)!.json as { text: { content: string; mentioned_mobile_list: string[] } };
    expect(text.content).toBe(`【二级（橙色）】wecom-cover：COVER-WECOM\nwecom-cover：COVER-WECOM（监测值 1）\n详情：${PUBLIC_URL}/alarms/${alarm!.id}`);
    expect(text.mentioned_mobile_list.sort()).toEqual(await phonesOf(notices.map((x) => x.userId)));
  });
});
