/**
 * 单元网格 (GB/T 30428.1): polygons attached to an organisation; the smallest area a case is
 * located in. `gridContaining` answers "which grid is this point in?" city-wide for case
 * reporting; `resolveGrid` answers it within the caller's scope for the API.
 */
import { and, asc, eq, inArray, like, or, type SQL } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { AppError, conflict, notFound, parseInput, fieldError } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import { bboxOf, pointInPolygon } from '../../shared/schemas/geo.ts';
import { gridInput, gridPatch, gridQuery, type GridOutput, type GridQuery } from '../../shared/schemas/grid.ts';

type GridRow = App['db']['t']['grids']['$inferSelect'];

function toGridOutput(row: GridRow): GridOutput {
  return {
    id: row.id, orgId: row.orgId, code: row.code, name: row.name, geometry: row.geometry, bbox: row.bbox,
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}


function scopeOf(app: App, actor: Actor) {
  const { grids: g } = app.db.t;
  return accessibleWhere(actor.principal.ability, 'read', 'Grid', { id: g.id, orgId: g.orgId, code: g.code });
}

export async function listGrids(app: App, actor: Actor, rawQuery: GridQuery = {}): Promise<GridOutput[]> {
  assertCan(actor, 'read', 'Grid');
  const query = parseInput(gridQuery, rawQuery);
  const { grids: g } = app.db.t;
  const rows = await app.db.read.select().from(g).where(and(
    eq(g.tenantId, actor.principal.tenantId),
    scopeOf(app, actor),
    query.orgId ? eq(g.orgId, query.orgId) : undefined,
    query.q ? or(like(g.name, `%${query.q}%`), like(g.code, `%${query.q}%`)) : undefined,
  )).orderBy(asc(g.code));
  return rows.map(toGridOutput);
}

async function findGrid(db: Db, app: App, tenantId: string, id: string): Promise<GridRow | undefined> {
  const { grids: g } = app.db.t;
  const [row] = await db.select().from(g).where(and(eq(g.tenantId, tenantId), eq(g.id, id)));
  return row;
}

export async function getGrid(app: App, actor: Actor, id: string): Promise<GridOutput> {
  assertCan(actor, 'read', 'Grid');
  const row = await findGrid(app.db.read, app, actor.principal.tenantId, id);
  if (!row) throw notFound('grid');
  assertCan(actor, 'read', 'Grid', { id: row.id, orgId: row.orgId });
  return toGridOutput(row);
}

/**
 * The grid containing the point, within the caller's scope; null when none does. Bounding boxes
 * prefilter in memory (they are JSON in both dialects), then only candidates' polygons are read.
 * Where two grids share an edge the one with the lowest code wins, so answers are stable.
 */
export async function resolveGrid(app: App, actor: Actor, point: { lng: number; lat: number }): Promise<GridOutput | null> {
  assertCan(actor, 'read', 'Grid');
  return gridContaining(app, actor.principal.tenantId, point, scopeOf(app, actor));
}

/** The city's unit grid a point lies in (lowest code first where grids overlap), within `scope` when given. */
export async function gridContaining(app: App, tenantId: string, point: { lng: number; lat: number }, scope?: SQL, db: Db = app.db.read): Promise<GridOutput | null> {
  const { grids: g } = app.db.t;
  const { lng, lat } = point;
  const boxes = await db.select({ id: g.id, bbox: g.bbox }).from(g).where(and(eq(g.tenantId, tenantId), scope));
  const candidates = boxes.filter(({ bbox: [minX, minY, maxX, maxY] }) => lng >= minX && lng <= maxX && lat >= minY && lat <= maxY).map((b) => b.id);
  if (!candidates.length) return null;
  const rows = await db.select().from(g).where(and(eq(g.tenantId, tenantId), inArray(g.id, candidates))).orderBy(asc(g.code));
  const hit = rows.find((row) => pointInPolygon([lng, lat], row.geometry));
  return hit ? toGridOutput(hit) : null;
}

async function assertOrgExists(tx: Db, app: App, tenantId: string, orgId: string): Promise<void> {
  const { organisations: o } = app.db.t;
  const [org] = await tx.select({ id: o.id }).from(o).where(and(eq(o.tenantId, tenantId), eq(o.id, orgId)));
  if (!org) throw fieldError('orgId', '#validation.unknownOrg');
}

async function assertCodeFree(tx: Db, app: App, tenantId: string, code: string, exceptId?: string): Promise<void> {
  const { grids: g } = app.db.t;
  const [clash] = await tx.select({ id: g.id }).from(g).where(and(eq(g.tenantId, tenantId), eq(g.code, code)));
  if (clash && clash.id !== exceptId) throw conflict('grid', code);
}

export async function createGrid(app: App, actor: Actor, raw: unknown): Promise<GridOutput> {
  assertCan(actor, 'create', 'Grid');
  const input = parseInput(gridInput, raw);
  assertCan(actor, 'create', 'Grid', { orgId: input.orgId });
  const { tenantId } = actor.principal;
  const { db } = app;
  return db.transaction(async (tx) => {
    await assertOrgExists(tx, app, tenantId, input.orgId);
    await assertCodeFree(tx, app, tenantId, input.code);
    const now = app.now();
    const row: GridRow = {
      id: newId(), tenantId, orgId: input.orgId, code: input.code, name: input.name, geometry: input.geometry, bbox: bboxOf(input.geometry),
      createdAt: now, updatedAt: now,
    };
    await tx.insert(db.t.grids).values(row);
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'create', objectType: 'grid', objectId: row.id, after: row,
    }, actor.meta, now);
    return toGridOutput(row);
  });
}

