/**
 * Versioned definitions (the low-code backbone): process, form, indicator, dictionary… keyed by
 * (kind, key, version) and moving draft → published (immutable, checksummed) → retired.
 */
import { z } from 'zod';
import { DEFINITION_KINDS, DEFINITION_STATUSES } from '../domain.ts';
import { codeSchema, idSchema, nameSchema, searchText } from './common.ts';

export const definitionKindSchema = z.enum(DEFINITION_KINDS);
export const definitionStatusSchema = z.enum(DEFINITION_STATUSES);

/** Change notes shown in the version history; no control characters except line breaks. */
const commentSchema = z.string().trim().max(500).regex(/^[^\u0000-\u0009\u000b\u000c\u000e-\u001f]*$/, { message: '#validation.comment' });

export const definitionQuery = z.object({
  kind: definitionKindSchema.optional(),
  key: codeSchema.optional(),
  status: definitionStatusSchema.optional(),
  q: searchText,
});
export type DefinitionQuery = z.input<typeof definitionQuery>;

export const definitionVersionsParams = z.object({ kind: definitionKindSchema, key: codeSchema });

/** The content is checked by the kind's validator on the server (see registerDefinitionValidator). */
export const definitionCreateInput = z.object({
  kind: definitionKindSchema,
  key: codeSchema,
  name: nameSchema,
  content: z.unknown(),
  comment: commentSchema.optional(),
});
export type DefinitionCreateInput = z.input<typeof definitionCreateInput>;

export const definitionPatch = z.object({
  name: nameSchema.optional(),
  content: z.unknown().optional(),
  comment: commentSchema.optional(),
  /** The `updatedAt` the editor loaded: a stale value means someone else saved in between. */
  expectedUpdatedAt: z.iso.datetime({ offset: true }),
});
export type DefinitionPatch = z.input<typeof definitionPatch>;

export const definitionPublishInput = z.object({
  comment: commentSchema.min(1),
});
export type DefinitionPublishInput = z.input<typeof definitionPublishInput>;

export const definitionSummary = z.object({
  id: idSchema,
  kind: definitionKindSchema,
  key: z.string(),
  version: z.number().int(),
  status: definitionStatusSchema,
  name: z.string(),
  checksum: z.string().nullable(),
  comment: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  publishedAt: z.string().nullable(),
  publishedBy: z.string().nullable(),
  retiredAt: z.string().nullable(),
});
export type DefinitionSummary = z.infer<typeof definitionSummary>;

export const definitionOutput = definitionSummary.extend({ content: z.unknown() });
export type DefinitionOutput = z.infer<typeof definitionOutput>;
