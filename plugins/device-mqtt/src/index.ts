/**
 * device-mqtt: devices publish readings over MQTT, QoS 1, to
 * `tongguan/{city code}/devices/{device code}/telemetry` with the JSON of device-http.
 * With `url` (MQTT_URL) the platform subscribes to that broker with a persistent session; without
 * it an embedded broker (aedes) listens on `port` (MQTT_PORT, 1883) and authenticates each device
 * by its code and token. Either way a message is acknowledged only once stored.
 */
import { z } from 'zod';
import { hostname } from 'node:os';
import { definePlugin } from '@tongguan/plugin-sdk';
import { EmbeddedBroker } from './embedded-broker.ts';
import { PipelinedSubscriber } from './subscriber.ts';
import { TenantCodes } from './tenants.ts';
import { parseTelemetryTopic, TELEMETRY_FILTER } from './topics.ts';
import { receive } from './receive.ts';

export const configSchema = z.object({
  url: z.string().regex(/^mqtts?:\/\/[^/]+/, 'mqtt://host:port or mqtts://host:port').optional(),
  port: z.number().int().min(0).max(65535).default(1883),
  host: z.string().default('0.0.0.0'),
  topicPrefix: z.string().regex(/^[\w-]+(?:\/[\w-]+)*$/, 'levels of letters, digits, _ and -').default('tongguan'),
  /** The persistent session's client id on an external broker; one per platform deployment. */
  clientId: z.string().min(1).max(64).default(`tongguan-platform-${hostname()}`.slice(0, 64)),
  /** MQTT 5 / Mosquitto shared subscription group, for several platform processes on one broker. */
  shareGroup: z.string().regex(/^[\w-]+$/).optional(),
  username: z.string().optional(),
  password: z.string().optional(),
  keepaliveSeconds: z.number().int().min(5).max(3600).default(30),
}).strict();

export type DeviceMqttConfig = z.infer<typeof configSchema>;

export default definePlugin<DeviceMqttConfig>({
  id: 'device-mqtt',
  version: '0.1.0',
  platformRange: '^0.1.0',
  kind: 'deviceProtocol',
  name: 'MQTT 设备接入',
  description: 'Devices publish JSON readings at QoS 1; an external broker (MQTT_URL) or the embedded aedes broker.',
  configSchema,
  setup(ctx) {
    const { config, services, logger } = ctx;
    const tenants = new TenantCodes(services.tenants);
    if (!config.url) {
      const broker = new EmbeddedBroker({ host: config.host, port: config.port, prefix: config.topicPrefix }, services.telemetry, tenants, logger);
      ctx.registerDeviceProtocol({
        id: 'mqtt', description: `embedded MQTT broker on port ${config.port}`,
        start: () => broker.start(), stop: () => broker.stop(),
      });
      return;
    }
    const filter = TELEMETRY_FILTER(config.topicPrefix);
    const subscriber = new PipelinedSubscriber({
      url: config.url, clientId: config.clientId, username: config.username, password: config.password, keepaliveSeconds: config.keepaliveSeconds, logger,
      topics: [config.shareGroup ? `$share/${config.shareGroup}/${filter}` : filter],
      // The broker authenticated the device (its ACL decides who may publish on which topic).
      onMessage: async (topic, payload) => {
        const parsed = parseTelemetryTopic(config.topicPrefix, topic);
        if (!parsed) return;
        const tenantId = await tenants.idOf(parsed.tenantCode);
        if (!tenantId) { await services.telemetry.reject('', parsed.deviceCode, 'unknownDevice', `unknown city ${parsed.tenantCode}`); return; }
        await receive(services.telemetry, { tenantId, code: parsed.deviceCode }, payload);
      },
    });
    ctx.registerDeviceProtocol({
      id: 'mqtt', description: `MQTT broker ${new URL(config.url).host}`,
      start: () => subscriber.start(), stop: () => subscriber.stop(),
    });
  },
});
