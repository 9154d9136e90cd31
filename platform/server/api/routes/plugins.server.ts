/**
 * 插件管理 (`GET /api/v1/plugins`) and the HTTP endpoints plugins register, mounted at
 * `/api/v1/plugins/<plugin id><path>` (and at `/api/v1<rootPath>` when the plugin asks for a root
 * path no platform route uses). A `user` endpoint gets the router's authentication and the
 * permission it declares; a `public` one authenticates its caller itself (a device token).
 */
import { z } from 'zod';
import type { App } from '../../app.server.ts';
import { defineRoute, RawResponse, type RouteSpec } from '../define.server.ts';
import { ACTIONS, SUBJECTS, type Action, type SubjectName } from '../../../shared/domain.ts';
import { AppError } from '../../errors.server.ts';
import { PluginError } from '@tongguan/plugin-sdk';

const pluginRecord = z.object({
  id: z.string(), version: z.string(), kind: z.array(z.string()), name: z.string().nullable(), description: z.string().nullable(), source: z.string(),
  status: z.enum(['active', 'failed', 'disabled']), error: z.string().nullable(), errors: z.number().int(), lastError: z.string().nullable(),
  registered: z.object({ serviceTasks: z.array(z.string()), protocols: z.array(z.string()), endpoints: z.array(z.string()), jobs: z.array(z.string()), functions: z.array(z.string()), transports: z.array(z.string()) }),
});

export const pluginAdminRoutes = [
  defineRoute({
    method: 'GET', path: '/api/v1/plugins', permission: { action: 'read', subject: 'Parameter' }, tag: 'system',
    summary: '插件管理: installed plugins, whether each loaded (and why not), what it registered and how often its code failed',
    response: z.object({ items: z.array(pluginRecord) }), errors: [401, 403],
    handler: ({ app }) => ({ items: app.plugins.list() }),
  }),
];

/** A `user` endpoint that declares no (valid) permission is for the city's administrators. */
const ADMINISTRATORS_ONLY = { action: 'administer', subject: 'Parameter' } as const;

/** Route declarations for the endpoints loaded plugins registered; `taken` are the platform's own (method path) pairs. */
export function pluginEndpointRoutes(app: App, taken: ReadonlySet<string>): RouteSpec[] {
  const routes: RouteSpec[] = [];
  for (const { pluginId, endpoint } of app.plugins.endpoints) {
    const permission = endpoint.permission && (ACTIONS as readonly string[]).includes(endpoint.permission.action) && (SUBJECTS as readonly string[]).includes(endpoint.permission.subject)
      ? { action: endpoint.permission.action as Action, subject: endpoint.permission.subject as SubjectName } : undefined;
    const paths = [`/api/v1/plugins/${pluginId}${endpoint.path}`];
    if (endpoint.rootPath && !taken.has(`${endpoint.method} /api/v1${endpoint.rootPath}`)) paths.push(`/api/v1${endpoint.rootPath}`);
    for (const path of paths) {
      routes.push(defineRoute({
        method: endpoint.method, path, tag: `plugin:${pluginId}`, summary: endpoint.summary,
        public: endpoint.auth === 'public', permission: endpoint.auth === 'user' ? permission ?? ADMINISTRATORS_ONLY : undefined,
        rawBody: { maxBytes: endpoint.maxBodyBytes ?? 1024 * 1024 },
        handler: async ({ req, body, actor }) => {
          const url = new URL(req.url ?? '/', 'http://localhost');
          const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v]));
          const response = await app.plugins.guard(pluginId, () => endpoint.handle({
            headers, query: Object.fromEntries(url.searchParams), body: body as Buffer | undefined, remoteAddress: req.socket.remoteAddress,
            user: actor ? { id: actor.principal.userId, tenantId: actor.principal.tenantId, displayName: actor.principal.displayName } : undefined,
          })).catch((error: unknown) => {
            throw PluginError.is(error) ? new AppError(error.code, {}, { fields: error.fields ? [...error.fields] : undefined, issues: error.issues ? [...error.issues] : undefined }) : new AppError('plugin_failed');
          });
          const status = response.status && response.status >= 200 && response.status < 300 ? response.status : 200;
          return new RawResponse(status, { 'content-type': 'application/json; charset=utf-8' }, JSON.stringify(response.body ?? null));
        },
      }));
    }
  }
  return routes;
}
