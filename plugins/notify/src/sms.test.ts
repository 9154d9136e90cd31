/**
 * The SMS transport against a real HTTP server standing in for the gateway: what it posts, that
 * the signature verifies over the exact bytes, and that every way the gateway can fail throws.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyMessage, NotifyRecipient } from '@tongguan/plugin-sdk';
import { signBody, smsConfigSchema, smsOptionsSchema, smsTransport } from './sms.ts';
import { startGateway, type Gateway } from './testing/gateway.ts';

const SECRET = 'test-secret-0123456789abcdef';
const NOW = new Date('2026-03-02T02:00:00Z');

const message: NotifyMessage = {
  id: '0195f0c0-0000-7000-8000-000000000001', tenantId: 't1', title: '【一级（红色）】井盖异常报警：COVER-1', body: '井盖异常报警：COVER-1（监测值 62）',
  link: '/alarms/a1', severity: 1, sourceKey: 'alarm:a1:1',
};
const person = (userId: string, phone: string | null): NotifyRecipient => ({ userId, username: userId, displayName: userId, phone, email: null });

let gateway: Gateway;
beforeAll(async () => { gateway = await startGateway(); });
afterAll(() => gateway.close());
afterEach(() => { gateway.received.length = 0; gateway.answer(() => ({ status: 200, json: { code: 0 } })); });

const transport = (extra: Record<string, unknown> = {}) => smsTransport(
  smsConfigSchema.parse({ url: `${gateway.url}/api/sms/send`, appKey: 'tongguan', secret: SECRET, template: 'SMS_ALARM_01', timeoutMs: 300, ...extra }),
  { now: () => NOW, publicUrl: 'https://tg.example.gov.cn' },
);
const send = (recipients: NotifyRecipient[], options: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) =>
  transport(extra).send(message, recipients, smsOptionsSchema.parse(options));

describe('sms transport: the request', () => {
  it('given three people, one without a mobile number, when sent, then one POST carries the two numbers, the template and the notice', async () => {
    const outcome = await send([person('u1', '13805310001'), person('u2', null), person('u3', '+86 138-0531-0003')]);
    expect(outcome).toEqual({ accepted: 2, skipped: 1 });
    expect(gateway.received).toHaveLength(1);
    const [request] = gateway.received;
    expect(request).toMatchObject({ method: 'POST', path: '/api/sms/send' });
    expect(request!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(request!.json).toEqual({
      appKey: 'tongguan', requestId: message.id, timestamp: NOW.getTime(), template: 'SMS_ALARM_01', phoneNumbers: ['13805310001', '+8613805310003'],
      params: { title: message.title, body: message.body, link: 'https://tg.example.gov.cn/alarms/a1', severity: '一级（红色）' },
    });
  });

  it('given the shared secret, when the gateway checks X-Tg-Signature, then it is the HMAC-SHA256 of the exact body and fails for any other body', async () => {
    await send([person('u1', '13805310001')]);
    const [request] = gateway.received;
    expect(request!.headers['x-tg-app-key']).toBe('tongguan');
    expect(request!.headers['x-tg-signature']).toBe(`sha256=${signBody(SECRET, request!.raw)}`);
    expect(request!.headers['x-tg-signature']).not.toBe(`sha256=${signBody(SECRET, request!.raw.replace('13805310001', '13805310002'))}`);
    expect(request!.headers['x-tg-signature']).not.toBe(`sha256=${signBody('another-secret-0123456789', request!.raw)}`);
  });

  it('given a definition naming its own template and a sign name configured, when sent, then those go to the gateway', async () => {
    await send([person('u1', '13805310001')], { template: 'SMS_OVERDUE_02' }, { signName: '某市城市运行管理服务平台' });
    expect(gateway.received[0]!.json).toMatchObject({ template: 'SMS_OVERDUE_02', signName: '某市城市运行管理服务平台' });
  });

  it('given nobody with a mobile number, when sent, then no request is made and everyone is reported skipped', async () => {
    expect(await send([person('u1', null), person('u2', 'n/a')])).toEqual({ accepted: 0, skipped: 2 });
    expect(gateway.received).toHaveLength(0);
  });
});

describe('sms transport: failures', () => {
  it('given the gateway answers 500, when sent, then it throws naming the status and not the address', async () => {
    gateway.answer(() => ({ status: 500, json: { error: 'overloaded' } }));
    const failure = send([person('u1', '13805310001')]);
    await expect(failure).rejects.toThrow('SMS gateway answered HTTP 500: {"error":"overloaded"}');
    await expect(failure).rejects.not.toThrow(gateway.url);
  });

  it('given the gateway answers 200 with a refusal code, when sent, then it throws with the code and its message', async () => {
    gateway.answer(() => ({ status: 200, json: { code: 'isv.BUSINESS_LIMIT_CONTROL', message: '触发流控' } }));
    await expect(send([person('u1', '13805310001')])).rejects.toThrow('SMS gateway refused the message: code isv.BUSINESS_LIMIT_CONTROL (触发流控)');
  });

  it('given a gateway that never answers, when sent with a 300 ms timeout, then it gives up with a timeout error', async () => {
    gateway.answer(() => 'hang');
    const started = Date.now();
    await expect(send([person('u1', '13805310001')])).rejects.toThrow('SMS gateway did not answer within 300 ms');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('given nothing listening at the address, when sent, then it throws that the gateway could not be reached', async () => {
    const gone = await startGateway();
    await gone.close();
    await expect(smsTransport(smsConfigSchema.parse({ url: gone.url, appKey: 'k', secret: SECRET, template: 'T' }), { now: () => NOW })
      .send(message, [person('u1', '13805310001')], {})).rejects.toThrow(/^SMS gateway could not be reached: ECONNREFUSED/);
  });
});

describe('sms transport: configuration', () => {
  it('given a short secret, a non-HTTP address or an unknown field, when configured, then the schema refuses it', () => {
    const base = { url: 'https://sms.example.gov.cn/send', appKey: 'k', secret: SECRET, template: 'T' };
    expect(smsConfigSchema.safeParse(base).success).toBe(true);
    expect(smsConfigSchema.safeParse({ ...base, secret: 'short' }).success).toBe(false);
    expect(smsConfigSchema.safeParse({ ...base, url: 'ftp://sms.example.gov.cn' }).success).toBe(false);
    expect(smsConfigSchema.safeParse({ ...base, retries: 3 }).success).toBe(false);
    expect(smsOptionsSchema.safeParse({ template: '' }).success).toBe(false);
  });
});
