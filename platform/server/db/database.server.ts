/**
 * Opens the configured database (SQLite file by default, PostgreSQL for postgres:// URLs),
 * applies the checked-in migrations, and offers one transaction primitive for both dialects.
 *
 * SQLite: better-sqlite3 is synchronous and drizzle's SQLite transactions cannot await, so
 * writes go through one writer connection that runs one transaction at a time, while reads
 * outside a transaction use a second connection that, under WAL, only ever sees committed data.
 * Group commit: transactions that queued while another ran share its COMMIT, each inside its own
 * SAVEPOINT — one that fails is rolled back alone, and every caller hears of success only after
 * the shared COMMIT (with synchronous=FULL, after the fsync). Only transactions in flight at the
 * same time share a COMMIT, so a caller that waits for one result before starting the next never
 * does; a COMMIT (and its WAL write and fsync) costs as much for one step as for several, and
 * was half of a workflow step's time. PostgreSQL: a pool; transactions are drizzle's own.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { drizzle as drizzleSqlite, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateSqlite } from 'drizzle-orm/better-sqlite3/migrator';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { schema as sqliteSchema } from './schema.sqlite.server.ts';
import { schema as pgSchema } from './schema.pg.server.ts';
import type { Schema } from './schema.server.ts';

const require = createRequire(import.meta.url);

/**
 * Which transaction an async context is in, tracked only under TONGGUAN_TX_CHECKS=1 (the test
 * suites turn it on) to catch a `db.read` or a nested `transaction` inside a transaction. Not
 * tracked in production: on Node 20 AsyncLocalStorage runs async hooks for every promise and
 * socket in the process, which cost a fifth of an API read and of a workflow step.
 */
interface TxScope {
  current(): Db | undefined;
  run<T>(tx: Db, fn: () => Promise<T>): Promise<T>;
}

function txScope(): TxScope {
  if (process.env.TONGGUAN_TX_CHECKS !== '1') return { current: () => undefined, run: (_tx, fn) => fn() };
  const storage = new AsyncLocalStorage<Db>();
  return { current: () => storage.getStore(), run: (tx, fn) => storage.run(tx, fn) };
}

function misuse(what: string): Error {
  return new Error(`${what} inside a transaction: use the transaction handle it was given (TONGGUAN_TX_CHECKS)`);
}

/** The query-builder surface shared by both dialects (typed as SQLite; see schema-kit). */
export type Db = BetterSQLite3Database<Record<string, never>>;

export type Dialect = 'sqlite' | 'postgres';

export interface Database {
  readonly dialect: Dialect;
  readonly t: Schema;
  /**
   * Reads outside any transaction (the read connection / the pool). Code inside a transaction
   * reads through the `tx` it was given — it sees its own writes and never waits for a second
   * connection; with TONGGUAN_TX_CHECKS=1 (the test suites) touching `read` there throws.
   */
  readonly read: Db;
  /**
   * Runs `fn` in one transaction. Not re-entrant: code inside a transaction passes its `tx` on
   * instead of opening another (with TONGGUAN_TX_CHECKS=1 a nested call throws).
   */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  /** Round-trip to the database (health checks). */
  ping(): Promise<void>;
  close(): Promise<void>;
  /** Low-level handle for dialect-specific work (migrations, benchmarks, pragmas). */
  readonly raw: { kind: 'sqlite'; writer: BetterSqlite3.Database; reader: BetterSqlite3.Database } | { kind: 'postgres'; pool: pg.Pool };
}

const migrationsRoot = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** `data/files` at the repository root, beside the default database. */
export function defaultFilesDir(): string {
  return resolve(migrationsRoot, '../../../../data/files');
}

/** The embedded default: a SQLite file under the repository's `data/` folder. */
export function defaultDatabaseUrl(): string {
  return `file:${resolve(migrationsRoot, '../../../../data/tongguan.db')}`;
}

export function dialectOf(url: string): Dialect {
  return /^postgres(ql)?:\/\//.test(url) ? 'postgres' : 'sqlite';
}

