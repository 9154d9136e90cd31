import type { SQL } from 'drizzle-orm';
import type { Database, Db } from './database.server.ts';

/** Runs a hand-written statement on either dialect's handle (drizzle's SQLite `all`, PostgreSQL `execute`) and returns its rows. */
export async function runSql<R = Record<string, unknown>>(db: Database, tx: Db, statement: SQL): Promise<R[]> {
  if (db.dialect === 'postgres') return (await (tx as unknown as { execute(q: SQL): Promise<{ rows: R[] }> }).execute(statement)).rows;
  return tx.all<R>(statement);
}

/** Runs a hand-written statement that returns no rows (INSERT/UPDATE/DELETE without RETURNING) on either dialect. */
export async function execSql(db: Database, tx: Db, statement: SQL): Promise<void> {
  if (db.dialect === 'postgres') await (tx as unknown as { execute(q: SQL): Promise<unknown> }).execute(statement);
  else await tx.run(statement);
}
