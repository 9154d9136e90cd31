/**
 * The permission matrix for the admin pages: each seeded role × each page loader, run with a
 * real session, asserting render (allowed), 403 (denied) or a redirect to the login page.
 * Expectations are written out by hand; columns as in permission-matrix.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppLoadContext } from 'react-router';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import { createSession, SESSION_COOKIE } from '../auth/auth.server.ts';
import { loader as organisations } from '../../app/routes/organisations.tsx';
import { loader as users } from '../../app/routes/users.tsx';
import { loader as roles } from '../../app/routes/roles.tsx';
import { loader as dictionaries } from '../../app/routes/dictionaries.tsx';
import { loader as parameters } from '../../app/routes/parameters.tsx';
import { loader as calendar } from '../../app/routes/calendar.tsx';
import { loader as definitions } from '../../app/routes/definitions.tsx';
import { loader as audit } from '../../app/routes/audit.tsx';

const USERS = ['admin', 'auditor', 'dh.admin', 'cc.dispatcher1', 'dh.intake', 'dh.inspector1', 'dh.handler2', 'city.leader', null] as const;

type Loader = (args: never) => Promise<unknown>;
//                                                      A U D C S I H L N
const PAGES: [path: string, loader: Loader, expect: string][] = [
  ['/organisations', organisations as Loader, '++++++++-'],
  ['/users', users as Loader, '++++++++-'],
  ['/roles', roles as Loader, '+++----+-'],
  ['/dictionaries', dictionaries as Loader, '+-++++++-'],
  ['/parameters', parameters as Loader, '+-+------'],
  ['/calendar', calendar as Loader, '+-++++++-'],
  ['/definitions', definitions as Loader, '+-++++++-'],
  ['/audit', audit as Loader, '-+-------'],
];

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
});
afterAll(async () => { await t.close(); });

async function outcome(loader: Loader, path: string, username: string | null): Promise<string> {
  const headers: Record<string, string> = username ? { cookie: cookies.get(username)! } : {};
  const request = new Request(`http://localhost${path}`, { headers });
  const context = { app: t.app, clientIp: '127.0.0.1' } as AppLoadContext;
  try {
    await loader({ request, context, params: {} } as never);
    return '+';
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 403) return '-';
    if (thrown instanceof Response && thrown.status === 302 && thrown.headers.get('location')?.startsWith('/login')) return username ? 'redirect' : '-';
    throw thrown;
  }
}

describe('page permission matrix: every seeded role × every admin page', () => {
  for (const [path, loader, expected] of PAGES) {
    it(`GET ${path}`, async () => {
      const mismatches: string[] = [];
      for (const [i, username] of USERS.entries()) {
        const got = await outcome(loader, path, username);
        if (got !== expected[i]) mismatches.push(`${username ?? 'anonymous'}: expected ${expected[i]}, got ${got}`);
      }
      expect(mismatches).toEqual([]);
    });
  }
});
