/**
 * One evaluation batch in one transaction: lock the state rows of the rule × source pairs it
 * touches, fold the readings (or the passing of time) into them with the pure evaluator, turn the
 * events into alarm rows, history and notices, and write the states back — so a state never
 * says "active" without its alarm, nor an alarm exist without the state that raised it.
 *
 * On PostgreSQL several processes may evaluate at once (MQTT shared subscriptions, several app
 * processes ticking): missing state rows are first inserted empty (ON CONFLICT DO NOTHING) so
 * that every pair can be locked with `FOR UPDATE`, in one global order (source code, rule key);
 * a second open alarm for one rule × source is impossible by the partial unique index
 * `alarms_open_uq`. SQLite has one writer: its transactions never interleave.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { ALARM_SEVERITY_LABELS, startsProcess, type AlarmSeverity } from '@tongguan/runtime/alarms/definition';
import { externalChannels } from '@tongguan/runtime/notify/channels';
import { adoptAlarmState, alarmStateSchema, compileAlarmRule, evaluateTick, foldReading, type AlarmEvent, type AlarmReading, type AlarmState } from '@tongguan/runtime/alarms/evaluator';
import { isOpenAlarm, nextAlarmStatus } from '@tongguan/runtime/alarms/lifecycle';
import type { AlarmEnvironment } from '@tongguan/runtime/alarms/definition';
import type { Diagnostic } from '@tongguan/runtime/expr/index';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { runSql } from '../db/run-sql.server.ts';
import type { AlarmEventType, AlarmSourceKind } from '../db/schema-alarms.server.ts';
import { newId } from '../ids.server.ts';
import { insertNotifications, recipientsOf } from '../services/notifications.server.ts';
import type { IndexedRule } from './rules.server.ts';

export type AlarmRow = App['db']['t']['alarms']['$inferSelect'];
type StateRow = App['db']['t']['alarmRuleStates']['$inferSelect'];

/** Where an alarm happens: copied onto the alarm when raised (data scope, map). */
export interface AlarmSource {
  readonly kind: AlarmSourceKind;
  readonly code: string;
  readonly deviceId: string | null;
  readonly deviceCode: string | null;
  readonly facilityId: string | null;
  readonly facilityCode: string | null;
  readonly module: string | null;
  readonly lng: number | null;
  readonly lat: number | null;
  readonly orgId: string | null;
  readonly gridId: string | null;
  readonly districtOrgId: string | null;
}

/** One rule × source to evaluate: readings in time order, or a tick. */
export interface AlarmWork {
  readonly rule: IndexedRule;
  readonly source: AlarmSource;
  readonly environment?: AlarmEnvironment;
  readonly readings?: readonly AlarmReading[];
  readonly tick?: { readonly now: number; readonly lastSeenAt: number | null };
}

/** PostgreSQL advisory lock class of the alarm tick (the second key is the tenant's hash). */
const ALARM_TICK_LOCK = 7_014_001;
const CHUNK = 400;
const ERROR_LOG_EVERY_MS = 60_000;
const lastErrorLog = new Map<string, number>();

const workKey = (w: { sourceKind: string; sourceCode: string; ruleKey: string }) => `${w.sourceCode}\u0000${w.ruleKey}\u0000${w.sourceKind}`;
const keyOf = (w: AlarmWork) => workKey({ sourceKind: w.source.kind, sourceCode: w.source.code, ruleKey: w.rule.key });

/** Stable across key order (jsonb returns keys reordered). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Not active, but a condition holds: a duration may complete or a schedule come on duty at a tick. */
const isPending = (state: AlarmState) => state.active === null && Object.values(state.conditions).some((memory) => memory.last === true);

function isRetryable(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (code === '40P01' || code === '40001') return true;
  }
  return false;
}

/** What a committed batch leaves to do: the alarms whose process is now owed, and how many notification deliveries it queued. */
export interface StoredAlarmWork {
  readonly processOwed: readonly string[];
  readonly deliveries: number;
}

/**
 * Evaluates and stores a batch; returns what is owed after commit (processes to start, deliveries
 * to send). With `tick`, on PostgreSQL only one process ticks a city at a time: the others skip.
 */
