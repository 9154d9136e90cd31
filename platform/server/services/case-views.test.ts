/**
 * The case page's view: what each step's form recorded (labelled by the pinned form, choices
 * by their option labels) and the open tasks that are the reader's own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { authenticateBearer } from '../auth/auth.server.ts';
import type { Actor } from '../app.server.ts';
import { getCaseView } from './case-views.server.ts';
import { submissionRows } from '../../app/lib/form-values.ts';

let t: TestApp;
let caseId: string;

async function actor(username: string): Promise<Actor> {
  const principal = await authenticateBearer(t.app, await t.tokenFor(username));
  if (!principal) throw new Error(`no principal for ${username}`);
  return { principal, meta: { ip: null, userAgent: null }, locale: 'zh-CN' };
}

async function post(path: string, username: string, body: unknown): Promise<Response> {
  const res = await t.request('POST', path, { token: await t.tokenFor(username), body });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return res;
}

beforeAll(async () => {
  t = await createTestApp();
  const g = t.app.db.t.grids;
  const [grid] = await t.app.db.read.select({ bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId('demo-dh-lq-jx')));
  const [minX, minY, maxX, maxY] = grid.bbox;
  const reported = await post('/api/v1/cases', 'dh.inspector1', {
    source: 'inspector', categoryCode: 'P01001', title: '井盖缺失', description: '人行道井盖缺失', location: { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 },
  });
  caseId = ((await reported.json()) as { id: string }).id;
  const view = await getCaseView(t.app, await actor('cc.dispatcher1'), caseId);
  await post(`/api/v1/tasks/${view.openTasks[0].id}/complete`, 'cc.dispatcher1', { formData: { decision: 'register' }, comment: '属实' });
});
afterAll(() => t.close());

describe('the case page view', () => {
  it('given a registered case, when its view is read, then the 受理立案 step carries its form data labelled by the pinned form', async () => {
    const view = await getCaseView(t.app, await actor('cc.dispatcher1'), caseId);
    const register = view.case.timeline.find((step) => step.elementId === 'register');
    expect(register?.taskId).not.toBeNull();
    const submission = view.submissions[register?.taskId as string];
    expect(submissionRows(submission.form, submission.data)).toEqual([{ key: 'decision', label: '受理意见', value: '立案' }]);
  });

  it('given the case waiting at 派遣, when 指挥中心 and the reporting inspector read it, then only 指挥中心 gets the task as its own', async () => {
    const dispatcher = await getCaseView(t.app, await actor('cc.dispatcher1'), caseId);
    expect(dispatcher.openTasks.map((task) => task.elementId)).toEqual(['dispatch']);
    const inspector = await getCaseView(t.app, await actor('dh.inspector1'), caseId);
    expect(inspector.openTasks).toEqual([]);
  });

  it('given a street inspector, who may not read the district above the street, when reading the case, then its district and grid are still named as part of the case', async () => {
    const inspector = await getCaseView(t.app, await actor('dh.inspector1'), caseId);
    expect(inspector.orgNames[inspector.case.districtOrgId as string]).toBe('东湖区');
    expect(inspector.grid?.id).toBe(inspector.case.gridId);
  });
});
