/**
 * Who the built-in `notify` service task reaches: role holders, optionally within organisations
 * an expression names — and nobody when that expression names none (a case not yet dispatched
 * must not notify every handler of the city). Which channels it may name: `inApp` and what
 * plugins register (here none is configured), checked when the process is published.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type ErrorJson, type TestApp } from '../testing/test-app.server.ts';
import { recipientsOf } from '../services/notifications.server.ts';
import { runDueJobs } from './jobs.server.ts';

const processXml = (key: string, config: Record<string, unknown>) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/test">
  <process id="${key}" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="tell"/>
    <serviceTask id="tell" tg:type="notify" tg:resultVariable="notified">
      <extensionElements><tg:config>${JSON.stringify({ title: '"巡查提醒"', to: [{ roles: ['leader'] }], ...config })}</tg:config></extensionElements>
    </serviceTask>
    <sequenceFlow id="f2" sourceRef="tell" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

let t: TestApp;
let tenantId: string;
beforeAll(async () => { t = await createTestApp(); tenantId = await t.tenantId(); });
afterAll(() => t.close());

describe('notify recipients', () => {
  it('given handlers across the city, when the group names a responsible unit, then only that unit\'s handlers are reached', async () => {
    const everyone = await recipientsOf(t.app, tenantId, { roles: ['handler'] });
    const unit = await recipientsOf(t.app, tenantId, { roles: ['handler'], organisationIds: [await t.orgId('demo-dh-lq-zfzd')] });
    expect(unit).toContain(await t.userId('dh.handler2'));
    expect(unit).not.toContain(await t.userId('xl.handler1'));
    expect(everyone.length).toBeGreaterThan(unit.length);
  });

  it('given a group limited to organisations, when the expression names none, then nobody is reached rather than everyone', async () => {
    expect(await recipientsOf(t.app, tenantId, { roles: ['handler'], organisationIds: [] })).toEqual([]);
    expect(await recipientsOf(t.app, tenantId, { positions: ['handler'], organisationIds: [] })).toEqual([]);
  });

  it('given another city\'s organisation, when named, then none of this city\'s people are reached', async () => {
    expect(await recipientsOf(t.app, tenantId, { roles: ['handler'], organisationIds: [await t.orgId('other-yxzx')] })).toEqual([]);
  });
});

describe('notify channels when a process is published', () => {
  const publish = async (key: string, config: Record<string, unknown>, locale = 'zh-CN') => {
    const token = await t.tokenFor('admin');
    const created = await t.request('POST', '/api/v1/definitions', { token, body: { kind: 'process', key, name: key, content: { xml: processXml(key, config) } } });
    expect(created.status, await created.clone().text()).toBe(201);
    const { id } = (await created.json()) as { id: string };
    return t.request('POST', `/api/v1/definitions/${id}/publish`, { token, body: { comment: 'v1' }, headers: { 'accept-language': locale } });
  };

  it('given a channel no plugin provides, when published, then 422 points at the task and names the channel and the available ones', async () => {
    const res = await publish('tell-by-sms', { channels: ['inApp', 'sms'] });
    expect(res.status).toBe(422);
    expect(((await res.json()) as ErrorJson).error.fields).toEqual([{
      field: 'content.xml#tell',
      message: '服务任务「tell」的 tg:config 不符合类型 notify 的要求：channels.1: 未知的通知渠道「sms」，可用渠道：inApp（短信、企业微信等渠道由 notify 插件按配置提供）',
    }]);
  });

  it('given a malformed channel id or severity, when published, then 422 words the schema\'s own messages in the reader\'s language', async () => {
    const res = await publish('tell-badly', { channels: ['SMS!'], severity: 7 }, 'en');
    expect(res.status).toBe(422);
    const [field] = ((await res.json()) as ErrorJson).error.fields ?? [];
    expect(field?.message).toContain('channels.0: a channel id starts with a lower-case letter');
    expect(field?.message).toContain('severity: ');
    expect(field?.message).not.toContain('#validation');
  });

  it('given only the in-app channel, when the process runs, then the leaders are notified in-app and nothing is queued for other channels', async () => {
    expect((await publish('tell-in-app', { channels: ['inApp'], severity: 3 })).status).toBe(200);
    const res = await t.request('POST', '/api/v1/process-instances', { token: await t.tokenFor('admin'), body: { processKey: 'tell-in-app' } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    await runDueJobs(t.app);
    const { jobs: j, notifications: n, notificationDeliveries: d } = t.app.db.t;
    const [job] = await t.app.db.read.select({ id: j.id }).from(j).where(eq(j.instanceId, id));
    expect(await t.app.db.read.select().from(n).where(eq(n.sourceKey, job!.id))).toHaveLength(3);
    expect(await t.app.db.read.select().from(d).where(eq(d.sourceKey, job!.id))).toEqual([]);
  });
});
