/**
 * 人员配置: people, their memberships (机构 × 岗位), roles, passwords and lockout. People are never
 * hard-deleted — the audit trail and future cases keep pointing at them — `deleteUser` disables.
 *
 * Privilege escalation guard: whoever may manage people in their district (区级管理员) may hand
 * out only the working roles below. Any other role — administrators, auditors, roles a city made
 * itself — may be granted or withdrawn only by people who can `update` `Role`, because they could
 * write those rules themselves anyway. The same applies to resetting the password of someone who
 * holds such a role: otherwise a district admin could take over their district's auditor account.
 *
 * Longer than most services (~480 lines) because the person is one aggregate: memberships, roles,
 * passwords and lockout share the loading, scope checks and audit snapshot defined here.
 */
import { and, asc, count, desc, eq, exists, inArray, like, ne, or, sql, type SQL } from 'drizzle-orm';
import { permittedFieldsOf } from '@casl/ability/extra';
import type { App, Actor } from '../app.server.ts';
import type { Database, Db } from '../db/database.server.ts';
import { accessibleWhere, type FieldSql } from '../access/sql-scope.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { permissionStrings, subjectOf } from '../access/ability.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { AppError, conflict, forbidden, notFound, parseInput, fieldError } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import { hashPassword, passwordPolicyViolations, verifyPassword } from '../auth/passwords.server.ts';
import { invalidateUsers } from '../auth/principal.server.ts';
import { translate } from '../../shared/i18n/index.ts';
import type { Position } from '../../shared/domain.ts';
import type { Page } from '../../shared/schemas/common.ts';
import {
  passwordChange, passwordReset, userInput, userOutput, userPatch, userQuery,
  type MeOutput, type MembershipInput, type UserOutput, type UserQuery,
} from '../../shared/schemas/user.ts';

/** Roles anyone who may manage people may assign (see the module comment). */
export const BASIC_ROLE_CODES: ReadonlySet<string> = new Set(['inspector', 'handler', 'districtStaff']);

type UserTable = App['db']['t']['users'];
type UserRow = Omit<UserTable['$inferSelect'], 'passwordHash'>;

interface Membership { orgId: string; orgName: string; position: Position; primary: boolean }
interface RoleRef { id: string; code: string; name: string }
interface LoadedUser { row: UserRow; memberships: Membership[]; roles: RoleRef[] }

const USER_FIELDS = Object.keys(userOutput.shape);

/** Every column but the password hash: only the password checks below ever select it. */
function userColumns(u: UserTable) {
  return {
    id: u.id, tenantId: u.tenantId, username: u.username, displayName: u.displayName, phone: u.phone, email: u.email,
    status: u.status, failedLogins: u.failedLogins, lockedUntil: u.lockedUntil, passwordChangedAt: u.passwordChangedAt,
    lastLoginAt: u.lastLoginAt, authVersion: u.authVersion, createdAt: u.createdAt, updatedAt: u.updatedAt,
  };
}

function toUserOutput({ row, memberships, roles }: LoadedUser): UserOutput {
  return {
    id: row.id, username: row.username, displayName: row.displayName, phone: row.phone ?? null, email: row.email ?? null,
    status: row.status, lockedUntil: row.lockedUntil?.toISOString() ?? null, lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
    memberships, roles,
    orgIds: [...new Set(memberships.map((m) => m.orgId))],
    positions: [...new Set(memberships.map((m) => m.position))],
    createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString(),
  };
}

/** Drops the fields the actor's roles do not let them read (CASL field rules); `id` always stays. */
function visibleTo(actor: Actor, user: UserOutput): UserOutput {
  const { ability } = actor.principal;
  if (!ability.rulesFor('read', 'User').some((rule) => rule.fields)) return user;
  const allowed = new Set(permittedFieldsOf(ability, 'read', subjectOf('User', user), { fieldsFrom: (rule) => rule.fields ?? USER_FIELDS }));
  allowed.add('id');
  return Object.fromEntries(Object.entries(user).filter(([key]) => allowed.has(key))) as UserOutput;
}

/** The record CASL checks against: the User subject's scope fields (SCOPE_FIELDS). */
const subjectRecord = (loaded: LoadedUser) => ({ id: loaded.row.id, orgIds: [...new Set(loaded.memberships.map((m) => m.orgId))] });

