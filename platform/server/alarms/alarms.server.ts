/**
 * 报警与处置 for people: list and read alarms within one's data scope (subject `Alarm`, scoped like
 * `Device`: the maintaining unit, the district and the grid where the device or facility stood),
 * and move an alarm through its lifecycle — 确认, 解除, 关闭, 误报 — as the lifecycle machine allows
 * (runtime/src/alarms/lifecycle.ts). A refused step or a stale `version` is a 409
 * `state_conflict`; every change is one transaction with its history entry and audit record.
 */
import { and, asc, count, desc, eq, gte, inArray, lt, lte, or, sql, type SQL } from 'drizzle-orm';
import { nextAlarmStatus, type AlarmLifecycleEvent } from '@tongguan/runtime/alarms/lifecycle';
import type { App, Actor } from '../app.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { accessibleWhere } from '../access/sql-scope.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import type { Db } from '../db/database.server.ts';
import { AppError, notFound, parseInput } from '../errors.server.ts';
import { translate } from '../../shared/i18n/index.ts';
import { alarmActionInput, alarmFalseInput, alarmQuery, type AlarmOutput, type AlarmSummary } from '../../shared/schemas/alarm.ts';
import type { AlarmRow } from './store.server.ts';
import { stepIn } from '../workflow/step.server.ts';

const OPEN = ['active', 'acknowledged', 'handling'] as const;

export function toAlarmSummary(row: AlarmRow): AlarmSummary {
  const iso = (d: Date | null) => d?.toISOString() ?? null;
  return {
    id: row.id, ruleKey: row.ruleKey, ruleVersion: row.ruleVersion, ruleName: row.ruleName, severity: row.severity, highestSeverity: row.highestSeverity,
    status: row.status, sourceKind: row.sourceKind, sourceCode: row.sourceCode, deviceId: row.deviceId, facilityId: row.facilityId, module: row.module,
    lng: row.lng, lat: row.lat, orgId: row.orgId, districtOrgId: row.districtOrgId, gridId: row.gridId, value: row.value, values: row.values, message: row.message,
    raisedAt: row.raisedAt.toISOString(), acknowledgedAt: iso(row.acknowledgedAt), acknowledgedBy: row.acknowledgedBy, clearedAt: iso(row.clearedAt),
    resolvedAt: iso(row.resolvedAt), closedAt: iso(row.closedAt), closedBy: row.closedBy, falseAlarm: row.falseAlarm, falseAlarmReason: row.falseAlarmReason,
    caseId: row.caseId, processInstanceId: row.processInstanceId, version: row.version,
  };
}

/** The rows the actor may `action` as `Alarm`: maintaining unit, district or grid (or the grid's organisation) in scope. */
function scopeWhere(app: App, actor: Actor, action: 'read' | 'update'): SQL | undefined {
  const { alarms: a, grids: g } = app.db.t;
  return accessibleWhere(actor.principal.ability, action, 'Alarm', {
    orgIds: (operator, value) => {
      if (operator !== 'in' && operator !== 'eq') throw new AppError('forbidden');
      const ids = (Array.isArray(value) ? value : [value]) as string[];
      if (!ids.length) return sql`1 = 0`;
      return or(inArray(a.orgId, ids), inArray(a.districtOrgId, ids), inArray(a.gridId, app.db.read.select({ id: g.id }).from(g).where(inArray(g.orgId, ids)))) as SQL;
    },
    gridId: a.gridId,
  });
}

/** What CASL checks an alarm against (SCOPE_FIELDS.Alarm). */
async function subjectOf(app: App, row: AlarmRow, db: Db) {
  const g = app.db.t.grids;
  const gridOrg = row.gridId ? (await db.select({ orgId: g.orgId }).from(g).where(eq(g.id, row.gridId)))[0]?.orgId : undefined;
  return { orgIds: [row.orgId, row.districtOrgId, gridOrg].filter((id): id is string => !!id), gridId: row.gridId };
}

