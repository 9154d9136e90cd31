/**
 * WeCom (企业微信) in one of its two ways in:
 *
 * - `robot` — a group robot's webhook (群机器人, `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`):
 *   the notice goes to the group; as `text` it @-mentions the recipients by mobile number
 *   (`mentioned_mobile_list`), as `markdown` it cannot mention anyone (WeCom's rule).
 * - `app` — application messages (应用消息, `/cgi-bin/message/send`) to the recipients themselves,
 *   with an access token from `/cgi-bin/gettoken` (cached until shortly before it expires, fetched
 *   again once when WeCom says it is invalid or expired). The person register has no WeCom userid,
 *   so the recipient's login name is taken as it: the accounts must match (or use `robot`). WeCom's
 *   duplicate check (30 min) keeps a retried delivery from reaching people twice.
 *
 * WeCom answers HTTP 200 with `errcode`; anything but 0, a non-2xx status or no answer within
 * `timeoutMs` throws, and the platform records and retries the delivery.
 *
 * @example
 * // PLUGINS_CONFIG: { "notify": { "wecom": { "mode": "robot", "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…" } } }
 * // POST …/webhook/send?key=…  {"msgtype":"text","text":{"content":"【一级（红色）】井盖异常报警：COVER-1\n…","mentioned_mobile_list":["13805310001"]}}
 */
import { z } from 'zod';
import type { NotifyRecipient, NotifyTransport } from '@tongguan/plugin-sdk';
import { call, type HttpAnswer } from './http.ts';
import { markdownText, mobileNumber, plainText, truncateBytes } from './text.ts';

const httpUrl = z.url({ protocol: /^https?$/ });
const format = z.enum(['text', 'markdown']);
const timeoutMs = z.int().min(100).max(30_000).default(5000);

export const wecomConfigSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('robot'), url: httpUrl, format: format.default('text'), timeoutMs }).strict(),
  z.object({
    mode: z.literal('app'), apiUrl: httpUrl.default('https://qyapi.weixin.qq.com'),
    corpId: z.string().min(1).max(100), corpSecret: z.string().min(1).max(200), agentId: z.int().positive(), format: format.default('text'), timeoutMs,
  }).strict(),
]);
export type WecomConfig = z.output<typeof wecomConfigSchema>;

/** What a definition may give the channel: `{"id": "wecom", "config": {"format": "markdown", "mentionAll": true}}`. */
export const wecomOptionsSchema = z.object({ format: format.optional(), mentionAll: z.boolean().optional() }).strict();
export type WecomOptions = z.output<typeof wecomOptionsSchema>;

/** WeCom's limits on content: 2048 bytes of text, 4096 of markdown. */
const MAX_BYTES = { text: 2048, markdown: 4096 } as const;
/** `touser` takes at most 1000 userids. */
const USERS_PER_MESSAGE = 1000;
/** Invalid access token, expired token, invalid credential: fetch a new token and try once more. */
const TOKEN_ERRORS = new Set([40001, 40014, 42001]);
/** A token is renewed this long before WeCom says it expires. */
const TOKEN_MARGIN_MS = 5 * 60_000;

const answerSchema = z.object({ errcode: z.number(), errmsg: z.string().optional(), invaliduser: z.string().optional() }).loose();
const tokenSchema = z.object({ errcode: z.number(), errmsg: z.string().optional(), access_token: z.string().min(1).optional(), expires_in: z.number().positive().optional() }).loose();

/** WeCom's answer with its errcode (the caller decides: a token error is retried once); throws when the body is not such an answer. */
function weComAnswer(answer: HttpAnswer): z.output<typeof answerSchema> {
  const parsed = answerSchema.safeParse(answer.json);
  if (!parsed.success) throw new Error(`WeCom answered HTTP ${answer.status} without an errcode: ${answer.text.slice(0, 200)}`);
  return parsed.data;
}

const refused = (errcode: number, errmsg: string | undefined) => new Error(`WeCom refused the message: errcode ${errcode}${errmsg ? ` (${errmsg.slice(0, 200)})` : ''}`);

