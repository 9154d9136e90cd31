/**
 * 角色权限: roles are CASL rules plus a data scope (数据范围). Rules are data typed in by an
 * administrator and later evaluated for every request, so they are validated strictly: known
 * actions and subjects only, conditions limited to equality and membership, and no condition on
 * the fields through which the data scope applies (that would let a rule widen its own scope:
 * conditions are merged over the scope's, see buildAbility).
 */
import { and, asc, count, eq, inArray } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { SCOPE_FIELDS } from '../access/ability.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { AppError, conflict, notFound, parseInput, fieldError } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import { invalidateUsers } from '../auth/principal.server.ts';
import { SUBJECTS, type DataScope, type RoleRule, type SubjectName } from '../../shared/domain.ts';
import { roleInput, rolePatch, type RoleOutput } from '../../shared/schemas/role.ts';

type RoleRow = App['db']['t']['roles']['$inferSelect'];

function toRoleOutput(row: RoleRow, userCount: number): RoleOutput {
  return {
    id: row.id, code: row.code, name: row.name, description: row.description ?? null, rules: row.rules, dataScope: row.dataScope,
    scopeOrgIds: row.scopeOrgIds, scopeGridIds: row.scopeGridIds, userCount,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}


async function findRole(db: Db, app: App, tenantId: string, id: string): Promise<RoleRow | undefined> {
  const { roles: r } = app.db.t;
  const [row] = await db.select().from(r).where(and(eq(r.tenantId, tenantId), eq(r.id, id)));
  return row;
}

async function holderIds(db: Db, app: App, tenantId: string, roleId: string): Promise<string[]> {
  const { userRoles: ur } = app.db.t;
  const rows = await db.select({ userId: ur.userId }).from(ur).where(and(eq(ur.tenantId, tenantId), eq(ur.roleId, roleId)));
  return rows.map((row) => row.userId);
}

export async function listRoles(app: App, actor: Actor): Promise<RoleOutput[]> {
  assertCan(actor, 'read', 'Role');
  const { roles: r, userRoles: ur } = app.db.t;
  const { tenantId } = actor.principal;
  const rows = await app.db.read.select().from(r).where(eq(r.tenantId, tenantId)).orderBy(asc(r.code));
  const counts = await app.db.read.select({ roleId: ur.roleId, n: count() }).from(ur).where(eq(ur.tenantId, tenantId)).groupBy(ur.roleId);
  const byRole = new Map(counts.map((c) => [c.roleId, Number(c.n)]));
  return rows.map((row) => toRoleOutput(row, byRole.get(row.id) ?? 0));
}

export async function getRole(app: App, actor: Actor, id: string): Promise<RoleOutput> {
  assertCan(actor, 'read', 'Role');
  const row = await findRole(app.db.read, app, actor.principal.tenantId, id);
  if (!row) throw notFound('role');
  return toRoleOutput(row, (await holderIds(app.db.read, app, actor.principal.tenantId, id)).length);
}

const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** Refuses conditions on scope fields (orgIds, orgId, id, userId… per SCOPE_FIELDS). */
function assertRulesKeepScope(rules: RoleRule[]): void {
  rules.forEach((rule, i) => {
    if (!rule.conditions) return;
    const subjects = asArray(rule.subject).flatMap((s) => (s === 'all' ? SUBJECTS.filter((x): x is SubjectName => x !== 'all') : [s]));
    const guarded = new Set(subjects.flatMap((s) => Object.values(SCOPE_FIELDS[s] ?? {})));
    for (const key of Object.keys(rule.conditions)) {
      if (guarded.has(key)) throw fieldError(`rules.${i}.conditions.${key}`, '#validation.conditionScopeField');
    }
  });
}

interface ScopeShape { dataScope: DataScope; scopeOrgIds: string[]; scopeGridIds: string[] }

async function assertScope(tx: Db, app: App, tenantId: string, shape: ScopeShape): Promise<void> {
  const { organisations: o, grids: g } = app.db.t;
  if (shape.dataScope === 'custom' && shape.scopeOrgIds.length === 0) throw fieldError('scopeOrgIds', '#validation.scopeOrgIdsRequired');
  if (shape.dataScope !== 'custom' && shape.scopeOrgIds.length > 0) throw fieldError('scopeOrgIds', '#validation.scopeOrgIdsOnlyCustom');
  if (shape.scopeOrgIds.length) {
    const found = new Set((await tx.select({ id: o.id }).from(o).where(and(eq(o.tenantId, tenantId), inArray(o.id, shape.scopeOrgIds)))).map((r) => r.id));
    const missing = shape.scopeOrgIds.findIndex((id) => !found.has(id));
    if (missing >= 0) throw fieldError(`scopeOrgIds.${missing}`, '#validation.unknownOrg');
  }
  if (shape.scopeGridIds.length) {
    const found = new Set((await tx.select({ id: g.id }).from(g).where(and(eq(g.tenantId, tenantId), inArray(g.id, shape.scopeGridIds)))).map((r) => r.id));
    const missing = shape.scopeGridIds.findIndex((id) => !found.has(id));
    if (missing >= 0) throw fieldError(`scopeGridIds.${missing}`, '#validation.unknownGrid');
  }
}

async function assertCodeFree(tx: Db, app: App, tenantId: string, code: string, exceptId?: string): Promise<void> {
  const { roles: r } = app.db.t;
  const [clash] = await tx.select({ id: r.id }).from(r).where(and(eq(r.tenantId, tenantId), eq(r.code, code)));
  if (clash && clash.id !== exceptId) throw conflict('role', code);
}

const unique = (ids: string[]) => [...new Set(ids)];

export async function createRole(app: App, actor: Actor, raw: unknown): Promise<RoleOutput> {
  assertCan(actor, 'create', 'Role');
  const input = parseInput(roleInput, raw);
  const rules = input.rules as RoleRule[];
  assertRulesKeepScope(rules);
  const { tenantId } = actor.principal;
  const { db } = app;
  return db.transaction(async (tx) => {
    const shape = { dataScope: input.dataScope, scopeOrgIds: unique(input.scopeOrgIds ?? []), scopeGridIds: unique(input.scopeGridIds ?? []) };
    await assertScope(tx, app, tenantId, shape);
    await assertCodeFree(tx, app, tenantId, input.code);
    const now = app.now();
    const row: RoleRow = {
      id: newId(), tenantId, code: input.code, name: input.name, description: input.description ?? null, rules, ...shape,
      createdAt: now, updatedAt: now,
    };
    await tx.insert(db.t.roles).values(row);
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'create', objectType: 'role', objectId: row.id, after: row,
    }, actor.meta, now);
    return toRoleOutput(row, 0);
  });
}

