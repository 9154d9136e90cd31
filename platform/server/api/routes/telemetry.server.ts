/**
 * `POST /api/v1/telemetry`: devices send readings over HTTP with their own token in
 * `X-Device-Token` (not a person's bearer token). Whatever is wrong is counted against the
 * device (or, for a token that matches none, against no city) before the error is answered.
 * The answer comes after the accepted readings are committed.
 */
import { z } from 'zod';
import { defineRoute } from '../define.server.ts';
import { AppError } from '../../errors.server.ts';
import { hashDeviceToken } from '../../devices/devices.server.ts';
import type { TelemetryMessage } from '../../devices/ingest.server.ts';
import { INGEST_REJECTIONS } from '../../db/schema-devices.server.ts';

const MAX_BYTES = 1024 * 1024;
const timestamp = z.union([z.number(), z.string().max(40)]).optional();
const values = z.record(z.string().max(40), z.unknown()).refine((v) => Object.keys(v).length > 0 && Object.keys(v).length <= 200);
const reading = z.object({ ts: timestamp, values });
export const telemetryPayload = z.union([
  z.object({ deviceCode: z.string().max(100).optional(), ts: timestamp, values }),
  z.object({ deviceCode: z.string().max(100).optional(), readings: z.array(reading).min(1).max(1000) }),
]);

/** Epoch ms from a number or an ISO 8601 string; NaN (refused as badTimestamp) otherwise. */
const toMillis = (ts: number | string | undefined): number | undefined =>
  ts === undefined ? undefined : typeof ts === 'number' ? ts : /^\d{4}-\d{2}-\d{2}T/.test(ts) ? Date.parse(ts) : Number.NaN;

export const telemetryRoutes = [
  defineRoute({
    method: 'POST', path: '/api/v1/telemetry', public: true, tag: 'monitoring',
    summary: 'A device sends readings (device-http): `X-Device-Token` header, JSON `{ts?, values}` or `{readings: [{ts?, values}]}`',
    description: '`ts` is epoch milliseconds or ISO 8601 (absent: time of receipt). A reading already stored (same device, metric and time) counts as a duplicate and is not stored again. Readings of unknown metrics, non-numeric or outside the device type\'s range are refused one by one and listed; the rest are stored.',
    upload: { maxBytes: MAX_BYTES, contentTypes: ['application/json'] },
    response: z.object({
      stored: z.number().int(), duplicates: z.number().int(),
      rejected: z.array(z.object({ deviceCode: z.string(), metric: z.string().optional(), reason: z.enum(INGEST_REJECTIONS) })),
    }),
    errors: [400, 401, 413, 415, 422],
    handler: async ({ app, req, body }) => {
      const token = req.headers['x-device-token'];
      const device = typeof token === 'string' && token.length <= 200 ? await app.devices.byTokenHash(hashDeviceToken(token)) : undefined;
      if (!device) {
        await app.telemetry.recordRejection('', '(unknown token)', 'badToken', req.socket.remoteAddress);
        throw new AppError('unauthenticated');
      }
      let json: unknown;
      try {
        json = JSON.parse((body as Buffer).toString('utf8'));
      } catch {
        await app.telemetry.recordRejection(device.tenantId, device.code, 'malformedJson');
        throw new AppError('invalid_json');
      }
      const payload = telemetryPayload.safeParse(json);
      if (!payload.success) {
        await app.telemetry.recordRejection(device.tenantId, device.code, 'invalidMessage', payload.error.issues[0]?.path.join('.'));
        throw new AppError('validation_failed', {}, { fields: [{ field: payload.error.issues[0]?.path.join('.') || '(body)', message: '#validation.telemetryPayload' }] });
      }
      if (payload.data.deviceCode !== undefined && payload.data.deviceCode !== device.code) {
        await app.telemetry.recordRejection(device.tenantId, payload.data.deviceCode, 'badToken', `token of ${device.code}`);
        throw new AppError('unauthenticated');
      }
      const readings = 'readings' in payload.data ? payload.data.readings : [payload.data];
      const messages: TelemetryMessage[] = readings.map((r) => ({ tenantId: device.tenantId, deviceCode: device.code, ts: toMillis(r.ts), values: r.values }));
      return app.telemetry.ingest(messages);
    },
  }),
];
