/**
 * 访问令牌: long-lived bearer tokens for integrators. A token carries its owner's rights narrowed
 * to its scopes ('read:User'…), is shown once and stored only as a hash (insertApiToken).
 * Everybody may see, issue and revoke their own tokens; doing so for others needs the ApiToken
 * permissions. A caller signed in with a scoped token can only issue tokens within those scopes,
 * so a narrow token cannot mint a broader one.
 */
import { and, desc, eq, gt, or, type SQL } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { insertApiToken } from '../auth/auth.server.ts';
import { fieldError, notFound, parseInput } from '../errors.server.ts';
import {
  apiTokenInput, apiTokenQuery, type ApiTokenOutput, type IssuedApiTokenOutput,
} from '../../shared/schemas/token.ts';
import type { z } from 'zod';

type TokenRow = App['db']['t']['apiTokens']['$inferSelect'];

const DAY_MS = 86_400_000;

function toApiTokenOutput(row: Omit<TokenRow, 'tokenHash' | 'tenantId'>): ApiTokenOutput {
  return {
    id: row.id, userId: row.userId, name: row.name, scopes: row.scopes ?? null, createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null, revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}


function tokenColumns(app: App) {
  const t = app.db.t.apiTokens;
  return {
    id: t.id, userId: t.userId, name: t.name, scopes: t.scopes, createdBy: t.createdBy, createdAt: t.createdAt,
    expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt, revokedAt: t.revokedAt,
  };
}

/** Unexpired tokens (revoked ones stay listed until they would have expired), newest first. */
export async function listApiTokens(app: App, actor: Actor, rawQuery: z.input<typeof apiTokenQuery> = {}): Promise<ApiTokenOutput[]> {
  const query = parseInput(apiTokenQuery, rawQuery);
  const t = app.db.t.apiTokens;
  const { tenantId, userId } = actor.principal;
  const own = eq(t.userId, userId);
  let visible: SQL | undefined = own;
  if (can(actor, 'read', 'ApiToken')) {
    const scope = accessibleWhere(actor.principal.ability, 'read', 'ApiToken', { userId: t.userId, id: t.id, name: t.name });
    visible = scope ? or(own, scope) : undefined;
  }
  const rows = await app.db.read.select(tokenColumns(app)).from(t).where(and(
    eq(t.tenantId, tenantId),
    visible,
    query.userId ? eq(t.userId, query.userId) : undefined,
    gt(t.expiresAt, app.now()),
  )).orderBy(desc(t.createdAt)).limit(500);
  return rows.map(toApiTokenOutput);
}

/** True when `held` (the caller's token scopes) already grants everything `requested` names. */
function scopesCovered(requested: string[], held: string[]): boolean {
  return requested.every((scope) => {
    const [action, subject] = scope.split(':');
    return held.some((h) => {
      const [a, s] = h.split(':');
      return (a === 'manage' || a === action) && (s === 'all' || s === subject);
    });
  });
}

export async function issueApiToken(app: App, actor: Actor, raw: unknown): Promise<IssuedApiTokenOutput> {
  const input = parseInput(apiTokenInput, raw);
  const { tenantId, userId: self, tokenScopes } = actor.principal;
  const ownerId = input.userId ?? self;
  if (ownerId !== self) assertCan(actor, 'create', 'ApiToken', { userId: ownerId });
  if (tokenScopes && !scopesCovered(input.scopes, tokenScopes)) throw fieldError('scopes', '#validation.tokenScopeExceeds');
  const { db } = app;
  const { users: u } = db.t;
  return db.transaction(async (tx) => {
    const [owner] = await tx.select({ id: u.id, status: u.status }).from(u).where(and(eq(u.tenantId, tenantId), eq(u.id, ownerId)));
    if (!owner || owner.status !== 'active') throw fieldError('userId', '#validation.unknownUser');
    const now = app.now();
    const issued = await insertApiToken(app, tx, { id: ownerId, tenantId }, {
      name: input.name, scopes: input.scopes, expiresAt: new Date(now.getTime() + input.expiresInDays * DAY_MS), createdBy: self,
    });
    const output = toApiTokenOutput({
      id: issued.id, userId: ownerId, name: input.name, scopes: issued.scopes, createdBy: self, createdAt: now,
      expiresAt: issued.expiresAt, lastUsedAt: null, revokedAt: null,
    });
    // The audit entry describes the token, never the secret itself.
    await recordAudit(db, tx, {
      tenantId, actorId: self, actorName: actor.principal.displayName, action: 'issue_token', objectType: 'apiToken', objectId: issued.id, after: output,
    }, actor.meta, now);
    return { ...output, token: issued.token };
  });
}

export async function revokeApiToken(app: App, actor: Actor, id: string): Promise<void> {
  const { tenantId, userId: self } = actor.principal;
  const { db } = app;
  const t = db.t.apiTokens;
  await db.transaction(async (tx) => {
    const [row] = await tx.select(tokenColumns(app)).from(t).where(and(eq(t.tenantId, tenantId), eq(t.id, id)));
    if (!row) throw notFound('apiToken');
    if (row.userId !== self) {
      // Someone else's token: existence is only revealed to those who may see it.
      if (!can(actor, 'read', 'ApiToken', { userId: row.userId, id: row.id })) throw notFound('apiToken');
      assertCan(actor, 'delete', 'ApiToken', { userId: row.userId, id: row.id });
    }
    if (row.revokedAt) return;
    const now = app.now();
    await tx.update(t).set({ revokedAt: now }).where(and(eq(t.tenantId, tenantId), eq(t.id, id)));
    app.bearers.forget({ tokenId: id });
    const before = toApiTokenOutput(row);
    await recordAudit(db, tx, {
      tenantId, actorId: self, actorName: actor.principal.displayName, action: 'revoke_token', objectType: 'apiToken', objectId: id,
      before, after: { ...before, revokedAt: now.toISOString() },
    }, actor.meta, now);
  });
}
