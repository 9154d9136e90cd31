/**
 * The embedded broker (aedes, in-process) used when no MQTT_URL is configured, so `npm start`
 * needs nothing else. Devices connect with username = device code and password = the device's
 * token; each may publish only to its own telemetry topic. The broker's PUBACK is sent after the
 * readings are committed (aedes acknowledges a QoS 1 publish once `authorizePublish` calls back),
 * so a reading is acknowledged only when stored; a device whose message was not acknowledged
 * sends it again after reconnecting.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import type { DeviceIdentity, PluginLogger, TelemetryService } from '@tongguan/plugin-sdk';
import { parseTelemetryTopic } from './topics.ts';
import { receive } from './receive.ts';
import type { TenantCodes } from './tenants.ts';

export interface EmbeddedBrokerOptions {
  readonly host: string;
  readonly port: number;
  readonly prefix: string;
}

const BAD_CREDENTIALS = 4;
const NOT_AUTHORIZED = 5;

function authError(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export class EmbeddedBroker {
  private broker: Aedes | undefined;
  private server: Server | undefined;
  private readonly devices = new WeakMap<Client, DeviceIdentity & { tenantCode: string }>();

  constructor(private readonly options: EmbeddedBrokerOptions, private readonly telemetry: TelemetryService, private readonly tenants: TenantCodes, private readonly logger: PluginLogger) {}

  /** The port it listens on (useful with port 0). */
  get port(): number {
    return (this.server?.address() as AddressInfo | null)?.port ?? this.options.port;
  }

  async start(): Promise<void> {
    const { telemetry, tenants, devices, options } = this;
    const broker = await Aedes.createBroker({
      id: 'tongguan',
      authenticate: (client, username, password, done) => {
        void (async () => {
          const device = password && password.length <= 200 ? await telemetry.authenticateDevice(password.toString('utf8')) : undefined;
          if (!device || (username !== undefined && username !== '' && username !== device.code)) {
            await telemetry.reject('', username || '(unknown token)', 'badToken', `mqtt client ${client.id}`);
            return done(authError('Bad device code or token', BAD_CREDENTIALS), false);
          }
          const tenantCode = await tenants.codeOf(device.tenantId);
          if (!tenantCode) return done(authError('Unknown city', NOT_AUTHORIZED), false);
          devices.set(client, { ...device, tenantCode });
          done(null, true);
        })().catch((error: unknown) => {
          this.logger.error('authentication failed', error);
          done(authError('Server unavailable', 3), false);
        });
      },
      authorizePublish: (client, packet, callback) => {
        const device = client ? devices.get(client) : undefined;
        const topic = parseTelemetryTopic(options.prefix, packet.topic);
        if (!device || !topic || topic.tenantCode !== device.tenantCode || topic.deviceCode !== device.code) {
          void telemetry.reject(device?.tenantId ?? '', device?.code ?? '(unknown)', 'badToken', `topic ${packet.topic.slice(0, 200)}`).finally(() => callback(new Error('Not authorized to publish there')));
          return;
        }
        receive(telemetry, device, packet.payload as Buffer).then(() => callback(null), (error: unknown) => {
          this.logger.error('storing telemetry failed; the message is not acknowledged', error);
          callback(error as Error);
        });
      },
      // Devices may subscribe only below their own topic (commands, configuration).
      authorizeSubscribe: (client, subscription, callback) => {
        const device = devices.get(client);
        const own = device ? `${options.prefix}/${device.tenantCode}/devices/${device.code}/` : undefined;
        callback(null, own && subscription.topic.startsWith(own) && !subscription.topic.slice(own.length).includes('+') ? subscription : null);
      },
      // Telemetry is not forwarded to other clients.
      authorizeForward: (_client, packet) => (parseTelemetryTopic(options.prefix, packet.topic) ? null : packet),
    });
    this.broker = broker;
    broker.on('clientError', (client, error) => this.logger.warn(`client ${client.id}: ${error.message}`));
    const server = createServer(broker.handle);
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(error.code === 'EADDRINUSE'
        ? new Error(`port ${options.port} is in use (another MQTT broker?): set MQTT_URL to use that broker, or MQTT_PORT for another port`)
        : error));
      server.listen(options.port, options.host, () => resolve());
    });
    this.logger.info(`embedded MQTT broker listening on ${options.host}:${this.port}`);
  }

  async stop(): Promise<void> {
    const { server, broker } = this;
    this.server = undefined;
    this.broker = undefined;
    // Closing the broker first ends the clients; authorizePublish calls in flight still commit.
    if (broker) await new Promise<void>((resolve) => broker.close(() => resolve()));
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
