/**
 * What React Router loaders and actions receive as `context`: the same `App` the API uses, and
 * the request's client address (the Fetch Request has no socket).
 */
import type { AppLoadContext } from 'react-router';
import type { App } from '../app.server.ts';

export interface TongguanLoadContext {
  app: App;
  clientIp: string | null;
}

declare module 'react-router' {
  interface AppLoadContext extends TongguanLoadContext {}
}

export function createLoadContext(app: App, request: Request, clientAddress: string | undefined): AppLoadContext {
  const forwarded = app.config.trustProxy ? request.headers.get('x-forwarded-for')?.split(',')[0]?.trim() : undefined;
  return { app, clientIp: forwarded || clientAddress || null };
}
