/** The JSON readings every device transport accepts (HTTP body, MQTT payload): docs/devices.md. */
import { z } from 'zod';
import type { DeviceIdentity, TelemetryMessage } from './index.ts';

const timestamp = z.union([z.number(), z.string().max(40)]).optional();
const values = z.record(z.string().max(40), z.unknown()).refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 200);
const reading = z.object({ ts: timestamp, values });

export const telemetryPayloadSchema = z.union([
  z.object({ deviceCode: z.string().max(100).optional(), ts: timestamp, values }),
  z.object({ deviceCode: z.string().max(100).optional(), readings: z.array(reading).min(1).max(1000) }),
]);
export type TelemetryPayload = z.infer<typeof telemetryPayloadSchema>;

/** Epoch ms from a number or an ISO 8601 string; NaN (refused as badTimestamp) otherwise. */
export const toMillis = (ts: number | string | undefined): number | undefined =>
  ts === undefined ? undefined : typeof ts === 'number' ? ts : /^\d{4}-\d{2}-\d{2}T/.test(ts) ? Date.parse(ts) : Number.NaN;

export function toTelemetryMessages(device: Pick<DeviceIdentity, 'tenantId' | 'code'>, payload: TelemetryPayload): TelemetryMessage[] {
  const readings = 'readings' in payload ? payload.readings : [payload];
  return readings.map((r) => ({ tenantId: device.tenantId, deviceCode: device.code, ts: toMillis(r.ts), values: r.values }));
}
