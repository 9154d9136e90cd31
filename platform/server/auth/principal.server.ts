/**
 * The authenticated person with their memberships, roles and CASL ability. Abilities are cached
 * per process keyed by (user, authVersion): every change to a person's roles, memberships or
 * status — and to role rules or the organisation tree — bumps `users.auth_version`, so a stale
 * ability is never used, also across several app processes sharing one database.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database, Db } from '../db/database.server.ts';
import type { App } from '../app.server.ts';
import type { DataScope, Position, RoleRule } from '../../shared/domain.ts';
import { buildAbility, type AppAbility, type RoleForAbility } from '../access/ability.server.ts';

export interface Principal {
  userId: string;
  tenantId: string;
  username: string;
  displayName: string;
  authVersion: number;
  orgIds: string[];
  /** The member organisations and every organisation above them: tasks offered to a district reach its streets' staff. */
  orgAncestorIds: string[];
  positions: Position[];
  roleCodes: string[];
  ability: AppAbility;
  via: 'session' | 'token' | 'system';
  tokenScopes: string[] | null;
  sessionId?: string;
  csrfToken?: string;
}

type PrincipalCore = Omit<Principal, 'via' | 'tokenScopes' | 'sessionId' | 'csrfToken'>;

const MAX_ENTRIES = 5000;

export class PrincipalCache {
  private readonly entries = new Map<string, PrincipalCore>();

  get(userId: string, authVersion: number, scopesKey: string): PrincipalCore | undefined {
    return this.entries.get(`${userId}:${authVersion}:${scopesKey}`);
  }

  set(userId: string, authVersion: number, scopesKey: string, value: PrincipalCore): void {
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(`${userId}:${authVersion}:${scopesKey}`, value);
  }

  clear(): void {
    this.entries.clear();
  }
}

export interface UserAuthRow {
  id: string;
  tenantId: string;
  username: string;
  displayName: string;
  authVersion: number;
}

/** Expands organisation ids to themselves plus every descendant (by materialised path). */
function withDescendants(orgs: { id: string; path: string }[], roots: string[]): string[] {
  const rootPaths = orgs.filter((o) => roots.includes(o.id)).map((o) => o.path);
  return orgs.filter((o) => rootPaths.some((p) => o.path.startsWith(p))).map((o) => o.id);
}

export async function loadPrincipalCore(db: Database, user: UserAuthRow, tokenScopes: string[] | null): Promise<PrincipalCore> {
  const { memberships, userRoles, roles, organisations } = db.t;
  const r = db.read;
  const member = await r.select({ orgId: memberships.orgId, position: memberships.position }).from(memberships)
    .where(and(eq(memberships.tenantId, user.tenantId), eq(memberships.userId, user.id)));
  const roleRows = await r.select({
    code: roles.code, rules: roles.rules, dataScope: roles.dataScope, scopeOrgIds: roles.scopeOrgIds, scopeGridIds: roles.scopeGridIds,
  }).from(userRoles).innerJoin(roles, eq(roles.id, userRoles.roleId))
    .where(and(eq(userRoles.tenantId, user.tenantId), eq(userRoles.userId, user.id)));
  const memberOrgIds = [...new Set(member.map((m) => m.orgId))];
  const memberPaths = memberOrgIds.length
    ? await r.select({ path: organisations.path }).from(organisations).where(and(eq(organisations.tenantId, user.tenantId), inArray(organisations.id, memberOrgIds)))
    : [];
  const orgAncestorIds = [...new Set(memberPaths.flatMap((o) => o.path.split('/').filter(Boolean)))];
  const needsTree = roleRows.some((role) => role.dataScope === 'orgAndBelow' || role.dataScope === 'custom');
  const tree = needsTree
    ? await r.select({ id: organisations.id, path: organisations.path }).from(organisations).where(eq(organisations.tenantId, user.tenantId))
    : [];
  const forAbility: RoleForAbility[] = roleRows.map((role) => ({
    code: role.code,
    rules: role.rules as RoleRule[],
    dataScope: role.dataScope as DataScope,
    scopeOrgIds: scopeOrgIdsOf(role.dataScope as DataScope, memberOrgIds, role.scopeOrgIds as string[], tree),
    scopeGridIds: role.scopeGridIds as string[],
  }));
  return {
    userId: user.id,
    tenantId: user.tenantId,
    username: user.username,
    displayName: user.displayName,
    authVersion: user.authVersion,
    orgIds: memberOrgIds,
    orgAncestorIds,
    positions: [...new Set(member.map((m) => m.position as Position))],
    roleCodes: roleRows.map((role) => role.code),
    ability: buildAbility({ userId: user.id, roles: forAbility, tokenScopes }),
  };
}

function scopeOrgIdsOf(scope: DataScope, memberOrgIds: string[], chosen: string[], tree: { id: string; path: string }[]): string[] {
  switch (scope) {
    case 'all':
      return [];
    case 'self':
    case 'org':
      return memberOrgIds;
    case 'orgAndBelow':
      return withDescendants(tree, memberOrgIds);
    case 'custom':
      // 指定机构: the chosen organisations and everything below them.
      return withDescendants(tree, chosen);
  }
}

export async function resolvePrincipal(
  db: Database,
  cache: PrincipalCache,
  user: UserAuthRow,
  via: Principal['via'],
  tokenScopes: string[] | null,
): Promise<Principal> {
  const scopesKey = tokenScopes ? tokenScopes.join(',') : '*';
  let core = cache.get(user.id, user.authVersion, scopesKey);
  if (!core) {
    core = await loadPrincipalCore(db, user, tokenScopes);
    cache.set(user.id, user.authVersion, scopesKey, core);
  }
  if (via !== 'token') return { ...core, via, tokenScopes };
  // A token's principal is the same object for as long as its core is (read-only by convention).
  let principal = tokenPrincipals.get(core);
  if (!principal) tokenPrincipals.set(core, (principal = { ...core, via, tokenScopes }));
  return principal;
}

const tokenPrincipals = new WeakMap<PrincipalCore, Principal>();

/**
 * Bumps auth_version so cached abilities are rebuilt (roles, memberships, org tree changed), and
 * forgets the people's cached bearer tokens in this process.
 */
export async function invalidateUsers(tx: Db, app: Pick<App, 'db' | 'bearers'>, tenantId: string, userIds?: string[]): Promise<void> {
  if (userIds && userIds.length === 0) return;
  const { users } = app.db.t;
  const where = userIds ? and(eq(users.tenantId, tenantId), inArray(users.id, userIds)) : eq(users.tenantId, tenantId);
  await tx.update(users).set({ authVersion: sql`${users.authVersion} + 1` }).where(where);
  app.bearers.forget({ tenantId, userIds });
}