export async function listAlarms(app: App, actor: Actor, raw: unknown = {}): Promise<{ items: AlarmSummary[]; total: number }> {
  assertCan(actor, 'read', 'Alarm');
  const query = parseInput(alarmQuery, raw);
  const a = app.db.t.alarms;
  const where = and(
    eq(a.tenantId, actor.principal.tenantId), scopeWhere(app, actor, 'read'),
    query.status === 'open' ? inArray(a.status, [...OPEN]) : query.status ? eq(a.status, query.status) : undefined,
    query.severity ? eq(a.severity, query.severity) : undefined,
    query.module ? eq(a.module, query.module) : undefined,
    query.ruleKey ? eq(a.ruleKey, query.ruleKey) : undefined,
    query.deviceId ? eq(a.deviceId, query.deviceId) : undefined,
    query.facilityId ? eq(a.facilityId, query.facilityId) : undefined,
    query.districtId ? eq(a.districtOrgId, query.districtId) : undefined,
    query.from ? gte(a.raisedAt, new Date(query.from)) : undefined,
    query.to ? lte(a.raisedAt, new Date(query.to)) : undefined,
  );
  const [rows, [total]] = await Promise.all([
    app.db.read.select().from(a).where(where).orderBy(desc(a.raisedAt), asc(a.id)).limit(query.limit).offset(query.offset),
    app.db.read.select({ n: count() }).from(a).where(where),
  ]);
  return { items: rows.map(toAlarmSummary), total: Number(total?.n ?? 0) };
}

export interface AlarmPeriodSummary {
  total: number;
  /** Alarms by the severity they were raised with, 1 (一级) … 4 (四级). */
  bySeverity: Record<1 | 2 | 3 | 4, number>;
  /** By monitoring module (000 §4.2.4), most alarms first; null for a source without one. */
  byModule: { module: string | null; count: number }[];
  falseAlarms: number;
  /** Still 报警中 / 已确认 / 处置中 now. */
  open: number;
}

/** Alarms raised in [from, to) within the actor's data scope (and one district, when given): the monthly report's 报警情况. */
export async function summariseAlarms(app: App, actor: Actor, range: { from: Date; to: Date; districtId?: string }): Promise<AlarmPeriodSummary> {
  assertCan(actor, 'read', 'Alarm');
  const a = app.db.t.alarms;
  const n = count();
  const rows = await app.db.read.select({ severity: a.severity, status: a.status, falseAlarm: a.falseAlarm, module: a.module, n }).from(a)
    .where(and(
      eq(a.tenantId, actor.principal.tenantId), scopeWhere(app, actor, 'read'), gte(a.raisedAt, range.from), lt(a.raisedAt, range.to),
      range.districtId ? eq(a.districtOrgId, range.districtId) : undefined,
    ))
    .groupBy(a.severity, a.status, a.falseAlarm, a.module);
  const summary: AlarmPeriodSummary = { total: 0, bySeverity: { 1: 0, 2: 0, 3: 0, 4: 0 }, byModule: [], falseAlarms: 0, open: 0 };
  const modules = new Map<string | null, number>();
  for (const row of rows) {
    const k = Number(row.n);
    summary.total += k;
    if (row.severity >= 1 && row.severity <= 4) summary.bySeverity[row.severity as 1 | 2 | 3 | 4] += k;
    if (row.falseAlarm) summary.falseAlarms += k;
    if ((OPEN as readonly string[]).includes(row.status)) summary.open += k;
    modules.set(row.module, (modules.get(row.module) ?? 0) + k);
  }
  summary.byModule = [...modules].map(([module, k]) => ({ module, count: k })).sort((x, y) => y.count - x.count || String(x.module).localeCompare(String(y.module)));
  return summary;
}

export async function getAlarm(app: App, actor: Actor, id: string): Promise<AlarmOutput> {
  assertCan(actor, 'read', 'Alarm');
  const { alarms: a, alarmEvents: ev } = app.db.t;
  const [row] = await app.db.read.select().from(a).where(and(eq(a.tenantId, actor.principal.tenantId), eq(a.id, id)));
  if (!row) throw notFound('alarm');
  assertCan(actor, 'read', 'Alarm', await subjectOf(app, row, app.db.read));
  const events = await app.db.read.select().from(ev).where(and(eq(ev.tenantId, row.tenantId), eq(ev.alarmId, id))).orderBy(asc(ev.seq));
  return {
    ...toAlarmSummary(row),
    events: events.map((e) => ({ type: e.type, severity: e.severity, actorId: e.actorId, actorName: e.actorName, at: e.at.toISOString(), detail: e.detail ?? null })),
  };
}

