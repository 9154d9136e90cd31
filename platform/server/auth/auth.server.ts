/**
 * Identity authentication (身份鉴别, GB/T 22239 level 2): password login with lockout after
 * repeated failures, server-side sessions with idle timeout and absolute expiry, bearer API
 * tokens for integrators. Session ids and tokens are random 256-bit secrets stored only as
 * hashes. Other identity providers (OIDC single sign-on) plug in through `IdentityProvider`:
 * they establish *who* the person is and then call `createSession` like password login does.
 */
import { createHash, createHmac } from 'node:crypto';
import { and, eq, lt, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.server.ts';
import type { App } from '../app.server.ts';
import { recordAudit, type RequestMeta } from '../audit/audit.server.ts';
import { AppError } from '../errors.server.ts';
import { newId, newSecret } from '../ids.server.ts';
import { dummyPasswordHash, verifyPassword } from './passwords.server.ts';
import { resolvePrincipal, type Principal, type UserAuthRow } from './principal.server.ts';

/** A way of proving identity. Password login is built in; OIDC implements the same contract. */
export interface IdentityProvider {
  readonly id: string;
  /** Resolves credentials (or an OIDC callback) to an existing active user, or throws AppError. */
  authenticate(app: App, credentials: unknown, meta: RequestMeta): Promise<UserAuthRow>;
}

export const SESSION_COOKIE = 'tg_session';
const TOUCH_INTERVAL_MS = 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const sessionKey = (app: App, cookieValue: string) => createHmac('sha256', app.config.sessionSecret).update(cookieValue).digest('hex');

function authRow(u: { id: string; tenantId: string; username: string; displayName: string; authVersion: number }): UserAuthRow {
  return { id: u.id, tenantId: u.tenantId, username: u.username, displayName: u.displayName, authVersion: u.authVersion };
}

export const passwordProvider: IdentityProvider = {
  id: 'password',
  async authenticate(app, credentials, meta) {
    const { username, password } = credentials as { username: string; password: string };
    const { db } = app;
    const { users } = db.t;
    const now = app.now();
    const [user] = await db.read.select().from(users).where(eq(users.username, username));
    const failed = async (reason: string, tenantId: string | null, actorId: string | null) => {
      await db.transaction((tx) => recordAudit(db, tx, {
        tenantId, actorId, actorName: username, action: 'login_failed', objectType: 'user', objectId: actorId ?? undefined, detail: { reason },
      }, meta, now));
    };
    if (!user) {
      await verifyPassword(password, await dummyPasswordHash());
      await failed('unknown_user', null, null);
      throw new AppError('invalid_credentials');
    }
    if (user.status !== 'active') {
      await failed('disabled', user.tenantId, user.id);
      throw new AppError('account_disabled');
    }
    if (user.lockedUntil && user.lockedUntil > now) {
      await failed('locked', user.tenantId, user.id);
      throw new AppError('account_locked', { minutes: Math.ceil((user.lockedUntil.getTime() - now.getTime()) / 60_000) });
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const failures = user.failedLogins + 1;
      const lock = failures >= app.config.loginMaxFailures;
      await db.transaction(async (tx) => {
        await tx.update(users).set({
          failedLogins: lock ? 0 : failures,
          lockedUntil: lock ? new Date(now.getTime() + app.config.loginLockMs) : user.lockedUntil,
        }).where(eq(users.id, user.id));
        await recordAudit(db, tx, {
          tenantId: user.tenantId, actorId: user.id, actorName: username, action: 'login_failed', objectType: 'user', objectId: user.id,
          detail: { reason: 'wrong_password', failures, locked: lock },
        }, meta, now);
      });
      if (lock) throw new AppError('account_locked', { minutes: Math.ceil(app.config.loginLockMs / 60_000) });
      throw new AppError('invalid_credentials');
    }
    await db.transaction(async (tx) => {
      await tx.update(users).set({ failedLogins: 0, lockedUntil: null, lastLoginAt: now }).where(eq(users.id, user.id));
      await recordAudit(db, tx, {
        tenantId: user.tenantId, actorId: user.id, actorName: user.displayName, action: 'login', objectType: 'user', objectId: user.id,
      }, meta, now);
    });
    return authRow(user);
  },
};

export interface CreatedSession {
  cookieValue: string;
  csrfToken: string;
  expiresAt: Date;
}

export async function createSession(app: App, user: UserAuthRow, meta: RequestMeta): Promise<CreatedSession> {
  const { db } = app;
  const now = app.now();
  const cookieValue = newSecret();
  const csrfToken = newSecret();
  const expiresAt = new Date(now.getTime() + app.config.sessionMaxMs);
  await db.transaction((tx) => tx.insert(db.t.sessions).values({
    id: sessionKey(app, cookieValue), tenantId: user.tenantId, userId: user.id, csrfToken,
    ip: meta.ip, userAgent: meta.userAgent?.slice(0, 512) ?? null, createdAt: now, lastSeenAt: now, expiresAt,
  }));
  return { cookieValue, csrfToken, expiresAt };
}

/** Resolves a session cookie; null when absent, unknown, idle too long or past its absolute expiry. */
export async function authenticateSession(app: App, cookieValue: string): Promise<Principal | null> {
  const { db } = app;
  const { sessions, users } = db.t;
  const id = sessionKey(app, cookieValue);
  const [row] = await db.read.select({
    session: sessions, user: { id: users.id, tenantId: users.tenantId, username: users.username, displayName: users.displayName, authVersion: users.authVersion, status: users.status },
  }).from(sessions).innerJoin(users, eq(users.id, sessions.userId)).where(eq(sessions.id, id));
  if (!row) return null;
  const now = app.now();
  const idleDeadline = row.session.lastSeenAt.getTime() + app.config.sessionIdleMs;
  if (row.session.expiresAt <= now || idleDeadline <= now.getTime() || row.user.status !== 'active') {
    await db.transaction((tx) => tx.delete(sessions).where(eq(sessions.id, id)));
    return null;
  }
  if (now.getTime() - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.transaction((tx) => tx.update(sessions).set({ lastSeenAt: now }).where(eq(sessions.id, id)));
  }
  const principal = await resolvePrincipal(db, app.principals, authRow(row.user), 'session', null);
  return { ...principal, sessionId: id, csrfToken: row.session.csrfToken };
}

export async function endSession(app: App, principal: Principal, meta: RequestMeta): Promise<void> {
  const { db } = app;
  if (!principal.sessionId) return;
  const sessionId = principal.sessionId;
  await db.transaction(async (tx) => {
    await tx.delete(db.t.sessions).where(eq(db.t.sessions.id, sessionId));
    await recordAudit(db, tx, {
      tenantId: principal.tenantId, actorId: principal.userId, actorName: principal.displayName, action: 'logout', objectType: 'user', objectId: principal.userId,
    }, meta, app.now());
  });
}

export interface IssuedToken {
  id: string;
  token: string;
  expiresAt: Date;
  scopes: string[] | null;
}

/** Stores a new bearer token for `user`. The caller audits (issuing is an audited mutation). */
export async function insertApiToken(
  app: App, tx: Db, user: { id: string; tenantId: string },
  input: { name: string; scopes: string[] | null; expiresAt: Date; createdBy: string },
): Promise<IssuedToken> {
  const token = newSecret('tg_');
  const id = newId();
  await tx.insert(app.db.t.apiTokens).values({
    id, tenantId: user.tenantId, userId: user.id, name: input.name, tokenHash: sha256(token), scopes: input.scopes,
    createdBy: input.createdBy, createdAt: app.now(), expiresAt: input.expiresAt,
  });
  return { id, token, expiresAt: input.expiresAt, scopes: input.scopes };
}

const lastTouched = new Map<string, number>();

/**
 * Bearer authentication runs on every integrator request: its query is built once per database
 * and executed with a placeholder (building a drizzle query costs more than running it).
 */
const bearerQueries = new WeakMap<Database, ReturnType<typeof prepareBearer>>();

function prepareBearer(db: Database) {
  const { apiTokens, users } = db.t;
  return db.read.select({
    tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt, revokedAt: apiTokens.revokedAt, scopes: apiTokens.scopes,
    user: { id: users.id, tenantId: users.tenantId, username: users.username, displayName: users.displayName, authVersion: users.authVersion, status: users.status },
  }).from(apiTokens).innerJoin(users, and(eq(users.id, apiTokens.userId), eq(users.tenantId, apiTokens.tenantId)))
    .where(eq(apiTokens.tokenHash, sql.placeholder('hash'))).prepare();
}

export async function authenticateBearer(app: App, token: string): Promise<Principal | null> {
  const { db } = app;
  const hash = sha256(token);
  const now = app.now();
  let entry = app.bearers.get(hash, now.getTime());
  if (!entry) {
    let query = bearerQueries.get(db);
    if (!query) bearerQueries.set(db, (query = prepareBearer(db)));
    const [row] = await query.execute({ hash });
    if (!row || row.revokedAt || row.expiresAt <= now || row.user.status !== 'active') return null;
    entry = { tokenId: row.tokenId, expiresAt: row.expiresAt, scopes: row.scopes as string[] | null, user: authRow(row.user) };
    app.bearers.set(hash, entry, now.getTime());
  }
  // Recording every use would turn each read into a write; once a minute per token is enough.
  const { tokenId } = entry;
  const touched = lastTouched.get(tokenId) ?? 0;
  if (now.getTime() - touched > TOUCH_INTERVAL_MS) {
    lastTouched.set(tokenId, now.getTime());
    const { apiTokens } = db.t;
    await db.transaction((tx) => tx.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, tokenId)));
  }
  return resolvePrincipal(db, app.principals, entry.user, 'token', entry.scopes);
}

/** Drops expired sessions; run periodically. */
export async function purgeExpiredSessions(app: App): Promise<void> {
  const { sessions } = app.db.t;
  await app.db.transaction((tx) => tx.delete(sessions).where(lt(sessions.expiresAt, app.now())));
}
