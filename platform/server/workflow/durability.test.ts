/**
 * Issue 3, point 4: the engine survives `kill -9` at any point. A child process drives process
 * instances (parallel fork/join, a service-task job, a timer, a sequence) step by step; it is killed with SIGKILL at random
 * moments and restarted, repeatedly. After every kill the database must be consistent — each
 * user task the engine waits on has exactly one open task row and vice versa — and at the end
 * every instance has completed with each task done exactly once.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { activeElementIds } from '@tongguan/runtime/bpmn/engine/index';
import type { InstanceState } from '@tongguan/runtime/bpmn/engine/contract';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { PLATFORM_DIR } from '../http/web-build.server.ts';

const TARGET = 12;
const KILLS = 8;
const USER_TASKS = ['a', 'b', 'c', 'd'];

let t: TestApp;
let tenantId: string;
beforeAll(async () => {
  t = await createTestApp();
  tenantId = await t.tenantId();
  const admin = await t.tokenFor('admin');
  const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'durable.bpmn'), 'utf8');
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key: 'durable', name: '持久', content: { xml } } });
  const { id } = (await created.json()) as { id: string };
  expect((await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'v1' } })).status).toBe(200);
});
afterAll(() => t.close());

/** Runs the worker; kills it with SIGKILL after `killAfterSteps` committed steps, or lets it finish. */
let restarts = 0;
function runWorker(killAfterSteps?: number): Promise<{ steps: number; finished: boolean }> {
  restarts += 1;
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/workflow/testing/durability-worker.ts'], {
    cwd: PLATFORM_DIR,
    env: { ...process.env, DURABLE_TARGET: String(TARGET), DURABLE_TENANT: tenantId, DURABLE_DATABASE_URL: t.database.url, DURABLE_PG_SCHEMA: t.database.pgSchema ?? '', DURABLE_CLOCK_OFFSET_MS: String(restarts * 3_600_000) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let steps = 0;
  let finished = false;
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += String(chunk); });
  child.stdout.on('data', (chunk) => {
    for (const line of String(chunk).split('\n')) {
      if (line === 'done') finished = true;
      else if (line) steps++;
    }
    if (killAfterSteps !== undefined && steps >= killAfterSteps && child.exitCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL' || code === 0) resolve({ steps, finished });
      else reject(new Error(`worker exited with ${code}: ${stderr}`));
    });
  });
}

async function assertConsistent(): Promise<{ active: number; completed: number }> {
  const { processInstances: pi, tasks: tk, timers: tm, jobs: jb } = t.app.db.t;
  const instances = await t.app.db.read.select().from(pi).where(eq(pi.tenantId, tenantId));
  for (const instance of instances) {
    const open = await t.app.db.read.select({ elementId: tk.elementId }).from(tk).where(and(eq(tk.instanceId, instance.id), inArray(tk.status, ['open', 'claimed'])));
    const openIds = open.map((o) => o.elementId).sort();
    const waiting = activeElementIds(instance.state as InstanceState).filter((id) => USER_TASKS.includes(id)).sort();
    expect(openIds, `instance ${instance.id}`).toEqual(waiting);
    expect(new Set(openIds).size).toBe(openIds.length);
    // The timer and the service-task job the engine waits on exist exactly once, and nothing else is left open.
    const state = instance.state as InstanceState;
    const timers = await t.app.db.read.select({ id: tm.id }).from(tm).where(and(eq(tm.instanceId, instance.id), eq(tm.status, 'scheduled')));
    const jobs = await t.app.db.read.select({ id: jb.id }).from(jb).where(and(eq(jb.instanceId, instance.id), inArray(jb.status, ['pending', 'running'])));
    expect(timers.length, `timers of ${instance.id}`).toBe(activeElementIds(state).includes('pause') ? 1 : 0);
    expect(jobs.length, `jobs of ${instance.id}`).toBe(activeElementIds(state).includes('notify') ? 1 : 0);
  }
  return { active: instances.filter((i) => i.status === 'active').length, completed: instances.filter((i) => i.status === 'completed').length };
}

describe('durability under kill -9', () => {
  it(`given a worker killed ${KILLS} times mid-run, when restarted, then no token or task is lost or duplicated and every instance completes`, async () => {
    let killedWithWork = 0;
    for (let i = 0; i < KILLS; i++) {
      const run = await runWorker(3 + Math.floor(Math.random() * 12));
      if (!run.finished) killedWithWork++;
      await assertConsistent();
    }
    expect(killedWithWork).toBeGreaterThan(0);
    const last = await runWorker();
    expect(last.finished).toBe(true);
    const { completed, active } = await assertConsistent();
    expect({ completed, active }).toEqual({ completed: TARGET, active: 0 });
    const { tasks: tk, activityHistory: h } = t.app.db.t;
    const done = await t.app.db.read.select({ instanceId: tk.instanceId, elementId: tk.elementId, status: tk.status }).from(tk).where(eq(tk.tenantId, tenantId));
    const perInstance = new Map<string, string[]>();
    for (const row of done) perInstance.set(row.instanceId, [...(perInstance.get(row.instanceId) ?? []), `${row.elementId}:${row.status}`]);
    for (const list of perInstance.values()) expect(list.sort()).toEqual(USER_TASKS.map((id) => `${id}:completed`));
    const ends = await t.app.db.read.select({ instanceId: h.instanceId }).from(h).where(and(eq(h.tenantId, tenantId), eq(h.elementId, 'end')));
    expect(ends).toHaveLength(TARGET);
    // One service-task job and one timer per instance, each finished exactly once.
    const { jobs: jb, timers: tm } = t.app.db.t;
    const jobs = await t.app.db.read.select({ status: jb.status }).from(jb).where(eq(jb.tenantId, tenantId));
    const timers = await t.app.db.read.select({ status: tm.status }).from(tm).where(eq(tm.tenantId, tenantId));
    expect(jobs.map((j) => j.status)).toEqual(Array(TARGET).fill('done'));
    expect(timers.map((x) => x.status)).toEqual(Array(TARGET).fill('fired'));
  });
});
