/**
 * The permission matrix for the admin pages: each seeded role × each page loader, run with a
 * real session, asserting render (allowed), 403 (denied) or a redirect to the login page.
 * Expectations are written out by hand; columns as in permission-matrix.test.ts, plus '0' for a
 * 404 (a task the person is neither assigned to, a candidate for, nor may read as process staff;
 * a case outside the person's data scope).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppLoadContext } from 'react-router';
import { eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { createSession, SESSION_COOKIE } from '../auth/auth.server.ts';
import { loader as organisations } from '../../app/routes/organisations.tsx';
import { loader as users } from '../../app/routes/users.tsx';
import { loader as roles } from '../../app/routes/roles.tsx';
import { loader as dictionaries } from '../../app/routes/dictionaries.tsx';
import { loader as parameters } from '../../app/routes/parameters.tsx';
import { loader as plugins } from '../../app/routes/plugins.tsx';
import { loader as alarms } from '../../app/routes/alarms.tsx';
import { loader as calendar } from '../../app/routes/calendar.tsx';
import { loader as definitions } from '../../app/routes/definitions.tsx';
import { loader as audit } from '../../app/routes/audit.tsx';
import { loader as tasks } from '../../app/routes/tasks.tsx';
import { loader as notifications } from '../../app/routes/notifications.tsx';
import { loader as task } from '../../app/routes/task.tsx';
import { loader as processNew } from '../../app/routes/process-new.tsx';
import { loader as processInstance } from '../../app/routes/process.tsx';
import { loader as cases } from '../../app/routes/cases.tsx';
import { loader as caseNew } from '../../app/routes/case-new.tsx';
import { loader as caseDetail } from '../../app/routes/case.tsx';
import { loader as devices } from '../../app/routes/devices.tsx';
import { loader as indicatorLibrary } from '../../app/routes/indicator-library.tsx';
import { loader as designerProcess } from '../../app/routes/designer-process.tsx';

const USERS = ['admin', 'auditor', 'dh.admin', 'cc.dispatcher1', 'dh.intake', 'dh.inspector1', 'dh.handler2', 'city.leader', null] as const;

type Loader = (args: never) => Promise<unknown>;
/** Route params filled in once the workflow fixture below exists. */
const ids = { task: '', instance: '', dhCase: '', xlCase: '', caseProcess: '' };
//                                                      A U D C S I H L N
const PAGES: [path: string, loader: Loader, expect: string, params?: () => Record<string, string>][] = [
  ['/organisations', organisations as Loader, '++++++++-'],
  ['/users', users as Loader, '++++++++-'],
  ['/roles', roles as Loader, '+++----+-'],
  ['/dictionaries', dictionaries as Loader, '+-++++++-'],
  ['/parameters', parameters as Loader, '+-+------'],
  ['/plugins', plugins as Loader, '+-+------'],
  ['/calendar', calendar as Loader, '+-++++++-'],
  ['/definitions', definitions as Loader, '+-++++++-'],
  ['/audit', audit as Loader, '-+-------'],
  ['/tasks', tasks as Loader, '++++++++-'],
  ['/notifications', notifications as Loader, '++++++++-'],
  // Open to 指挥中心 (cc.dispatcher1) as a candidate, readable by process staff, hidden from the rest.
  ['/tasks/:id', task as Loader, '+00+++++-', () => ({ id: ids.task })],
  ['/processes/new', processNew as Loader, '+--++++--'],
  ['/processes/:id', processInstance as Loader, '+--+++++-', () => ({ id: ids.instance })],
  ['/cases', cases as Loader, '+--+++++-'],
  ['/cases/new', caseNew as Loader, '+--++++--'],
  ['/devices', devices as Loader, '+--++-++-'],
  // 指标库: whoever reads indicators reads the library; editing it is for administrators (the page's action).
  ['/indicator-library', indicatorLibrary as Loader, '+--++--+-'],
  // 流程设计器: designing is for those who may create definitions.
  ['/designer/process/:id', designerProcess as Loader, '+--------', () => ({ id: ids.caseProcess })],
  ['/alarms', alarms as Loader, '+--++-++-'],
  // A case in 东湖区 龙泉街道: the city-wide roles, the district's staff and the street's inspector; not a unit it is not dispatched to.
  ['/cases/:id (东湖区)', caseDetail as Loader, '+--+++0+-', () => ({ id: ids.dhCase })],
  // A case in 西岭区 is not found for 东湖区's people.
  ['/cases/:id (西岭区)', caseDetail as Loader, '+--+000+-', () => ({ id: ids.xlCase })],
];

