/**
 * The statements every workflow step runs, prepared once per connection handle instead of being
 * rebuilt per call: drizzle spends ~100 µs building a query whose execution takes ~5 µs on
 * SQLite, and that was most of a step's CPU (see docs/benchmarks.md).
 *
 * Keyed by the handle the statement was prepared on: on SQLite every transaction runs on the
 * one writer handle, so each statement is built once per process; on PostgreSQL a prepared
 * query is bound to its transaction's client, so statements are built at most once per
 * transaction (lazily, only those used) and never leak into another one.
 */
import { and, desc, eq, getTableColumns, inArray, sql, type Column, type Table } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';

type Tables = App['db']['t'];

/**
 * A placeholder for a column value, passed through as given: `statementsOf` encodes values by
 * their column itself, because drizzle's own encoding of a placeholder calls the encoder on
 * NULL too (and fails on a null timestamp).
 */
const v = (name: string) => sql`${sql.placeholder(name)}`;
const p = (name: string) => sql.placeholder(name);

/** Adds `FOR UPDATE` on PostgreSQL (the builders are typed as SQLite's, which has no `.for`). */
function forUpdate<Q>(query: Q, dialect: App['db']['dialect']): Q {
  return dialect === 'postgres' ? (query as unknown as { for(strength: 'update'): Q }).for('update') : query;
}

const builders = {
  /**
   * The instance a step is about to change. SQLite runs one write transaction at a time;
   * PostgreSQL takes the row lock, so two steps on one instance (parallel branches completed at
   * once) queue instead of one failing.
   */
  instance: (t: Tables, tx: Db, dialect: App['db']['dialect']) => {
    const pi = t.processInstances;
    return forUpdate(tx.select().from(pi).where(and(eq(pi.tenantId, p('tenantId')), eq(pi.id, p('id')))), dialect).prepare();
  },
  insertInstance: (t: Tables, tx: Db) => {
    const pi = t.processInstances;
    return tx.insert(pi).values({
      id: v('id'), tenantId: v('tenantId'), definitionId: v('definitionId'), processKey: v('processKey'), definitionVersion: v('definitionVersion'),
      businessKey: v('businessKey'), status: v('status'), state: v('state'), revision: v('revision'), parentInstanceId: v('parentInstanceId'),
      parentCallId: v('parentCallId'), startedBy: v('startedBy'), startedAt: v('startedAt'), endedAt: v('endedAt'), updatedAt: v('updatedAt'),
    }).prepare();
  },
  /** Optimistic concurrency: writes only if the revision read is still current. */
  updateInstance: (t: Tables, tx: Db) => {
    const pi = t.processInstances;
    return tx.update(pi).set({ state: v('state'), status: v('status'), revision: v('revision'), updatedAt: v('updatedAt'), endedAt: v('endedAt') })
      .where(and(eq(pi.id, p('id')), eq(pi.revision, p('previousRevision')))).returning({ id: pi.id }).prepare();
  },
  insertActivity: (t: Tables, tx: Db) => {
    const h = t.activityHistory;
    return tx.insert(h).values({
      id: v('id'), tenantId: v('tenantId'), instanceId: v('instanceId'), elementId: v('elementId'), elementKind: v('elementKind'), seq: v('seq'),
      startedAt: v('startedAt'), endedAt: v('endedAt'), outcome: v('outcome'),
    }).prepare();
  },
  endActivity: (t: Tables, tx: Db) => {
    const h = t.activityHistory;
    return tx.update(h).set({ endedAt: v('endedAt'), outcome: v('outcome') }).where(eq(h.id, p('id'))).prepare();
  },
  insertTask: (t: Tables, tx: Db) => tx.insert(t.tasks).values({
    id: v('id'), tenantId: v('tenantId'), instanceId: v('instanceId'), elementId: v('elementId'), activityId: v('activityId'), name: v('name'),
    status: v('status'), assigneeId: v('assigneeId'), candidateRoles: v('candidateRoles'), candidatePositions: v('candidatePositions'),
    candidateOrgIds: v('candidateOrgIds'), formKey: v('formKey'), formDefinitionId: v('formDefinitionId'), dueAt: v('dueAt'), escalateTo: v('escalateTo'),
    priority: v('priority'), loopCounter: v('loopCounter'), variables: v('variables'), createdAt: v('createdAt'), claimedAt: v('claimedAt'),
  }).prepare(),
  /** Closes a task only while it is open; returns its instance, or nothing when it was not open. */
  closeTask: (t: Tables, tx: Db) => {
    const tk = t.tasks;
    return tx.update(tk).set({
      status: 'completed', assigneeId: sql`coalesce(${tk.assigneeId}, ${v('completedBy')})`, completedAt: v('completedAt'), completedBy: v('completedBy'),
      comment: v('comment'), formData: v('formData'),
    }).where(and(eq(tk.id, p('id')), eq(tk.tenantId, p('tenantId')), inArray(tk.status, ['open', 'claimed']))).returning({ instanceId: tk.instanceId }).prepare();
  },
  cancelTask: (t: Tables, tx: Db) => {
    const tk = t.tasks;
    return tx.update(tk).set({ status: 'cancelled', cancelReason: v('reason'), completedAt: v('completedAt') })
      .where(and(eq(tk.id, p('id')), inArray(tk.status, ['open', 'claimed']))).prepare();
  },
  deleteCandidates: (t: Tables, tx: Db) => tx.delete(t.taskCandidates).where(eq(t.taskCandidates.taskId, p('taskId'))).prepare(),
  /** The latest published version of a process. */
  latestPublishedProcess: (t: Tables, tx: Db) => {
    const d = t.definitions;
    return tx.select({ id: d.id }).from(d)
      .where(and(eq(d.tenantId, p('tenantId')), eq(d.kind, 'process'), eq(d.key, p('key')), eq(d.status, 'published')))
      .orderBy(desc(d.version)).limit(1).prepare();
  },
  definitionById: (t: Tables, tx: Db) => {
    const d = t.definitions;
    return tx.select({ id: d.id, key: d.key, version: d.version, content: d.content, status: d.status }).from(d).where(eq(d.id, p('id'))).prepare();
  },
};

