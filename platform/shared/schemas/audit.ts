/** 审计日志: the query form of the audit trail (read-only; the trail itself is append-only). */
import { z } from 'zod';
import { idSchema, pageQuery, searchText } from './common.ts';

const filterText = z.string().trim().min(1).max(100).optional();

export const auditFilter = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  actorId: idSchema.optional(),
  /** Part of the actor's name as recorded (姓名 or the username tried at a failed login). */
  actor: searchText,
  action: filterText,
  objectType: filterText,
  objectId: filterText,
  ip: filterText,
});
export type AuditFilter = z.input<typeof auditFilter>;

export const auditQuery = auditFilter.extend(pageQuery);
export type AuditQuery = z.input<typeof auditQuery>;

export const auditLogItem = z.object({
  seq: z.number().int(),
  at: z.string(),
  actorId: z.string().nullable(),
  actorName: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  before: z.unknown(),
  after: z.unknown(),
  detail: z.unknown(),
});
export type AuditLogItem = z.infer<typeof auditLogItem>;

export const auditLogPage = z.object({ items: z.array(auditLogItem), total: z.number().int() });
export type AuditLogPage = z.infer<typeof auditLogPage>;