/** Mobile numbers as WeCom's mentioned_mobile_list takes them (no +86). */
const wecomMobile = (r: NotifyRecipient) => mobileNumber(r.phone)?.replace(/^\+86/, '') ?? null;

export function wecomTransport(config: WecomConfig, world: { now(): Date; publicUrl?: string }): NotifyTransport<WecomOptions> {
  const content = (message: Parameters<NotifyTransport['send']>[0], as: 'text' | 'markdown') =>
    truncateBytes(as === 'markdown' ? markdownText(message, world.publicUrl) : plainText(message, world.publicUrl), MAX_BYTES[as]);

  if (config.mode === 'robot') {
    return {
      id: 'wecom', name: '企业微信', configSchema: wecomOptionsSchema,
      async send(message, recipients, options) {
        const as = options.format ?? config.format;
        const mobiles = [...new Set(recipients.map(wecomMobile).filter((m): m is string => m !== null))];
        const body = as === 'markdown'
          ? { msgtype: 'markdown', markdown: { content: content(message, as) } }
          : { msgtype: 'text', text: { content: content(message, as), mentioned_mobile_list: options.mentionAll ? [...mobiles, '@all'] : mobiles } };
        const reply = weComAnswer(await call({ method: 'POST', url: config.url, body: JSON.stringify(body), timeoutMs: config.timeoutMs, what: 'WeCom robot' }));
        if (reply.errcode !== 0) throw refused(reply.errcode, reply.errmsg);
        return { accepted: recipients.length };
      },
    };
  }

  let token: { value: string; expiresAt: number } | undefined;
  const accessToken = async (renew: boolean): Promise<string> => {
    if (!renew && token && token.expiresAt > world.now().getTime()) return token.value;
    const url = new URL('/cgi-bin/gettoken', config.apiUrl);
    url.searchParams.set('corpid', config.corpId);
    url.searchParams.set('corpsecret', config.corpSecret);
    const answer = await call({ method: 'GET', url: url.href, timeoutMs: config.timeoutMs, what: 'WeCom gettoken' });
    const parsed = tokenSchema.safeParse(answer.json);
    if (!parsed.success || parsed.data.errcode !== 0 || !parsed.data.access_token) {
      throw new Error(`WeCom gave no access token: ${parsed.success ? `errcode ${parsed.data.errcode}${parsed.data.errmsg ? ` (${parsed.data.errmsg.slice(0, 200)})` : ''}` : answer.text.slice(0, 200)}`);
    }
    const lifetimeMs = (parsed.data.expires_in ?? 7200) * 1000;
    token = { value: parsed.data.access_token, expiresAt: world.now().getTime() + Math.max(0, lifetimeMs - TOKEN_MARGIN_MS) };
    return token.value;
  };
  const post = async (body: Record<string, unknown>) => {
    for (let renewed = false; ; renewed = true) {
      const url = new URL('/cgi-bin/message/send', config.apiUrl);
      url.searchParams.set('access_token', await accessToken(renewed));
      const reply = weComAnswer(await call({ method: 'POST', url: url.href, body: JSON.stringify(body), timeoutMs: config.timeoutMs, what: 'WeCom' }));
      if (reply.errcode === 0) return reply;
      if (renewed || !TOKEN_ERRORS.has(reply.errcode)) throw refused(reply.errcode, reply.errmsg);
    }
  };

  return {
    id: 'wecom', name: '企业微信', configSchema: wecomOptionsSchema,
    async send(message, recipients, options) {
      const as = options.format ?? config.format;
      const users = options.mentionAll ? ['@all'] : [...new Set(recipients.map((r) => r.username))];
      let invalid = 0;
      for (let i = 0; i < users.length; i += USERS_PER_MESSAGE) {
        const reply = await post({
          touser: users.slice(i, i + USERS_PER_MESSAGE).join('|'), msgtype: as, agentid: config.agentId, [as]: { content: content(message, as) },
          enable_duplicate_check: 1, duplicate_check_interval: 1800,
        });
        invalid += reply.invaliduser ? reply.invaliduser.split('|').filter(Boolean).length : 0;
      }
      return options.mentionAll ? { accepted: recipients.length } : { accepted: recipients.length - invalid, skipped: invalid };
    },
  };
}