export async function storeAlarmWork(app: App, tenantId: string, work: readonly AlarmWork[], options: { tick?: boolean } = {}): Promise<StoredAlarmWork> {
  const sorted = [...work].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : 1));
  for (let attempt = 1; ; attempt++) {
    try {
      return await app.db.transaction(async (tx) => {
        if (options.tick && app.db.dialect === 'postgres') {
          const [lock] = await runSql<{ locked: boolean }>(app.db, tx, sql`SELECT pg_try_advisory_xact_lock(${ALARM_TICK_LOCK}, hashtext(${tenantId})) AS locked`);
          if (!lock?.locked) return { processOwed: [], deliveries: 0 };
        }
        const writer = new AlarmWriter(app, tx, tenantId);
        const states = await lockStates(app, tx, tenantId, sorted, writer.now);
        const upserts: StateRow[] = [];
        for (const item of sorted) {
          const row = states.get(keyOf(item));
          upserts.push(...(await evaluateOne(app, writer, item, row)));
        }
        for (let i = 0; i < upserts.length; i += CHUNK) {
          const s = app.db.t.alarmRuleStates;
          await tx.insert(s).values(upserts.slice(i, i + CHUNK)).onConflictDoUpdate({
            target: [s.tenantId, s.ruleKey, s.sourceKind, s.sourceCode],
            set: {
              ruleVersion: sql`excluded.rule_version`, state: sql`excluded.state`, alarmId: sql`excluded.alarm_id`,
              activeSeverity: sql`excluded.active_severity`, pending: sql`excluded.pending`, updatedAt: sql`excluded.updated_at`,
            },
          });
        }
        return { processOwed: writer.processOwed, deliveries: writer.deliveries };
      });
    } catch (error) {
      // Two processes locking overlapping states in PostgreSQL may deadlock once; the loser tries again.
      if (attempt < 3 && isRetryable(error)) continue;
      throw error;
    }
  }
}

async function lockStates(app: App, tx: Db, tenantId: string, work: readonly AlarmWork[], now: Date): Promise<Map<string, StateRow>> {
  const s = app.db.t.alarmRuleStates;
  if (app.db.dialect === 'postgres') {
    const empty = work.map((w) => ({
      tenantId, ruleKey: w.rule.key, sourceKind: w.source.kind, sourceCode: w.source.code, ruleVersion: w.rule.version,
      state: null, alarmId: null, activeSeverity: null, pending: false, updatedAt: now,
    }));
    for (let i = 0; i < empty.length; i += CHUNK) await tx.insert(s).values(empty.slice(i, i + CHUNK)).onConflictDoNothing();
  }
  const rows = new Map<string, StateRow>();
  const codes = [...new Set(work.map((w) => w.source.code))];
  const ruleKeys = [...new Set(work.map((w) => w.rule.key))];
  for (let i = 0; i < codes.length; i += CHUNK) {
    const query = tx.select().from(s)
      .where(and(eq(s.tenantId, tenantId), inArray(s.sourceCode, codes.slice(i, i + CHUNK)), inArray(s.ruleKey, ruleKeys)))
      .orderBy(asc(s.sourceCode), asc(s.ruleKey), asc(s.sourceKind));
    const found: StateRow[] = app.db.dialect === 'postgres' ? await (query as unknown as { for(strength: 'update'): Promise<StateRow[]> }).for('update') : await query;
    for (const row of found) rows.set(workKey(row), row);
  }
  return rows;
}

function storedState(item: AlarmWork, row: StateRow | undefined): AlarmState | null {
  if (row?.state === null || row?.state === undefined) return null;
  const parsed = alarmStateSchema.safeParse(row.state);
  if (parsed.success) return parsed.data;
  console.warn(`Alarm state of ${item.rule.key} × ${item.source.code} is unreadable and starts afresh: ${parsed.error.issues[0]?.message ?? ''}`);
  return null;
}

function logErrors(item: AlarmWork, errors: readonly { path: string; diagnostic: { code: string } }[]): void {
  if (!errors.length) return;
  const key = `${item.rule.key}\u0000${item.source.code}`;
  const now = Date.now();
  if ((lastErrorLog.get(key) ?? 0) + ERROR_LOG_EVERY_MS > now) return;
  lastErrorLog.set(key, now);
  if (lastErrorLog.size > 10_000) lastErrorLog.clear();
  console.warn(`Alarm rule ${item.rule.key} v${item.rule.version} on ${item.source.code}: ${errors.map((e) => `${e.path} ${e.diagnostic.code}`).join('; ')} (counted as unknown)`);
}