/** What the audit trail keeps of a person. */
function snapshot({ row, memberships, roles }: LoadedUser) {
  return {
    id: row.id, username: row.username, displayName: row.displayName, phone: row.phone, email: row.email, status: row.status,
    memberships: memberships.map((m) => ({ orgId: m.orgId, position: m.position, primary: m.primary })),
    roleIds: roles.map((r) => r.id),
  };
}

function membershipFilter(app: App, where: SQL): SQL {
  const { users: u, memberships: m } = app.db.t;
  return exists(app.db.read.select({ one: sql`1` }).from(m).where(and(eq(m.userId, u.id), eq(m.tenantId, u.tenantId), where)));
}

/** `orgIds` and `positions` are arrays on the subject: CASL's eq/in mean "contains one of". */
function arrayField(app: App, column: 'orgId' | 'position'): FieldSql {
  const col = app.db.t.memberships[column];
  return (operator, value) => {
    const values = (operator === 'in' || operator === 'nin' ? value : [value]) as string[];
    const any = values.length ? membershipFilter(app, inArray(col, values)) : sql`1 = 0`;
    return operator === 'in' || operator === 'eq' ? any : sql`not (${any})`;
  };
}

const byCode = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);

/*
 * Membership and role lookups are driven by the user id (the primary keys' first column); the
 * tenant is checked on the joined organisation or role. Filtering memberships by tenant as well
 * makes SQLite's planner (no statistics) scan the whole tenant through the tenant index.
 */
async function loadMemberships(db: Db, app: App, tenantId: string, userIds: string[]): Promise<Map<string, Membership[]>> {
  const { memberships: m, organisations: o } = app.db.t;
  const out = new Map<string, Membership[]>();
  if (!userIds.length) return out;
  const rows = await db.select({ userId: m.userId, orgId: m.orgId, orgName: o.name, position: m.position, primary: m.primary })
    .from(m).innerJoin(o, eq(o.id, m.orgId))
    .where(and(userIds.length === 1 ? eq(m.userId, userIds[0]) : inArray(m.userId, userIds), eq(o.tenantId, tenantId)))
    .orderBy(desc(m.primary), asc(o.path));
  for (const { userId, ...membership } of rows) {
    const list = out.get(userId) ?? [];
    list.push({ ...membership, primary: Boolean(membership.primary) });
    out.set(userId, list);
  }
  return out;
}

async function loadRoles(db: Db, app: App, tenantId: string, userIds: string[]): Promise<Map<string, RoleRef[]>> {
  const { userRoles: ur, roles: r } = app.db.t;
  const out = new Map<string, RoleRef[]>();
  if (!userIds.length) return out;
  const rows = await db.select({ userId: ur.userId, id: r.id, code: r.code, name: r.name })
    .from(ur).innerJoin(r, eq(r.id, ur.roleId))
    .where(and(userIds.length === 1 ? eq(ur.userId, userIds[0]) : inArray(ur.userId, userIds), eq(r.tenantId, tenantId)));
  for (const { userId, ...role } of rows.sort(byCode)) {
    const list = out.get(userId) ?? [];
    list.push(role);
    out.set(userId, list);
  }
  return out;
}

async function findUser(db: Db, app: App, tenantId: string, id: string): Promise<UserRow | undefined> {
  const { users: u } = app.db.t;
  const [row] = await db.select(userColumns(u)).from(u).where(and(eq(u.tenantId, tenantId), eq(u.id, id)));
  return row;
}

/** Three small indexed queries: the person, their memberships with organisation names, their roles. */
async function loadUser(db: Db, app: App, tenantId: string, id: string): Promise<LoadedUser> {
  const row = await findUser(db, app, tenantId, id);
  if (!row) throw notFound('user');
  const memberships = (await loadMemberships(db, app, tenantId, [id])).get(id) ?? [];
  const roles = (await loadRoles(db, app, tenantId, [id])).get(id) ?? [];
  return { row, memberships, roles };
}

