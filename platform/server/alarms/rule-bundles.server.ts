/**
 * 报警规则导入导出: the city's published alarm rules as a versioned JSON bundle
 * (`tongguan.alarmRules` v1, runtime/src/alarms/definition.ts), and a bundle back in as drafts —
 * one draft per rule (the existing draft of a key is replaced, else version n+1 is created), to
 * be published through the definitions lifecycle. Import is all or nothing: the bundle's shape,
 * every key and every rule's check against this city's device types, roles and processes are
 * verified in the transaction before anything is written; a problem is a 422 naming its path
 * (`rules.2.content.levels.0.condition.expr`) and nothing is written.
 */
import { and, desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import { exportAlarmRules, parseAlarmRuleBundle } from '@tongguan/runtime/alarms/definition';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { RawResponse } from '../api/define.server.ts';
import { AppError } from '../errors.server.ts';
import { codeSchema } from '../../shared/schemas/common.ts';
import { replaceOrCreateDraft } from '../services/definitions.server.ts';
import { alarmRuleIssues } from './rules.server.ts';

/** The latest published version of every alarm rule the actor may read, as a bundle file. */
export async function exportAlarmRuleBundle(app: App, actor: Actor): Promise<RawResponse> {
  assertCan(actor, 'read', 'Definition');
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, name: d.name, content: d.content, status: d.status }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'alarmRule'), eq(d.status, 'published'))).orderBy(d.key, desc(d.version));
  const latest = new Map<string, (typeof rows)[number]>();
  for (const row of rows) if (!latest.has(row.key) && can(actor, 'read', 'Definition', { kind: 'alarmRule', key: row.key, status: row.status })) latest.set(row.key, row);
  const now = app.now();
  const text = exportAlarmRules([...latest.values()].map(({ key, name, content }) => ({ key, name, content })), { exportedAt: now });
  const day = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai' }).format(now).replaceAll('-', '');
  return new RawResponse(200, { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="alarm-rules-${day}.json"` }, text);
}

const issueAt = (path: (string | number)[], message: string) => ({ code: 'custom', path, message, input: undefined }) as z.core.$ZodIssue;

export async function importAlarmRuleBundle(app: App, actor: Actor, raw: unknown): Promise<{ rules: { key: string; id: string; version: number; created: boolean }[] }> {
  assertCan(actor, 'create', 'Definition', { kind: 'alarmRule', status: 'draft' });
  const parsed = parseAlarmRuleBundle(raw);
  if (!parsed.ok) {
    if (parsed.issues.length) throw new AppError('validation_failed', {}, { issues: [...parsed.issues] });
    throw new AppError('validation_failed', {}, { fields: parsed.problems.map((p) => ({ field: p.segments.join('.') || '(body)', message: p.message })) });
  }
  const { rules } = parsed.bundle;
  const { tenantId } = actor.principal;
  for (const rule of rules) assertCan(actor, 'create', 'Definition', { kind: 'alarmRule', key: rule.key, status: 'draft' });
  return app.db.transaction(async (tx) => {
    const issues: z.core.$ZodIssue[] = [];
    for (const [i, rule] of rules.entries()) {
      // Definition keys are shorter than the bundle allows.
      const key = codeSchema.safeParse(rule.key);
      if (!key.success) issues.push(...key.error.issues.map((issue) => ({ ...issue, path: ['rules', i, 'key'] }) as z.core.$ZodIssue));
      issues.push(...(await alarmRuleIssues(app, tx, tenantId, rule.content, actor.locale, ['rules', i, 'content'])));
    }
    if (rules.length === 0) issues.push(issueAt(['rules'], '#validation.alarmBundleEmpty'));
    if (issues.length) throw new AppError('validation_failed', {}, { issues });
    const out: { key: string; id: string; version: number; created: boolean }[] = [];
    for (const rule of rules) {
      const { before, after } = await replaceOrCreateDraft(app, tx, actor, { kind: 'alarmRule', key: rule.key, name: rule.name, content: rule.content });
      await auditAs(app, tx, actor, { action: 'import', objectType: 'definition', objectId: after.id, before, after, detail: { kind: 'alarmRule', key: rule.key } });
      out.push({ key: rule.key, id: after.id, version: after.version, created: !before });
    }
    return { rules: out };
  });
}
