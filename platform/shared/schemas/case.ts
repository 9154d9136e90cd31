/** Inputs and outputs of the case API (案件). */
import { z } from 'zod';
import { codeSchema, idSchema } from './common.ts';
import { CASE_STATUSES } from '@tongguan/runtime/cases/case-lifecycle';

const text = (max: number) => z.string().trim().min(1).max(max).regex(/^[^\u0000-\u0008\u000b\u000c\u000e-\u001f]*$/, { message: '#validation.name' });

export const caseInput = z.object({
  /** Dictionary case-sources code: inspector, public, hotline12345, hotline12319, video, sensor, leader… */
  source: codeSchema,
  /** Dictionary case-categories code (部件/事件 小类 or 大类). */
  categoryCode: codeSchema,
  title: text(100),
  description: text(2000),
  address: text(200).optional(),
  /** WGS-84 point; the unit grid is resolved from it when `gridId` is not given. */
  location: z.object({ lng: z.number().min(73).max(136), lat: z.number().min(3).max(54) }).optional(),
  gridId: idSchema.optional(),
  /** Photos before handling, uploaded first through POST /api/v1/attachments. */
  attachmentIds: z.array(idSchema).max(20).default([]),
});
export type CaseInput = z.input<typeof caseInput>;

export const caseQuery = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  source: codeSchema.optional(),
  /** Matches the category and everything under it (code prefix). */
  categoryCode: codeSchema.optional(),
  overdue: z.enum(['true', 'false']).optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type CaseQuery = z.input<typeof caseQuery>;

export const caseSummary = z.object({
  id: z.string(), caseNumber: z.string(), source: z.string(), categoryCode: z.string(), categoryKind: z.enum(['part', 'event']),
  title: z.string(), address: z.string().nullable(), location: z.object({ lng: z.number(), lat: z.number() }).nullable(),
  gridId: z.string().nullable(), orgId: z.string().nullable(), districtOrgId: z.string().nullable(), responsibleUnitId: z.string().nullable(),
  status: z.enum(CASE_STATUSES), deadlineHours: z.number(), dueAt: z.string().nullable(), overdue: z.boolean(),
  processInstanceId: z.string(), reportedBy: z.string().nullable(), reportedAt: z.string(), closedAt: z.string().nullable(),
});
export type CaseSummary = z.infer<typeof caseSummary>;

export const casePage = z.object({ items: z.array(caseSummary), total: z.number() });

export const attachmentOutput = z.object({
  id: z.string(), name: z.string(), contentType: z.string(), size: z.number(), stage: z.enum(['before', 'after']).nullable(), uploadedAt: z.string(),
});

export const caseOutput = caseSummary.extend({
  description: z.string(),
  attachments: z.array(attachmentOutput),
  timeline: z.array(z.object({
    /** The user task of the step (null for events): pairs the step with its form data and task page. */
    elementId: z.string(), taskId: z.string().nullable(), name: z.string().nullable(), at: z.string(), endedAt: z.string().nullable(),
    by: z.string().nullable(), comment: z.string().nullable(), status: z.string(),
  })),
});
export type CaseOutput = z.infer<typeof caseOutput>;
