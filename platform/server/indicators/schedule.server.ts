/**
 * 指标定时计算: every published indicator with a formula, of every city, is computed for its
 * current period and the one before (late changes — a case of last month closed today, a report
 * approved or an inspection done since — still count there), for the city and each region level
 * it lists. Reported and inspected ones read what was approved or done; without it their value is
 * the explicit 'no data'. Recomputation replaces values, so several
 * processes running this at once (PostgreSQL deployments) only repeat work. One audit entry per
 * city and run says what was computed.
 */
import { and, eq } from 'drizzle-orm';
import { indicatorContentSchema } from '@tongguan/runtime/indicators/definition';
import { periodContaining, previousPeriod } from '@tongguan/runtime/indicators/period';
import type { App } from '../app.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { storeValues, type PublishedIndicator } from './indicators.server.ts';

/** The latest published version of each indicator of a city that has a formula (every third-level one). */
async function computableIndicators(app: App, tenantId: string): Promise<PublishedIndicator[]> {
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ id: d.id, key: d.key, version: d.version, content: d.content }).from(d)
    .where(and(eq(d.tenantId, tenantId), eq(d.kind, 'indicator'), eq(d.status, 'published')));
  const latest = new Map<string, PublishedIndicator>();
  for (const row of rows) {
    const content = indicatorContentSchema.parse(row.content);
    if (!content.formula) continue;
    if ((latest.get(row.key)?.version ?? 0) < row.version) latest.set(row.key, { id: row.id, key: row.key, version: row.version, content });
  }
  return [...latest.values()];
}

export async function computeDueIndicators(app: App): Promise<{ values: number }> {
  const tenants = await app.db.read.select({ id: app.db.t.tenants.id }).from(app.db.t.tenants);
  let values = 0;
  for (const { id: tenantId } of tenants) {
    const indicators = await computableIndicators(app, tenantId);
    if (!indicators.length) continue;
    const now = app.now();
    const periods = new Set<string>();
    const failed: string[] = [];
    let stored = 0;
    // One transaction per indicator: a long city-wide run never holds the writer for long.
    for (const indicator of indicators) {
      const current = periodContaining(indicator.content.period, now);
      for (const period of [previousPeriod(current), current]) {
        periods.add(`${period.kind}:${period.label}`);
        const levels = indicator.content.regions.filter((r): r is 'district' | 'grid' | 'unit' => r !== 'city');
        try {
          await app.db.transaction(async (tx) => {
            for (const groupBy of levels.length ? levels : [undefined]) stored += (await storeValues(app, tx, tenantId, indicator, period, groupBy, null)).rows.length;
          });
        } catch (error) {
          // One indicator that cannot compute (bad data, a bug) must not stop the others or the other cities.
          failed.push(indicator.key);
          console.error(`Indicator ${indicator.key} (${period.label}) of tenant ${tenantId} failed`, error);
        }
      }
    }
    await app.db.transaction((tx) => recordAudit(app.db, tx, {
      tenantId, actorId: null, actorName: 'scheduler', action: 'compute', objectType: 'indicator',
      detail: { indicators: indicators.map((i) => i.key), periods: [...periods], values: stored, failed },
    }, { ip: null, userAgent: null }, now));
    values += stored;
  }
  return { values };
}

/** Runs `computeDueIndicators` every `intervalMs` (and once at start) until stopped. */
export function startIndicatorLoop(app: App, intervalMs: number): () => Promise<void> {
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = running.then(() => computeDueIndicators(app)).catch((error: unknown) => console.error('Indicator computation failed', error));
  };
  const first = setTimeout(run, 5_000);
  const handle = setInterval(run, intervalMs);
  first.unref();
  handle.unref();
  return async () => {
    clearTimeout(first);
    clearInterval(handle);
    await running;
  };
}
