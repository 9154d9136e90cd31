/** Long-lived, scoped API tokens for integrators (访问令牌). */
import { z } from 'zod';
import { ACTIONS, SUBJECTS } from '../domain.ts';
import { idSchema, nameSchema } from './common.ts';

const SCOPE_PATTERN = new RegExp(`^(${ACTIONS.join('|')}):(${SUBJECTS.join('|')})$`);

/** 'action:Subject', e.g. 'read:User'; `manage` and `all` are the wildcards. */
export const tokenScopeSchema = z.string().max(40).regex(SCOPE_PATTERN, { message: '#validation.tokenScope' });

export const apiTokenInput = z.object({
  /** Whose rights the token carries; the caller when absent. */
  userId: idSchema.optional(),
  name: nameSchema,
  scopes: z.array(tokenScopeSchema).min(1).max(50).transform((scopes) => [...new Set(scopes)]),
  expiresInDays: z.number().int().min(1).max(365),
});
export type ApiTokenInput = z.input<typeof apiTokenInput>;

export const apiTokenQuery = z.object({ userId: idSchema.optional() });

export const apiTokenOutput = z.object({
  id: z.string(),
  userId: z.string(),
  name: z.string(),
  /** null: an unscoped password-grant token carrying all of the owner's rights. */
  scopes: z.array(z.string()).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type ApiTokenOutput = z.infer<typeof apiTokenOutput>;

/** Returned once, when the token is issued; only its hash is stored. */
export const issuedApiTokenOutput = apiTokenOutput.extend({ token: z.string() });
export type IssuedApiTokenOutput = z.infer<typeof issuedApiTokenOutput>;
