/**
 * SMS through an HTTP gateway (the city's SMS platform, or a relay in front of a carrier's or a
 * cloud's SMS API). One POST per notice carries every number, so a notice is sent whole or not at
 * all. The body is JSON; `X-Tg-Signature: sha256=<hex>` is the HMAC-SHA256 of the exact body bytes
 * under the shared secret, and the body holds the app key, a millisecond timestamp and the
 * delivery's id as `requestId` — the gateway checks the signature, refuses stale timestamps and
 * ignores a `requestId` it has seen (a retry after a crash repeats it). Templates are the
 * gateway's (SMS platforms in China send pre-approved templates only): the notice fills its
 * variables `title`, `body`, `link`, `severity`.
 *
 * Success is a 2xx answer whose JSON `code`, when there is one, is 0 / "0" / "OK"; anything else
 * (HTTP 500, a refusal code, no answer within `timeoutMs`) throws, and the platform records and
 * retries the delivery. People without a mobile number are skipped and reported as such.
 *
 * @example
 * // PLUGINS_CONFIG: { "notify": { "publicUrl": "https://tg.example.gov.cn", "sms": {
 * //   "url": "https://sms.example.gov.cn/api/send", "appKey": "tongguan", "secret": "…32 random characters…", "template": "SMS_ALARM_01" } } }
 * // POST https://sms.example.gov.cn/api/send
 * // X-Tg-App-Key: tongguan
 * // X-Tg-Signature: sha256=9f2c…
 * // {"appKey":"tongguan","requestId":"0195…","timestamp":1772416800000,"template":"SMS_ALARM_01","phoneNumbers":["13805310001"],
 * //  "params":{"title":"【一级（红色）】井盖异常报警：COVER-1","body":"井盖异常报警：COVER-1（监测值 62）","link":"https://tg.example.gov.cn/alarms/0195…","severity":"一级（红色）"}}
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { NotifyTransport } from '@tongguan/plugin-sdk';
import { call } from './http.ts';
import { absoluteLink, mobileNumber, severityLabel } from './text.ts';

const httpUrl = z.url({ protocol: /^https?$/ });
const template = z.string().trim().min(1).max(100);

export const smsConfigSchema = z.object({
  url: httpUrl,
  appKey: z.string().min(1).max(200),
  /** The HMAC key shared with the gateway; at least 16 characters. */
  secret: z.string().min(16).max(500),
  /** The gateway's template for notices (a rule or task may name another). */
  template,
  /** 短信签名 the gateway prefixes, when it asks the sender to name it. */
  signName: z.string().trim().min(1).max(50).optional(),
  timeoutMs: z.int().min(100).max(30_000).default(5000),
}).strict();
export type SmsConfig = z.output<typeof smsConfigSchema>;

/** What a definition may give the channel: `{"id": "sms", "config": {"template": "SMS_OVERDUE_02"}}`. */
export const smsOptionsSchema = z.object({ template: template.optional() }).strict();
export type SmsOptions = z.output<typeof smsOptionsSchema>;

const SUCCESS_CODES = new Set(['0', 'OK', 'Ok', 'ok']);

/** Hex HMAC-SHA256 of the body under the secret: what `X-Tg-Signature` carries after `sha256=`. */
export const signBody = (secret: string, body: string): string => createHmac('sha256', secret).update(body, 'utf8').digest('hex');

export function smsTransport(config: SmsConfig, world: { now(): Date; publicUrl?: string }): NotifyTransport<SmsOptions> {
  return {
    id: 'sms',
    name: '短信',
    configSchema: smsOptionsSchema,
    async send(message, recipients, options) {
      const reachable = recipients.filter((r) => mobileNumber(r.phone) !== null);
      const phoneNumbers = [...new Set(reachable.map((r) => mobileNumber(r.phone)!))];
      const skipped = recipients.length - reachable.length;
      if (!phoneNumbers.length) return { accepted: 0, skipped };
      const level = severityLabel(message.severity);
      const body = JSON.stringify({
        appKey: config.appKey, requestId: message.id, timestamp: world.now().getTime(), template: options.template ?? config.template,
        ...(config.signName ? { signName: config.signName } : {}),
        phoneNumbers,
        params: {
          title: message.title, body: (message.body ?? '').slice(0, 500),
          link: absoluteLink(message.link, world.publicUrl) ?? '', severity: level ?? '',
        },
      });
      const answer = await call({
        method: 'POST', url: config.url, body, timeoutMs: config.timeoutMs, what: 'SMS gateway',
        headers: { 'x-tg-app-key': config.appKey, 'x-tg-signature': `sha256=${signBody(config.secret, body)}` },
      });
      const reply = answer.json as { code?: unknown; message?: unknown; msg?: unknown } | undefined;
      if (reply && typeof reply === 'object' && reply.code !== undefined && !SUCCESS_CODES.has(String(reply.code))) {
        const said = typeof reply.message === 'string' ? reply.message : typeof reply.msg === 'string' ? reply.msg : '';
        throw new Error(`SMS gateway refused the message: code ${String(reply.code)}${said ? ` (${said.slice(0, 200)})` : ''}`);
      }
      return { accepted: reachable.length, skipped };
    },
  };
}
