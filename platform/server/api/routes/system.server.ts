import { z } from 'zod';
import { defineRoute, type RouteSpec } from '../define.server.ts';
import { buildOpenApi } from '../openapi.server.ts';

export function systemRoutes(all: () => readonly RouteSpec[]): RouteSpec[] {
  let openapi: unknown;
  return [
    defineRoute({
      method: 'GET', path: '/healthz', tag: 'system', public: true, summary: 'Liveness and database check',
      response: z.object({ status: z.literal('ok'), database: z.enum(['sqlite', 'postgres']) }),
      handler: async ({ app }) => {
        await app.db.ping();
        return { status: 'ok' as const, database: app.db.dialect };
      },
    }),
    defineRoute({
      method: 'GET', path: '/api/v1/openapi.json', tag: 'system', public: true, summary: 'This OpenAPI 3.1 document',
      handler: () => (openapi ??= buildOpenApi(all())),
    }),
  ];
}
