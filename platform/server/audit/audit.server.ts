/**
 * The audit trail (安全审计): who did what, when, from where, to which object, with the record
 * before and after. Written by services inside the same transaction as the change, so a change
 * and its audit entry commit together or not at all. Append-only: this module only inserts.
 */
import type { Db, Database } from '../db/database.server.ts';

export interface RequestMeta {
  ip: string | null;
  userAgent: string | null;
}

export interface AuditEntry {
  tenantId: string | null;
  actorId: string | null;
  actorName: string | null;
  action: string;
  objectType?: string;
  objectId?: string;
  before?: unknown;
  after?: unknown;
  detail?: unknown;
}

/** Fields never written to the audit log (secrets). */
const REDACTED = new Set(['passwordHash', 'password', 'tokenHash', 'token', 'csrfToken']);

function redact(value: unknown): unknown {
  if (value === null || value === undefined || typeof value !== 'object') return value ?? null;
  if (Array.isArray(value)) return value.map(redact);
  if (value instanceof Date) return value.toISOString();
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = REDACTED.has(k) ? '[redacted]' : redact(v);
  return out;
}

export async function recordAudit(db: Database, tx: Db, entry: AuditEntry, meta: RequestMeta, at: Date): Promise<void> {
  const t = db.t.auditLog;
  await tx.insert(t).values({
    tenantId: entry.tenantId,
    at,
    actorId: entry.actorId,
    actorName: entry.actorName,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 512) ?? null,
    before: redact(entry.before),
    after: redact(entry.after),
    detail: redact(entry.detail),
  });
}

/** recordAudit for a change made by an authenticated actor (the usual case in services). */
export function auditAs(
  app: { db: Database; now(): Date },
  tx: Db,
  actor: { principal: { tenantId: string; userId: string; displayName: string }; meta: RequestMeta },
  entry: Omit<AuditEntry, 'tenantId' | 'actorId' | 'actorName'>,
  at: Date = app.now(),
): Promise<void> {
  const { principal } = actor;
  return recordAudit(app.db, tx, { tenantId: principal.tenantId, actorId: principal.userId, actorName: principal.displayName, ...entry }, actor.meta, at);
}
