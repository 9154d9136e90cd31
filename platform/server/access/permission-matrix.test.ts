/**
 * The permission matrix: every seeded role × every protected API route, allow or deny, written
 * out by hand (not derived from the abilities under test). Includes cross-district denial
 * (东湖区 staff on 西岭区 records) and cross-tenant isolation (another city's admin gets 404).
 *
 * Columns: A admin (市级管理员), U auditor (审计员), D dh.admin (东湖区管理员), C cc.dispatcher1
 * (指挥中心), S dh.intake (东湖区业务), I dh.inspector1 (监督员, 龙泉街道), H dh.handler2 (处置人员,
 * 执法中队), L city.leader (领导), O other.admin (邻市管理员), N anonymous.
 * '+' allowed (anything but 401/403/500), '-' denied (403; 401 for N), '0' not found (404:
 * another city's record), '*' not asserted.
 * Write routes get an empty or non-existent target so an allowed call is answered by validation
 * (422) or 404 and changes nothing; a denied one must be refused before validation (403).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { allRoutes } from '../api/index.server.ts';

const USERS = ['admin', 'auditor', 'dh.admin', 'cc.dispatcher1', 'dh.intake', 'dh.inspector1', 'dh.handler2', 'city.leader', 'other.admin', null] as const;
const NOWHERE = '00000000-0000-0000-0000-000000000000';

type Row = [method: string, path: string, expect: string, body?: unknown];

//                                                               A U D C S I H L O N
const MATRIX: Row[] = [
  ['GET', '/api/v1/organisations', '++++++++ +-'],
  ['GET', '/api/v1/organisations/{ownOrg}', '+++++--+ 0-'],
  ['GET', '/api/v1/organisations/{otherOrg}', '++-+---+ 0-'],
  ['POST', '/api/v1/organisations', '+-+----- +-', {}],
  ['PATCH', '/api/v1/organisations/{ownOrg}', '+-+----- 0-', {}],
  ['PATCH', '/api/v1/organisations/{otherOrg}', '+------- 0-', {}],
  ['DELETE', '/api/v1/organisations/{nowhere}', '+-+----- +-'],

  ['GET', '/api/v1/users', '++++++++ +-'],
  ['GET', '/api/v1/users/{ownUser}', '++++++-+ 0-'],
  ['GET', '/api/v1/users/{otherUser}', '++-+---+ 0-'],
  ['POST', '/api/v1/users', '+-+----- +-', {}],
  ['PATCH', '/api/v1/users/{ownUser}', '+-+----- 0-', {}],
  ['PATCH', '/api/v1/users/{otherUser}', '+------- 0-', {}],
  ['DELETE', '/api/v1/users/{nowhere}', '+-+----- +-'],
  ['POST', '/api/v1/users/{ownUser}/reset-password', '+-+----- 0-', { password: 'Matrix#Pass2026' }],
  ['POST', '/api/v1/users/{otherUser}/reset-password', '+------- 0-', { password: 'Matrix#Pass2026' }],
  ['POST', '/api/v1/users/{ownUser}/unlock', '+-+----- 0-'],
  ['GET', '/api/v1/me', '++++++++ +-'],
  ['GET', '/api/v1/notifications', '++++++++ +-'],
  ['POST', '/api/v1/notifications/{nowhere}/read', '++++++++ +-'],
  ['POST', '/api/v1/notifications/read-all', '++++++++ +-', {}],
  ['POST', '/api/v1/me/password', '++++++++ +-', {}],

  ['GET', '/api/v1/roles', '+++----+ +-'],
  ['GET', '/api/v1/roles/{role}', '+++----+ 0-'],
  ['POST', '/api/v1/roles', '+------- +-', {}],
  ['PATCH', '/api/v1/roles/{role}', '+------- 0-', {}],
  ['DELETE', '/api/v1/roles/{nowhere}', '+------- +-'],

  ['GET', '/api/v1/grids', '+-++++-+ +-'],
  ['GET', '/api/v1/grids/resolve?lng=117&lat=36.66', '+-++++-+ +-'],
  ['GET', '/api/v1/grids/{ownGrid}', '+-++++-+ 0-'],
  ['GET', '/api/v1/grids/{otherGrid}', '+--+---+ 0-'],
  ['POST', '/api/v1/grids', '+-+----- +-', {}],
  ['PATCH', '/api/v1/grids/{ownGrid}', '+-+----- 0-', {}],
  ['PATCH', '/api/v1/grids/{otherGrid}', '+------- 0-', {}],
  ['DELETE', '/api/v1/grids/{nowhere}', '+-+----- +-'],

  ['GET', '/api/v1/definitions', '+-++++++ +-'],
  ['GET', '/api/v1/definitions/{definition}', '+-++++++ 0-'],
  ['GET', '/api/v1/definitions/dictionary/case-sources/versions', '+-++++++ *-'],
  ['POST', '/api/v1/definitions', '+------- +-', {}],
  ['PATCH', '/api/v1/definitions/{definition}', '+------- 0-', { expectedUpdatedAt: '2026-01-01T00:00:00.000Z' }],
  ['POST', '/api/v1/definitions/{definition}/publish', '+------- 0-', { comment: 'matrix' }],
  ['POST', '/api/v1/definitions/{nowhere}/retire', '+------- +-'],

  ['GET', '/api/v1/dictionaries', '+-++++++ +-'],
  ['GET', '/api/v1/dictionaries/case-sources', '+-++++++ *-'],
  ['POST', '/api/v1/dictionaries/case-sources/import', '+------- +-', {}],
  ['GET', '/api/v1/dictionaries/case-sources/export.csv', '+-++++++ *-'],

  ['GET', '/api/v1/parameters', '+-+----- +-'],
  ['PUT', '/api/v1/parameters/map.basemapUrl', '+------- +-', { value: 42 }],
  ['GET', '/api/v1/plugins', '+-+----- +-'],

  ['GET', '/api/v1/calendar?year=2026', '+-++++++ +-'],
  ['PUT', '/api/v1/calendar/days/2030-06-14', '+------- +-', {}],
  ['DELETE', '/api/v1/calendar/days/2030-06-14', '+------- +-'],
  ['POST', '/api/v1/calendar/import', '+------- +-', {}],
  ['POST', '/api/v1/calendar/deadline', '+-++++++ +-', {}],

  ['GET', '/api/v1/audit-logs', '-+------ --'],
  ['GET', '/api/v1/audit-logs/export.csv', '-+------ --'],

  ['GET', '/api/v1/tokens', '++++++++ +-'],
  ['POST', '/api/v1/tokens', '++++++++ +-', {}],
  ['DELETE', '/api/v1/tokens/{nowhere}', '++++++++ +-'],

  ['POST', '/api/v1/process-instances', '+--++++- +-', {}],
  ['POST', '/api/v1/messages', '+------- +-', {}],
  ['POST', '/api/v1/signals', '+------- +-', {}],
  ['GET', '/api/v1/process-instances/{nowhere}', '+--+++++ +-'],
  ['GET', '/api/v1/tasks', '++++++++ +-'],
  ['GET', '/api/v1/tasks/{nowhere}', '++++++++ +-'],
  ['POST', '/api/v1/tasks/{nowhere}/claim', '++++++++ +-'],
  ['POST', '/api/v1/tasks/{nowhere}/complete', '++++++++ +-', {}],
  ['POST', '/api/v1/forms/no-such-form/validate', '+-++++++ +-', { data: {} }],
  ['POST', '/api/v1/expressions/check', '+-++++++ +-', { expression: 'COUNT(cases)', indicator: true }],

  ['GET', '/api/v1/indicators', '+--++--+ +-'],
  ['GET', '/api/v1/indicators/6-1-7/values', '+--++--+ +-'],
  ['GET', '/api/v1/evaluations?month=2026-03', '+--++--+ +-'],
  ['GET', '/api/v1/reports/monthly?period=2026-03', '+--++--+ +-'],
  ['POST', '/api/v1/reports/monthly', '+--++--+ +-', {}],
  ['POST', '/api/v1/indicators/compute', '+------- +-', { key: '6-1-7', period: '2026-03' }],
  // Facilities and devices: city-wide staff, district staff and units read; registering and ingestion refusals are for administrators.
  ['GET', '/api/v1/facilities', '+--++-++ +-'],
  ['GET', '/api/v1/facilities/{nowhere}', '+--++-++ +-'],
  ['POST', '/api/v1/facilities', '+------- +-', {}],
  ['GET', '/api/v1/devices', '+--++-++ +-'],
  ['GET', '/api/v1/devices/{nowhere}', '+--++-++ +-'],
  ['GET', '/api/v1/devices/{nowhere}/telemetry?metric=lel', '+--++-++ +-'],
  ['POST', '/api/v1/devices', '+------- +-', {}],
  ['PATCH', '/api/v1/devices/{nowhere}', '+------- +-', {}],
  ['POST', '/api/v1/devices/{nowhere}/token', '+------- +-'],
  ['GET', '/api/v1/ingest-rejections', '+------- +-'],
  // Alarms: whoever reads devices reads alarms (in scope); 指挥中心 and district staff acknowledge, resolve, close and judge them false.
  ['GET', '/api/v1/alarms', '+--++-++ +-'],
  ['GET', '/api/v1/alarms/{nowhere}', '+--++-++ +-'],
  ['POST', '/api/v1/alarms/{nowhere}/acknowledge', '+--++--- +-', {}],
  ['POST', '/api/v1/alarms/{nowhere}/resolve', '+--++--- +-', {}],
  ['POST', '/api/v1/alarms/{nowhere}/close', '+--++--- +-', {}],
  ['POST', '/api/v1/alarms/{nowhere}/mark-false', '+--++--- +-', {}],
  // Alarm rules are definitions: readers of definitions export them, only administrators import.
  ['GET', '/api/v1/alarm-rules/export', '+-++++++ +-'],
  ['POST', '/api/v1/alarm-rules/import', '+------- +-', {}],

  // 平台上报 for the whole city: city-wide rights (a district's staff report for their district only).
  ['POST', '/api/v1/indicators/1-2-1/reports', '+--+---- +-', { period: '2026', values: { inspected: 1, bridges: 2 } }],
  ['GET', '/api/v1/indicator-reports', '+--++--+ +-'],
  ['POST', '/api/v1/indicator-reports/{nowhere}/review', '+------- +-', { approved: true }],
  ['POST', '/api/v1/indicators/4-2-1/inspections', '+------- +-', { period: '2026-Q1', perDistrict: 1 }],
  ['GET', '/api/v1/inspection-tasks', '+-++++-+ +-'],
  // Only 监督员 record inspections: the districts they score may not inspect themselves.
  ['POST', '/api/v1/inspection-tasks/{nowhere}/results', '-----+-- --', { points: [{ name: 'p', location: { lng: 117, lat: 36.6 }, checks: {} }] }],
  // 评价任务分发: who inspects which grid is the evaluation's organiser's decision.
  ['GET', '/api/v1/inspection-tasks/{nowhere}/candidates', '+------- +-'],
  ['POST', '/api/v1/inspection-tasks/{nowhere}/assign', '+------- +-', { assigneeId: null }],

  ['GET', '/api/v1/cases', '+--+++++ +-'],
  ['POST', '/api/v1/cases', '+--++++- +-', {}],
  ['GET', '/api/v1/cases/{nowhere}', '+--+++++ +-'],
  ['POST', '/api/v1/attachments', '+--++++- +-', {}],
  ['GET', '/api/v1/attachments/{nowhere}', '++++++++ +-'],
];

let t: TestApp;
const fixtures: Record<string, string> = { nowhere: NOWHERE };
const tokens = new Map<string, string>();

beforeAll(async () => {
  t = await createTestApp();
  const { grids: g, definitions: d } = t.app.db.t;
  const db = t.app.db.read;
  const gridOf = async (orgCode: string) => (await db.select({ id: g.id }).from(g).where(eq(g.orgId, await t.orgId(orgCode))))[0].id;
  fixtures.ownOrg = await t.orgId('demo-dh');
  fixtures.otherOrg = await t.orgId('demo-xl');
  fixtures.ownUser = await t.userId('dh.inspector1');
  fixtures.otherUser = await t.userId('xl.inspector1');
  fixtures.ownGrid = await gridOf('demo-dh-lq-jx');
  fixtures.otherGrid = await gridOf('demo-xl-sg-cb');
  fixtures.role = await t.roleId('inspector');
  const demo = await t.tenantId('demo');
  fixtures.definition = (await db.select({ id: d.id }).from(d).where(and(eq(d.tenantId, demo), eq(d.key, 'case-sources'))))[0].id;
  for (const username of USERS) if (username) tokens.set(username, await t.tokenFor(username));
});
afterAll(() => t.close());

const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => {
  const value = fixtures[name];
  if (!value) throw new Error(`no fixture ${name}`);
  return value;
});

describe('permission matrix: every seeded role × every protected API route', () => {
  it('given the API, when compared with the matrix, then every protected route is covered', () => {
    const covered = new Set(MATRIX.map(([m, p]) => `${m} ${p.split('?')[0].replace(/\{\w+\}/g, '{}')}`));
    const normalise = (path: string) => path.replace(/\{\w+\}/g, '{}');
    const missing = allRoutes().filter((r) => !r.public).map((r) => `${r.method} ${normalise(r.path)}`)
      .filter((key) => !covered.has(key) && ![...covered].some((c) => matchesTemplate(c, key)));
    expect(missing).toEqual([]);
  });

  it('given the API, when listing protected routes, then each declares its permission except the caller-owned ones', () => {
    const callerOwned = new Set([
      'GET /api/v1/me', 'POST /api/v1/me/password', 'GET /api/v1/tokens', 'POST /api/v1/tokens', 'DELETE /api/v1/tokens/{id}',
      // Tasks are the caller's by assignment rules, checked per task (services/tasks.server.ts).
      'GET /api/v1/tasks', 'GET /api/v1/tasks/{id}', 'POST /api/v1/tasks/{id}/claim', 'POST /api/v1/tasks/{id}/complete',
      // Attachments are readable by their uploader or through their case's data scope (services/attachments.server.ts).
      'GET /api/v1/attachments/{id}',
      // Notices are the caller's own (services/notifications.server.ts).
      'GET /api/v1/notifications', 'POST /api/v1/notifications/{id}/read', 'POST /api/v1/notifications/read-all',
    ]);
    const undeclared = allRoutes().filter((r) => !r.public && !r.permission).map((r) => `${r.method} ${r.path}`).filter((k) => !callerOwned.has(k));
    expect(undeclared).toEqual([]);
  });

  for (const [method, path, expectation, body] of MATRIX) {
    const codes = expectation.replace(/\s/g, '');
    it(`${method} ${path}`, async () => {
      const outcomes: string[] = [];
      for (const [i, username] of USERS.entries()) {
        const want = codes[i];
        if (want === '*') continue;
        const res = await t.request(method, fill(path), { token: username ? tokens.get(username) : undefined, body });
        const got = res.status === 401 || res.status === 403 ? '-' : res.status === 404 && want === '0' ? '0' : res.status >= 500 ? '!' : '+';
        const expected = want === '0' ? '0' : want;
        if (got !== expected || (want === '-' && username && res.status !== 403)) {
          outcomes.push(`${username ?? 'anonymous'}: expected ${want}, got ${res.status}`);
        }
      }
      expect(outcomes).toEqual([]);
    });
  }
});

/** `GET /api/v1/definitions/{}/{}/versions` is covered by a concrete row such as `…/dictionary/case-sources/versions`. */
function matchesTemplate(concrete: string, template: string): boolean {
  const [cm, cp] = concrete.split(' ');
  const [tm, tp] = template.split(' ');
  if (cm !== tm) return false;
  const cs = cp.split('/');
  const ts = tp.split('/');
  return cs.length === ts.length && ts.every((seg, i) => seg === '{}' || seg === cs[i]);
}