type Action = 'acknowledge' | 'resolve' | 'close' | 'markFalse';
const EVENTS: Record<Action, AlarmLifecycleEvent['type']> = { acknowledge: 'ACKNOWLEDGE', resolve: 'RESOLVE', close: 'CLOSE', markFalse: 'FALSE_ALARM' };

const stateConflict = (actor: Actor, key: 'alarmFinal' | 'alarmTransition' | 'alarmStale' | 'alarmProcessRunning') =>
  new AppError('state_conflict', { detail: translate(actor.locale, `validation.${key}`) });

/** One lifecycle step by a person (确认 / 解除 / 关闭 / 误报). */
export async function changeAlarm(app: App, actor: Actor, id: string, action: Action, raw: unknown = {}): Promise<AlarmOutput> {
  assertCan(actor, 'update', 'Alarm');
  const input = action === 'markFalse' ? parseInput(alarmFalseInput, raw ?? {}) : parseInput(alarmActionInput, raw ?? {});
  const { alarms: a, alarmEvents: ev, processInstances: pi } = app.db.t;
  const { tenantId, userId } = actor.principal;
  await app.db.transaction(async (tx) => {
    const [row] = await tx.select().from(a).where(and(eq(a.tenantId, tenantId), eq(a.id, id)));
    if (!row) throw notFound('alarm');
    assertCan(actor, 'update', 'Alarm', await subjectOf(app, row, tx));
    if (input.version !== undefined && input.version !== row.version) throw stateConflict(actor, 'alarmStale');
    const next = nextAlarmStatus(row.status, { type: EVENTS[action] });
    if (!('status' in next)) throw stateConflict(actor, next.error === 'alarmFinal' ? 'alarmFinal' : 'alarmTransition');
    if (action === 'resolve' && row.processInstanceId) {
      // 处置中 with its case or work order still running: the process resolves it when it ends.
      const [instance] = await tx.select({ status: pi.status }).from(pi).where(eq(pi.id, row.processInstanceId));
      if (instance?.status === 'active') throw stateConflict(actor, 'alarmProcessRunning');
    }
    const now = app.now();
    const changes: Partial<AlarmRow> = { status: next.status, version: row.version + 1, updatedAt: now };
    if (action === 'acknowledge') Object.assign(changes, { acknowledgedAt: now, acknowledgedBy: userId });
    if (action === 'resolve') Object.assign(changes, { resolvedAt: now });
    if (action === 'close') Object.assign(changes, { closedAt: now, closedBy: userId });
    if (action === 'markFalse') Object.assign(changes, { falseAlarm: true, falseAlarmReason: (input as { reason: string }).reason, closedAt: now, closedBy: userId, processPending: false });
    // The version read above must still be current: the alarm engine or another person may have moved it (PostgreSQL).
    const changed = await tx.update(a).set(changes).where(and(eq(a.id, id), eq(a.version, row.version))).returning({ id: a.id });
    if (!changed.length) throw stateConflict(actor, 'alarmStale');
    const comment = 'reason' in input ? input.reason : input.comment;
    if (action === 'markFalse' && row.processInstanceId) {
      // 处置中 on a false alarm: its case or work order has nothing to handle — cancelled in this transaction (the case is voided, 作废).
      const [instance] = await tx.select({ status: pi.status }).from(pi).where(eq(pi.id, row.processInstanceId));
      const instanceId = row.processInstanceId;
      if (instance?.status === 'active') {
        await stepIn(app, tx, tenantId, userId, async (step) => step.enqueue(instanceId, { type: 'instance.cancel', reason: `误报：${comment ?? ''}`.slice(0, 500) }, true));
      }
    }
    await tx.insert(ev).values({
      tenantId, alarmId: id, type: action, severity: row.severity, actorId: userId, actorName: actor.principal.displayName, at: now,
      detail: { from: row.status, to: next.status, ...(comment ? { comment } : {}) },
    });
    await auditAs(app, tx, actor, {
      action: action === 'markFalse' ? 'mark_false' : action, objectType: 'alarm', objectId: id,
      before: { status: row.status, version: row.version }, after: { status: next.status, version: row.version + 1, ...(comment ? { comment } : {}) },
    }, now);
  });
  return getAlarm(app, actor, id);
}
