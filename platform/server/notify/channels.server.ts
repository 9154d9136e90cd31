/**
 * The deployment's check of the channels a definition names (an alarm rule's `actions.channels`,
 * a `notify` task's `channels`), run when it is saved, published or imported: every id is
 * `inApp` or a registered transport, and options match the transport's schema. A channel is not
 * checked again when a notice is sent — one removed since (its plugin switched off) fails that
 * delivery loudly in the outbox, never the in-app notice.
 */
import type { z } from 'zod';
import { channelUse, IN_APP_CHANNEL, type NotifyChannel } from '@tongguan/runtime/notify/channels';
import { translate, type Locale } from '../../shared/i18n/index.ts';
import type { NotifyTransportRegistry } from './transports.server.ts';

const issueAt = (path: readonly (string | number)[], message: string) => ({ code: 'custom', path: [...path], message, input: undefined }) as z.core.$ZodIssue;

/**
 * Issues under `path`; messages of unknown channels are worded in `locale` and list what is available.
 *
 * @example
 * channelIssues(app.notifyTransports, ['inApp', 'fax'], 'en', ['actions', 'channels']);
 * // [{ path: ['actions', 'channels', 1], message: 'unknown notification channel "fax"; available: inApp, sms …' }]
 */
export function channelIssues(registry: NotifyTransportRegistry, channels: readonly NotifyChannel[] | undefined, locale: Locale, path: readonly (string | number)[]): z.core.$ZodIssue[] {
  const issues: z.core.$ZodIssue[] = [];
  (channels ?? []).forEach((entry, i) => {
    const use = channelUse(entry);
    const transport = use.id === IN_APP_CHANNEL ? undefined : registry.get(use.id);
    if (use.id !== IN_APP_CHANNEL && !transport) {
      issues.push(issueAt([...path, i], translate(locale, 'validation.unknownChannel', { channel: use.id, available: registry.ids().join(locale === 'en' ? ', ' : '、') })));
      return;
    }
    if (!transport?.configSchema) {
      if (use.config !== undefined) issues.push(issueAt([...path, i, 'config'], '#validation.channelNoOptions'));
      return;
    }
    const parsed = transport.configSchema.safeParse(use.config ?? {});
    if (!parsed.success) for (const issue of parsed.error.issues) issues.push({ ...issue, path: [...path, i, 'config', ...issue.path] } as z.core.$ZodIssue);
  });
  return issues;
}
