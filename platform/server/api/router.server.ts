/**
 * The /api/v1 dispatcher on plain node:http: path matching, authentication (bearer token or
 * session cookie + CSRF), zod validation of params/query/body, JSON errors localized by
 * Accept-Language. Kept lean because every API request passes through it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { App, Actor } from '../app.server.ts';
import { AppError, parseInput, toErrorBody } from '../errors.server.ts';
import { authenticateBearer, authenticateSession, SESSION_COOKIE } from '../auth/auth.server.ts';
import type { Principal } from '../auth/principal.server.ts';
import { negotiateLocale, type Locale } from '../../shared/i18n/index.ts';
import { RawResponse, type RouteSpec } from './define.server.ts';
import { requestMeta, readCookie, isSameOrigin } from '../http/request.server.ts';

const MAX_BODY_BYTES = 1024 * 1024;

interface CompiledRoute {
  spec: RouteSpec;
  pattern: RegExp;
  names: string[];
}

export interface ApiRouter {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  readonly routes: readonly RouteSpec[];
}

function compile(spec: RouteSpec): CompiledRoute {
  const names: string[] = [];
  const source = spec.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { spec, pattern: new RegExp(`^${source}$`), names };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const payload = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(payload);
}

function sendError(res: ServerResponse, error: unknown, locale: Locale): void {
  if (!(error instanceof AppError)) console.error('API error', error);
  const { status, body } = toErrorBody(error, locale);
  send(res, status, body);
}

async function readBytes(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw new AppError('payload_too_large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw new AppError('payload_too_large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

async function readUpload(req: IncomingMessage, upload: { maxBytes: number; contentTypes: readonly string[] }): Promise<Buffer> {
  const type = String(req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (!upload.contentTypes.includes(type)) throw new AppError('unsupported_media_type');
  const bytes = await readBytes(req, upload.maxBytes);
  if (bytes.length === 0) throw new AppError('validation_failed', {}, { fields: [{ field: '(body)', message: '#validation.emptyFile' }] });
  return bytes;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const bytes = await readBytes(req, MAX_BODY_BYTES);
  if (bytes.length === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '');
  const text = bytes.toString('utf8');
  if (!type.includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('invalid_json');
  }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Characters after which the WHATWG parser could change the path (query, escapes, dot segments, backslashes). */
const NEEDS_URL_PARSER = /[?#%\\\s]|\/\./;

/**
 * The request target's path and query. Most API paths are plain (`/api/v1/users/{id}`) and need
 * no normalising; the WHATWG parser — a measurable part of a cheap read — runs only for the rest.
 */
function parseTarget(target: string | undefined): { pathname: string; searchParams?: URLSearchParams } {
  if (target && target.charCodeAt(0) === 47 && !NEEDS_URL_PARSER.test(target)) return { pathname: target };
  const url = new URL(target ?? '/', 'http://localhost');
  return { pathname: url.pathname, searchParams: url.searchParams };
}

async function authenticate(app: App, req: IncomingMessage, method: string): Promise<Principal | null> {
  const authorization = req.headers.authorization;
  if (authorization) {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const principal = match ? await authenticateBearer(app, match[1]) : null;
    if (!principal) throw new AppError('unauthenticated');
    return principal;
  }
  const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
  if (!cookie) return null;
  const principal = await authenticateSession(app, cookie);
  if (!principal) throw new AppError('session_expired');
  // Browser calls with a session cookie must prove they come from our pages (CSRF).
  if (UNSAFE.has(method) && (req.headers['x-csrf-token'] !== principal.csrfToken || !isSameOrigin(req))) {
    throw new AppError('csrf_failed');
  }
  return principal;
}

export function createApiRouter(app: App, specs: readonly RouteSpec[]): ApiRouter {
  const compiled = specs.map(compile);
  const byMethod = new Map<string, CompiledRoute[]>();
  for (const route of compiled) {
    const list = byMethod.get(route.spec.method) ?? [];
    list.push(route);
    byMethod.set(route.spec.method, list);
  }
  return {
    routes: specs,
    async handle(req, res) {
      const locale = negotiateLocale(req.headers['accept-language']);
      try {
        const method = req.method ?? 'GET';
        const url = parseTarget(req.url);
        let found: { route: CompiledRoute; match: RegExpExecArray } | undefined;
        for (const route of byMethod.get(method) ?? []) {
          const match = route.pattern.exec(url.pathname);
          if (match) {
            found = { route, match };
            break;
          }
        }
        if (!found) {
          const other = compiled.some((r) => r.pattern.test(url.pathname));
          throw new AppError(other ? 'method_not_allowed' : 'not_found', { object: 'resource' });
        }
        const { spec, names } = found.route;
        const principal = await authenticate(app, req, method);
        if (!spec.public && !principal) throw new AppError('unauthenticated');
        if (spec.permission && !principal?.ability.can(spec.permission.action, spec.permission.subject)) throw new AppError('forbidden');
        const rawParams: Record<string, string> = {};
        names.forEach((name, i) => {
          rawParams[name] = decodeURIComponent(found.match[i + 1]);
        });
        const params = spec.params ? parseInput(spec.params, rawParams) : rawParams;
        const query = spec.query ? parseInput(spec.query, url.searchParams ? Object.fromEntries(url.searchParams) : {}) : {};
        let body: unknown;
        if (spec.upload) body = await readUpload(req, spec.upload);
        else if (spec.rawBody) {
          const bytes = await readBytes(req, spec.rawBody.maxBytes);
          body = bytes.length ? bytes : undefined;
        } else {
          const rawBody = UNSAFE.has(method) ? await readBody(req) : undefined;
          body = spec.body ? parseInput(spec.body, rawBody ?? {}) : undefined;
        }
        const actor: Actor | undefined = principal ? { principal, meta: requestMeta(req, app.config.trustProxy), locale } : undefined;
        const result = await spec.handler({ app, actor: actor as Actor, params, query, body, req });
        if (result instanceof RawResponse) {
          res.writeHead(result.status, { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...result.headers });
          res.end(result.body);
          return;
        }
        send(res, spec.status ?? 200, result);
      } catch (error) {
        sendError(res, error, locale);
      }
    },
  };
}