export async function listUsers(app: App, actor: Actor, rawQuery: UserQuery = {}): Promise<Page<UserOutput>> {
  assertCan(actor, 'read', 'User');
  const query = parseInput(userQuery, rawQuery);
  const { users: u, memberships: m } = app.db.t;
  const { tenantId } = actor.principal;
  const scope = accessibleWhere(actor.principal.ability, 'read', 'User', {
    id: u.id, username: u.username, displayName: u.displayName, status: u.status,
    orgIds: arrayField(app, 'orgId'), positions: arrayField(app, 'position'),
  });
  const where = and(
    eq(u.tenantId, tenantId),
    scope,
    query.orgId ? membershipFilter(app, eq(m.orgId, query.orgId)) : undefined,
    query.position ? membershipFilter(app, eq(m.position, query.position)) : undefined,
    query.q ? or(like(u.username, `%${query.q}%`), like(u.displayName, `%${query.q}%`)) : undefined,
  );
  const read = app.db.read;
  const [{ total }] = await read.select({ total: count() }).from(u).where(where);
  const rows = await read.select(userColumns(u)).from(u).where(where).orderBy(asc(u.username)).limit(query.limit).offset(query.offset);
  const ids = rows.map((r) => r.id);
  const memberships = await loadMemberships(read, app, tenantId, ids);
  const roles = await loadRoles(read, app, tenantId, ids);
  const items = rows.map((row) => visibleTo(actor, toUserOutput({ row, memberships: memberships.get(row.id) ?? [], roles: roles.get(row.id) ?? [] })));
  return { items, total: Number(total) };
}

/**
 * GET /api/v1/users/{id} is the people API's hottest read (and its benchmark): building a drizzle
 * query costs more than SQLite takes to run it, so its queries are built once per database and
 * executed with placeholders (`prepare()` + `await execute()` works on both dialects). The person
 * and their memberships come in one query (a row per membership), the roles in a second one.
 */
const detailQueries = new WeakMap<Database, ReturnType<typeof prepareDetail>>();

function prepareDetail(app: App) {
  const { users: u, memberships: m, organisations: o, userRoles: ur, roles: r } = app.db.t;
  const read = app.db.read;
  const tenantId = sql.placeholder('tenantId');
  const userId = sql.placeholder('userId');
  return {
    userWithMemberships: read.select({ user: userColumns(u), orgId: m.orgId, orgName: o.name, position: m.position, primary: m.primary })
      .from(u)
      .leftJoin(m, eq(m.userId, u.id))
      .leftJoin(o, and(eq(o.id, m.orgId), eq(o.tenantId, u.tenantId)))
      .where(and(eq(u.tenantId, tenantId), eq(u.id, userId))).orderBy(desc(m.primary), asc(o.path)).prepare(),
    roles: read.select({ id: r.id, code: r.code, name: r.name })
      .from(ur).innerJoin(r, eq(r.id, ur.roleId))
      .where(and(eq(ur.userId, userId), eq(r.tenantId, tenantId))).prepare(),
  };
}

export async function getUser(app: App, actor: Actor, id: string): Promise<UserOutput> {
  assertCan(actor, 'read', 'User');
  let queries = detailQueries.get(app.db);
  if (!queries) detailQueries.set(app.db, (queries = prepareDetail(app)));
  const params = { tenantId: actor.principal.tenantId, userId: id };
  // Both filter on tenant and id, so they can run together: no roles come back for a stranger.
  const [rows, roles] = await Promise.all([queries.userWithMemberships.execute(params), queries.roles.execute(params)]);
  if (!rows.length) throw notFound('user');
  const memberships: Membership[] = [];
  for (const { orgId, orgName, position, primary } of rows) {
    if (orgId !== null && orgName !== null && position !== null) memberships.push({ orgId, orgName, position, primary: Boolean(primary) });
  }
  const loaded: LoadedUser = { row: rows[0].user, memberships, roles: roles.sort(byCode) };
  assertCan(actor, 'read', 'User', subjectRecord(loaded));
  return visibleTo(actor, toUserOutput(loaded));
}

/** 422 `weak_password` naming the field, with the policy's messages localized for the actor. */
function assertStrongPassword(actor: Actor, password: string, username: string, field: string): void {
  const violations = passwordPolicyViolations(password, username);
  if (!violations.length) return;
  const messages = violations.map((v) => translate(actor.locale, v.key, v.params));
  throw new AppError('weak_password', { detail: messages.join('; ') }, { fields: messages.map((message) => ({ field, message })) });
}

/** One membership per (organisation, position); exactly one primary (the first when none is marked). */
function normaliseMemberships(input: MembershipInput[]): Required<MembershipInput>[] {
  const seen = new Set<string>();
  input.forEach((m, i) => {
    const key = `${m.orgId}\n${m.position}`;
    if (seen.has(key)) throw fieldError(`memberships.${i}`, '#validation.duplicateMembership');
    seen.add(key);
  });
  const primaries = input.filter((m) => m.primary).length;
  if (primaries > 1) throw fieldError('memberships', '#validation.onePrimary');
  return input.map((m, i) => ({ ...m, primary: primaries === 0 ? i === 0 : Boolean(m.primary) }));
}

