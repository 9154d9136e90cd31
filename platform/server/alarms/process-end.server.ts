/**
 * An alarm handled by a process (处置中) is resolved (已解除) when that process ends — the case
 * closed or voided, or the work order completed — in the step that ended it. The process knows
 * its alarm by the `alarmId` variable the alarm engine starts it with; the alarm is linked to the
 * instance before the process starts, so even a process that ends in its first step resolves it.
 */
import { and, eq } from 'drizzle-orm';
import type { Transition } from '@tongguan/runtime/bpmn/engine/contract';
import { nextAlarmStatus } from '@tongguan/runtime/alarms/lifecycle';
import type { WorkflowStep } from '../workflow/step.server.ts';

export async function syncAlarmOfInstance(step: WorkflowStep, instanceId: string, transition: Transition): Promise<void> {
  const alarmId = transition.state.variables.alarmId;
  if (typeof alarmId !== 'string' || transition.state.status === 'active') return;
  const { alarms: a, alarmEvents: ev } = step.app.db.t;
  const [alarm] = await step.tx.select({ id: a.id, status: a.status, version: a.version, severity: a.severity }).from(a)
    .where(and(eq(a.tenantId, step.tenantId), eq(a.id, alarmId), eq(a.processInstanceId, instanceId)));
  if (!alarm) return;
  const next = nextAlarmStatus(alarm.status, { type: 'RESOLVE' });
  // Judged a false alarm meanwhile (or resolved by hand): the process's end changes nothing.
  if (!('status' in next)) return;
  await step.tx.update(a).set({ status: next.status, resolvedAt: step.now, version: alarm.version + 1, updatedAt: step.now }).where(eq(a.id, alarm.id));
  await step.tx.insert(ev).values({
    tenantId: step.tenantId, alarmId: alarm.id, type: 'resolve', severity: alarm.severity, actorId: step.actorId, actorName: null, at: step.now,
    detail: { processInstanceId: instanceId, process: transition.state.status },
  });
}
