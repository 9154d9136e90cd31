/**
 * The application object handed to every service, API handler and route loader (through React
 * Router's load context). Holds the world: configuration, database, clock, caches.
 */
import type { AppConfig } from './config.server.ts';
import type { Database } from './db/database.server.ts';
import type { Principal } from './auth/principal.server.ts';
import type { RequestMeta } from './audit/audit.server.ts';
import type { Locale } from '../shared/i18n/index.ts';
import { PrincipalCache } from './auth/principal.server.ts';

export interface App {
  readonly config: AppConfig;
  readonly db: Database;
  /** Injected clock: tests move time without sleeping. */
  now(): Date;
  readonly principals: PrincipalCache;
}

/** Who is acting, from where: passed to every service call. */
export interface Actor {
  readonly principal: Principal;
  readonly meta: RequestMeta;
  readonly locale: Locale;
}

export function createApp(config: AppConfig, db: Database, now: () => Date = () => new Date()): App {
  return { config, db, now, principals: new PrincipalCache() };
}