async function assertOrgsExist(tx: Db, app: App, tenantId: string, memberships: MembershipInput[]): Promise<Map<string, string>> {
  const { organisations: o } = app.db.t;
  const ids = [...new Set(memberships.map((m) => m.orgId))];
  const rows = await tx.select({ id: o.id, name: o.name }).from(o).where(and(eq(o.tenantId, tenantId), inArray(o.id, ids)));
  const names = new Map(rows.map((r) => [r.id, r.name]));
  const missing = memberships.findIndex((m) => !names.has(m.orgId));
  if (missing >= 0) throw fieldError(`memberships.${missing}.orgId`, '#validation.unknownOrg');
  return names;
}

async function rolesById(tx: Db, app: App, tenantId: string, roleIds: string[]): Promise<RoleRef[]> {
  const { roles: r } = app.db.t;
  const unique = [...new Set(roleIds)];
  const rows = unique.length
    ? await tx.select({ id: r.id, code: r.code, name: r.name }).from(r).where(and(eq(r.tenantId, tenantId), inArray(r.id, unique)))
    : [];
  const missing = roleIds.findIndex((id) => !rows.some((row) => row.id === id));
  if (missing >= 0) throw fieldError(`roleIds.${missing}`, '#validation.unknownRole');
  return rows.sort((a, b) => a.code.localeCompare(b.code));
}

/** Granting, withdrawing or taking over a role beyond the basic ones needs the right to edit roles. */
function assertMayHandleRoles(actor: Actor, roles: RoleRef[]): void {
  if (roles.some((role) => !BASIC_ROLE_CODES.has(role.code)) && !can(actor, 'update', 'Role')) throw forbidden();
}

async function writeMemberships(tx: Db, app: App, tenantId: string, userId: string, memberships: Required<MembershipInput>[]): Promise<void> {
  const { memberships: m } = app.db.t;
  await tx.delete(m).where(and(eq(m.tenantId, tenantId), eq(m.userId, userId)));
  await tx.insert(m).values(memberships.map((x) => ({ tenantId, userId, orgId: x.orgId, position: x.position, primary: x.primary })));
}

async function writeRoles(tx: Db, app: App, tenantId: string, userId: string, roles: RoleRef[]): Promise<void> {
  const { userRoles: ur } = app.db.t;
  await tx.delete(ur).where(and(eq(ur.tenantId, tenantId), eq(ur.userId, userId)));
  if (roles.length) await tx.insert(ur).values(roles.map((r) => ({ tenantId, userId, roleId: r.id })));
}

const withNames = (memberships: Required<MembershipInput>[], names: Map<string, string>): Membership[] =>
  memberships.map((m) => ({ orgId: m.orgId, orgName: names.get(m.orgId) ?? '', position: m.position, primary: m.primary }));

export async function createUser(app: App, actor: Actor, raw: unknown): Promise<UserOutput> {
  assertCan(actor, 'create', 'User');
  const input = parseInput(userInput, raw);
  const memberships = normaliseMemberships(input.memberships);
  // CASL's `$in` on an array field means "any element": check each organisation on its own so
  // a person cannot be placed in another district by listing one of one's own next to it.
  for (const orgId of new Set(memberships.map((m) => m.orgId))) assertCan(actor, 'create', 'User', { orgIds: [orgId] });
  assertStrongPassword(actor, input.password, input.username, 'password');
  const { tenantId } = actor.principal;
  const { db } = app;
  const { users: u } = db.t;
  // Hash outside the transaction: scrypt is slow on purpose and must not hold the writer.
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const names = await assertOrgsExist(tx, app, tenantId, memberships);
    const roles = await rolesById(tx, app, tenantId, input.roleIds);
    assertMayHandleRoles(actor, roles);
    const [clash] = await tx.select({ id: u.id }).from(u).where(eq(u.username, input.username));
    if (clash) throw conflict('user', input.username);
    const now = app.now();
    const row: UserRow = {
      id: newId(), tenantId, username: input.username, displayName: input.displayName, phone: input.phone ?? null, email: input.email ?? null,
      status: 'active', failedLogins: 0, lockedUntil: null, passwordChangedAt: now, lastLoginAt: null, authVersion: 0, createdAt: now, updatedAt: now,
    };
    await tx.insert(u).values({ ...row, passwordHash });
    await writeMemberships(tx, app, tenantId, row.id, memberships);
    await writeRoles(tx, app, tenantId, row.id, roles);
    const created: LoadedUser = { row, memberships: withNames(memberships, names), roles };
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'create',
      objectType: 'user', objectId: row.id, after: snapshot(created),
    }, actor.meta, now);
    return visibleTo(actor, toUserOutput(created));
  });
}

