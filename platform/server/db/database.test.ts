/**
 * The SQLite transaction engine itself (decision 003): group commit with a savepoint per
 * transaction, the transaction rule checks the test projects turn on, and a WAL that stays
 * bounded under a steady stream of commits. SQLite only — it runs on every machine, whatever
 * DATABASE_URL the rest of the suite uses.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from './database.server.ts';

let dir: string;
let db: Database;

function writer(database: Database) {
  if (database.raw.kind !== 'sqlite') throw new Error('SQLite only');
  return database.raw.writer;
}

const countRows = async (database: Database) => Number((await database.read.get<{ n: number }>(sql`SELECT count(*) AS n FROM items`)).n);

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tongguan-db-'));
  db = await openDatabase(`file:${join(dir, 'test.db')}`, { migrate: false });
  writer(db).exec('CREATE TABLE items (id INTEGER PRIMARY KEY, label TEXT NOT NULL, body BLOB)');
});

afterEach(async () => {
  await db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('group commit', () => {
  it('given three transactions queued together, when the middle one fails, then only its writes are undone and the others commit', async () => {
    const insert = (label: string) => (tx: Parameters<Parameters<Database['transaction']>[0]>[0]) =>
      Promise.resolve(tx.run(sql`INSERT INTO items (label) VALUES (${label})`));
    const results = await Promise.allSettled([
      db.transaction(insert('first')),
      db.transaction(async (tx) => {
        await insert('doomed')(tx);
        throw new Error('refused');
      }),
      db.transaction(insert('third')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    const labels = await db.read.all<{ label: string }>(sql`SELECT label FROM items ORDER BY id`);
    expect(labels.map((r) => r.label)).toEqual(['first', 'third']);
  });

  it('given a transaction, when it returns, then its result reaches the caller only after COMMIT (the reader sees the row)', async () => {
    await db.transaction(async (tx) => tx.run(sql`INSERT INTO items (label) VALUES ('x')`));
    expect(await countRows(db)).toBe(1);
  });
});

describe('the transaction rule (TONGGUAN_TX_CHECKS=1 in the test projects)', () => {
  it('given code inside a transaction, when it reads through db.read, then it is refused with the rule named', async () => {
    expect(process.env.TONGGUAN_TX_CHECKS).toBe('1');
    await expect(db.transaction(async () => db.read.all(sql`SELECT 1`))).rejects.toThrow(/db\.read inside a transaction/);
  });

  it('given code inside a transaction, when it opens another, then it is refused and nothing of the outer one is written', async () => {
    await expect(db.transaction(async (tx) => {
      tx.run(sql`INSERT INTO items (label) VALUES ('outer')`);
      await db.transaction(async (inner) => inner.run(sql`INSERT INTO items (label) VALUES ('inner')`));
    })).rejects.toThrow(/db\.transaction inside a transaction/);
    expect(await countRows(db)).toBe(0);
  });
});

describe('WAL checkpoints', () => {
  it('given commits arriving without pause for 1.5 s and 24 MiB, when the run ends, then the log was restarted and the WAL file is a fraction of what was written', async () => {
    const body = Buffer.alloc(3000, 7); // one row per 4 KiB page: every commit appends a few frames
    const began = Date.now();
    let committed = 0;
    // At least 1.5 s (several checkpointer rounds) and 24 MiB of pages, whatever the machine's speed.
    const more = () => Date.now() - began < 1500 || (committed * 4096 < 24 * 1024 * 1024 && Date.now() - began < 20_000);
    // Chained on promises only: the writer's event loop never turns to the worker's messages,
    // so the restart must come from the flag the writer checks between transactions.
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (more()) {
        await db.transaction(async (tx) => tx.run(sql`INSERT INTO items (label, body) VALUES ('load', ${body})`));
        committed += 1;
      }
    }));
    const written = committed * 4096;
    const walBytes = statSync(join(dir, 'test.db-wal')).size;
    expect(written).toBeGreaterThan(64 * 1024 * 1024 / 4); // enough load that an unbounded log would show
    expect(walBytes).toBeLessThan(written / 2);
    expect(await countRows(db)).toBe(committed);
  });

  it('given a database written under load, when it is closed and reopened, then it passes the integrity check with every row', async () => {
    const body = Buffer.alloc(3000, 1);
    const until = Date.now() + 600;
    let committed = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (Date.now() < until) {
        await db.transaction(async (tx) => tx.run(sql`INSERT INTO items (label, body) VALUES ('load', ${body})`));
        committed += 1;
      }
    }));
    await db.close();
    db = await openDatabase(`file:${join(dir, 'test.db')}`, { migrate: false });
    expect(writer(db).pragma('integrity_check', { simple: true })).toBe('ok');
    expect(await countRows(db)).toBe(committed);
  });
});
