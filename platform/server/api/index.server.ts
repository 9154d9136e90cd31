/** Every API route of the platform; the router and the OpenAPI document both read this list. */
import type { App } from '../app.server.ts';
import type { RouteSpec } from './define.server.ts';
import { createApiRouter, type ApiRouter } from './router.server.ts';
import { authRoutes } from './routes/auth.server.ts';
import { organisationRoutes } from './routes/organisations.server.ts';
import { systemRoutes } from './routes/system.server.ts';

export function allRoutes(): RouteSpec[] {
  const routes: RouteSpec[] = [];
  routes.push(...systemRoutes(() => routes), ...authRoutes, ...organisationRoutes);
  return routes;
}

export function createApi(app: App): ApiRouter {
  return createApiRouter(app, allRoutes());
}
