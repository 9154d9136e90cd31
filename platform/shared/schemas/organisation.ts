import { z } from 'zod';
import { ORG_KINDS, ORG_LEVELS } from '../domain.ts';
import { codeSchema, nameSchema, idSchema, searchText } from './common.ts';

export const organisationInput = z.object({
  parentId: idSchema.nullable(),
  code: codeSchema,
  name: nameSchema,
  nameEn: nameSchema.optional().nullable(),
  level: z.enum(ORG_LEVELS),
  kind: z.enum(ORG_KINDS),
  unitType: codeSchema.optional().nullable(),
  sort: z.number().int().min(0).max(100000).optional(),
});
export type OrganisationInput = z.infer<typeof organisationInput>;

export const organisationPatch = organisationInput.partial();
export type OrganisationPatch = z.infer<typeof organisationPatch>;

export const organisationQuery = z.object({
  parentId: idSchema.optional(),
  kind: z.enum(ORG_KINDS).optional(),
  q: searchText,
});

export const organisationOutput = z.object({
  id: z.string(),
  parentId: z.string().nullable(),
  path: z.string(),
  code: z.string(),
  name: z.string(),
  nameEn: z.string().nullable(),
  level: z.enum(ORG_LEVELS),
  kind: z.enum(ORG_KINDS),
  unitType: z.string().nullable(),
  sort: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type OrganisationOutput = z.infer<typeof organisationOutput>;
