/**
 * One MQTT message → telemetry: the payload is read as device-http's JSON; whatever is wrong is
 * counted against the device. Resolves once what was accepted is committed, so the caller may
 * acknowledge (PUBACK) only then; rejects only when storing failed (the message must not be
 * acknowledged, so the broker or the device sends it again).
 */
import { telemetryPayloadSchema, toTelemetryMessages, type TelemetryMessage, type TelemetryService } from '@tongguan/plugin-sdk';

export interface Sender { readonly tenantId: string; readonly code: string }

/** The messages to store, or undefined when the payload was refused (and counted). */
export async function decode(telemetry: TelemetryService, sender: Sender, payload: Buffer): Promise<TelemetryMessage[] | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(payload.toString('utf8'));
  } catch {
    await telemetry.reject(sender.tenantId, sender.code, 'malformedJson');
    return undefined;
  }
  const parsed = telemetryPayloadSchema.safeParse(json);
  if (!parsed.success) {
    await telemetry.reject(sender.tenantId, sender.code, 'invalidMessage', parsed.error.issues[0]?.path.join('.') || '(payload)');
    return undefined;
  }
  if (parsed.data.deviceCode !== undefined && parsed.data.deviceCode !== sender.code) {
    await telemetry.reject(sender.tenantId, parsed.data.deviceCode, 'badToken', `published on the topic of ${sender.code}`);
    return undefined;
  }
  return toTelemetryMessages(sender, parsed.data);
}

export async function receive(telemetry: TelemetryService, sender: Sender, payload: Buffer): Promise<void> {
  const messages = await decode(telemetry, sender, payload);
  if (messages?.length) await telemetry.ingest(messages);
}
