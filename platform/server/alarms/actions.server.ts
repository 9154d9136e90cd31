/**
 * The `startProcess` action of an alarm rule, run after the raising transaction committed (an
 * outbox: the alarm row carries `process_pending` from that transaction, so a crash in between
 * loses nothing — the tick retries; at most MAX_ATTEMPTS times, each failure in the history).
 *
 * The latest published version of the process starts with the rule's variables (expressions over
 * the raising reading and `alarm`, `alarmProcessVariables`) plus `alarmId`. When the process is
 * the standard case process, a 案件 is reported for the alarm first — source `sensor` (传感器报警)
 * unless the variables say otherwise, the rule's `categoryCode`, the alarm's place and grid — so
 * the alarm → 案件 flow appears in 案件管理 like any other report. The alarm is linked to the
 * instance (and case) and moves to 处置中 (HANDLE) in the same step.
 */
import { and, eq } from 'drizzle-orm';
import { ALARM_SEVERITY_LABELS, alarmRuleContentSchema, type AlarmSeverity } from '@tongguan/runtime/alarms/definition';
import { alarmProcessVariables } from '@tongguan/runtime/alarms/evaluator';
import { isOpenAlarm, nextAlarmStatus } from '@tongguan/runtime/alarms/lifecycle';
import type { Variables } from '@tongguan/runtime/bpmn/engine/contract';
import type { App } from '../app.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { newId } from '../ids.server.ts';
import { caseInput } from '../../shared/schemas/case.ts';
import { AppError, parseInput } from '../errors.server.ts';
import { CASE_PROCESS_KEY, insertCase, prepareCase } from '../services/cases.server.ts';
import { getPublished } from '../services/definitions.server.ts';
import { inStep } from '../workflow/step.server.ts';
import type { TenantAlarmRules } from './rules.server.ts';
import type { AlarmRow } from './store.server.ts';

export const MAX_PROCESS_ATTEMPTS = 5;
const SYSTEM = { ip: null, userAgent: null };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim() : undefined);

