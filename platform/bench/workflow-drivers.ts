/**
 * Drives process instances through the platform, minus HTTP; every wait state is committed
 * before the call returns. Two paths:
 * - `step` (default), the workflow runtime: each start and each task completion is one durable
 *   step (`inStep` → `WorkflowStep.start` / `completeTaskInStep`), as timers, jobs and the
 *   kill -9 test drive it;
 * - `service`, the API's services: the process-instance and task services with the demo process
 *   administrator as actor, adding input validation, permission checks, the audit row and the
 *   read-back of the response to the same step.
 * Also the open-loop latency run and the after-run check of the database.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { inStep } from '../server/workflow/step.server.ts';
import { completeTaskInStep } from '../server/workflow/task-completion.server.ts';
import type { Actor, App } from '../server/app.server.ts';
import { startProcessInstance } from '../server/services/process-instances.server.ts';
import { completeTask } from '../server/services/tasks.server.ts';
import { PAST_JOIN_ID, PROCESS_KEYS, TASK_COUNT, TASK_IDS, type Workload } from './workflow-models.ts';
import { percentile, type LatencyResult, type VerifyResult } from './workflow-protocol.ts';

export interface Driver {
  runInstance(workload: Workload): Promise<void>;
  latency(stepsPerSecond: number, seconds: number, drivers: number): Promise<LatencyResult>;
  verify(workload: Workload): Promise<VerifyResult>;
}

/** An instance of the sequential model waiting on one task. */
interface Waiting { instanceId: string; taskId: string; remaining: number }

export type DriverPath = 'step' | 'service';

