/**
 * Notification channels as definitions name them: the `notify` service task's `channels` and an
 * alarm rule's `actions.channels`. `inApp` (站内消息) is the platform's own and always delivered,
 * listed or not — it is the record of the notice; other ids name transports plugins register
 * (the `notify` plugin's `sms` and `wecom`). An entry is the id, or `{id, config}` with options the
 * transport's schema checks. Whether an id is registered depends on the deployment, so it is
 * checked where the platform publishes a definition, not here.
 *
 * @example
 * notifyChannelsSchema.parse(['inApp', 'sms', { id: 'wecom', config: { format: 'text' } }]);
 * externalChannels(['inApp', 'sms']); // [{ id: 'sms', config: undefined }]
 */
import { z } from 'zod';
import type { Locale } from '../expr/messages.ts';

export const IN_APP_CHANNEL = 'inApp';

/** A lower-case letter, then letters, digits, `_` or `-`; at most 32. */
export const CHANNEL_ID = /^[a-z][A-Za-z0-9_-]{0,31}$/;

/** Catalog entries for the validation keys this module introduces (the platform merges them into its catalog). */
export const NOTIFY_VALIDATION_MESSAGES = {
  channelId: { 'zh-CN': '通知渠道标识须以小写字母开头，只含字母、数字、_ 和 -，最长 32 个字符', en: 'a channel id starts with a lower-case letter and holds letters, digits, _ and - (at most 32)' },
  duplicateChannel: { 'zh-CN': '通知渠道重复', en: 'the channel is listed twice' },
} as const satisfies Record<string, Record<Locale, string>>;

const channelEntry = z.union([
  z.string(),
  z.object({ id: z.string(), config: z.record(z.string(), z.unknown()).optional() }).strict(),
]).superRefine((entry, ctx) => {
  if (!CHANNEL_ID.test(typeof entry === 'string' ? entry : entry.id)) {
    ctx.addIssue({ code: 'custom', message: '#validation.channelId', path: typeof entry === 'string' ? [] : ['id'] });
  }
});

export type NotifyChannel = z.output<typeof channelEntry>;

export const notifyChannelsSchema = z.array(channelEntry).min(1).max(8).superRefine((channels, ctx) => {
  const seen = new Set<string>();
  channels.forEach((entry, i) => {
    const id = typeof entry === 'string' ? entry : entry.id;
    if (seen.has(id)) ctx.addIssue({ code: 'custom', message: '#validation.duplicateChannel', path: [i] });
    seen.add(id);
  });
});

/** One channel a notice goes out on, with the options the definition gave it. */
export interface ChannelUse {
  readonly id: string;
  readonly config: Readonly<Record<string, unknown>> | undefined;
}

export const channelUse = (entry: NotifyChannel): ChannelUse => (typeof entry === 'string' ? { id: entry, config: undefined } : { id: entry.id, config: entry.config });

/** The channels beyond the in-app notice, in the order listed. */
export function externalChannels(channels: readonly NotifyChannel[] | undefined): ChannelUse[] {
  return (channels ?? []).map(channelUse).filter((use) => use.id !== IN_APP_CHANNEL);
}