export interface OpenOptions {
  /** SQLite `synchronous` pragma; NORMAL is safe under WAL against process crashes. */
  synchronous?: 'NORMAL' | 'FULL';
  /** PostgreSQL pool size. */
  poolSize?: number;
  migrate?: boolean;
  /** PostgreSQL schema to use instead of `public` (tests isolate each suite in its own). */
  pgSchema?: string;
  /**
   * SQLite: run the WAL checkpointer in this process (default). Of several processes sharing
   * the file (cluster workers) one checkpoints; the others would only collide with it.
   */
  checkpoint?: boolean;
}

export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const database = dialectOf(url) === 'postgres' ? await openPostgres(url, options) : openSqlite(url, options);
  if (options.migrate !== false) await migrateDatabase(database, options.pgSchema);
  return database;
}

export async function migrateDatabase(database: Database, pgSchema?: string): Promise<void> {
  if (database.raw.kind === 'sqlite') {
    migrateSqlite(drizzleSqlite(database.raw.writer), { migrationsFolder: resolve(migrationsRoot, 'sqlite') });
  } else {
    // An advisory lock serialises migrations when several app processes start together.
    const client = await database.raw.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock(727001)');
      await migratePg(drizzlePg(client), { migrationsFolder: resolve(migrationsRoot, 'pg'), ...(pgSchema ? { migrationsSchema: pgSchema } : {}) });
    } finally {
      await client.query('SELECT pg_advisory_unlock(727001)').catch(() => undefined);
      client.release();
    }
  }
}

function sqlitePath(url: string): string {
  const path = url.replace(/^file:/, '').replace(/^sqlite:/, '');
  if (path === ':memory:') throw new Error('SQLite :memory: is not supported: the reader and writer need a shared file.');
  // npm runs workspace scripts inside platform/; INIT_CWD is where the user typed the command.
  return resolve(process.env.INIT_CWD ?? process.cwd(), path);
}

function openSqlite(url: string, options: OpenOptions): Database {
  const path = sqlitePath(url);
  mkdirSync(dirname(path), { recursive: true });
  const writer = new BetterSqlite3(path);
  writer.pragma('journal_mode = WAL');
  writer.pragma(`synchronous = ${options.synchronous ?? 'NORMAL'}`);
  writer.pragma('foreign_keys = ON');
  writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  // Checkpoints (copying the WAL into the database file, with an fsync) run on a worker thread
  // instead of inside whichever COMMIT crossed the threshold: that COMMIT blocked the event loop
  // for tens of milliseconds, which was the p99 of a workflow step and a fifth of its throughput.
  writer.pragma('wal_autocheckpoint = 0');
  writer.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const reader = new BetterSqlite3(path);
  reader.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const writeDb = drizzleSqlite(writer) as Db;
  const readDb = drizzleSqlite(reader) as Db;

  const active = txScope();
  const waiting: Pending[] = [];
  let writing: Promise<void> | undefined;
  let closing = false;
  // The log is restarted between two transactions, never inside one.
  const restartIfWanted = () => {
    if (closing || !checkpointer.restartWanted()) return;
    restartLog(writer);
    checkpointer.restarted();
  };
  const checkpointer = options.checkpoint === false ? noCheckpointer : startCheckpointer(path, () => {
    if (!writing) restartIfWanted();
  });
  const runQueued = async (): Promise<void> => {
    try {
      while (waiting.length) {
        await commitGroup(writer, writeDb, active, waiting);
        restartIfWanted();
      }
    } finally {
      writing = undefined;
    }
  };

  return {
    dialect: 'sqlite',
    t: sqliteSchema,
    get read() {
      if (active.current()) throw misuse('db.read');
      return readDb;
    },
    raw: { kind: 'sqlite', writer, reader },
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (active.current()) return Promise.reject(misuse('db.transaction'));
      return new Promise<T>((resolve, reject) => {
        waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        writing ??= runQueued();
      });
    },
    async ping() {
      reader.prepare('SELECT 1').get();
    },
    async close() {
      closing = true;
      await writing;
      await checkpointer.stop();
      if (options.checkpoint !== false) writer.pragma('wal_checkpoint(TRUNCATE)');
      reader.close();
      writer.close();
    },
  };
}

