/**
 * One declaration per API operation: method, path, input/output schemas, handler. The router
 * dispatches from it and the OpenAPI document is generated from it, so they cannot drift.
 *
 * @example
 * export const getUser = defineRoute({
 *   method: 'GET', path: '/api/v1/users/{id}', tag: 'users', summary: '查看人员',
 *   params: z.object({ id: z.string() }),
 *   response: userSchema,
 *   handler: ({ app, actor, params }) => getUserById(app, actor, params.id),
 * });
 */
import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import type { App, Actor } from '../app.server.ts';
import type { Action, SubjectName } from '../../shared/domain.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface HandlerContext<P, Q, B> {
  app: App;
  /** The authenticated actor; present whenever the route is not `public`. */
  actor: Actor;
  params: P;
  query: Q;
  body: B;
  req: IncomingMessage;
}

/** A non-JSON response (CSV export, files). */
export class RawResponse {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: string | Buffer,
  ) {}
}

export interface RouteSpec<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
> {
  method: HttpMethod;
  path: string;
  tag: string;
  summary: string;
  description?: string;
  /** Public routes need no authentication (login, health, OpenAPI). */
  public?: boolean;
  /**
   * The type-level permission the caller needs, checked by the router right after
   * authentication and before any input is parsed or data read. Services still check each
   * record against the caller's data scope.
   */
  permission?: { action: Action; subject: SubjectName };
  params?: P;
  query?: Q;
  body?: B;
  /**
   * A binary upload instead of a JSON body: the raw bytes arrive as `body` (a Buffer) when the
   * request's content type is one of `contentTypes` (else 415) and it is at most `maxBytes` (else 413).
   */
  upload?: { maxBytes: number; contentTypes: readonly string[] };
  /** The raw bytes of any body (at most `maxBytes`, else 413) arrive as `body` (a Buffer, or undefined when empty): plugin endpoints. */
  rawBody?: { maxBytes: number };
  response?: z.ZodType;
  /** Success status; 200 by default. */
  status?: number;
  /** Statuses this operation may answer with besides success, for the OpenAPI document. */
  errors?: number[];
  /** Media type of a RawResponse success body, for the OpenAPI document. */
  produces?: string;
  handler(ctx: HandlerContext<z.output<P>, z.output<Q>, z.output<B>>): Promise<unknown> | unknown;
}

export function defineRoute<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(spec: RouteSpec<P, Q, B>): RouteSpec {
  return spec as unknown as RouteSpec;
}