async function evaluateOne(app: App, writer: AlarmWriter, item: AlarmWork, row: StateRow | undefined): Promise<StateRow[]> {
  const before = storedState(item, row);
  // Read back for this transaction, so ours to fold into in place; what it was is kept as text.
  const beforeText = canonical(before);
  let state = before;
  const events: { event: AlarmEvent; reading?: AlarmReading }[] = [];
  if (item.readings && item.environment) {
    const compiled = compileAlarmRule(item.rule.content, item.environment);
    const owned = adoptAlarmState(item.rule.content, before);
    const found: AlarmEvent[] = [];
    const errors: { path: string; diagnostic: Diagnostic }[] = [];
    for (const reading of item.readings) {
      const from = found.length;
      foldReading(compiled, owned, reading, found, errors);
      for (let i = from; i < found.length; i++) events.push({ event: found[i]!, reading });
    }
    logErrors(item, errors);
    state = owned;
  } else if (item.tick) {
    const result = evaluateTick(item.rule.content, state, item.tick.now, item.tick.lastSeenAt);
    state = result.state;
    for (const event of result.events) events.push({ event });
  }
  if (state === null) return [];
  let alarmId = row?.alarmId ?? null;
  for (const { event, reading } of events) alarmId = await writer.apply(item, event, alarmId, reading);
  if (!events.length && alarmId === (row?.alarmId ?? null) && canonical(state) === beforeText) return [];
  return [{
    tenantId: writer.tenantId, ruleKey: item.rule.key, sourceKind: item.source.kind, sourceCode: item.source.code, ruleVersion: item.rule.version,
    state, alarmId, activeSeverity: state.active?.severity ?? null, pending: isPending(state), updatedAt: writer.now,
  }];
}

const severityLabel = (severity: number) => ALARM_SEVERITY_LABELS[severity as AlarmSeverity]?.['zh-CN'] ?? String(severity);

/** Turns evaluator events into alarm rows, history and notices inside one transaction. */
class AlarmWriter {
  readonly now: Date;
  /** Alarms whose startProcess is owed after this transaction. */
  readonly processOwed: string[] = [];
  /** Notification deliveries (SMS, WeCom…) queued in this transaction. */
  deliveries = 0;
  private readonly alarms = new Map<string, AlarmRow>();
  private readonly recipients = new Map<string, Promise<string[]>>();

  constructor(private readonly app: App, private readonly tx: Db, readonly tenantId: string) {
    this.now = app.now();
  }

  /** Applies one event to the alarm the state points at; returns the alarm the state points at afterwards. */
  async apply(item: AlarmWork, event: AlarmEvent, alarmId: string | null, reading?: AlarmReading): Promise<string | null> {
    const current = alarmId ? await this.load(alarmId) : undefined;
    switch (event.type) {
      case 'raise':
        return (await this.raise(item, event.severity, event.value, event.values, event.at, reading, current)).id;
      case 'escalate': {
        // The alarm was closed or judged false while the condition went on: a worse reading is a new alarm.
        if (!current || !isOpenAlarm(current.status)) return (await this.raise(item, event.to, event.value, {}, event.at, reading, undefined, { escalatedFrom: current?.id ?? null })).id;
        await this.update(current, { severity: event.to, highestSeverity: Math.min(current.highestSeverity, event.to), value: event.value ?? current.value, ...this.owesProcess(item, current, event.to) });
        const seq = await this.event(current.id, 'escalate', event.to, new Date(event.at), { from: event.from, to: event.to, value: event.value });
        await this.notify(item, current, seq, `【${severityLabel(event.to)}】报警升级：${current.message}`);
        return current.id;
      }
      case 'clear': {
        if (!current) return null;
        const next = nextAlarmStatus(current.status, { type: 'CLEAR' });
        const status = 'status' in next ? next.status : current.status;
        await this.update(current, { status, clearedAt: new Date(event.at), ...(status === 'resolved' && current.status !== 'resolved' ? { resolvedAt: new Date(event.at) } : {}) });
        await this.event(current.id, 'clear', event.severity, new Date(event.at), { status });
        return null;
      }
      case 'remind': {
        // Reminders are for alarms nobody has taken up yet: once a case handles it, the case has its own 督办.
        if (!current || (current.status !== 'active' && current.status !== 'acknowledged')) return alarmId;
        await this.update(current, { lastRemindedAt: new Date(event.at) });
        const seq = await this.event(current.id, 'remind', event.severity, new Date(event.at), {});
        await this.notify(item, current, seq, `报警未处置提醒：${current.message}`);
        return alarmId;
      }
    }
  }

