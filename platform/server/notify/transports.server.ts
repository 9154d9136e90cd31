/**
 * Notification transports by channel id (`sms`, `wecom`…), registered by plugins through
 * `ctx.registerNotifyTransport` (the host wraps each `send` so faults count against the plugin).
 * The in-app notice (`inApp`) is not a transport: it is written in the transaction that decides to
 * notify. The registry lives on the App so every app (and every test app) has its own.
 */
import type { NotifyTransport } from '@tongguan/plugin-sdk';
import { CHANNEL_ID, IN_APP_CHANNEL } from '@tongguan/runtime/notify/channels';

export interface RegisteredTransport extends NotifyTransport<unknown> {
  /** The plugin that registered it. */
  readonly pluginId: string;
}

/**
 * @example
 * app.notifyTransports.register({ pluginId: 'notify', id: 'sms', name: '短信', send: async (message, recipients) => ({ accepted: recipients.length }) });
 * app.notifyTransports.ids(); // ['inApp', 'sms']
 */
export class NotifyTransportRegistry {
  private readonly transports = new Map<string, RegisteredTransport>();

  /** Why a transport with this id cannot be registered, or undefined when it can. */
  refusal(id: string): string | undefined {
    if (id === IN_APP_CHANNEL) return `"${IN_APP_CHANNEL}" is the platform's own channel`;
    if (!CHANNEL_ID.test(id)) return `channel id "${id}" must start with a lower-case letter and hold letters, digits, _ and - (at most 32)`;
    if (this.transports.has(id)) return `a notification transport "${id}" is already registered`;
    return undefined;
  }

  register(transport: RegisteredTransport): void {
    const refused = this.refusal(transport.id);
    if (refused) throw new Error(refused);
    this.transports.set(transport.id, transport);
  }

  get(id: string): RegisteredTransport | undefined {
    return this.transports.get(id);
  }

  /** `inApp` first, then the registered channels in order of registration. */
  ids(): string[] {
    return [IN_APP_CHANNEL, ...this.transports.keys()];
  }
}