/** Starts the owed process of an alarm; false when it failed (recorded on the alarm) or nothing was owed. */
export async function startAlarmProcess(app: App, rules: TenantAlarmRules, tenantId: string, alarmId: string): Promise<boolean> {
  try {
    return await inStep(app, tenantId, null, async (step) => {
      const { alarms: a, alarmEvents: ev } = app.db.t;
      const query = step.tx.select().from(a).where(and(eq(a.tenantId, tenantId), eq(a.id, alarmId)));
      const [alarm]: AlarmRow[] = app.db.dialect === 'postgres' ? await (query as unknown as { for(strength: 'update'): Promise<AlarmRow[]> }).for('update') : await query;
      if (!alarm?.processPending) return false;
      const handled = nextAlarmStatus(alarm.status, { type: 'HANDLE' });
      if (alarm.processInstanceId || !isOpenAlarm(alarm.status) || !('status' in handled)) {
        await step.tx.update(a).set({ processPending: false, updatedAt: step.now }).where(eq(a.id, alarm.id));
        return false;
      }
      const definition = await getPublished(app, tenantId, 'alarmRule', alarm.ruleKey, alarm.ruleVersion, step.tx);
      const content = alarmRuleContentSchema.parse(definition.content);
      const start = content.actions.startProcess;
      if (!start) {
        await step.tx.update(a).set({ processPending: false, updatedAt: step.now }).where(eq(a.id, alarm.id));
        return false;
      }
      const device = alarm.deviceId ? await app.devices.byId(tenantId, alarm.deviceId) : undefined;
      const facility = alarm.facilityId ? rules.facilities.get(alarm.facilityId) : device?.entityId ? rules.facilities.get(device.entityId) : undefined;
      const typeKey = alarm.sourceKind === 'device' ? device?.typeKey : facility?.typeKey;
      const environment = typeKey ? rules.environment({ sourceKind: alarm.sourceKind }, typeKey) : null;
      if (!environment) throw new Error(`no environment for ${alarm.sourceKind} ${alarm.sourceCode}`);
      const computed = alarmProcessVariables(content, environment, {
        severity: alarm.severity as AlarmSeverity, ruleKey: alarm.ruleKey, ruleName: alarm.ruleName, scopeKind: content.scope.kind, sourceCode: alarm.sourceCode,
        deviceCode: alarm.sourceKind === 'device' ? alarm.sourceCode : null, facilityCode: facility?.code ?? null, value: alarm.value, raisedAt: alarm.raisedAt.getTime(),
      }, { ts: alarm.raisedAt.getTime(), values: alarm.values, attributes: facility?.attributes ?? {}, threshold: device?.thresholds ?? {} });
      // Dates, plain dates and durations become their JSON text: process variables are JSON.
      const variables: Variables = { ...(JSON.parse(JSON.stringify(computed)) as Variables), alarmId: alarm.id };
      const instanceId = newId();
      const caseId = start.processKey === CASE_PROCESS_KEY ? newId() : null;
      // Linked before the process starts: one that ends in its first step still resolves the alarm.
      await step.tx.update(a).set({
        status: handled.status, processInstanceId: instanceId, caseId, processPending: false, processAttempts: alarm.processAttempts + 1,
        version: alarm.version + 1, updatedAt: step.now,
      }).where(eq(a.id, alarm.id));
      await step.tx.insert(ev).values({
        tenantId, alarmId: alarm.id, type: 'handle', severity: alarm.severity, actorId: null, actorName: null, at: step.now,
        detail: { processKey: start.processKey, processInstanceId: instanceId, caseId },
      });
      if (caseId) {
        const severity = ALARM_SEVERITY_LABELS[alarm.severity as AlarmSeverity]['zh-CN'];
        const report = parseInput(caseInput, {
          source: text(variables.source) ?? 'sensor',
          categoryCode: variables.categoryCode,
          title: (text(variables.title) ?? alarm.message).slice(0, 100),
          description: (text(variables.description) ?? `${severity}报警：${alarm.message}${alarm.value === null ? '' : `，监测值 ${alarm.value}`}`).slice(0, 2000),
          ...(text(variables.address) ? { address: text(variables.address)!.slice(0, 200) } : {}),
          ...(alarm.lng !== null && alarm.lat !== null ? { location: { lng: alarm.lng, lat: alarm.lat } } : {}),
          ...(alarm.gridId ? { gridId: alarm.gridId } : {}),
        });
        const prepared = await prepareCase(app, tenantId, report, step.tx);
        await insertCase(step, report, prepared, { reportedBy: null, id: caseId, processInstanceId: instanceId, extraVariables: variables });
      } else {
        await step.start(start.processKey, { instanceId, businessKey: alarm.id, variables });
      }
      await recordAudit(app.db, step.tx, {
        tenantId, actorId: null, actorName: 'alarm', action: 'start_process', objectType: 'alarm', objectId: alarm.id,
        detail: { ruleKey: alarm.ruleKey, processKey: start.processKey, processInstanceId: instanceId, caseId },
      }, SYSTEM, step.now);
      return true;
    });
  } catch (error) {
    await recordFailure(app, tenantId, alarmId, error);
    return false;
  }
}

function describe(error: unknown): string {
  if (error instanceof AppError) {
    const fields = error.issues?.map((i) => `${i.path.join('.')}: ${i.message}`) ?? error.fields?.map((f) => `${f.field}: ${f.message}`) ?? [];
    return [error.code, error.params.object, error.params.detail, ...fields].filter(Boolean).join(' ');
  }
  return String(error instanceof Error ? error.message : error);
}

/** A failed start is counted and kept in the alarm's history; after MAX_PROCESS_ATTEMPTS the tick stops retrying. */
async function recordFailure(app: App, tenantId: string, alarmId: string, error: unknown): Promise<void> {
  const message = describe(error).slice(0, 2000);
  console.warn(`Starting the process of alarm ${alarmId} failed: ${message}`);
  const { alarms: a, alarmEvents: ev } = app.db.t;
  await app.db.transaction(async (tx) => {
    const [alarm] = await tx.select({ attempts: a.processAttempts, severity: a.severity }).from(a).where(and(eq(a.tenantId, tenantId), eq(a.id, alarmId)));
    if (!alarm) return;
    const attempts = alarm.attempts + 1;
    await tx.update(a).set({ processAttempts: attempts, processPending: attempts < MAX_PROCESS_ATTEMPTS, updatedAt: app.now() }).where(eq(a.id, alarmId));
    await tx.insert(ev).values({ tenantId, alarmId, type: 'actionFailed', severity: alarm.severity, actorId: null, actorName: null, at: app.now(), detail: { action: 'startProcess', attempt: attempts, error: message } });
  });
}