const PROCESS_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" id="defs" targetNamespace="http://tongguan.dev/test">
  <process id="page-check" name="页面权限检查" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="review"/>
    <userTask id="review" name="审核" tg:candidateRoles="commandCenter"/>
    <sequenceFlow id="f2" sourceRef="review" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

/** One published process with an instance waiting at a 指挥中心 task. */
async function workflowFixture(): Promise<void> {
  const admin = await t.tokenFor('admin');
  const created = await t.request('POST', '/api/v1/definitions', { token: admin, body: { kind: 'process', key: 'page-check', name: '页面权限检查', content: { xml: PROCESS_XML } } });
  const { id } = (await created.json()) as { id: string };
  expect((await t.request('POST', `/api/v1/definitions/${id}/publish`, { token: admin, body: { comment: 'test' } })).status).toBe(200);
  const started = await t.request('POST', '/api/v1/process-instances', { token: admin, body: { processKey: 'page-check' } });
  const instance = (await started.json()) as { id: string; tasks: { id: string }[] };
  ids.instance = instance.id;
  ids.task = instance.tasks[0].id;
  ids.caseProcess = id;
}

/** A case reported by a street's inspector in the middle of one of the community's grids. */
async function reportCase(username: string, communityCode: string): Promise<string> {
  const g = t.app.db.t.grids;
  const [grid] = await t.app.db.read.select({ bbox: g.bbox }).from(g).where(eq(g.orgId, await t.orgId(communityCode)));
  const [minX, minY, maxX, maxY] = grid.bbox;
  const res = await t.request('POST', '/api/v1/cases', {
    token: await t.tokenFor(username),
    body: { source: 'inspector', categoryCode: 'P01001', title: '井盖缺失', description: '人行道井盖缺失', location: { lng: (minX + maxX) / 2, lat: (minY + maxY) / 2 } },
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
}

let t: TestApp;
const cookies = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  for (const username of USERS) {
    if (!username) continue;
    const user = await t.user(username);
    const session = await createSession(t.app, { id: user.id, tenantId: user.tenantId, username, displayName: user.displayName, authVersion: user.authVersion }, { ip: null, userAgent: null });
    cookies.set(username, `${SESSION_COOKIE}=${session.cookieValue}`);
  }
  await workflowFixture();
  ids.dhCase = await reportCase('dh.inspector1', 'demo-dh-lq-jx');
  ids.xlCase = await reportCase('xl.inspector1', 'demo-xl-sg-cb');
});
afterAll(async () => { await t.close(); });

/** A loader's error response made with react-router's `data()` (orRespond): its status. */
function dataStatus(thrown: unknown): number | undefined {
  if (typeof thrown !== 'object' || thrown === null || !('init' in thrown)) return undefined;
  return (thrown as { init?: { status?: number } | null }).init?.status;
}

async function outcome(loader: Loader, path: string, username: string | null, params: Record<string, string>): Promise<string> {
  const headers: Record<string, string> = username ? { cookie: cookies.get(username)! } : {};
  const request = new Request(`http://localhost${path}`, { headers });
  const context = { app: t.app, clientIp: '127.0.0.1' } as AppLoadContext;
  try {
    await loader({ request, context, params } as never);
    return '+';
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 403) return '-';
    if (dataStatus(thrown) === 404) return '0';
    if (thrown instanceof Response && thrown.status === 302 && thrown.headers.get('location')?.startsWith('/login')) return username ? 'redirect' : '-';
    throw thrown;
  }
}

describe('page permission matrix: every seeded role × every admin page', () => {
  for (const [path, loader, expected, params] of PAGES) {
    it(`GET ${path}`, async () => {
      const url = path.split(' ')[0];
      const mismatches: string[] = [];
      for (const [i, username] of USERS.entries()) {
        const got = await outcome(loader, url, username, params?.() ?? {});
        if (got !== expected[i]) mismatches.push(`${username ?? 'anonymous'}: expected ${expected[i]}, got ${got}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
