/** Generates the OpenAPI 3.1 document from the route declarations (JSON Schema 2020-12 via zod). */
import { z } from 'zod';
import type { RouteSpec } from './define.server.ts';

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string', description: 'Localized by Accept-Language (zh-CN default, en)' },
        fields: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, message: { type: 'string' } } } },
      },
    },
  },
};

const STATUS_TEXT: Record<number, string> = {
  400: 'Malformed request', 401: 'Not authenticated', 403: 'Forbidden', 404: 'Not found', 409: 'Conflict', 413: 'Payload too large', 422: 'Validation failed',
};

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): unknown {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parametersOf(spec: RouteSpec): unknown[] {
  const out: unknown[] = [];
  const add = (schema: z.ZodType | undefined, where: 'path' | 'query') => {
    if (!schema) return;
    const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, prop] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: prop });
    }
  };
  add(spec.params, 'path');
  add(spec.query, 'query');
  return out;
}

/** `GET /api/v1/audit-logs/export.csv` → `getAuditLogsExportCsv`. */
function operationIdOf(spec: RouteSpec): string {
  const words = spec.path.replace(/^\/api\/v1/, '').split(/[^A-Za-z0-9]+/).filter(Boolean);
  return spec.method.toLowerCase() + words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');
}

export function buildOpenApi(routes: readonly RouteSpec[]): unknown {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of routes) {
    const status = String(spec.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: spec.status === 204
        ? { description: 'No content' }
        : {
            description: 'Success',
            content: spec.produces
              ? { [spec.produces]: { schema: { type: 'string' } } }
              : { 'application/json': { schema: spec.response ? jsonSchema(spec.response, 'output') : {} } },
          },
    };
    for (const code of spec.errors ?? []) {
      responses[String(code)] = { description: STATUS_TEXT[code] ?? 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[spec.path] ??= {})[spec.method.toLowerCase()] = {
      tags: [spec.tag],
      summary: spec.summary,
      ...(spec.description ? { description: spec.description } : {}),
      operationId: operationIdOf(spec),
      ...(spec.public ? { security: [] } : {}),
      ...(spec.permission ? { 'x-permission': `${spec.permission.action}:${spec.permission.subject}` } : {}),
      parameters: parametersOf(spec),
      ...(spec.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(spec.body, 'input') } } } } : {}),
      ...(spec.upload ? { requestBody: { required: true, content: Object.fromEntries(spec.upload.contentTypes.map((type) => [type, { schema: { type: 'string', format: 'binary', maxLength: spec.upload?.maxBytes } }])) } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tongguan (统管) API',
      version: '1.0.0',
      description: 'City Operation Management Service Platform. Errors are `{error:{code,message,fields?}}`, localized by Accept-Language.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { session: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'Token from POST /api/v1/auth/token or issued by an administrator' },
        session: { type: 'apiKey', in: 'cookie', name: 'tg_session', description: 'Browser session; unsafe methods also need the X-CSRF-Token header' },
      },
      schemas: { Error: errorSchema },
    },
    paths,
  };
}
