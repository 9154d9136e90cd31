/**
 * simulator: realistic telemetry for the demo devices (on by default in demo mode, never in
 * production), with anomalies injected on demand —
 * `POST /api/v1/simulator/anomalies {deviceCode, kind, durationMinutes?}` (administrators) —
 * and `GET /api/v1/simulator/anomalies` for what is running.
 */
import { z } from 'zod';
import { definePlugin, PluginError } from '@tongguan/plugin-sdk';
import { ANOMALY_KINDS } from './anomalies.ts';
import { AnomalyRefused, Simulator } from './simulator.ts';

export const configSchema = z.object({
  /** Set by the platform: demo mode and SIMULATOR not `off`. */
  enabled: z.boolean().default(false),
  maxIntervalSeconds: z.number().int().min(5).max(86_400).default(60),
  anomalyIntervalSeconds: z.number().int().min(1).max(600).default(5),
  tenants: z.array(z.string()).default([]),
  seed: z.number().int().default(20260302),
}).strict();

const anomalyBody = z.object({
  deviceCode: z.string().min(1).max(100),
  kind: z.enum(ANOMALY_KINDS),
  durationMinutes: z.number().int().min(1).max(24 * 60).default(10),
}).strict();

export default definePlugin<z.infer<typeof configSchema>>({
  id: 'simulator',
  version: '0.1.0',
  platformRange: '^0.1.0',
  kind: 'simulator',
  name: '设备模拟器',
  description: 'Simulated telemetry for the demo devices, with injectable anomalies (demo mode only).',
  configSchema,
  setup(ctx) {
    if (!ctx.config.enabled) {
      ctx.logger.info('off (demo mode only; SIMULATOR=off switches it off)');
      return;
    }
    const simulator = new Simulator(ctx.services, () => ctx.now(), ctx.config, ctx.logger);
    ctx.registerJob({ id: 'telemetry', everyMs: 5_000, run: async () => { await simulator.tick(); } });
    ctx.registerEndpoint({
      method: 'POST', path: '/anomalies', rootPath: '/simulator/anomalies', auth: 'user', permission: { action: 'manage', subject: 'Device' },
      summary: 'Inject an anomaly into a demo device: {deviceCode, kind (gasLeak, pipeBurst, manholeOpen, manholeTilt, manholeDisplaced, bridgeStrain, wasteOdor, sewagePh, waterlogging, crowdDensity), durationMinutes?}',
      handle: async (request) => {
        let json: unknown;
        try { json = JSON.parse(request.body?.toString('utf8') ?? ''); } catch { throw new PluginError('invalid_json'); }
        const body = anomalyBody.safeParse(json);
        if (!body.success) throw PluginError.invalid(body.error);
        try {
          return { status: 201, body: await simulator.inject(request.user!.tenantId, body.data.deviceCode, body.data.kind, body.data.durationMinutes) };
        } catch (error) {
          if (error instanceof AnomalyRefused) {
            if (error.reason === 'unknownDevice') throw new PluginError('not_found');
            throw new PluginError('validation_failed', [{ field: 'kind', message: '#validation.simulatorNoMetric' }]);
          }
          throw error;
        }
      },
    });
    ctx.registerEndpoint({
      method: 'GET', path: '/anomalies', rootPath: '/simulator/anomalies', auth: 'user', permission: { action: 'read', subject: 'Device' },
      summary: 'Anomalies the simulator is running in the caller\'s city',
      handle: async (request) => ({ body: { items: simulator.active(request.user!.tenantId) } }),
    });
  },
});