export async function updateRole(app: App, actor: Actor, id: string, raw: unknown): Promise<RoleOutput> {
  assertCan(actor, 'update', 'Role');
  const patch = parseInput(rolePatch, raw);
  if (patch.rules) assertRulesKeepScope(patch.rules as RoleRule[]);
  const { tenantId } = actor.principal;
  const { db } = app;
  const { roles: r } = db.t;
  return db.transaction(async (tx) => {
    const before = await findRole(tx, app, tenantId, id);
    if (!before) throw notFound('role');
    if (Object.values(patch).every((value) => value === undefined)) {
      return toRoleOutput(before, (await holderIds(tx, app, tenantId, id)).length);
    }
    const dataScope = patch.dataScope ?? before.dataScope;
    // Leaving 指定机构 drops its organisations unless the caller names some (and is refused).
    const scopeOrgIds = unique(patch.scopeOrgIds ?? (dataScope === 'custom' ? before.scopeOrgIds : []));
    const shape = { dataScope, scopeOrgIds, scopeGridIds: unique(patch.scopeGridIds ?? before.scopeGridIds) };
    await assertScope(tx, app, tenantId, shape);
    if (patch.code && patch.code !== before.code) await assertCodeFree(tx, app, tenantId, patch.code, id);
    const now = app.now();
    const after: RoleRow = {
      ...before, ...shape,
      code: patch.code ?? before.code,
      name: patch.name ?? before.name,
      description: patch.description !== undefined ? patch.description : before.description,
      rules: (patch.rules as RoleRule[] | undefined) ?? before.rules,
      updatedAt: now,
    };
    await tx.update(r).set({
      code: after.code, name: after.name, description: after.description, rules: after.rules, dataScope: after.dataScope,
      scopeOrgIds: after.scopeOrgIds, scopeGridIds: after.scopeGridIds, updatedAt: now,
    }).where(and(eq(r.tenantId, tenantId), eq(r.id, id)));
    const holders = await holderIds(tx, app, tenantId, id);
    await invalidateUsers(tx, app, tenantId, holders);
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'update', objectType: 'role', objectId: id, before, after,
    }, actor.meta, now);
    return toRoleOutput(after, holders.length);
  });
}

export async function deleteRole(app: App, actor: Actor, id: string): Promise<void> {
  const { tenantId } = actor.principal;
  const { db } = app;
  const { roles: r } = db.t;
  assertCan(actor, 'delete', 'Role');
  await db.transaction(async (tx) => {
    const before = await findRole(tx, app, tenantId, id);
    if (!before) throw notFound('role');
    const holders = await holderIds(tx, app, tenantId, id);
    if (holders.length) {
      throw new AppError('conflict', { object: 'role', detail: before.name }, { fields: [{ field: 'id', message: '#validation.roleAssigned' }] });
    }
    await tx.delete(r).where(and(eq(r.tenantId, tenantId), eq(r.id, id)));
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'delete', objectType: 'role', objectId: id, before,
    }, actor.meta, app.now());
  });
}
