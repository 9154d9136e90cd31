/** People (人员配置): input and output schemas shared by the API and the browser forms. */
import { z } from 'zod';
import { POSITIONS } from '../domain.ts';
import { idSchema, nameSchema, pageQuery, searchText } from './common.ts';

/** Login names are unique across the deployment; stored in lower case so 'Zhang' and 'zhang' cannot both exist. */
export const usernameSchema = z.string().trim().toLowerCase().min(3).max(64)
  .regex(/^[a-z0-9][a-z0-9._-]*$/, { message: '#validation.username' });

/** Forms send '' for an empty optional field: treat it as "no value". */
const blankToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

export const phoneSchema = z.preprocess(blankToNull, z.string().trim().max(32).regex(/^\+?[0-9][0-9 -]{4,30}$/, { message: '#validation.phone' }).nullable());
export const emailSchema = z.preprocess(blankToNull, z.email().max(254).nullable());

/** The password as typed; the policy (passwordPolicyViolations) is checked by the service. */
export const passwordSchema = z.string().min(1).max(256);

export const membershipInput = z.object({
  orgId: idSchema,
  position: z.enum(POSITIONS),
  primary: z.boolean().optional(),
});
export type MembershipInput = z.infer<typeof membershipInput>;

const membershipsSchema = z.array(membershipInput).min(1).max(20);
const roleIdsSchema = z.array(idSchema).max(20);

export const userInput = z.object({
  username: usernameSchema,
  displayName: nameSchema,
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
  password: passwordSchema,
  memberships: membershipsSchema,
  roleIds: roleIdsSchema,
});
export type UserInput = z.infer<typeof userInput>;

export const USER_STATUSES = ['active', 'disabled'] as const;

export const userPatch = z.object({
  displayName: nameSchema.optional(),
  phone: phoneSchema.optional(),
  email: emailSchema.optional(),
  status: z.enum(USER_STATUSES).optional(),
  memberships: membershipsSchema.optional(),
  roleIds: roleIdsSchema.optional(),
});
export type UserPatch = z.infer<typeof userPatch>;

export const userQuery = z.object({
  orgId: idSchema.optional(),
  position: z.enum(POSITIONS).optional(),
  q: searchText,
  ...pageQuery,
});
export type UserQuery = z.input<typeof userQuery>;

export const passwordReset = z.object({ password: passwordSchema });
export const passwordChange = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema });

/**
 * A person as the caller may see them. Only `id` is guaranteed: fields the caller's roles do not
 * let them read (CASL field rules, e.g. the inspector role) are left out, not nulled.
 */
export const userOutput = z.object({
  id: z.string(),
  username: z.string().optional(),
  displayName: z.string().optional(),
  phone: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  status: z.enum(USER_STATUSES).optional(),
  lockedUntil: z.string().nullable().optional(),
  lastLoginAt: z.string().nullable().optional(),
  memberships: z.array(z.object({ orgId: z.string(), orgName: z.string(), position: z.enum(POSITIONS), primary: z.boolean() })).optional(),
  roles: z.array(z.object({ id: z.string(), code: z.string(), name: z.string() })).optional(),
  orgIds: z.array(z.string()).optional(),
  positions: z.array(z.enum(POSITIONS)).optional(),
  createdAt: z.string().optional(),
  updatedAt: z.string().optional(),
});
export type UserOutput = z.infer<typeof userOutput>;

export const userPage = z.object({ items: z.array(userOutput), total: z.number().int() });

/** The caller's own principal summary (GET /api/v1/me). */
export const meOutput = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  tenantId: z.string(),
  orgIds: z.array(z.string()),
  positions: z.array(z.enum(POSITIONS)),
  roleCodes: z.array(z.string()),
  /** 'action:Subject' grants of the caller's roles. */
  permissions: z.array(z.string()),
  via: z.enum(['session', 'token', 'system']),
  /** Set when the caller uses a scoped API token: the token narrows `permissions` to these. */
  tokenScopes: z.array(z.string()).nullable(),
});
export type MeOutput = z.infer<typeof meOutput>;
