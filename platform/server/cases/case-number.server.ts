/**
 * Case numbers from the city's rule (parameter `case.numberRule`, e.g. `{yyyyMMdd}{seq:4}` →
 * 202611220001). The counter restarts whenever the rule's date part changes (per day for
 * `{yyyyMMdd}`, per month for `{yyyyMM}`…) and is taken with one upsert, so concurrent reports
 * on PostgreSQL never share a number.
 */
import { sql } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';

const TOKEN = /\{(yyyyMMdd|yyyyMM|yyyy|yy|MM|dd|seq:(\d+))\}/g;

function dateParts(at: Date, timeZone: string): Record<'yyyy' | 'MM' | 'dd', string> {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return { yyyy: get('year'), MM: get('month'), dd: get('day') };
}

/** Expands the rule's date tokens; returns the number with a `{seq}` hole and the counter's period. */
export function expandRule(pattern: string, at: Date, timeZone = 'Asia/Shanghai'): { period: string; format(seq: number): string } {
  const { yyyy, MM, dd } = dateParts(at, timeZone);
  const values: Record<string, string> = { yyyyMMdd: yyyy + MM + dd, yyyyMM: yyyy + MM, yyyy, yy: yyyy.slice(2), MM, dd };
  let period = '';
  let digits = 4;
  const template = pattern.replace(TOKEN, (_m, token: string, width?: string) => {
    if (width) {
      digits = Number(width);
      return '\u0000';
    }
    period += values[token];
    return values[token];
  });
  return { period: period || 'all', format: (seq) => template.replace('\u0000', String(seq).padStart(digits, '0')) };
}

export async function allocateCaseNumber(tx: Db, app: App, tenantId: string, pattern: string, at: Date): Promise<string> {
  const rule = expandRule(pattern, at);
  const s = app.db.t.caseSequences;
  const [row] = await tx.insert(s).values({ tenantId, period: rule.period, last: 1 })
    .onConflictDoUpdate({ target: [s.tenantId, s.period], set: { last: sql`${s.last} + 1` } })
    .returning({ last: s.last });
  return rule.format(row.last);
}
