/** Every API route of the platform; the router and the OpenAPI document both read this list. */
import type { App } from '../app.server.ts';
import type { RouteSpec } from './define.server.ts';
import { createApiRouter, type ApiRouter } from './router.server.ts';
import { authRoutes } from './routes/auth.server.ts';
import { organisationRoutes } from './routes/organisations.server.ts';
import { systemRoutes } from './routes/system.server.ts';
import { definitionRoutes } from './routes/definitions.server.ts';
import { dictionaryRoutes } from './routes/dictionaries.server.ts';
import { parameterRoutes } from './routes/parameters.server.ts';
import { calendarRoutes } from './routes/calendar.server.ts';
import { auditRoutes } from './routes/audit.server.ts';
import { userRoutes } from './routes/users.server.ts';
import { roleRoutes } from './routes/roles.server.ts';
import { gridRoutes } from './routes/grids.server.ts';
import { tokenRoutes } from './routes/tokens.server.ts';
import { workflowRoutes } from './routes/workflow.server.ts';
import { caseRoutes } from './routes/cases.server.ts';
import { notificationRoutes } from './routes/notifications.server.ts';
import { expressionRoutes } from './routes/expressions.server.ts';
import { evaluationRoutes, indicatorRoutes } from './routes/indicators.server.ts';
import { indicatorReportRoutes } from './routes/indicator-reports.server.ts';
import { inspectionRoutes } from './routes/inspections.server.ts';
import { reportRoutes } from './routes/reports.server.ts';
import { deviceRoutes } from './routes/devices.server.ts';
import { alarmRoutes } from './routes/alarms.server.ts';
import { pluginAdminRoutes, pluginEndpointRoutes } from './routes/plugins.server.ts';

export function allRoutes(): RouteSpec[] {
  const routes: RouteSpec[] = [];
  routes.push(...systemRoutes(() => routes), ...authRoutes, ...organisationRoutes);
  routes.push(...definitionRoutes, ...dictionaryRoutes, ...parameterRoutes, ...calendarRoutes, ...auditRoutes);
  routes.push(...userRoutes, ...roleRoutes, ...gridRoutes, ...tokenRoutes, ...workflowRoutes, ...caseRoutes, ...notificationRoutes, ...expressionRoutes, ...indicatorRoutes, ...evaluationRoutes, ...indicatorReportRoutes, ...inspectionRoutes, ...reportRoutes);
  routes.push(...deviceRoutes, ...alarmRoutes, ...pluginAdminRoutes);
  return routes;
}

/** The platform's routes plus the endpoints of the plugins loaded into `app` (load plugins first). */
export function routesOf(app: App): RouteSpec[] {
  const routes = allRoutes();
  routes.push(...pluginEndpointRoutes(app, new Set(routes.map((r) => `${r.method} ${r.path}`))));
  return routes;
}

export function createApi(app: App): ApiRouter {
  return createApiRouter(app, routesOf(app));
}
