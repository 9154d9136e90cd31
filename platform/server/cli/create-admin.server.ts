/**
 * `create-admin`: the only way a production deployment gets its first account (production mode
 * seeds nothing). Creates the city (tenant) if missing, its root organisation, the built-in role
 * catalogue and the administrator with 市级管理员 (cityAdmin) — all in one transaction, audited
 * with the CLI as the actor, so a failed run leaves nothing behind.
 */
import { and, eq, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { App } from '../app.server.ts';
import { recordAudit, type RequestMeta } from '../audit/audit.server.ts';
import { hashPassword, passwordPolicyViolations } from '../auth/passwords.server.ts';
import { AppError, conflict, parseInput } from '../errors.server.ts';
import { newId } from '../ids.server.ts';
import { ensureBuiltinRoles } from '../seed/builtin-roles.server.ts';
import { codeSchema, nameSchema } from '../../shared/schemas/common.ts';
import { usernameSchema } from '../../shared/schemas/user.ts';
import { translate, type Locale } from '../../shared/i18n/index.ts';

export const createAdminInput = z.object({
  tenantCode: codeSchema,
  tenantName: nameSchema,
  regionCode: z.string().regex(/^\d{6}$/),
  username: usernameSchema,
  displayName: nameSchema.optional(),
  password: z.string().min(1).max(256),
});
export type CreateAdminInput = z.input<typeof createAdminInput>;

export interface CreateAdminResult {
  tenantId: string;
  userId: string;
  username: string;
  tenantCreated: boolean;
  rolesCreated: string[];
}

const CLI_META: RequestMeta = { ip: null, userAgent: 'tongguan-cli' };
const CLI_ACTOR = 'cli';

/** Inserts the built-in roles the tenant lacks; returns every built-in role id by code. */
export async function createFirstAdmin(app: App, raw: CreateAdminInput, locale: Locale): Promise<CreateAdminResult> {
  const input = parseInput(createAdminInput, raw);
  const violations = passwordPolicyViolations(input.password, input.username);
  if (violations.length) {
    throw new AppError('weak_password', { detail: violations.map((v) => translate(locale, v.key, v.params)).join('; ') });
  }
  const passwordHash = await hashPassword(input.password);
  const { db } = app;
  const t = db.t;
  const now = app.now();

  return db.transaction(async (tx) => {
    const [taken] = await tx.select({ id: t.users.id }).from(t.users).where(eq(t.users.username, input.username));
    if (taken) throw conflict('user', input.username);

    let [tenant] = await tx.select().from(t.tenants).where(eq(t.tenants.code, input.tenantCode));
    const tenantCreated = !tenant;
    if (!tenant) {
      tenant = { id: newId(), code: input.tenantCode, name: input.tenantName, nameEn: null, regionCode: input.regionCode, center: null, createdAt: now };
      await tx.insert(t.tenants).values(tenant);
      await recordAudit(db, tx, { tenantId: tenant.id, actorId: null, actorName: CLI_ACTOR, action: 'create', objectType: 'tenant', objectId: tenant.id, after: tenant }, CLI_META, now);
    }
    const tenantId = tenant.id;

    const [existingCity] = await tx.select().from(t.organisations)
      .where(and(eq(t.organisations.tenantId, tenantId), isNull(t.organisations.parentId), eq(t.organisations.level, 'city')));
    let city = existingCity;
    if (!city) {
      const id = newId();
      city = {
        id, tenantId, parentId: null, path: `/${id}/`, code: input.tenantCode, name: tenant.name, nameEn: null,
        level: 'city', kind: 'admin', unitType: null, sort: 0, createdAt: now, updatedAt: now,
      };
      await tx.insert(t.organisations).values(city);
      await recordAudit(db, tx, { tenantId, actorId: null, actorName: CLI_ACTOR, action: 'create', objectType: 'organisation', objectId: id, after: city }, CLI_META, now);
    }

    const roles = await ensureBuiltinRoles(db, tx, tenantId, now);
    for (const row of roles.created) {
      await recordAudit(db, tx, { tenantId, actorId: null, actorName: CLI_ACTOR, action: 'create', objectType: 'role', objectId: row.id, after: row }, CLI_META, now);
    }
    const cityAdminRole = roles.ids.get('cityAdmin');
    if (!cityAdminRole) throw new Error('The built-in role catalogue has no cityAdmin role');

    const userId = newId();
    const user = {
      id: userId, tenantId, username: input.username, displayName: input.displayName ?? input.username, phone: null, email: null,
      passwordHash, passwordChangedAt: now, createdAt: now, updatedAt: now,
    };
    await tx.insert(t.users).values(user);
    await tx.insert(t.memberships).values({ tenantId, userId, orgId: city.id, position: 'admin', primary: true });
    await tx.insert(t.userRoles).values({ tenantId, userId, roleId: cityAdminRole });
    await recordAudit(db, tx, {
      tenantId, actorId: null, actorName: CLI_ACTOR, action: 'create', objectType: 'user', objectId: userId,
      after: { ...user, memberships: [{ orgId: city.id, position: 'admin', primary: true }], roles: ['cityAdmin'] },
    }, CLI_META, now);

    return { tenantId, userId, username: input.username, tenantCreated, rolesCreated: roles.created.map((row) => row.code) };
  });
}
