/**
 * 机构配置: the organisation tree (市 → 区/县 → 街道 → 社区), departments and responsible units.
 * Every operation checks permission first, runs in one transaction and writes its audit entry.
 */
import { and, asc, eq, inArray, like, or, sql } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, conflict, notFound, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import { invalidateUsers } from '../auth/principal.server.ts';
import type { Db } from '../db/database.server.ts';
import {
  organisationInput, organisationPatch, type OrganisationOutput, type OrganisationInput,
} from '../../shared/schemas/organisation.ts';
import type { z } from 'zod';
import type { organisationQuery } from '../../shared/schemas/organisation.ts';

type OrgRow = App['db']['t']['organisations']['$inferSelect'];

export function toOrganisationOutput(row: OrgRow): OrganisationOutput {
  return {
    id: row.id, parentId: row.parentId, path: row.path, code: row.code, name: row.name, nameEn: row.nameEn ?? null,
    level: row.level, kind: row.kind, unitType: row.unitType ?? null, sort: row.sort,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/** The district (区/县) an organisation lies in — itself or its ancestor at that level; null above or outside one. */
export async function districtOf(app: App, tenantId: string, orgId: string, db: Db = app.db.read): Promise<string | null> {
  const o = app.db.t.organisations;
  const [org] = await db.select({ path: o.path }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.id, orgId)));
  if (!org) return null;
  const ancestors = org.path.split('/').filter(Boolean);
  const rows = await db.select({ id: o.id, level: o.level }).from(o).where(and(eq(o.tenantId, tenantId), inArray(o.id, ancestors)));
  return rows.find((r) => r.level === 'district')?.id ?? null;
}

export async function listOrganisations(app: App, actor: Actor, query: z.output<typeof organisationQuery> = {}): Promise<OrganisationOutput[]> {
  const { organisations: o } = app.db.t;
  const scope = accessibleWhere(actor.principal.ability, 'read', 'Organisation', { id: o.id });
  const rows = await app.db.read.select().from(o).where(and(
    eq(o.tenantId, actor.principal.tenantId),
    scope,
    query.parentId ? eq(o.parentId, query.parentId) : undefined,
    query.kind ? eq(o.kind, query.kind) : undefined,
    query.q ? or(like(o.name, `%${query.q}%`), like(o.code, `%${query.q}%`)) : undefined,
  )).orderBy(asc(o.path), asc(o.sort));
  return rows.map(toOrganisationOutput);
}

async function findInTenant(db: Db, app: App, tenantId: string, id: string): Promise<OrgRow | undefined> {
  const { organisations: o } = app.db.t;
  const [row] = await db.select().from(o).where(and(eq(o.tenantId, tenantId), eq(o.id, id)));
  return row;
}

export async function getOrganisation(app: App, actor: Actor, id: string): Promise<OrganisationOutput> {
  assertCan(actor, 'read', 'Organisation');
  const row = await findInTenant(app.db.read, app, actor.principal.tenantId, id);
  if (!row) throw notFound('organisation');
  assertCan(actor, 'read', 'Organisation', { id: row.id });
  return toOrganisationOutput(row);
}

async function assertCodeFree(tx: Db, app: App, tenantId: string, code: string, exceptId?: string) {
  const { organisations: o } = app.db.t;
  const [clash] = await tx.select({ id: o.id }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.code, code)));
  if (clash && clash.id !== exceptId) throw conflict('organisation', code);
}

export async function createOrganisation(app: App, actor: Actor, raw: unknown): Promise<OrganisationOutput> {
  assertCan(actor, 'create', 'Organisation');
  const input: OrganisationInput = parseInput(organisationInput, raw);
  const { tenantId } = actor.principal;
  // Creating below a parent is governed by the scope on the parent (本部门及下级 may add children).
  // Root organisations need an unscoped grant; a scoped grant cannot match the missing parent.
  assertCan(actor, 'create', 'Organisation', { id: input.parentId });
  const { db } = app;
  return db.transaction(async (tx) => {
    let parentPath = '/';
    if (input.parentId) {
      const parent = await findInTenant(tx, app, tenantId, input.parentId);
      if (!parent) throw new AppError('validation_failed', {}, { fields: [{ field: 'parentId', message: '#validation.parentRequired' }] });
      parentPath = parent.path;
    }
    await assertCodeFree(tx, app, tenantId, input.code);
    const id = newId();
    const now = app.now();
    const row: OrgRow = {
      id, tenantId, parentId: input.parentId, path: `${parentPath}${id}/`, code: input.code, name: input.name,
      nameEn: input.nameEn ?? null, level: input.level, kind: input.kind, unitType: input.unitType ?? null,
      sort: input.sort ?? 0, createdAt: now, updatedAt: now,
    };
    await tx.insert(db.t.organisations).values(row);
    // Subtree scopes (本部门及下级) now include the new node: rebuild cached abilities.
    await invalidateUsers(tx, app, tenantId);
    await auditAs(app, tx, actor, { action: 'create', objectType: 'organisation', objectId: id, after: row }, now);
    return toOrganisationOutput(row);
  });
}

