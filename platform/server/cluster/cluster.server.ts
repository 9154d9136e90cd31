/**
 * Several app processes on one machine (`WEB_CONCURRENCY` > 1): node:cluster workers share the
 * listening port, so HTTP uses every core. The primary only prepares (build, migrations, demo
 * seed), forks and watches the workers, and relays ClusterBus messages between them. Worker slot
 * 0 is the leader: it alone runs the background work — timers, jobs, indicator and alarm loops,
 * telemetry rollups, notification deliveries and the plugins' protocols and jobs (the embedded
 * MQTT broker, the simulator) — so nothing runs twice on SQLite, which has no row locks to share
 * it out. The others serve requests. A worker that dies is forked again in its slot (a new
 * leader in slot 0), with a growing pause when it keeps dying at start.
 */
import cluster, { type Worker } from 'node:cluster';
import { isBusEnvelope } from './bus.server.ts';

export type WorkerRole = 'leader' | 'follower' | 'single';

/** This process's part: `single` without a cluster. */
export function workerRole(): WorkerRole {
  if (!cluster.isWorker) return 'single';
  return process.env.TONGGUAN_WORKER_ROLE === 'leader' ? 'leader' : 'follower';
}

/** A worker tells the primary it listens (after which its requests are served). */
export function reportListening(): void {
  if (cluster.isWorker && process.connected) process.send?.({ tongguanListening: 1 });
}

export interface Supervisor {
  /** Resolves when every slot's first worker listens; rejects if one exits before. */
  readonly ready: Promise<void>;
  /** SIGTERM to every worker, SIGKILL to any still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const RESTART_PAUSE_MS = 1000;
const MAX_RESTART_PAUSE_MS = 30_000;
/** A worker that lived shorter than this is taken as failing at start: the pause doubles. */
const EARLY_EXIT_MS = 10_000;

export function superviseWorkers(count: number, log: (line: string) => void = console.log): Supervisor {
  if (!cluster.isPrimary) throw new Error('superviseWorkers runs in the primary process');
  const slots = new Map<number, { worker: Worker; startedAt: number; pause: number }>();
  let stopping = false;
  let listening = 0;
  let settle: { resolve: () => void; reject: (error: Error) => void } | undefined;
  const ready = new Promise<void>((resolve, reject) => { settle = { resolve, reject }; });

  const fork = (slot: number, pause: number) => {
    const worker = cluster.fork({ TONGGUAN_WORKER_ROLE: slot === 0 ? 'leader' : 'follower', TONGGUAN_WORKER_SLOT: String(slot) });
    const startedAt = Date.now();
    slots.set(slot, { worker, startedAt, pause });
    let counted = false;
    worker.on('message', (message: unknown) => {
      if (isBusEnvelope(message)) {
        for (const other of slots.values()) if (other.worker !== worker && other.worker.isConnected()) other.worker.send(message);
      } else if ((message as { tongguanListening?: 1 } | null)?.tongguanListening === 1 && !counted) {
        counted = true;
        if (settle && ++listening === count) { settle.resolve(); settle = undefined; }
      }
    });
    worker.on('exit', (code, signal) => {
      if (slots.get(slot)?.worker !== worker) return;
      slots.delete(slot);
      if (stopping) return;
      if (settle) {
        settle.reject(new Error(`worker ${slot} exited with ${signal ?? code} before it listened`));
        settle = undefined;
        stopping = true;
        void stop();
        return;
      }
      const next = Date.now() - startedAt < EARLY_EXIT_MS ? Math.min(pause * 2, MAX_RESTART_PAUSE_MS) : RESTART_PAUSE_MS;
      log(`Worker ${slot}${slot === 0 ? ' (leader)' : ''} exited with ${signal ?? code}; starting it again in ${next / 1000} s`);
      setTimeout(() => { if (!stopping) fork(slot, next); }, next).unref();
    });
  };

  const stop = async (graceMs = 15_000): Promise<void> => {
    stopping = true;
    await Promise.all([...slots.values()].map(({ worker }) => new Promise<void>((resolve) => {
      if (worker.isDead()) return resolve();
      const kill = setTimeout(() => worker.process.kill('SIGKILL'), graceMs);
      worker.once('exit', () => { clearTimeout(kill); resolve(); });
      worker.process.kill('SIGTERM');
    })));
  };

  for (let slot = 0; slot < count; slot++) fork(slot, RESTART_PAUSE_MS);
  return { ready, stop };
}