type Builders = typeof builders;
type Prepared<K extends keyof Builders> = ReturnType<Builders[K]>;
export type WorkflowStatements = {
  readonly [K in keyof Builders]: { execute(values: Record<string, unknown>): ReturnType<Prepared<K>['execute']> };
};

/** The table whose columns encode each statement's values. */
const tableOf = (t: Tables): Record<keyof Builders, Table> => ({
  instance: t.processInstances, insertInstance: t.processInstances, updateInstance: t.processInstances,
  insertActivity: t.activityHistory, endActivity: t.activityHistory, insertTask: t.tasks, closeTask: t.tasks, cancelTask: t.tasks,
  deleteCandidates: t.taskCandidates, latestPublishedProcess: t.definitions, definitionById: t.definitions,
});

const columnsByTable = new WeakMap<Table, Record<string, Column>>();

/** Values as the driver takes them: each by its column's encoder (JSON, timestamps), null and undefined as NULL. */
function encode(table: Table, values: Record<string, unknown>): Record<string, unknown> {
  let columns = columnsByTable.get(table);
  if (!columns) {
    columns = getTableColumns(table);
    columnsByTable.set(table, columns);
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(values)) {
    const column = columns[key];
    out[key] = value === null || value === undefined ? null : column ? column.mapToDriverValue(value) : value;
  }
  return out;
}

const byHandle = new WeakMap<Db, WorkflowStatements>();

/** The prepared workflow statements of `tx` (a transaction, or `app.db.read` for reads outside one). */
export function statementsOf(app: App, tx: Db): WorkflowStatements {
  let statements = byHandle.get(tx);
  if (!statements) {
    const made = new Map<keyof Builders, { execute(values: Record<string, unknown>): unknown }>();
    const tables = tableOf(app.db.t);
    statements = {} as WorkflowStatements;
    for (const name of Object.keys(builders) as (keyof Builders)[]) {
      const prepared = () => {
        let statement = made.get(name);
        if (!statement) {
          statement = builders[name](app.db.t, tx, app.db.dialect) as { execute(values: Record<string, unknown>): unknown };
          made.set(name, statement);
        }
        return statement;
      };
      Object.defineProperty(statements, name, { value: { execute: (values: Record<string, unknown>) => prepared().execute(encode(tables[name], values)) } });
    }
    byHandle.set(tx, statements);
  }
  return statements;
}
