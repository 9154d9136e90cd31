/**
 * device-http: devices send readings over HTTP, `POST /api/v1/telemetry` (also
 * `/api/v1/plugins/device-http/telemetry`), with their own token in `X-Device-Token` — not a
 * person's bearer token. Whatever is wrong is counted against the device (or, for a token that
 * matches none, against no city) before the refusal is answered; the answer comes after the
 * accepted readings are committed.
 */
import { z } from 'zod';
import { definePlugin, PluginError, telemetryPayloadSchema, toTelemetryMessages, type PluginRequest, type TelemetryService } from '@tongguan/plugin-sdk';

const MAX_BYTES = 1024 * 1024;

export async function receive(telemetry: TelemetryService, request: PluginRequest) {
  const token = request.headers['x-device-token'];
  const device = token && token.length <= 200 ? await telemetry.authenticateDevice(token) : undefined;
  if (!device) {
    await telemetry.reject('', '(unknown token)', 'badToken', request.remoteAddress);
    throw new PluginError('unauthenticated');
  }
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new PluginError('unsupported_media_type');
  let json: unknown;
  try {
    json = JSON.parse(request.body?.toString('utf8') ?? '');
  } catch {
    await telemetry.reject(device.tenantId, device.code, 'malformedJson');
    throw new PluginError('invalid_json');
  }
  const payload = telemetryPayloadSchema.safeParse(json);
  if (!payload.success) {
    const field = payload.error.issues[0]?.path.join('.') || '(body)';
    await telemetry.reject(device.tenantId, device.code, 'invalidMessage', field);
    throw new PluginError('validation_failed', [{ field, message: '#validation.telemetryPayload' }]);
  }
  if (payload.data.deviceCode !== undefined && payload.data.deviceCode !== device.code) {
    await telemetry.reject(device.tenantId, payload.data.deviceCode, 'badToken', `token of ${device.code}`);
    throw new PluginError('unauthenticated');
  }
  return telemetry.ingest(toTelemetryMessages(device, payload.data));
}

export default definePlugin({
  id: 'device-http',
  version: '0.1.0',
  platformRange: '^0.1.0',
  kind: 'deviceProtocol',
  name: 'HTTP 设备接入',
  description: 'Devices POST JSON readings with a per-device token (X-Device-Token).',
  configSchema: z.object({}).strict(),
  setup(ctx) {
    ctx.registerEndpoint({
      method: 'POST', path: '/telemetry', rootPath: '/telemetry', auth: 'public', maxBodyBytes: MAX_BYTES,
      summary: 'A device sends readings: `X-Device-Token` header, JSON `{ts?, values}` or `{readings: [{ts?, values}]}`; `ts` is epoch ms or ISO 8601. Answers {stored, duplicates, rejected[]}',
      handle: async (request) => ({ body: await receive(ctx.services.telemetry, request) }),
    });
  },
});
