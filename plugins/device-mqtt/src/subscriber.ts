/**
 * The platform's subscription to an external broker (MQTT_URL): one persistent session
 * (clean session off, a fixed client id) subscribed at QoS 1, so the broker keeps messages while
 * the platform restarts. Messages are handed over as they arrive — many in flight at once, so the
 * ingestion pipeline can batch them — and each PUBACK is written, in arrival order, only after
 * its message is committed. If storing fails, the connection is dropped without acknowledging;
 * the broker sends the unacknowledged messages again when the session resumes.
 *
 * Written on mqtt-packet rather than MQTT.js because MQTT.js handles incoming QoS 1 messages one
 * at a time when acknowledgements wait for the application (one commit per message).
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import mqttPacket from 'mqtt-packet';
import type { PluginLogger } from '@tongguan/plugin-sdk';

export interface SubscriberOptions {
  readonly url: string;
  readonly clientId: string;
  readonly topics: readonly string[];
  readonly username?: string;
  readonly password?: string;
  readonly keepaliveSeconds: number;
  /** Handles one message; resolves when it may be acknowledged. */
  readonly onMessage: (topic: string, payload: Buffer) => Promise<void>;
  readonly logger: PluginLogger;
}

const RECONNECT_MS = [200, 500, 1000, 2000, 5000];
const RECEIVE_MAXIMUM = 65_535;
/** How long the broker keeps the session (and its messages) while the platform is away: a day. */
const SESSION_EXPIRY_SECONDS = 86_400;

export class PipelinedSubscriber {
  private socket: Socket | undefined;
  private stopped = false;
  private attempt = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Acknowledgements go out in arrival order, each after its message's work. */
  private ackChain: Promise<void> = Promise.resolve();
  private readonly inFlight = new Set<Promise<unknown>>();
  private firstSubscribed: { resolve: () => void; reject: (e: Error) => void } | undefined;
  /** Messages received and acknowledged since start (for the admin page and tests). */
  readonly counts = { received: 0, acknowledged: 0, failed: 0, connections: 0 };

  constructor(private readonly options: SubscriberOptions) {}

  /** Resolves once subscribed the first time; rejects if the first connection fails. */
  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.firstSubscribed = { resolve, reject };
      this.connect();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.pingTimer);
    // Let handed-over messages commit and their acknowledgements go out before disconnecting.
    await Promise.allSettled([...this.inFlight]);
    await this.ackChain;
    const socket = this.socket;
    if (socket && !socket.destroyed) {
      await new Promise<void>((resolve) => socket.end(mqttPacket.generate({ cmd: 'disconnect' }, { protocolVersion: 5 }), () => resolve()));
      socket.destroy();
    }
  }

  private connect(): void {
    const url = new URL(this.options.url);
    const port = Number(url.port) || (url.protocol === 'mqtts:' ? 8883 : 1883);
    const socket = url.protocol === 'mqtts:' ? tlsConnect({ host: url.hostname, port, servername: url.hostname }) : tcpConnect({ host: url.hostname, port });
    this.socket = socket;
    socket.setNoDelay(true);
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    const v5 = { protocolVersion: 5 } as const;
    const chain = { current: Promise.resolve() as Promise<void> };
    this.ackChain = chain.current;
    let connected = false;

    socket.once(url.protocol === 'mqtts:' ? 'secureConnect' : 'connect', () => {
      socket.write(mqttPacket.generate({
        // MQTT 5: a large Receive Maximum lets the broker keep many messages in flight while they commit
        // (the broker's default window of ~20 would allow one small batch per commit); and the
        // session outlives the connection (Session Expiry) so messages wait for a restarted platform.
        cmd: 'connect', protocolId: 'MQTT', protocolVersion: 5, clean: false, clientId: this.options.clientId,
        properties: { receiveMaximum: RECEIVE_MAXIMUM, sessionExpiryInterval: SESSION_EXPIRY_SECONDS },
        keepalive: this.options.keepaliveSeconds, username: this.options.username ?? url.username ?? undefined,
        password: this.options.password !== undefined ? Buffer.from(this.options.password) : url.password ? Buffer.from(decodeURIComponent(url.password)) : undefined,
      }, v5));
    });
    socket.on('data', (chunk) => parser.parse(chunk));
    parser.on('error', (error) => this.drop(socket, `protocol error: ${error.message}`));
    parser.on('packet', (packet) => {
      switch (packet.cmd) {
        case 'connack':
          if ((packet.reasonCode ?? packet.returnCode) !== 0) { this.drop(socket, `broker refused the connection (code ${packet.reasonCode ?? packet.returnCode})`, true); return; }
          connected = true;
          this.attempt = 0;
          this.counts.connections++;
          socket.write(mqttPacket.generate({ cmd: 'subscribe', messageId: 1, subscriptions: this.options.topics.map((topic) => ({ topic, qos: 1 })) }, v5));
          clearInterval(this.pingTimer);
          this.pingTimer = setInterval(() => { if (!socket.destroyed) socket.write(mqttPacket.generate({ cmd: 'pingreq' }, v5)); }, this.options.keepaliveSeconds * 500);
          this.pingTimer.unref();
          break;
        case 'suback':
          if (packet.granted.some((g) => typeof g === 'number' && g > 1)) { this.drop(socket, 'broker refused the subscription', true); return; }
          this.options.logger.info(`subscribed to ${this.options.topics.join(', ')} on ${url.host}`);
          this.firstSubscribed?.resolve();
          this.firstSubscribed = undefined;
          break;
        case 'publish': {
          this.counts.received++;
          const work = this.options.onMessage(packet.topic, packet.payload as Buffer);
          this.inFlight.add(work);
          void work.catch(() => undefined).finally(() => this.inFlight.delete(work));
          if (packet.qos === 0) break;
          const messageId = packet.messageId!;
          chain.current = chain.current.then(() => work).then(
            () => {
              if (socket.destroyed) return;
              socket.write(mqttPacket.generate({ cmd: 'puback', messageId, reasonCode: 0 }, v5));
              this.counts.acknowledged++;
            },
            (error: unknown) => {
              this.counts.failed++;
              this.drop(socket, `storing failed, not acknowledged: ${error instanceof Error ? error.message : error}`);
            },
          );
          this.ackChain = chain.current;
          break;
        }
        default:
          break;
      }
    });
    socket.on('error', (error) => {
      // A broker that does not answer at start fails the start (loudly, on 插件管理); later drops reconnect.
      if (!connected && this.firstSubscribed) { this.stopped = true; this.firstSubscribed.reject(new Error(`cannot connect to ${url.host}: ${error.message}`)); this.firstSubscribed = undefined; }
      this.options.logger.warn(`MQTT connection: ${error.message}`);
    });
    socket.on('close', () => {
      clearInterval(this.pingTimer);
      if (this.stopped) return;
      const delay = RECONNECT_MS[Math.min(this.attempt++, RECONNECT_MS.length - 1)]!;
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
      this.reconnectTimer.unref();
    });
  }

  private drop(socket: Socket, reason: string, fatalAtStart = false): void {
    this.options.logger.warn(`MQTT: ${reason}; reconnecting`);
    if (fatalAtStart && this.firstSubscribed) { this.stopped = true; this.firstSubscribed.reject(new Error(reason)); this.firstSubscribed = undefined; }
    socket.destroy();
  }
}
