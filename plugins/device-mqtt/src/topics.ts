/**
 * The topic scheme (docs/devices.md, "MQTT"): a device publishes its readings, QoS 1, to
 * `tongguan/{city code}/devices/{device code}/telemetry` with the same JSON as device-http.
 * Codes are the platform's: letters, digits, `-`, `_` and `.` (no MQTT wildcards or `/`).
 */
export const TELEMETRY_FILTER = (prefix: string) => `${prefix}/+/devices/+/telemetry`;

export interface TelemetryTopic { readonly tenantCode: string; readonly deviceCode: string }

export function telemetryTopic(prefix: string, tenantCode: string, deviceCode: string): string {
  return `${prefix}/${tenantCode}/devices/${deviceCode}/telemetry`;
}

/** The city and device a telemetry topic names, or undefined for any other topic. */
export function parseTelemetryTopic(prefix: string, topic: string): TelemetryTopic | undefined {
  const parts = topic.split('/');
  const base = prefix.split('/');
  if (parts.length !== base.length + 4 || base.some((p, i) => parts[i] !== p)) return undefined;
  const [tenantCode, devices, deviceCode, leaf] = parts.slice(base.length);
  if (devices !== 'devices' || leaf !== 'telemetry' || !tenantCode || !deviceCode) return undefined;
  return { tenantCode, deviceCode };
}