/** How long a connection waits for a lock another process holds. */
const BUSY_TIMEOUT_MS = 5000;

/** How often the checkpointer copies committed WAL frames into the database file. */
const CHECKPOINT_INTERVAL_MS = 200;

/**
 * WAL frames (4 KiB pages) past which the log is restarted. Under a steady stream of commits a
 * PASSIVE checkpoint never catches up with the writer, so the WAL never starts over by itself
 * and grows without bound (750 MB in 10 s of workflow steps) — and every write past its end
 * makes the kernel allocate and zero fresh pages (a fifth of a step's CPU).
 */
const RESTART_FRAMES = 4096;

/** The WAL file is cut back to this size when the log restarts. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

interface Checkpointer {
  /** True once the worker has copied the bulk of a long log and waits for the writer to restart it. */
  restartWanted(): boolean;
  /** Tells the worker the restart is done (or given up): it checkpoints again. */
  restarted(): void;
  stop(): Promise<void>;
}

/** For a process that leaves checkpoints to another sharing the file. */
const noCheckpointer: Checkpointer = { restartWanted: () => false, restarted: () => undefined, stop: async () => undefined };

/**
 * A worker thread with its own connection runs PASSIVE checkpoints (they never block the writer
 * or readers): the bulk of the copying. Once the WAL holds more than RESTART_FRAMES it runs a
 * second pass over what came in meanwhile, raises a flag in shared memory and stops; the writer
 * sees the flag between two transactions and restarts the log itself (`restartLog`), copying
 * only the last few frames. Done in the worker instead, the RESTART took the write lock while
 * transactions kept coming and SQLite's busy handler backs off 1, 2, 5, 10 ms: a BEGIN then
 * slept up to 18 ms on the event loop, which was the p99 of a workflow step. The flag is shared
 * memory, not only a message, because a busy writer's event loop may not turn to messages for
 * seconds (transactions chained on promises never yield to it).
 */
function startCheckpointer(path: string, onRestartWanted: () => void): Checkpointer {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(`
    const { workerData, parentPort } = require('node:worker_threads');
    const Database = require(workerData.module);
    const db = new Database(workerData.path);
    const flag = workerData.flag;
    const timer = setInterval(() => {
      if (Atomics.load(flag, 0) === 1) return;
      try {
        const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)');
        if (log <= workerData.restartFrames) return;
        db.pragma('wal_checkpoint(PASSIVE)');
        Atomics.store(flag, 0, 1);
        parentPort.postMessage({ restart: true });
      } catch (error) { parentPort.postMessage({ error: String(error) }); }
    }, workerData.intervalMs);
    parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
  `, { eval: true, workerData: { path, module: require.resolve('better-sqlite3'), intervalMs: CHECKPOINT_INTERVAL_MS, restartFrames: RESTART_FRAMES, flag } });
  worker.unref();
  let exited = false;
  worker.once('exit', () => { exited = true; });
  // A failed checkpoint is retried on the next tick; the WAL only grows meanwhile. A checkpointer
  // that cannot run at all is reported, not fatal: the writer checkpoints when it closes.
  worker.on('message', (message: { restart?: true; error?: string }) => {
    if (message.restart) onRestartWanted();
    else console.error('SQLite checkpoint failed', message.error);
  });
  worker.on('error', (error) => console.error('SQLite checkpointer stopped', error));
  return {
    restartWanted: () => Atomics.load(flag, 0) === 1,
    restarted: () => Atomics.store(flag, 0, 0),
    stop: () => new Promise<void>((resolve) => {
      if (exited) return resolve();
      // Held by the process again while it winds down, or an exiting CLI would not wait for it.
      worker.ref();
      worker.once('exit', () => resolve());
      worker.postMessage('stop');
    }),
  };
}

/**
 * Restarts the WAL from the writer while it has no transaction open and its reader is idle:
 * copies the frames the worker's passes left and lets the next transaction write the log from
 * its start. Never waits: another process holding the log (busy) just means no restart this time.
 */
