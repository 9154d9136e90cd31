/**
 * 审计日志: reading and exporting the audit trail (GB/T 22239 level 2 安全审计). The trail is
 * append-only: this module only ever SELECTs (and records that an export happened); database
 * triggers refuse UPDATE and DELETE on audit_log. By the separation of duties in the built-in
 * roles only auditors may read it; administrators are explicitly denied.
 */
import { and, count, desc, eq, gte, like, lte, type SQL } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { RawResponse } from '../api/define.server.ts';
import { parseInput } from '../errors.server.ts';
import type { Action } from '../../shared/domain.ts';
import { translate, type Locale, type MessageKey } from '../../shared/i18n/index.ts';
import { toCsvCell } from '../../shared/schemas/dictionary-csv.ts';
import {
  auditFilter, auditQuery, type AuditFilter, type AuditLogItem, type AuditLogPage, type AuditQuery,
} from '../../shared/schemas/audit.ts';
import type { z } from 'zod';

type AuditRow = App['db']['t']['auditLog']['$inferSelect'];

/** Larger exports belong in a database dump, not a spreadsheet. */
export const MAX_EXPORT_ROWS = 100_000;

const CSV_COLUMNS = ['at', 'actor', 'action', 'objectType', 'objectId', 'ip', 'before', 'after'] as const;

function toAuditLogItem(row: AuditRow): AuditLogItem {
  return {
    seq: Number(row.seq), at: row.at.toISOString(), actorId: row.actorId ?? null, actorName: row.actorName ?? null, action: row.action,
    objectType: row.objectType ?? null, objectId: row.objectId ?? null, ip: row.ip ?? null, userAgent: row.userAgent ?? null,
    before: row.before ?? null, after: row.after ?? null, detail: row.detail ?? null,
  };
}

/** The rows of the actor's tenant matching the filter that the actor may `action` (read or export). */
function whereFor(app: App, actor: Actor, action: Action, filter: z.output<typeof auditFilter>): SQL | undefined {
  const a = app.db.t.auditLog;
  const scope = accessibleWhere(actor.principal.ability, action, 'AuditLog', {
    actorId: a.actorId, action: a.action, objectType: a.objectType, objectId: a.objectId,
  });
  return and(
    eq(a.tenantId, actor.principal.tenantId),
    scope,
    filter.from ? gte(a.at, new Date(filter.from)) : undefined,
    filter.to ? lte(a.at, new Date(filter.to)) : undefined,
    filter.actorId ? eq(a.actorId, filter.actorId) : undefined,
    filter.actor ? like(a.actorName, `%${filter.actor}%`) : undefined,
    filter.action ? eq(a.action, filter.action) : undefined,
    filter.objectType ? eq(a.objectType, filter.objectType) : undefined,
    filter.objectId ? eq(a.objectId, filter.objectId) : undefined,
    filter.ip ? eq(a.ip, filter.ip) : undefined,
  );
}

/** One page of matching entries, newest first, with the total count. */
export async function queryAuditLog(app: App, actor: Actor, raw: AuditQuery = {}): Promise<AuditLogPage> {
  const query = parseInput(auditQuery, raw);
  const where = whereFor(app, actor, 'read', query);
  const a = app.db.t.auditLog;
  const [{ n }] = await app.db.read.select({ n: count() }).from(a).where(where);
  const rows = await app.db.read.select().from(a).where(where).orderBy(desc(a.seq)).limit(query.limit).offset(query.offset);
  return { items: rows.map(toAuditLogItem), total: Number(n) };
}

/** The catalog label of `key` in `section`, or the raw value when the catalog has none. */
function labelOf(locale: Locale, section: string, value: string | null): string {
  if (!value) return '';
  const key = `${section}.${value}`;
  const text = translate(locale, key);
  return text === key ? value : text;
}

const jsonCell = (value: unknown) => (value === null || value === undefined ? '' : JSON.stringify(value));

function toCsv(rows: AuditRow[], locale: Locale): string {
  const header = CSV_COLUMNS.map((c) => toCsvCell(translate(locale, `auditExport.${c}` as MessageKey)));
  const lines = [header.join(',')];
  for (const r of rows) {
    lines.push([
      r.at.toISOString(), r.actorName ?? r.actorId ?? '', labelOf(locale, 'auditActions', r.action), labelOf(locale, 'objects', r.objectType),
      r.objectId ?? '', r.ip ?? '', jsonCell(r.before), jsonCell(r.after),
    ].map(toCsvCell).join(','));
  }
  // The BOM makes Excel open the file as UTF-8 (Chinese names and labels).
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}

/**
 * CSV of the matching entries (newest first, at most MAX_EXPORT_ROWS), headers and labels in the
 * actor's language. The export itself is audited: who took which slice of the trail.
 */
export async function exportAuditCsv(app: App, actor: Actor, raw: AuditFilter = {}): Promise<RawResponse> {
  const filter = parseInput(auditFilter, raw);
  const where = whereFor(app, actor, 'export', filter);
  const a = app.db.t.auditLog;
  const found = await app.db.read.select().from(a).where(where).orderBy(desc(a.seq)).limit(MAX_EXPORT_ROWS + 1);
  const truncated = found.length > MAX_EXPORT_ROWS;
  const rows = truncated ? found.slice(0, MAX_EXPORT_ROWS) : found;
  const now = app.now();
  await app.db.transaction((tx) => recordAudit(app.db, tx, {
    tenantId: actor.principal.tenantId, actorId: actor.principal.userId, actorName: actor.principal.displayName, action: 'export',
    objectType: 'auditLog', detail: { filter, rows: rows.length, truncated },
  }, actor.meta, now));
  const stamp = now.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-');
  return new RawResponse(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="audit-log-${stamp}.csv"`,
    'x-row-count': String(rows.length),
    'x-truncated': String(truncated),
  }, toCsv(rows, actor.locale));
}