  private async raise(
    item: AlarmWork, severity: AlarmSeverity, value: number | null, values: Readonly<Record<string, number | boolean>>, at: number,
    reading: AlarmReading | undefined, current: AlarmRow | undefined, detail: Record<string, unknown> = {},
  ): Promise<AlarmRow> {
    const { rule, source } = item;
    // At most one open alarm per rule × source: a raise while one is open (its case still handles it) joins it.
    const open = current && isOpenAlarm(current.status) ? current : await this.openAlarm(rule.key, source);
    if (open) {
      if (severity < open.severity) await this.update(open, { severity, highestSeverity: Math.min(open.highestSeverity, severity), value: value ?? open.value, ...this.owesProcess(item, open, severity) });
      await this.event(open.id, 'raise', severity, new Date(at), { ...detail, value, values, repeated: true });
      return open;
    }
    const row: AlarmRow = {
      id: newId(), tenantId: this.tenantId, ruleKey: rule.key, ruleVersion: rule.version, ruleName: rule.name, severity, highestSeverity: severity,
      status: 'active', sourceKind: source.kind, sourceCode: source.code, deviceId: source.deviceId, facilityId: source.facilityId, module: source.module,
      lng: source.lng, lat: source.lat, orgId: source.orgId, districtOrgId: source.districtOrgId, gridId: source.gridId,
      value, values: { ...(reading ? pickValues(reading, values) : values) }, message: `${rule.name}：${source.code}`, raisedAt: new Date(at),
      acknowledgedAt: null, acknowledgedBy: null, clearedAt: null, resolvedAt: null, closedAt: null, closedBy: null, falseAlarm: false, falseAlarmReason: null,
      caseId: null, processInstanceId: null, processPending: startsProcess(rule.content, severity), processAttempts: 0, lastRemindedAt: null, version: 1, updatedAt: this.now,
    };
    const a = this.app.db.t.alarms;
    const inserted = await this.tx.insert(a).values(row).onConflictDoNothing().returning({ id: a.id });
    if (!inserted.length) {
      // Another process raised it between our look and our insert (PostgreSQL): join that one.
      const other = await this.openAlarm(rule.key, source);
      if (!other) throw new Error(`Alarm ${rule.key} × ${source.code}: insert refused but no open alarm found`);
      return this.raise(item, severity, value, values, at, reading, other, detail);
    }
    this.alarms.set(row.id, row);
    if (row.processPending) this.processOwed.push(row.id);
    const seq = await this.event(row.id, 'raise', severity, row.raisedAt, { ...detail, value, values: row.values });
    await this.notify(item, row, seq, `【${severityLabel(severity)}】${row.message}`);
    return row;
  }

  /** Whether reaching `severity` makes the rule's process owed for an alarm that has none yet. */
  private owesProcess(item: AlarmWork, alarm: AlarmRow, severity: AlarmSeverity): Partial<AlarmRow> {
    if (alarm.processInstanceId || alarm.processPending || !startsProcess(item.rule.content, severity)) return {};
    this.processOwed.push(alarm.id);
    return { processPending: true };
  }

  private async openAlarm(ruleKey: string, source: AlarmSource): Promise<AlarmRow | undefined> {
    const a = this.app.db.t.alarms;
    const query = this.tx.select().from(a).where(and(
      eq(a.tenantId, this.tenantId), eq(a.ruleKey, ruleKey), eq(a.sourceKind, source.kind), eq(a.sourceCode, source.code),
      inArray(a.status, ['active', 'acknowledged', 'handling']),
    ));
    const [row] = this.app.db.dialect === 'postgres' ? await (query as unknown as { for(strength: 'update'): Promise<AlarmRow[]> }).for('update') : await query;
    if (row) this.alarms.set(row.id, row);
    return row;
  }