function restartLog(writer: BetterSqlite3.Database): void {
  writer.pragma('busy_timeout = 0');
  try {
    writer.pragma('wal_checkpoint(RESTART)');
  } catch (error) {
    console.error('SQLite checkpoint failed', error);
  } finally {
    writer.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  }
}

interface Pending {
  fn: (tx: Db) => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** More would delay the first transaction of a group by the time of all the others. */
const MAX_GROUP = 16;

const controls = new WeakMap<BetterSqlite3.Database, Record<'begin' | 'savepoint' | 'release' | 'commit', BetterSqlite3.Statement>>();

/** The transaction-control statements, prepared once per connection (exec parses its SQL every time). */
function controlStatements(writer: BetterSqlite3.Database) {
  let control = controls.get(writer);
  if (!control) {
    control = {
      begin: writer.prepare('BEGIN IMMEDIATE'), savepoint: writer.prepare('SAVEPOINT tx'),
      release: writer.prepare('RELEASE tx'), commit: writer.prepare('COMMIT'),
    };
    controls.set(writer, control);
  }
  return control;
}

/** Runs the transactions waiting now (up to MAX_GROUP) under one COMMIT; see the header. */
async function commitGroup(writer: BetterSqlite3.Database, writeDb: Db, active: TxScope, waiting: Pending[]): Promise<void> {
  const control = controlStatements(writer);
  try {
    control.begin.run();
  } catch (error) {
    waiting.shift()?.reject(error);
    return;
  }
  const succeeded: { pending: Pending; result: unknown }[] = [];
  for (let n = 0; n < MAX_GROUP && waiting.length; n++) {
    const pending = waiting.shift() as Pending;
    try {
      control.savepoint.run();
      const result = await active.run(writeDb, () => pending.fn(writeDb));
      control.release.run();
      succeeded.push({ pending, result });
    } catch (error) {
      pending.reject(error);
      if (!undoSavepoint(writer)) {
        // The whole transaction is gone (I/O error, disk full…): nothing of the group is written.
        for (const s of succeeded) s.pending.reject(error);
        return;
      }
    }
  }
  try {
    control.commit.run();
  } catch (error) {
    if (writer.inTransaction) writer.exec('ROLLBACK');
    for (const s of succeeded) s.pending.reject(error);
    return;
  }
  for (const s of succeeded) s.pending.resolve(s.result);
}

/** Rolls back to the current transaction's savepoint; false when the transaction itself is lost. */
function undoSavepoint(writer: BetterSqlite3.Database): boolean {
  if (!writer.inTransaction) return false;
  try {
    writer.exec('ROLLBACK TO tx');
    writer.exec('RELEASE tx');
    return true;
  } catch {
    if (writer.inTransaction) writer.exec('ROLLBACK');
    return false;
  }
}

async function openPostgres(url: string, options: OpenOptions): Promise<Database> {
  if (options.pgSchema && !/^[a-z_][a-z0-9_]*$/.test(options.pgSchema)) throw new Error(`Invalid schema name ${options.pgSchema}`);
  if (options.pgSchema) {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${options.pgSchema}`);
    await admin.end();
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(options.pgSchema ? { options: `-c search_path=${options.pgSchema}` } : {}),
  });
  // Fail fast with a clear message rather than on the first request.
  await pool.query('SELECT 1');
  const db = drizzlePg(pool) as unknown as Db;
  const active = txScope();
  return {
    dialect: 'postgres',
    t: pgSchema as unknown as Schema,
    // A transaction reading through the pool would wait for a second connection: with every
    // connection held by a transaction waiting for one, the pool deadlocks under load.
    get read() {
      if (active.current()) throw misuse('db.read');
      return db;
    },
    raw: { kind: 'postgres', pool },
    transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T> {
      if (active.current()) return Promise.reject(misuse('db.transaction'));
      const pgDb = db as unknown as { transaction<R>(f: (tx: unknown) => Promise<R>): Promise<R> };
      return pgDb.transaction((tx) => active.run(tx as Db, () => fn(tx as Db)));
    },
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      await pool.end();
    },
  };
}