export async function updateOrganisation(app: App, actor: Actor, id: string, raw: unknown): Promise<OrganisationOutput> {
  assertCan(actor, 'update', 'Organisation');
  const patch = parseInput(organisationPatch, raw);
  const { tenantId } = actor.principal;
  const { db } = app;
  const { organisations: o } = db.t;
  return db.transaction(async (tx) => {
    const before = await findInTenant(tx, app, tenantId, id);
    if (!before) throw notFound('organisation');
    assertCan(actor, 'update', 'Organisation', { id });
    if (patch.code && patch.code !== before.code) await assertCodeFree(tx, app, tenantId, patch.code, id);
    const now = app.now();
    let path = before.path;
    const moving = patch.parentId !== undefined && patch.parentId !== before.parentId;
    if (moving) {
      let parentPath = '/';
      if (patch.parentId) {
        const parent = await findInTenant(tx, app, tenantId, patch.parentId);
        if (!parent) throw new AppError('validation_failed', {}, { fields: [{ field: 'parentId', message: '#validation.parentRequired' }] });
        if (parent.path.startsWith(before.path)) {
          throw new AppError('validation_failed', {}, { fields: [{ field: 'parentId', message: '#validation.cycle' }] });
        }
        assertCan(actor, 'create', 'Organisation', { id: parent.id });
        parentPath = parent.path;
      } else {
        assertCan(actor, 'create', 'Organisation', { id: null });
      }
      path = `${parentPath}${id}/`;
      // Re-root the whole subtree's materialised paths in one statement.
      await tx.update(o).set({ path: sql`${path} || substr(${o.path}, ${before.path.length + 1})` })
        .where(and(eq(o.tenantId, tenantId), like(o.path, `${before.path}%`)));
    }
    const after: OrgRow = {
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
      path, updatedAt: now,
    } as OrgRow;
    await tx.update(o).set({
      parentId: after.parentId, code: after.code, name: after.name, nameEn: after.nameEn, level: after.level,
      kind: after.kind, unitType: after.unitType, sort: after.sort, updatedAt: now,
    }).where(eq(o.id, id));
    if (moving) await invalidateUsers(tx, app, tenantId);
    await auditAs(app, tx, actor, { action: 'update', objectType: 'organisation', objectId: id, before, after }, now);
    return toOrganisationOutput(after);
  });
}

export async function deleteOrganisation(app: App, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'delete', 'Organisation');
  const { tenantId } = actor.principal;
  const { db } = app;
  const { organisations: o, memberships: m, grids: g } = db.t;
  await db.transaction(async (tx) => {
    const before = await findInTenant(tx, app, tenantId, id);
    if (!before) throw notFound('organisation');
    assertCan(actor, 'delete', 'Organisation', { id });
    const blockers: string[] = [];
    const [child] = await tx.select({ id: o.id }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.parentId, id))).limit(1);
    if (child) blockers.push('#validation.hasChildren');
    const [member] = await tx.select({ u: m.userId }).from(m).where(and(eq(m.tenantId, tenantId), eq(m.orgId, id))).limit(1);
    if (member) blockers.push('#validation.hasMembers');
    const [grid] = await tx.select({ id: g.id }).from(g).where(and(eq(g.tenantId, tenantId), eq(g.orgId, id))).limit(1);
    if (grid) blockers.push('#validation.hasGrids');
    if (blockers.length) {
      throw new AppError('conflict', { object: 'organisation', detail: before.name }, { fields: blockers.map((message) => ({ field: 'id', message })) });
    }
    await tx.delete(o).where(eq(o.id, id));
    await invalidateUsers(tx, app, tenantId);
    await auditAs(app, tx, actor, { action: 'delete', objectType: 'organisation', objectId: id, before });
  });
}
