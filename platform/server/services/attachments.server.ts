/**
 * Attachments: photos of a problem before handling (reported with the case) and after it (with
 * the handler's feedback), and photos of 实地考察 evaluation points. Uploaded first (bytes to the
 * file storage, a row in `attachments`), then linked to a case in the transaction that reports
 * or handles it, or to an inspection task in the one that records its results. The declared type must
 * match the file's leading bytes, so a script cannot be smuggled in as a photo.
 */
import { createHash } from 'node:crypto';
import { newId } from '../ids.server.ts';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { AppError, notFound } from '../errors.server.ts';
import { RawResponse } from '../api/define.server.ts';

export const ATTACHMENT_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

const SIGNATURES: Record<(typeof ATTACHMENT_TYPES)[number], (b: Buffer) => boolean> = {
  'image/jpeg': (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  'image/png': (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  'image/webp': (b) => b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
  'application/pdf': (b) => b.subarray(0, 5).toString('latin1') === '%PDF-',
};

export interface AttachmentOutput {
  id: string;
  name: string;
  contentType: string;
  size: number;
  stage: 'before' | 'after' | null;
  uploadedAt: string;
}

type AttachmentRow = App['db']['t']['attachments']['$inferSelect'];

export const toAttachmentOutput = (row: AttachmentRow): AttachmentOutput => ({
  id: row.id, name: row.name, contentType: row.contentType, size: row.size, stage: row.stage, uploadedAt: row.uploadedAt.toISOString(),
});

/** A file name as the client sent it (URL-encoded header), stripped of paths and control characters. */
function cleanName(raw: string | undefined): string {
  let name = 'file';
  try {
    name = decodeURIComponent(raw ?? 'file');
  } catch {
    throw new AppError('validation_failed', {}, { fields: [{ field: 'x-file-name', message: '#validation.name' }] });
  }
  const base = name.split(/[\\/]/).pop() ?? 'file';
  return base.replace(/[\u0000-\u001f<>"]/g, '').slice(0, 200) || 'file';
}

export async function uploadAttachment(app: App, actor: Actor, bytes: Buffer, contentType: string, rawName: string | undefined): Promise<AttachmentOutput> {
  assertCan(actor, 'create', 'Case');
  const type = contentType.split(';')[0].trim().toLowerCase() as (typeof ATTACHMENT_TYPES)[number];
  if (!SIGNATURES[type]?.(bytes)) throw new AppError('unsupported_media_type');
  const id = newId();
  const row: AttachmentRow = {
    id, tenantId: actor.principal.tenantId, name: cleanName(rawName), contentType: type, size: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'), uploadedBy: actor.principal.userId, uploadedAt: app.now(), caseId: null, stage: null, inspectionTaskId: null,
  };
  // Bytes first: a row never points at a missing file; an orphan file without a row is harmless.
  await app.files.put(id, bytes);
  await app.db.transaction(async (tx) => {
    await tx.insert(app.db.t.attachments).values(row);
    await auditAs(app, tx, actor, { action: 'upload', objectType: 'attachment', objectId: id, after: toAttachmentOutput(row) }, row.uploadedAt);
  });
  return toAttachmentOutput(row);
}

/** Where an upload is linked: a case (处置前/处置后 photos) or an inspection task (photos of its evaluation points). */
type LinkTarget = { caseId: string; stage: 'before' | 'after' } | { inspectionTaskId: string; photosOnly: true };

/**
 * Links the actor's own uploads, not yet linked to anything, to a case or an inspection task;
 * any other id (someone else's, already linked, unknown, or a PDF where photos are asked for) is
 * a 422 naming it.
 */
export async function linkAttachments(tx: Db, app: App, actor: Actor, ids: readonly string[], target: LinkTarget, field: string): Promise<void> {
  if (ids.length === 0) return;
  const a = app.db.t.attachments;
  const mine = and(eq(a.tenantId, actor.principal.tenantId), eq(a.uploadedBy, actor.principal.userId), isNull(a.caseId), isNull(a.inspectionTaskId));
  const rows = await tx.select({ id: a.id, contentType: a.contentType }).from(a).where(and(mine, inArray(a.id, [...ids])));
  const usable = new Set(rows.filter((r) => !('photosOnly' in target) || r.contentType.startsWith('image/')).map((r) => r.id));
  const bad = ids.findIndex((id) => !usable.has(id));
  if (bad >= 0) throw new AppError('validation_failed', {}, { fields: [{ field: `${field}.${bad}`, message: '#validation.unknownAttachment' }] });
  const set = 'caseId' in target ? { caseId: target.caseId, stage: target.stage } : { inspectionTaskId: target.inspectionTaskId };
  await tx.update(a).set(set).where(and(mine, inArray(a.id, [...ids])));
}

export async function caseAttachments(app: App, caseId: string): Promise<AttachmentOutput[]> {
  const a = app.db.t.attachments;
  const rows = await app.db.read.select().from(a).where(eq(a.caseId, caseId)).orderBy(a.uploadedAt, a.id);
  const stageOrder = (stage: string | null) => (stage === 'before' ? 0 : stage === 'after' ? 1 : 2);
  return rows.sort((x, y) => stageOrder(x.stage) - stageOrder(y.stage)).map(toAttachmentOutput);
}

/** Who may read what an attachment is linked to (each checked in its own service). */
export interface AttachmentReaders {
  mayReadCase(caseId: string): Promise<boolean>;
  mayReadInspection(taskId: string): Promise<boolean>;
}

/** The file itself: for its uploader, or for whoever may read the case or inspection task it belongs to. */
export async function readAttachment(app: App, actor: Actor, id: string, readers: AttachmentReaders): Promise<RawResponse> {
  const a = app.db.t.attachments;
  const [row] = await app.db.read.select().from(a).where(and(eq(a.tenantId, actor.principal.tenantId), eq(a.id, id)));
  const allowed = row && (row.uploadedBy === actor.principal.userId
    || (row.caseId !== null && can(actor, 'read', 'Case') && (await readers.mayReadCase(row.caseId)))
    || (row.inspectionTaskId !== null && (await readers.mayReadInspection(row.inspectionTaskId))));
  if (!row || !allowed) throw notFound('attachment');
  const bytes = await app.files.get(row.id);
  if (!bytes) throw notFound('attachment');
  return new RawResponse(200, {
    'content-type': row.contentType,
    'content-length': String(bytes.length),
    // Shown inline for photos; the name is RFC 5987-encoded so Chinese names survive.
    'content-disposition': `inline; filename*=UTF-8''${encodeURIComponent(row.name)}`,
    'cache-control': 'private, max-age=3600',
  }, bytes);
}
