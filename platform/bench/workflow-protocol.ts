/**
 * What the workflow benchmark's parent and its engine processes say to each other over the
 * Node IPC channel (validated with zod on both sides), and the measuring loops both engine
 * processes share, so bpmn-engine and the platform are timed by the same code.
 */
import { z } from 'zod';
import { STEPS_PER_INSTANCE } from './workflow-models.ts';

const workload = z.enum(['sequential', 'parallel']);

export const command = z.discriminatedUnion('type', [
  z.object({ type: z.literal('throughput'), workload, seconds: z.number().positive(), drivers: z.number().int().min(1) }),
  z.object({ type: z.literal('latency'), stepsPerSecond: z.number().positive(), seconds: z.number().positive() }),
  z.object({ type: z.literal('verify') }),
  z.object({ type: z.literal('exit') }),
]);
export type Command = z.infer<typeof command>;

export const throughputResult = z.object({
  type: z.literal('throughput'),
  instances: z.number(),
  seconds: z.number(),
  /** CPU time of the engine's process (all threads) per committed step, µs; the database server's CPU is not in it. */
  cpuPerStepUs: z.number(),
});
export type ThroughputResult = z.infer<typeof throughputResult>;

export const latencyResult = z.object({
  type: z.literal('latency'),
  steps: z.number(),
  achievedStepsPerSecond: z.number(),
  p50Ms: z.number(),
  p99Ms: z.number(),
  maxMs: z.number(),
});
export type LatencyResult = z.infer<typeof latencyResult>;

export const verifyResult = z.object({
  type: z.literal('verify'),
  workload,
  instances: z.number(),
  /** Instances not completed, tasks not completed exactly once, instances without exactly one token past the join. */
  problems: z.array(z.string()),
});
export type VerifyResult = z.infer<typeof verifyResult>;

export const reply = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ready') }),
  z.object({ type: z.literal('error'), message: z.string() }),
  throughputResult,
  latencyResult,
  z.object({ type: z.literal('verifyAll'), results: z.array(verifyResult) }),
]);
export type Reply = z.infer<typeof reply>;

export const stepsPerSecond = (r: ThroughputResult) => (r.instances * STEPS_PER_INSTANCE) / r.seconds;
export const instancesPerSecond = (r: ThroughputResult) => r.instances / r.seconds;

/**
 * Closed loop: `drivers` concurrent loops each run whole instances until `seconds` have passed;
 * an instance in flight at the deadline is finished and counted, so every instance started ends.
 */
export async function closedLoop(drivers: number, seconds: number, runInstance: () => Promise<void>): Promise<ThroughputResult> {
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let instances = 0;
  await Promise.all(Array.from({ length: drivers }, async () => {
    while (performance.now() < deadline) {
      await runInstance();
      instances += 1;
    }
  }));
  const elapsed = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  return { type: 'throughput', instances, seconds: elapsed, cpuPerStepUs: instances ? (cpu.user + cpu.system) / (instances * STEPS_PER_INSTANCE) : 0 };
}

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Serves the parent's commands one at a time; an error is reported, never swallowed. */
export function serveCommands(handle: (cmd: Command) => Promise<Reply | undefined>): void {
  const send = (message: Reply) => new Promise<void>((resolve) => process.send?.(message, () => resolve()));
  let busy: Promise<void> = Promise.resolve();
  process.on('message', (raw) => {
    busy = busy.then(async () => {
      try {
        const cmd = command.parse(raw);
        const result = await handle(cmd);
        if (result) await send(result);
        if (cmd.type === 'exit') process.exit(0);
      } catch (error) {
        await send({ type: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
      }
    });
  });
  void send({ type: 'ready' });
}
