/**
 * notify: notification channels beyond 站内消息 (issue 5 item 3). The platform writes the in-app
 * notice and queues a delivery per channel a `notify` service task or an alarm rule names
 * (`"channels": ["inApp", "sms", "wecom"]`); this plugin supplies the transports that send them:
 * `sms` (a signed JSON POST to the city's SMS gateway, sms.ts) and `wecom` (企业微信 group robot or
 * application messages, wecom.ts). A transport is registered only when configured, so a definition
 * naming an unconfigured channel is refused when it is published. See plugins/notify/README.md.
 */
import { z } from 'zod';
import { definePlugin } from '@tongguan/plugin-sdk';
import { smsConfigSchema, smsTransport } from './sms.ts';
import { wecomConfigSchema, wecomTransport } from './wecom.ts';

export const notifyConfigSchema = z.object({
  /** The platform's address as people open it (`https://tg.example.gov.cn`): links in messages point there; without it messages carry no link. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  sms: smsConfigSchema.optional(),
  wecom: wecomConfigSchema.optional(),
}).strict();
export type NotifyConfig = z.output<typeof notifyConfigSchema>;

export default definePlugin({
  id: 'notify',
  version: '0.1.0',
  platformRange: '^0.1.0',
  kind: 'notify',
  name: '消息通知（短信、企业微信）',
  description: '站内消息之外的通知渠道：短信网关（签名的 JSON 请求）与企业微信（群机器人或应用消息）',
  configSchema: notifyConfigSchema,
  setup(ctx) {
    const world = { now: () => ctx.now(), publicUrl: ctx.config.publicUrl };
    if (ctx.config.sms) ctx.registerNotifyTransport(smsTransport(ctx.config.sms, world));
    if (ctx.config.wecom) ctx.registerNotifyTransport(wecomTransport(ctx.config.wecom, world));
  },
});
