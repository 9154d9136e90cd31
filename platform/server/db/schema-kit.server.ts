/**
 * One schema source for two SQL dialects.
 *
 * `defineSchema` in schema.server.ts is written once against this small kit of column
 * factories; the SQLite and PostgreSQL kits below give each factory its dialect's type.
 * The resulting table objects are typed as the SQLite variant (the query-builder API we use is
 * the common subset of both); the shared repository test suite runs on both databases and
 * catches any dialect-only call.
 */
import * as sqlite from 'drizzle-orm/sqlite-core';
import * as pg from 'drizzle-orm/pg-core';

export const sqliteKit = {
  table: sqlite.sqliteTable,
  text: (name: string) => sqlite.text(name),
  int: (name: string) => sqlite.integer(name, { mode: 'number' }),
  real: (name: string) => sqlite.real(name),
  bool: (name: string) => sqlite.integer(name, { mode: 'boolean' }),
  /** Instants; stored as epoch milliseconds in SQLite, timestamptz(3) in PostgreSQL. */
  timestamp: (name: string) => sqlite.integer(name, { mode: 'timestamp_ms' }),
  json: <T>(name: string) => sqlite.text(name, { mode: 'json' }).$type<T>(),
  /** Epoch milliseconds as a plain integer in both dialects (telemetry: time-bucket arithmetic is the same SQL on both). */
  epochMs: (name: string) => sqlite.integer(name, { mode: 'number' }),
  /** Monotonic integer key for append-only tables (audit log). */
  serial: (name: string) => sqlite.integer(name, { mode: 'number' }).primaryKey({ autoIncrement: true }),
  index: sqlite.index,
  uniqueIndex: sqlite.uniqueIndex,
  primaryKey: sqlite.primaryKey,
};

export type SchemaKit = typeof sqliteKit;

export const pgKit = {
  table: pg.pgTable,
  text: (name: string) => pg.text(name),
  int: (name: string) => pg.integer(name),
  real: (name: string) => pg.doublePrecision(name),
  bool: (name: string) => pg.boolean(name),
  timestamp: (name: string) => pg.timestamp(name, { withTimezone: true, precision: 3, mode: 'date' }),
  json: <T>(name: string) => pg.jsonb(name).$type<T>(),
  epochMs: (name: string) => pg.bigint(name, { mode: 'number' }),
  serial: (name: string) => pg.bigserial(name, { mode: 'number' }).primaryKey(),
  index: pg.index,
  uniqueIndex: pg.uniqueIndex,
  primaryKey: pg.primaryKey,
} as unknown as SchemaKit;