export async function updateGrid(app: App, actor: Actor, id: string, raw: unknown): Promise<GridOutput> {
  assertCan(actor, 'update', 'Grid');
  const patch = parseInput(gridPatch, raw);
  const { tenantId } = actor.principal;
  const { db } = app;
  const { grids: g } = db.t;
  return db.transaction(async (tx) => {
    const before = await findGrid(tx, app, tenantId, id);
    if (!before) throw notFound('grid');
    assertCan(actor, 'update', 'Grid', { id, orgId: before.orgId });
    // An empty patch changes nothing, so it writes nothing (no audit row either).
    if (Object.values(patch).every((value) => value === undefined)) return toGridOutput(before);
    if (patch.orgId && patch.orgId !== before.orgId) {
      // Moving a grid to another organisation needs the right there too.
      assertCan(actor, 'update', 'Grid', { id, orgId: patch.orgId });
      await assertOrgExists(tx, app, tenantId, patch.orgId);
    }
    if (patch.code && patch.code !== before.code) await assertCodeFree(tx, app, tenantId, patch.code, id);
    const now = app.now();
    const geometry = patch.geometry ?? before.geometry;
    const after: GridRow = {
      ...before,
      orgId: patch.orgId ?? before.orgId, code: patch.code ?? before.code, name: patch.name ?? before.name,
      geometry, bbox: patch.geometry ? bboxOf(patch.geometry) : before.bbox, updatedAt: now,
    };
    await tx.update(g).set({ orgId: after.orgId, code: after.code, name: after.name, geometry: after.geometry, bbox: after.bbox, updatedAt: now })
      .where(and(eq(g.tenantId, tenantId), eq(g.id, id)));
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'update', objectType: 'grid', objectId: id, before, after,
    }, actor.meta, now);
    return toGridOutput(after);
  });
}

export async function deleteGrid(app: App, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'delete', 'Grid');
  const { tenantId } = actor.principal;
  const { db } = app;
  const { grids: g, roles: r } = db.t;
  await db.transaction(async (tx) => {
    const before = await findGrid(tx, app, tenantId, id);
    if (!before) throw notFound('grid');
    assertCan(actor, 'delete', 'Grid', { id, orgId: before.orgId });
    // A role restricted to this grid would silently lose its whole scope: refuse instead.
    const scopes = await tx.select({ scopeGridIds: r.scopeGridIds }).from(r).where(eq(r.tenantId, tenantId));
    if (scopes.some((role) => role.scopeGridIds.includes(id))) {
      throw new AppError('conflict', { object: 'grid', detail: before.code }, { fields: [{ field: 'id', message: '#validation.gridInRoleScope' }] });
    }
    await tx.delete(g).where(and(eq(g.tenantId, tenantId), eq(g.id, id)));
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'delete', objectType: 'grid', objectId: id, before,
    }, actor.meta, app.now());
  });
}
