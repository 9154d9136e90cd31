import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { BpmnError } from './service-tasks.server.ts';
import { runDueJobs } from './jobs.server.ts';

const xml = readFileSync(join(import.meta.dirname, 'fixtures', 'service.bpmn'), 'utf8');

interface Instance { id: string; status: string; variables: Record<string, unknown>; tasks: { elementId: string; status: string }[] }

let t: TestApp;
let admin: string;
/** What the handler answers next: a unit, a business error, or a technical failure. */
let behaviour: 'answer' | 'notFound' | 'crash' = 'answer';
const calls: string[] = [];

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenFor('admin');
  t.app.serviceTasks.register({
    type: 'test.lookup', description: '测试查询', configSchema: z.object({ registry: z.string() }),
    async run({ jobId, config, variables }) {
      calls.push(jobId);
      if (behaviour === 'notFound') throw new BpmnError('NOT_FOUND', 'no unit');
      if (behaviour === 'crash') throw new Error('registry unreachable');
      return { registry: config.registry, for: (variables.address as string | undefined) ?? null };
    },
  });
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key: 'lookup', name: '查询', content: { xml } } });
  const { id } = (await created.json()) as { id: string };
  expect((await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'v1' } })).status).toBe(200);
});
afterAll(() => t.close());

async function start(): Promise<Instance> {
  const res = await t.request('POST', '/api/v1/process-instances', { token: admin, body: { processKey: 'lookup', variables: { address: '泉城路 1 号' } } });
  expect(res.status).toBe(201);
  return (await res.json()) as Instance;
}
const instance = async (id: string) => (await (await t.request('GET', `/api/v1/process-instances/${id}`, { token: admin })).json()) as Instance;
const jobOf = async (instanceId: string) => (await t.app.db.read.select().from(t.app.db.t.jobs).where(eq(t.app.db.t.jobs.instanceId, instanceId)))[0];

describe('service tasks run by registered handlers after the step commits', () => {
  it('given a service task, when the job runs, then its result lands in tg:resultVariable and the instance moves on', async () => {
    behaviour = 'answer';
    const started = await start();
    expect(started.tasks).toHaveLength(0);
    expect((await jobOf(started.id)).status).toBe('pending');
    expect(await runDueJobs(t.app)).toBe(1);
    const after = await instance(started.id);
    expect(after.variables.unit).toEqual({ registry: 'units', for: '泉城路 1 号' });
    expect(after.tasks.map((task) => task.elementId)).toEqual(['confirm']);
    expect((await jobOf(started.id)).status).toBe('done');
  });

  it('given a handler raising a BPMN error, when the job runs, then the error boundary event takes the instance to the manual task', async () => {
    behaviour = 'notFound';
    const started = await start();
    await runDueJobs(t.app);
    expect((await instance(started.id)).tasks.map((task) => task.elementId)).toEqual(['manual']);
  });

  it('given a technical failure, when the job runs, then it is retried later with backoff and parked as failed after five attempts', async () => {
    behaviour = 'crash';
    const started = await start();
    calls.length = 0;
    expect(await runDueJobs(t.app)).toBe(1);
    let job = await jobOf(started.id);
    expect(job).toMatchObject({ status: 'pending', attempts: 1, lastError: 'registry unreachable' });
    expect(await runDueJobs(t.app)).toBe(0);
    for (let attempt = 2; attempt <= 5; attempt++) {
      t.clock.advance(60 * 60_000);
      expect(await runDueJobs(t.app)).toBe(1);
    }
    job = await jobOf(started.id);
    expect(job).toMatchObject({ status: 'failed', attempts: 5 });
    expect(calls).toHaveLength(5);
    expect((await instance(started.id)).status).toBe('active');
  });

  it('given an unknown service type or a config its handler rejects, when published, then 422 names the element', async () => {
    for (const [key, bad] of [['lookup-type', xml.replace('test.lookup', 'no.such.type')], ['lookup-config', xml.replace('{"registry": "units"}', '{"registry": 42}')]]) {
      const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key, name: key, content: { xml: bad.replace('id="lookup"', `id="${key}"`) } } });
      const { id } = (await created.json()) as { id: string };
      const res = await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'bad' } });
      expect(res.status).toBe(422);
      const body = (await res.json()) as { error: { fields: { field: string }[] } };
      expect(body.error.fields.map((f) => f.field)).toContain('content.xml#call');
    }
  });
});