export function createDriver(app: App, actor: Actor, path: DriverPath): Driver {
  const { tasks: t } = app.db.t;
  const { tenantId, userId } = actor.principal;
  // The driver's own bookkeeping (like a client reading its inbox), prepared so it costs little.
  const openTasks = app.db.read.select({ id: t.id }).from(t)
    .where(and(eq(t.instanceId, sql.placeholder('instanceId')), inArray(t.status, ['open', 'claimed']))).prepare();

  const start = async (workload: Workload) => {
    if (path === 'service') {
      const instance = await startProcessInstance(app, actor, { processKey: PROCESS_KEYS[workload] });
      return { instanceId: instance.id, taskIds: instance.tasks.filter((task) => task.status === 'open').map((task) => task.id) };
    }
    const instanceId = await inStep(app, tenantId, userId, (step) => step.start(PROCESS_KEYS[workload], {}));
    return { instanceId, taskIds: (await openTasks.execute({ instanceId })).map((task) => task.id) };
  };

  /** The sequential model's one open task (read after the previous step committed). */
  const openTaskOf = async (instanceId: string): Promise<string> => {
    const [task] = await openTasks.execute({ instanceId });
    if (!task) throw new Error(`instance ${instanceId} waits on no task`);
    return task.id;
  };

  const complete = async (taskId: string): Promise<void> => {
    if (path === 'service') {
      await completeTask(app, actor, taskId, {});
      return;
    }
    const completed = await inStep(app, tenantId, userId, (step) => completeTaskInStep(step, taskId, { completedBy: userId }));
    if (!completed) throw new Error(`task ${taskId} was not open`);
  };

  async function runInstance(workload: Workload): Promise<void> {
    const { instanceId, taskIds } = await start(workload);
    if (workload === 'parallel') {
      // Every branch completed at once: on PostgreSQL the steps race for the instance's row lock.
      await Promise.all(taskIds.map(complete));
      return;
    }
    let [taskId] = taskIds;
    for (let done = 1; ; done++) {
      await complete(taskId);
      if (done === TASK_COUNT) return;
      taskId = await openTaskOf(instanceId);
    }
  }

  /**
   * Open loop: task completions are issued at fixed times whatever happened to earlier ones, and
   * each latency runs from its scheduled time (so a stall counts for every step it delays) to
   * the commit of the next wait state. Instances are started beforehand and finished afterwards,
   * outside the measurement.
   */
  async function latency(stepsPerSecond: number, seconds: number, drivers: number): Promise<LatencyResult> {
    const total = Math.max(1, Math.round(stepsPerSecond * seconds));
    const ready: Waiting[] = [];
    const needed = Math.ceil(total / TASK_COUNT) + drivers;
    let startedCount = 0;
    await Promise.all(Array.from({ length: drivers }, async () => {
      while (startedCount < needed) {
        startedCount += 1;
        const { instanceId, taskIds } = await start('sequential');
        ready.push({ instanceId, taskId: taskIds[0], remaining: TASK_COUNT });
      }
    }));
    const samples: number[] = [];
    const inFlight = new Set<Promise<void>>();
    const issue = (scheduledAt: number) => {
      const item = ready.shift();
      if (!item) throw new Error('latency run ran out of waiting instances');
      const run = (async () => {
        await complete(item.taskId);
        samples.push(performance.now() - scheduledAt);
        if (item.remaining > 1) ready.push({ ...item, taskId: await openTaskOf(item.instanceId), remaining: item.remaining - 1 });
      })();
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    };
    const interval = 1000 / stepsPerSecond;
    const began = performance.now();
    for (let issued = 0; issued < total;) {
      const now = performance.now();
      while (issued < total && began + issued * interval <= now) issue(began + issued++ * interval);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, began + issued * interval - performance.now())));
    }
    await Promise.all(inFlight);
    const elapsed = (performance.now() - began) / 1000;
    // Finish the instances left waiting, unmeasured, so that every instance ends.
    await Promise.all(Array.from({ length: drivers }, async () => {
      for (let item = ready.shift(); item; item = ready.shift()) {
        let taskId = item.taskId;
        for (let left = item.remaining; left > 0; left--) {
          await complete(taskId);
          if (left > 1) taskId = await openTaskOf(item.instanceId);
        }
      }
    }));
    samples.sort((a, b) => a - b);
    return {
      type: 'latency', steps: samples.length, achievedStepsPerSecond: samples.length / elapsed,
      p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: samples[samples.length - 1] ?? 0,
    };
  }

  async function verify(workload: Workload): Promise<VerifyResult> {
    const { processInstances: pi, activityHistory: h } = app.db.t;
    const key = PROCESS_KEYS[workload];
    const ofKey = app.db.read.select({ id: pi.id }).from(pi).where(eq(pi.processKey, key));
    const statuses = await app.db.read.select({ status: pi.status, n: sql<number>`count(*)` }).from(pi).where(eq(pi.processKey, key)).groupBy(pi.status);
    const instances = statuses.reduce((sum, s) => sum + Number(s.n), 0);
    const problems: string[] = [];
    for (const s of statuses) if (s.status !== 'completed') problems.push(`${s.n} instances ${s.status}`);
    const perTask = await app.db.read.select({
      elementId: t.elementId, n: sql<number>`count(*)`, completed: sql<number>`sum(case when ${t.status} = 'completed' then 1 else 0 end)`,
      instances: sql<number>`count(distinct ${t.instanceId})`,
    }).from(t).where(inArray(t.instanceId, ofKey)).groupBy(t.elementId);
    for (const id of TASK_IDS) {
      const row = perTask.find((r) => r.elementId === id);
      const [n, completed, distinct] = [Number(row?.n ?? 0), Number(row?.completed ?? 0), Number(row?.instances ?? 0)];
      if (n !== instances || completed !== instances || distinct !== instances) {
        problems.push(`task ${id}: ${n} rows, ${completed} completed, in ${distinct} instances (expected ${instances} each)`);
      }
    }
    for (const r of perTask) if (!TASK_IDS.includes(r.elementId)) problems.push(`unexpected task ${r.elementId}`);
    const [past] = await app.db.read.select({ n: sql<number>`count(*)`, instances: sql<number>`count(distinct ${h.instanceId})` })
      .from(h).where(and(eq(h.elementId, PAST_JOIN_ID), inArray(h.instanceId, ofKey)));
    if (Number(past.n) !== instances || Number(past.instances) !== instances) {
      problems.push(`${past.n} tokens reached "${PAST_JOIN_ID}" in ${past.instances} instances (expected ${instances})`);
    }
    return { type: 'verify', workload, instances, problems };
  }

  return { runInstance, latency, verify };
}
