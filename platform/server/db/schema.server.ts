/**
 * The platform's tables, written once for both dialects (see schema-kit.server.ts).
 * Every business row carries `tenant_id`: a deployment hosts several cities (省级统建).
 */
import type { SchemaKit } from './schema-kit.server.ts';
import { defineWorkflowSchema } from './schema-workflow.server.ts';
import { defineNotificationSchema } from './schema-notifications.server.ts';
import { defineCaseSchema } from './schema-cases.server.ts';
import { defineIndicatorSchema } from './schema-indicators.server.ts';
import { defineDeviceSchema } from './schema-devices.server.ts';
import { defineAlarmSchema } from './schema-alarms.server.ts';
import type { Position, OrgLevel, OrgKind, DataScope, RoleRule, DefinitionKind, DefinitionStatus } from '../../shared/domain.ts';

export function defineSchema(k: SchemaKit) {
  const createdAt = () => k.timestamp('created_at').notNull();
  const updatedAt = () => k.timestamp('updated_at').notNull();

  const tenants = k.table('tenants', {
    id: k.text('id').primaryKey(),
    code: k.text('code').notNull(),
    name: k.text('name').notNull(),
    nameEn: k.text('name_en'),
    regionCode: k.text('region_code').notNull(),
    center: k.json<[number, number]>('center'),
    createdAt: createdAt(),
  }, (t) => [k.uniqueIndex('tenants_code_uq').on(t.code)]);

  /** Organisation tree (市 → 区/县 → 街道 → 社区) plus departments and responsible units. */
  const organisations = k.table('organisations', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    parentId: k.text('parent_id'),
    /** Materialised path of ids, '/root/child/…/self/', for subtree scope queries. */
    path: k.text('path').notNull(),
    code: k.text('code').notNull(),
    name: k.text('name').notNull(),
    nameEn: k.text('name_en'),
    level: k.text('level').$type<OrgLevel>().notNull(),
    kind: k.text('kind').$type<OrgKind>().notNull(),
    unitType: k.text('unit_type'),
    sort: k.int('sort').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  }, (t) => [
    k.uniqueIndex('organisations_tenant_code_uq').on(t.tenantId, t.code),
    k.index('organisations_parent_idx').on(t.tenantId, t.parentId),
    k.index('organisations_path_idx').on(t.tenantId, t.path),
  ]);

  /** Unit grids (单元网格, GB/T 30428.1) as GeoJSON polygons attached to an organisation. */
  const grids = k.table('grids', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    orgId: k.text('org_id').notNull(),
    code: k.text('code').notNull(),
    name: k.text('name').notNull(),
    geometry: k.json<GeoJsonPolygon>('geometry').notNull(),
    /** Bounding box [minLng, minLat, maxLng, maxLat] for cheap point-in-grid prefiltering. */
    bbox: k.json<[number, number, number, number]>('bbox').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  }, (t) => [
    k.uniqueIndex('grids_tenant_code_uq').on(t.tenantId, t.code),
    k.index('grids_org_idx').on(t.tenantId, t.orgId),
  ]);

  const users = k.table('users', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    /** Unique across the deployment so one login form serves every city. */
    username: k.text('username').notNull(),
    displayName: k.text('display_name').notNull(),
    phone: k.text('phone'),
    email: k.text('email'),
    passwordHash: k.text('password_hash'),
    status: k.text('status').$type<'active' | 'disabled'>().notNull().default('active'),
    failedLogins: k.int('failed_logins').notNull().default(0),
    lockedUntil: k.timestamp('locked_until'),
    passwordChangedAt: k.timestamp('password_changed_at'),
    lastLoginAt: k.timestamp('last_login_at'),
    /** Bumped whenever roles, memberships or status change: invalidates cached abilities. */
    authVersion: k.int('auth_version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  }, (t) => [
    k.uniqueIndex('users_username_uq').on(t.username),
    k.index('users_tenant_idx').on(t.tenantId),
  ]);

  /** A person may belong to several organisations, with a position (岗位) in each. */
  const memberships = k.table('memberships', {
    tenantId: k.text('tenant_id').notNull(),
    userId: k.text('user_id').notNull(),
    orgId: k.text('org_id').notNull(),
    position: k.text('position').$type<Position>().notNull(),
    primary: k.bool('is_primary').notNull().default(false),
  }, (t) => [
    k.primaryKey({ columns: [t.userId, t.orgId, t.position] }),
    k.index('memberships_org_idx').on(t.tenantId, t.orgId),
  ]);

  const roles = k.table('roles', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    code: k.text('code').notNull(),
    name: k.text('name').notNull(),
    description: k.text('description'),
    rules: k.json<RoleRule[]>('rules').notNull(),
    dataScope: k.text('data_scope').$type<DataScope>().notNull(),
    scopeOrgIds: k.json<string[]>('scope_org_ids').notNull(),
    scopeGridIds: k.json<string[]>('scope_grid_ids').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  }, (t) => [k.uniqueIndex('roles_tenant_code_uq').on(t.tenantId, t.code)]);

  const userRoles = k.table('user_roles', {
    tenantId: k.text('tenant_id').notNull(),
    userId: k.text('user_id').notNull(),
    roleId: k.text('role_id').notNull(),
  }, (t) => [
    k.primaryKey({ columns: [t.userId, t.roleId] }),
    k.index('user_roles_role_idx').on(t.roleId),
  ]);

  /** Browser sessions; the id is the SHA-256 of the cookie value, never the value itself. */
  const sessions = k.table('sessions', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    userId: k.text('user_id').notNull(),
    csrfToken: k.text('csrf_token').notNull(),
    ip: k.text('ip'),
    userAgent: k.text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: k.timestamp('last_seen_at').notNull(),
    expiresAt: k.timestamp('expires_at').notNull(),
  }, (t) => [k.index('sessions_user_idx').on(t.userId)]);

  /** Bearer tokens for integrators; stored as SHA-256 hashes. `scopes` narrow the owner's rights. */
  const apiTokens = k.table('api_tokens', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    userId: k.text('user_id').notNull(),
    name: k.text('name').notNull(),
    tokenHash: k.text('token_hash').notNull(),
    scopes: k.json<string[] | null>('scopes'),
    createdBy: k.text('created_by').notNull(),
    createdAt: createdAt(),
    expiresAt: k.timestamp('expires_at').notNull(),
    lastUsedAt: k.timestamp('last_used_at'),
    revokedAt: k.timestamp('revoked_at'),
  }, (t) => [
    k.uniqueIndex('api_tokens_hash_uq').on(t.tokenHash),
    k.index('api_tokens_user_idx').on(t.userId),
  ]);

  /** Append-only: no code path updates or deletes rows; database triggers refuse it too. */
  const auditLog = k.table('audit_log', {
    seq: k.serial('seq'),
    tenantId: k.text('tenant_id'),
    at: k.timestamp('at').notNull(),
    actorId: k.text('actor_id'),
    actorName: k.text('actor_name'),
    action: k.text('action').notNull(),
    objectType: k.text('object_type'),
    objectId: k.text('object_id'),
    ip: k.text('ip'),
    userAgent: k.text('user_agent'),
    before: k.json<unknown>('before'),
    after: k.json<unknown>('after'),
    detail: k.json<unknown>('detail'),
  }, (t) => [
    k.index('audit_tenant_at_idx').on(t.tenantId, t.at),
    k.index('audit_object_idx').on(t.tenantId, t.objectType, t.objectId),
    k.index('audit_actor_idx').on(t.tenantId, t.actorId),
  ]);

  /** Versioned definitions keyed by (tenant, kind, key, version): the low-code backbone. */
  const definitions = k.table('definitions', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    kind: k.text('kind').$type<DefinitionKind>().notNull(),
    key: k.text('key').notNull(),
    version: k.int('version').notNull(),
    status: k.text('status').$type<DefinitionStatus>().notNull(),
    name: k.text('name').notNull(),
    content: k.json<unknown>('content').notNull(),
    checksum: k.text('checksum'),
    comment: k.text('comment'),
    createdBy: k.text('created_by').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    publishedAt: k.timestamp('published_at'),
    publishedBy: k.text('published_by'),
    retiredAt: k.timestamp('retired_at'),
  }, (t) => [
    k.uniqueIndex('definitions_version_uq').on(t.tenantId, t.kind, t.key, t.version),
    k.index('definitions_status_idx').on(t.tenantId, t.kind, t.status),
  ]);

  /** System parameters (系统配置): typed JSON values per tenant. */
  const parameters = k.table('parameters', {
    tenantId: k.text('tenant_id').notNull(),
    key: k.text('key').notNull(),
    value: k.json<unknown>('value').notNull(),
    updatedAt: updatedAt(),
    updatedBy: k.text('updated_by'),
  }, (t) => [k.primaryKey({ columns: [t.tenantId, t.key] })]);

  /** Working calendar exceptions: public holidays and 调休 make-up working days. */
  const calendarDays = k.table('calendar_days', {
    tenantId: k.text('tenant_id').notNull(),
    date: k.text('date').notNull(),
    kind: k.text('kind').$type<'holiday' | 'workday'>().notNull(),
    name: k.text('name'),
  }, (t) => [k.primaryKey({ columns: [t.tenantId, t.date] })]);

  return {
    tenants, organisations, grids, users, memberships, roles, userRoles, sessions, apiTokens,
    auditLog, definitions, parameters, calendarDays,
    ...defineWorkflowSchema(k),
    ...defineCaseSchema(k),
    ...defineNotificationSchema(k),
    ...defineIndicatorSchema(k),
    ...defineDeviceSchema(k),
    ...defineAlarmSchema(k),
  };
}

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: [number, number][][];
}

export type Schema = ReturnType<typeof defineSchema>;
