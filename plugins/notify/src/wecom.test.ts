/**
 * The WeCom transport against a real HTTP server speaking WeCom's protocol: group robot messages
 * (text with @-mentions by mobile, markdown), application messages with the access token fetched,
 * cached and renewed, and WeCom's errcode answers and timeouts as failures.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NotifyMessage, NotifyRecipient } from '@tongguan/plugin-sdk';
import { startGateway, type Gateway, type Received } from './testing/gateway.ts';
import { wecomConfigSchema, wecomOptionsSchema, wecomTransport } from './wecom.ts';

const message: NotifyMessage = {
  id: '0195f0c0-0000-7000-8000-000000000002', tenantId: 't1', title: '【二级（橙色）】燃气泄漏：GAS-7', body: '燃气泄漏：GAS-7（监测值 31）',
  link: '/alarms/a7', severity: 2, sourceKey: 'alarm:a7:1',
};
const person = (username: string, phone: string | null): NotifyRecipient => ({ userId: `id-${username}`, username, displayName: username, phone, email: null });
const people = [person('cc.dispatcher1', '+8613805310009'), person('cc.dispatcher2', '13805310010'), person('no.phone', null)];

let gateway: Gateway;
let now = new Date('2026-03-02T02:00:00Z');
beforeAll(async () => { gateway = await startGateway(); });
afterAll(() => gateway.close());
afterEach(() => { gateway.received.length = 0; gateway.answer(() => ({ status: 200, json: { errcode: 0, errmsg: 'ok' } })); });

const world = { now: () => now, publicUrl: 'https://tg.example.gov.cn/' };
const robot = (extra: Record<string, unknown> = {}) => wecomTransport(wecomConfigSchema.parse({ mode: 'robot', url: `${gateway.url}/cgi-bin/webhook/send?key=robot-key`, timeoutMs: 300, ...extra }), world);
const options = (raw: Record<string, unknown> = {}) => wecomOptionsSchema.parse(raw);

describe('wecom transport: group robot', () => {
  it('given text, when sent, then the group gets the notice with its link and the recipients @-mentioned by mobile number', async () => {
    expect(await robot().send(message, people, options())).toEqual({ accepted: 3 });
    const [request] = gateway.received;
    expect(request).toMatchObject({ method: 'POST', path: '/cgi-bin/webhook/send' });
    expect(request!.query.get('key')).toBe('robot-key');
    expect(request!.json).toEqual({
      msgtype: 'text',
      text: { content: `${message.title}\n${message.body}\n详情：https://tg.example.gov.cn/alarms/a7`, mentioned_mobile_list: ['13805310009', '13805310010'] },
    });
  });

  it('given mentionAll, when sent as text, then everyone in the group is mentioned too', async () => {
    await robot().send(message, people, options({ mentionAll: true }));
    expect((gateway.received[0]!.json as { text: { mentioned_mobile_list: string[] } }).text.mentioned_mobile_list).toEqual(['13805310009', '13805310010', '@all']);
  });

  it('given markdown, when sent, then the title is in the warning colour for 二级, the body quoted and the page linked', async () => {
    await robot().send(message, people, options({ format: 'markdown' }));
    expect(gateway.received[0]!.json).toEqual({
      msgtype: 'markdown',
      markdown: { content: `**<font color="warning">${message.title}</font>**\n> ${message.body}\n[查看详情](https://tg.example.gov.cn/alarms/a7)` },
    });
  });

  it('given a body longer than WeCom takes, when sent as text, then the content is cut to 2048 bytes', async () => {
    await robot().send({ ...message, body: '井'.repeat(2000) }, people, options());
    const content = (gateway.received[0]!.json as { text: { content: string } }).text.content;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(2048);
    expect(content.endsWith('…')).toBe(true);
  });

  it('given WeCom answers an errcode, when sent, then it throws with the errcode and not the robot key', async () => {
    gateway.answer(() => ({ status: 200, json: { errcode: 93000, errmsg: 'invalid webhook url' } }));
    const failure = robot().send(message, people, options());
    await expect(failure).rejects.toThrow('WeCom refused the message: errcode 93000 (invalid webhook url)');
    await expect(failure).rejects.not.toThrow('robot-key');
  });

  it('given WeCom answers 502 or nothing, when sent, then it throws naming the status or the timeout', async () => {
    gateway.answer(() => ({ status: 502 }));
    await expect(robot().send(message, people, options())).rejects.toThrow('WeCom robot answered HTTP 502');
    gateway.answer(() => 'hang');
    await expect(robot().send(message, people, options())).rejects.toThrow('WeCom robot did not answer within 300 ms');
  });
});

describe('wecom transport: application messages', () => {
  let tokens = 0;
  let expired = new Set<string>();
  const wecomServer = (request: Received) => {
    if (request.path === '/cgi-bin/gettoken') {
      tokens++;
      return { status: 200, json: { errcode: 0, errmsg: 'ok', access_token: `token-${tokens}`, expires_in: 7200 } };
    }
    if (expired.has(request.query.get('access_token') ?? '')) return { status: 200, json: { errcode: 42001, errmsg: 'access_token expired' } };
    return { status: 200, json: { errcode: 0, errmsg: 'ok', invaliduser: 'no.phone' } };
  };
  const app = () => wecomTransport(wecomConfigSchema.parse({ mode: 'app', apiUrl: gateway.url, corpId: 'ww-corp', corpSecret: 'corp-secret', agentId: 1000002, timeoutMs: 300 }), world);

  it('given a first message, when sent, then the token is fetched with the corp credentials and the message goes to the recipients by login name', async () => {
    tokens = 0; expired = new Set();
    gateway.answer(wecomServer);
    expect(await app().send(message, people, options())).toEqual({ accepted: 2, skipped: 1 });
    const [token, sent] = gateway.received;
    expect(token).toMatchObject({ method: 'GET', path: '/cgi-bin/gettoken' });
    expect(Object.fromEntries(token!.query)).toEqual({ corpid: 'ww-corp', corpsecret: 'corp-secret' });
    expect(sent).toMatchObject({ method: 'POST', path: '/cgi-bin/message/send' });
    expect(sent!.query.get('access_token')).toBe('token-1');
    expect(sent!.json).toEqual({
      touser: 'cc.dispatcher1|cc.dispatcher2|no.phone', msgtype: 'text', agentid: 1000002,
      text: { content: `${message.title}\n${message.body}\n详情：https://tg.example.gov.cn/alarms/a7` }, enable_duplicate_check: 1, duplicate_check_interval: 1800,
    });
  });

  it('given a token, when more messages follow, then it is reused until shortly before it expires and then fetched anew', async () => {
    tokens = 0; expired = new Set();
    gateway.answer(wecomServer);
    const transport = app();
    await transport.send(message, people, options());
    await transport.send(message, people, options());
    expect(tokens).toBe(1);
    now = new Date(now.getTime() + 7200_000 - 4 * 60_000);
    await transport.send(message, people, options());
    expect(tokens).toBe(2);
  });

  it('given WeCom says the token expired, when sent, then a new token is fetched once and the message sent with it', async () => {
    tokens = 0; expired = new Set(['token-1']);
    gateway.answer(wecomServer);
    expect(await app().send(message, people, options())).toEqual({ accepted: 2, skipped: 1 });
    expect(gateway.received.map((r) => `${r.path} ${r.query.get('access_token') ?? ''}`.trim())).toEqual([
      '/cgi-bin/gettoken', '/cgi-bin/message/send token-1', '/cgi-bin/gettoken', '/cgi-bin/message/send token-2',
    ]);
  });

  it('given the renewed token is refused too, when sent, then it throws instead of trying forever', async () => {
    tokens = 0; expired = new Set(['token-1', 'token-2', 'token-3']);
    gateway.answer(wecomServer);
    await expect(app().send(message, people, options())).rejects.toThrow('WeCom refused the message: errcode 42001 (access_token expired)');
    expect(tokens).toBe(2);
  });

  it('given wrong corp credentials, when sent, then it throws that WeCom gave no token, without the secret', async () => {
    gateway.answer(() => ({ status: 200, json: { errcode: 40013, errmsg: 'invalid corpid' } }));
    const failure = app().send(message, people, options());
    await expect(failure).rejects.toThrow('WeCom gave no access token: errcode 40013 (invalid corpid)');
    await expect(failure).rejects.not.toThrow('corp-secret');
  });
});
