/**
 * Alarms (报警与处置, 000 §4.2.4 item 3): the evaluator's state per rule × source, the alarms it
 * raised and their append-only history.
 *
 * - `alarm_rule_states` holds the pure evaluator's JSON state (runtime/src/alarms/state.ts) per
 *   tenant × rule × source, written in the same transaction as the alarms its events caused, so
 *   duration, repeat and rate memory and active alarms survive a restart. `active_severity` and
 *   `pending` are copies of what the 30 s tick needs to find (active alarms; conditions that are
 *   true but not yet raised), so a tick never reads every state row.
 * - `alarms`: at most one open alarm (报警中/已确认/处置中) per tenant × rule × source, enforced by
 *   the partial unique index `alarms_open_uq` (both dialects have partial indexes). `version` is
 *   the optimistic-concurrency token of the lifecycle endpoints. The location, district, grid and
 *   maintaining unit are copied from the device or facility when raised: data scope and the map
 *   read them without joins, and they keep what was true when the alarm happened.
 * - `alarm_events`: raise/escalate/clear/remind from the evaluator, acknowledge/handle/resolve/
 *   close/markFalse from people and processes. Only inserted.
 */
import { sql } from 'drizzle-orm';
import type { AlarmStatus } from '@tongguan/runtime/alarms/lifecycle';
import type { SchemaKit } from './schema-kit.server.ts';

export const ALARM_SOURCE_KINDS = ['device', 'facility'] as const;
export type AlarmSourceKind = (typeof ALARM_SOURCE_KINDS)[number];

export const ALARM_EVENT_TYPES = ['raise', 'escalate', 'clear', 'remind', 'acknowledge', 'handle', 'resolve', 'close', 'markFalse', 'actionFailed'] as const;
export type AlarmEventType = (typeof ALARM_EVENT_TYPES)[number];

export function defineAlarmSchema(k: SchemaKit) {
  const alarmRuleStates = k.table('alarm_rule_states', {
    tenantId: k.text('tenant_id').notNull(),
    ruleKey: k.text('rule_key').notNull(),
    sourceKind: k.text('source_kind').$type<AlarmSourceKind>().notNull(),
    sourceCode: k.text('source_code').notNull(),
    /** The rule version that last wrote the state (the state's fingerprint decides what memory is kept). */
    ruleVersion: k.int('rule_version').notNull(),
    /** The evaluator's AlarmState; null for a row only reserved (locked) before its first evaluation. */
    state: k.json<unknown>('state'),
    /** The alarm the state's active raise belongs to. */
    alarmId: k.text('alarm_id'),
    activeSeverity: k.int('active_severity'),
    /** Not active, but a condition is true (a duration running, a schedule not yet on duty): the tick looks at it. */
    pending: k.bool('pending').notNull(),
    updatedAt: k.timestamp('updated_at').notNull(),
  }, (t) => [
    k.primaryKey({ columns: [t.tenantId, t.ruleKey, t.sourceKind, t.sourceCode] }),
    k.index('alarm_rule_states_tick_idx').on(t.tenantId, t.activeSeverity, t.pending),
  ]);

  const alarms = k.table('alarms', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    ruleKey: k.text('rule_key').notNull(),
    ruleVersion: k.int('rule_version').notNull(),
    ruleName: k.text('rule_name').notNull(),
    /** 1 (一级, red) … 4 (四级, blue). */
    severity: k.int('severity').notNull(),
    highestSeverity: k.int('highest_severity').notNull(),
    status: k.text('status').$type<AlarmStatus>().notNull(),
    sourceKind: k.text('source_kind').$type<AlarmSourceKind>().notNull(),
    sourceCode: k.text('source_code').notNull(),
    deviceId: k.text('device_id'),
    facilityId: k.text('facility_id'),
    /** The monitoring module (000 §4.2.4) of the device or facility type. */
    module: k.text('module'),
    lng: k.real('lng'),
    lat: k.real('lat'),
    /** Maintaining unit, district and grid: the data scope (subject `Alarm`, like `Device`). */
    orgId: k.text('org_id'),
    districtOrgId: k.text('district_org_id'),
    gridId: k.text('grid_id'),
    /** The raising (then escalating) condition's value, e.g. the %LEL. */
    value: k.real('value'),
    /** The rule's metrics in the raising reading. */
    values: k.json<Record<string, number | boolean>>('values').notNull(),
    message: k.text('message').notNull(),
    raisedAt: k.timestamp('raised_at').notNull(),
    acknowledgedAt: k.timestamp('acknowledged_at'),
    acknowledgedBy: k.text('acknowledged_by'),
    clearedAt: k.timestamp('cleared_at'),
    resolvedAt: k.timestamp('resolved_at'),
    closedAt: k.timestamp('closed_at'),
    closedBy: k.text('closed_by'),
    falseAlarm: k.bool('false_alarm').notNull(),
    falseAlarmReason: k.text('false_alarm_reason'),
    caseId: k.text('case_id'),
    processInstanceId: k.text('process_instance_id'),
    /** The rule's startProcess is owed (set in the raising transaction, cleared once started or given up). */
    processPending: k.bool('process_pending').notNull(),
    processAttempts: k.int('process_attempts').notNull(),
    lastRemindedAt: k.timestamp('last_reminded_at'),
    version: k.int('version').notNull(),
    updatedAt: k.timestamp('updated_at').notNull(),
  }, (t) => [
    k.uniqueIndex('alarms_open_uq').on(t.tenantId, t.ruleKey, t.sourceKind, t.sourceCode)
      .where(sql`status IN ('active', 'acknowledged', 'handling')`),
    k.index('alarms_raised_idx').on(t.tenantId, t.raisedAt),
    k.index('alarms_status_idx').on(t.tenantId, t.status, t.raisedAt),
    k.index('alarms_device_idx').on(t.tenantId, t.deviceId),
    k.index('alarms_facility_idx').on(t.tenantId, t.facilityId),
    k.index('alarms_instance_idx').on(t.processInstanceId),
    k.index('alarms_pending_idx').on(t.tenantId, t.processPending),
  ]);

  const alarmEvents = k.table('alarm_events', {
    seq: k.serial('seq'),
    tenantId: k.text('tenant_id').notNull(),
    alarmId: k.text('alarm_id').notNull(),
    type: k.text('type').$type<AlarmEventType>().notNull(),
    severity: k.int('severity'),
    /** Null for the evaluator and for processes. */
    actorId: k.text('actor_id'),
    actorName: k.text('actor_name'),
    at: k.timestamp('at').notNull(),
    detail: k.json<Record<string, unknown>>('detail'),
  }, (t) => [k.index('alarm_events_alarm_idx').on(t.alarmId, t.seq)]);

  return { alarmRuleStates, alarms, alarmEvents };
}
