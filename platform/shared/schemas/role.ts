/** Roles and permissions (角色权限): rule, input and output schemas. */
import { z } from 'zod';
import { ACTIONS, DATA_SCOPES, SUBJECTS } from '../domain.ts';
import { codeSchema, idSchema, nameSchema } from './common.ts';

/** A record field named in a condition or a field rule: a plain identifier, never an operator. */
export const fieldNameSchema = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, { message: '#validation.fieldName' });

type Scalar = string | number | boolean | null;

const isScalar = (value: unknown): value is Scalar =>
  value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/**
 * Only the operators our SQL translation understands (sql-scope.server.ts) and nothing that
 * runs code or scans text: `$where`, `$regex`, `$expr`… are refused rather than ignored.
 */
const CONDITION_OPERATORS = new Set(['$eq', '$ne', '$in', '$nin']);
const MAX_LIST = 200;

function validCondition(value: unknown): boolean {
  if (isScalar(value)) return typeof value !== 'string' || value.length <= 200;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const entries = Object.entries(value);
  if (entries.length === 0) return false;
  return entries.every(([op, operand]) => {
    if (!CONDITION_OPERATORS.has(op)) return false;
    if (op === '$eq' || op === '$ne') return isScalar(operand);
    return Array.isArray(operand) && operand.length <= MAX_LIST && operand.every(isScalar);
  });
}

const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** `{ field: scalar | { $in: [...] } … }`; a top-level `$where` fails the field-name check. */
export const conditionsSchema = z.record(z.string(), z.unknown()).superRefine((conditions, ctx) => {
  const keys = Object.keys(conditions);
  if (keys.length > 20) ctx.addIssue({ code: 'custom', message: '#validation.condition', path: [] });
  for (const key of keys) {
    if (!FIELD_NAME.test(key) || !validCondition(conditions[key])) ctx.addIssue({ code: 'custom', message: '#validation.condition', path: [key] });
  }
});

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([item, z.array(item).min(1).max(ACTIONS.length + SUBJECTS.length)]);

export const roleRuleSchema = z.strictObject({
  action: oneOrMany(z.enum(ACTIONS)),
  subject: oneOrMany(z.enum(SUBJECTS)),
  conditions: conditionsSchema.optional(),
  fields: z.array(fieldNameSchema).min(1).max(50).optional(),
  inverted: z.boolean().optional(),
  reason: z.string().trim().max(200).regex(/^[^<>\u0000-\u001f]*$/, { message: '#validation.name' }).optional(),
});

const descriptionSchema = z.string().trim().max(500).regex(/^[^<>\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/, { message: '#validation.name' });

export const roleInput = z.object({
  code: codeSchema,
  name: nameSchema,
  description: descriptionSchema.nullable().optional(),
  rules: z.array(roleRuleSchema).max(100),
  dataScope: z.enum(DATA_SCOPES),
  /** Organisations of a 'custom' (指定机构) scope; each covers its subtree. */
  scopeOrgIds: z.array(idSchema).max(200).optional(),
  /** Optional restriction to unit grids, for subjects with a grid scope field. */
  scopeGridIds: z.array(idSchema).max(1000).optional(),
});
export type RoleInput = z.infer<typeof roleInput>;

export const rolePatch = roleInput.partial();
export type RolePatch = z.infer<typeof rolePatch>;

export const roleOutput = z.object({
  id: z.string(),
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  rules: z.array(roleRuleSchema),
  dataScope: z.enum(DATA_SCOPES),
  scopeOrgIds: z.array(z.string()),
  scopeGridIds: z.array(z.string()),
  /** How many people hold the role (a role in use cannot be deleted). */
  userCount: z.number().int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RoleOutput = z.infer<typeof roleOutput>;
