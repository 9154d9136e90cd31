/**
 * Messages between the app processes of one deployment (`WEB_CONCURRENCY` > 1, see
 * cluster.server.ts): what one process changes in memory that the others must hear of at once —
 * a revoked bearer token, an anomaly the demo simulator must play. A message is delivered to
 * this process's subscribers synchronously (so a single process behaves exactly as before) and,
 * under the cluster, relayed by the primary to every other worker. Delivery to the others is best
 * effort and immediate, not durable: anything that must survive a crash belongs in the database.
 * Several machines behind a load balancer would put a broker (NATS, Redis) behind this seam.
 */
import cluster from 'node:cluster';

export type BusPayload = null | boolean | number | string | BusPayload[] | { [key: string]: BusPayload | undefined };
type Handler = (payload: BusPayload) => void;

/** The envelope on the IPC channel between workers and the primary. */
export interface BusEnvelope {
  readonly tongguanBus: 1;
  readonly channel: string;
  readonly payload: BusPayload;
}

export const isBusEnvelope = (message: unknown): message is BusEnvelope =>
  typeof message === 'object' && message !== null && (message as BusEnvelope).tongguanBus === 1 && typeof (message as BusEnvelope).channel === 'string';

export class ClusterBus {
  private readonly handlers = new Map<string, Set<Handler>>();

  /** `relay` sends to the other processes (the cluster worker's IPC channel when there is one). */
  constructor(private readonly relay: ((envelope: BusEnvelope) => void) | undefined = workerRelay()) {
    if (this.relay && cluster.isWorker) {
      process.on('message', (message: unknown) => {
        if (isBusEnvelope(message)) this.deliver(message.channel, message.payload);
      });
    }
  }

  /** True when other app processes exist to hear published messages. */
  get clustered(): boolean {
    return this.relay !== undefined;
  }

  publish(channel: string, payload: BusPayload): void {
    this.deliver(channel, payload);
    this.relay?.({ tongguanBus: 1, channel, payload });
  }

  subscribe(channel: string, handler: Handler): () => void {
    let set = this.handlers.get(channel);
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    return () => set.delete(handler);
  }

  private deliver(channel: string, payload: BusPayload): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler(payload);
      } catch (error) {
        console.error(`Message on ${channel} failed`, error);
      }
    }
  }
}

function workerRelay(): ((envelope: BusEnvelope) => void) | undefined {
  if (!cluster.isWorker || typeof process.send !== 'function') return undefined;
  return (envelope) => {
    // A worker whose primary is gone is shutting down: nothing left to tell.
    if (process.connected) process.send?.(envelope);
  };
}