export async function updateUser(app: App, actor: Actor, id: string, raw: unknown): Promise<UserOutput> {
  assertCan(actor, 'update', 'User');
  const patch = parseInput(userPatch, raw);
  const memberships = patch.memberships ? normaliseMemberships(patch.memberships) : undefined;
  const { tenantId } = actor.principal;
  const { db } = app;
  const { users: u } = db.t;
  return db.transaction(async (tx) => {
    const before = await loadUser(tx, app, tenantId, id);
    const record = subjectRecord(before);
    assertCan(actor, 'update', 'User', record);
    for (const [field, value] of Object.entries(patch)) {
      if (value !== undefined) assertCan(actor, 'update', 'User', record, field);
    }
    // An empty patch changes nothing, so it writes nothing (no audit row either).
    if (Object.values(patch).every((value) => value === undefined)) return visibleTo(actor, toUserOutput(before));
    if (patch.status === 'disabled' && id === actor.principal.userId) throw fieldError('status', '#validation.selfDisable');
    let nextMemberships = before.memberships;
    if (memberships) {
      // Both ends of a move need the right: the organisations left and the ones joined.
      const old = new Set(record.orgIds);
      const next = new Set(memberships.map((m) => m.orgId));
      for (const orgId of new Set([...old, ...next])) {
        if (old.has(orgId) !== next.has(orgId)) assertCan(actor, 'update', 'User', { id, orgIds: [orgId] });
      }
      nextMemberships = withNames(memberships, await assertOrgsExist(tx, app, tenantId, memberships));
    }
    let nextRoles = before.roles;
    if (patch.roleIds) {
      nextRoles = await rolesById(tx, app, tenantId, patch.roleIds);
      const changed = [
        ...nextRoles.filter((r) => !before.roles.some((b) => b.id === r.id)),
        ...before.roles.filter((b) => !nextRoles.some((r) => r.id === b.id)),
      ];
      assertMayHandleRoles(actor, changed);
    }
    const now = app.now();
    const row: UserRow = {
      ...before.row,
      displayName: patch.displayName ?? before.row.displayName,
      phone: patch.phone !== undefined ? patch.phone : before.row.phone,
      email: patch.email !== undefined ? patch.email : before.row.email,
      status: patch.status ?? before.row.status,
      updatedAt: now,
    };
    await tx.update(u).set({ displayName: row.displayName, phone: row.phone, email: row.email, status: row.status, updatedAt: now })
      .where(and(eq(u.tenantId, tenantId), eq(u.id, id)));
    if (memberships) await writeMemberships(tx, app, tenantId, id, memberships);
    if (patch.roleIds) await writeRoles(tx, app, tenantId, id, nextRoles);
    if (memberships || patch.roleIds || row.status !== before.row.status) await invalidateUsers(tx, app, tenantId, [id]);
    const after: LoadedUser = { row, memberships: nextMemberships, roles: nextRoles };
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'update',
      objectType: 'user', objectId: id, before: snapshot(before), after: snapshot(after),
    }, actor.meta, now);
    return visibleTo(actor, toUserOutput(after));
  });
}

/** Ends a person's browser sessions (all of them, or all but the one making the request). */
async function endSessions(tx: Db, app: App, tenantId: string, userId: string, keepSessionId?: string): Promise<void> {
  const { sessions: s } = app.db.t;
  await tx.delete(s).where(and(eq(s.tenantId, tenantId), eq(s.userId, userId), keepSessionId ? ne(s.id, keepSessionId) : undefined));
}

/** 重置密码: an administrator sets a new password; the person's sessions end. */
export async function resetPassword(app: App, actor: Actor, id: string, raw: unknown): Promise<void> {
  assertCan(actor, 'update', 'User');
  const { password } = parseInput(passwordReset, raw);
  const { tenantId } = actor.principal;
  const { db } = app;
  const target = await loadUser(db.read, app, tenantId, id);
  assertCan(actor, 'update', 'User', subjectRecord(target));
  assertMayHandleRoles(actor, target.roles);
  assertStrongPassword(actor, password, target.row.username, 'password');
  const passwordHash = await hashPassword(password);
  await setPassword(app, actor, target.row, passwordHash, { reset: true });
}

