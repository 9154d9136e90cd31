/**
 * Migration 0016 (indicator indexes): the daily rollup buckets per device and the 6-1 case
 * cohorts (registered / dispatched in a period) have indexes after migrating, on SQLite and on
 * PostgreSQL; and SQLite reads the statements the indicator computation builds through them —
 * a device type's daily buckets from the type's devices, a month's cohort from its range — as
 * `npm run bench:indicators` needs (not every rollup or case of the city).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { createEnvironment } from '@tongguan/runtime/expr/index';
import { indicatorContentSchema, PERIOD_TYPE } from '@tongguan/runtime/indicators/definition';
import { periodContaining } from '@tongguan/runtime/indicators/period';
import { computePlans, planOver } from '../indicators/formula-sql.server.ts';
import { createTestApp, type TestApp } from '../testing/test-app.server.ts';
import type { Db } from './database.server.ts';
import { runSql } from './run-sql.server.ts';

let t: TestApp;
let demo: string;
const INDEXES = ['cases_dispatched_idx', 'cases_registered_idx', 'telemetry_rollups_day_idx'];

beforeAll(async () => {
  t = await createTestApp();
  demo = await t.tenantId('demo');
});

afterAll(() => t.close());

/** The template indicator's query items, as the computation runs them (city level). */
function templateItems(file: string, code: string): string[] {
  const path = join(import.meta.dirname, '../../../templates/five-domains/indicators', file);
  const content = (JSON.parse(readFileSync(path, 'utf8')) as { content: unknown }[]).map((entry) => indicatorContentSchema.parse(entry.content)).find((c) => c.code === code);
  if (!content) throw new Error(`no ${code} in ${file}`);
  return content.basis.flatMap((item) => (item.source === 'query' ? [item.formula] : []));
}

/** SQLite's plan of every statement computing `formulas` together: one line per step. */
async function sqlitePlans(formulas: readonly string[]): Promise<string[][]> {
  const { db } = t.app;
  if (db.raw.kind !== 'sqlite') throw new Error('SQLite only');
  const statements: { query: string; params: unknown[] }[] = [];
  const logged = drizzle(db.raw.reader, { logger: { logQuery: (query, params) => statements.push({ query, params }) } }) as Db;
  const period = periodContaining('month', t.clock.now());
  const plans = formulas.map((formula) => planOver(t.app, formula, { variables: createEnvironment({ variables: { period: PERIOD_TYPE } }) }));
  await computePlans(t.app, demo, plans, { variables: { period: { start: period.start, end: period.end, kind: period.kind } }, context: { now: () => t.clock.now() } }, logged);
  const reader = db.raw.reader;
  return statements.map(({ query, params }) => (reader.prepare(`EXPLAIN QUERY PLAN ${query}`).all(...params) as { detail: string }[]).map((row) => row.detail));
}

describe('migration 0016: indexes the indicator computation reads through', () => {
  it('given a migrated database, when its indexes are listed, then the daily-bucket and case-cohort indexes are there', async () => {
    const { db } = t.app;
    const rows = db.dialect === 'postgres'
      ? await runSql<{ name: string }>(db, db.read, sql`SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND indexname IN (${sql.join(INDEXES.map((i) => sql`${i}`), sql`, `)})`)
      : await runSql<{ name: string }>(db, db.read, sql`SELECT name FROM sqlite_master WHERE type = 'index' AND name IN (${sql.join(INDEXES.map((i) => sql`${i}`), sql`, `)})`);
    expect(rows.map((row) => row.name).sort()).toEqual(INDEXES);
  });

  // SQLite only: PostgreSQL plans by its statistics, which a test database does not have.
  it.skipIf(process.env.DATABASE_URL?.startsWith('postgres'))('given 3-2-1\'s daily buckets computed together, when SQLite plans the statement, then it starts from the device type and reads the period\'s daily buckets per device', async () => {
    const [steps, ...others] = await sqlitePlans(templateItems('waste.json', '3-2-1'));
    expect(others).toEqual([]);
    expect(steps!.join('\n')).toMatch(/^SEARCH devices USING INDEX devices_type_idx/);
    expect(steps!.join('\n')).toMatch(/USING INDEX telemetry_rollups_day_idx \(device_id=\? AND bucket_start>\? AND bucket_start<\?\)/);
  });

  it.skipIf(process.env.DATABASE_URL?.startsWith('postgres'))('given 6-1-2\'s cohort, when SQLite plans it, then it reads the month\'s registrations by the registration index', async () => {
    const [steps] = await sqlitePlans(templateItems('case-performance.json', '6-1-2'));
    expect(steps!.join('\n')).toMatch(/USING INDEX cases_registered_idx \(tenant_id=\? AND registered_at>\? AND registered_at<\?\)/);
  });
});