  private async load(id: string): Promise<AlarmRow | undefined> {
    const cached = this.alarms.get(id);
    if (cached) return cached;
    const a = this.app.db.t.alarms;
    const query = this.tx.select().from(a).where(and(eq(a.tenantId, this.tenantId), eq(a.id, id)));
    // Locked: a person acknowledging or closing it meanwhile waits, then finds the version moved (409).
    const [row] = this.app.db.dialect === 'postgres' ? await (query as unknown as { for(strength: 'update'): Promise<AlarmRow[]> }).for('update') : await query;
    if (row) this.alarms.set(id, row);
    return row;
  }

  private async update(row: AlarmRow, changes: Partial<AlarmRow>): Promise<void> {
    Object.assign(row, changes, { version: row.version + 1, updatedAt: this.now });
    const a = this.app.db.t.alarms;
    const { id: _id, tenantId: _tenant, ...columns } = row;
    await this.tx.update(a).set(columns).where(eq(a.id, row.id));
  }

  private async event(alarmId: string, type: AlarmEventType, severity: number | null, at: Date, detail: Record<string, unknown>): Promise<number> {
    const ev = this.app.db.t.alarmEvents;
    const [row] = await this.tx.insert(ev).values({ tenantId: this.tenantId, alarmId, type, severity, actorId: null, actorName: null, at, detail }).returning({ seq: ev.seq });
    return Number(row!.seq);
  }

  /**
   * Tells the holders of the rule's notifyRoles: those whose role covers the whole city always,
   * the others when they belong to the alarm's district or maintaining unit (their data scope) —
   * in-app, and on the rule's other channels through the delivery outbox.
   */
  private async notify(item: AlarmWork, alarm: AlarmRow, seq: number, title: string): Promise<void> {
    const roles = item.rule.content.actions.notifyRoles ?? [];
    if (!roles.length) return;
    const orgs = [alarm.districtOrgId, alarm.orgId].filter((id): id is string => id !== null);
    const key = `${item.rule.key}\u0000${orgs.join(',')}`;
    let recipients = this.recipients.get(key);
    if (!recipients) {
      recipients = this.recipientsFor(roles, orgs);
      this.recipients.set(key, recipients);
    }
    const written = await insertNotifications(this.app, this.tx, {
      tenantId: this.tenantId, userIds: await recipients, sourceKey: `alarm:${alarm.id}:${seq}`,
      title: title.slice(0, 200), body: alarm.value === null ? alarm.message : `${alarm.message}（监测值 ${alarm.value}）`, link: `/alarms/${alarm.id}`,
      severity: alarm.severity, channels: externalChannels(item.rule.content.actions.channels),
    });
    this.deliveries += written.deliveries;
  }

  private async recipientsFor(roles: readonly string[], orgs: readonly string[]): Promise<string[]> {
    const r = this.app.db.t.roles;
    const rows = await this.tx.select({ code: r.code, dataScope: r.dataScope }).from(r).where(and(eq(r.tenantId, this.tenantId), inArray(r.code, [...roles])));
    const citywide = rows.filter((row) => row.dataScope === 'all').map((row) => row.code);
    const scoped = rows.filter((row) => row.dataScope !== 'all').map((row) => row.code);
    const ids = new Set<string>();
    if (citywide.length) for (const id of await recipientsOf(this.app, this.tenantId, { roles: citywide }, this.tx)) ids.add(id);
    if (scoped.length && orgs.length) for (const id of await recipientsOf(this.app, this.tenantId, { roles: scoped, organisationIds: orgs }, this.tx)) ids.add(id);
    return [...ids].sort();
  }
}

/** The raising reading's values of the metrics it carries (a facility reading carries every metric of its devices). */
function pickValues(reading: AlarmReading, seen: Readonly<Record<string, number | boolean>>): Record<string, number | boolean> {
  const out: Record<string, number | boolean> = { ...seen };
  for (const [key, value] of Object.entries(reading.values)) if (typeof value === 'number' || typeof value === 'boolean') out[key] ??= value;
  return out;
}