/** 修改密码: the person changes their own password, proving they know the current one. */
export async function changeOwnPassword(app: App, actor: Actor, raw: unknown): Promise<void> {
  const input = parseInput(passwordChange, raw);
  const { tenantId, userId } = actor.principal;
  const { db } = app;
  const { users: u } = db.t;
  const [current] = await db.read.select({ ...userColumns(u), passwordHash: u.passwordHash }).from(u).where(and(eq(u.tenantId, tenantId), eq(u.id, userId)));
  if (!current) throw notFound('user');
  const { passwordHash: currentHash, ...row } = current;
  if (!(await verifyPassword(input.currentPassword, currentHash))) throw fieldError('currentPassword', '#validation.currentPassword');
  if (input.newPassword === input.currentPassword) throw fieldError('newPassword', '#validation.samePassword');
  assertStrongPassword(actor, input.newPassword, row.username, 'newPassword');
  const passwordHash = await hashPassword(input.newPassword);
  await setPassword(app, actor, row, passwordHash, { reset: false });
}

async function setPassword(app: App, actor: Actor, row: UserRow, passwordHash: string, detail: { reset: boolean }): Promise<void> {
  const { db } = app;
  const { users: u } = db.t;
  const { tenantId } = actor.principal;
  const now = app.now();
  await db.transaction(async (tx) => {
    await tx.update(u).set({ passwordHash, passwordChangedAt: now, updatedAt: now }).where(and(eq(u.tenantId, tenantId), eq(u.id, row.id)));
    // An administrator's reset signs the person out everywhere; changing one's own keeps this session.
    await endSessions(tx, app, tenantId, row.id, detail.reset ? undefined : actor.principal.sessionId);
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'change_password',
      objectType: 'user', objectId: row.id,
      before: { passwordChangedAt: row.passwordChangedAt }, after: { passwordChangedAt: now }, detail,
    }, actor.meta, now);
  });
}

/** 解锁: clears a lockout after repeated wrong passwords before it expires by itself. */
export async function unlockUser(app: App, actor: Actor, id: string): Promise<UserOutput> {
  assertCan(actor, 'update', 'User');
  const { tenantId } = actor.principal;
  const { db } = app;
  const { users: u } = db.t;
  return db.transaction(async (tx) => {
    const before = await loadUser(tx, app, tenantId, id);
    assertCan(actor, 'update', 'User', subjectRecord(before));
    const now = app.now();
    await tx.update(u).set({ lockedUntil: null, failedLogins: 0, updatedAt: now }).where(and(eq(u.tenantId, tenantId), eq(u.id, id)));
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'unlock', objectType: 'user', objectId: id,
      before: { lockedUntil: before.row.lockedUntil, failedLogins: before.row.failedLogins }, after: { lockedUntil: null, failedLogins: 0 },
    }, actor.meta, now);
    return visibleTo(actor, toUserOutput({ ...before, row: { ...before.row, lockedUntil: null, failedLogins: 0, updatedAt: now } }));
  });
}

/** 停用: people are disabled, never deleted; their sessions end and their tokens stop working. */
export async function deleteUser(app: App, actor: Actor, id: string): Promise<void> {
  assertCan(actor, 'delete', 'User');
  const { tenantId } = actor.principal;
  const { db } = app;
  const { users: u } = db.t;
  await db.transaction(async (tx) => {
    const before = await loadUser(tx, app, tenantId, id);
    assertCan(actor, 'delete', 'User', subjectRecord(before));
    if (id === actor.principal.userId) throw fieldError('id', '#validation.selfDisable');
    const now = app.now();
    await tx.update(u).set({ status: 'disabled', updatedAt: now }).where(and(eq(u.tenantId, tenantId), eq(u.id, id)));
    await endSessions(tx, app, tenantId, id);
    await invalidateUsers(tx, app, tenantId, [id]);
    await recordAudit(db, tx, {
      tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'disable', objectType: 'user', objectId: id,
      before: { status: before.row.status }, after: { status: 'disabled' },
    }, actor.meta, now);
  });
}

/** The caller as the server sees them (GET /api/v1/me). */
export function describeMe(actor: Actor): MeOutput {
  const p = actor.principal;
  return {
    id: p.userId, username: p.username, displayName: p.displayName, tenantId: p.tenantId, orgIds: p.orgIds, positions: p.positions,
    roleCodes: p.roleCodes, permissions: [...new Set(permissionStrings(p.ability))].sort(), via: p.via, tokenScopes: p.tokenScopes,
  };
}
