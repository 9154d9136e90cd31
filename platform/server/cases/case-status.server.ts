/**
 * Keeps a case's status in step with its process. The case process names its stage tasks by
 * element id (templates/five-domains/processes/case-closed-loop.bpmn); after every workflow step
 * of a case's instance the status is derived from where the process now waits (or how it
 * ended) and checked against the case lifecycle machine: a change the closed loop does not
 * allow throws, and the whole step rolls back.
 */
import { and, eq } from 'drizzle-orm';
import { activeElementIds } from '@tongguan/runtime/bpmn/engine/index';
import type { Transition } from '@tongguan/runtime/bpmn/engine/contract';
import { eventBetween, type CaseStatus } from '@tongguan/runtime/cases/case-lifecycle';
import { AppError } from '../errors.server.ts';
import type { WorkflowStep } from '../workflow/step.server.ts';

/** Stage tasks whose completion may bring photos after handling (处置后). */
export const HANDLING_STAGES: ReadonlySet<string> = new Set(['handle']);

/** Stage task → the case status while the process waits there, in priority order. */
const STAGE_STATUS: [elementId: string, status: CaseStatus][] = [
  ['register', 'reported'],
  ['suspended', 'suspended'],
  ['dispatch', 'registered'],
  ['handle', 'dispatched'],
  ['approveExtension', 'dispatched'],
  ['verify', 'handled'],
  ['close', 'handled'],
];

/** The script task that lengthens the deadline once 申请延期 is approved. */
const EXTENSION_GRANTED = 'extendDeadline';

/** The 督办 task the overdue timer raises. */
const SUPERVISION_TASK = 'supervise';

/** End event → final case status. */
const END_STATUS: Record<string, CaseStatus> = { voided: 'voided', closed: 'closed' };

export function derivedCaseStatus(transition: Transition): CaseStatus | undefined {
  if (transition.state.status !== 'active') {
    for (const effect of transition.effects) {
      if (effect.type === 'activity.started' && END_STATUS[effect.elementId]) return END_STATUS[effect.elementId];
    }
    return transition.state.status === 'terminated' ? 'voided' : undefined;
  }
  const active = new Set(activeElementIds(transition.state));
  return STAGE_STATUS.find(([id]) => active.has(id))?.[1];
}

export async function syncCaseStatus(step: WorkflowStep, instanceId: string, transition: Transition): Promise<void> {
  const caseId = transition.state.variables.caseId;
  if (typeof caseId !== 'string') return;
  const c = step.app.db.t.cases;
  const [row] = await step.tx.select({
    id: c.id, status: c.status, dueAt: c.dueAt, registeredAt: c.registeredAt, returnCount: c.returnCount, reworkCount: c.reworkCount,
    extensionCount: c.extensionCount, supervisionCount: c.supervisionCount,
  }).from(c)
    .where(and(eq(c.tenantId, step.tenantId), eq(c.id, caseId), eq(c.processInstanceId, instanceId)));
  if (!row) return;
  const status = derivedCaseStatus(transition) ?? row.status;
  if (status !== row.status && !eventBetween(row.status, status)) {
    throw new AppError('state_conflict', { detail: `case ${row.status} → ${status}` });
  }
  const handling = transition.effects.find((e) => e.type === 'task.created' && e.elementId === 'handle');
  const variables = transition.state.variables;
  const event = status !== row.status ? eventBetween(row.status, status)?.type : undefined;
  const reached = (elementId: string, type: 'activity.started' | 'task.created') => transition.effects.filter((e) => e.type === type && e.elementId === elementId).length;
  await step.tx.update(c).set({
    status,
    ...(event === 'REGISTER' && !row.registeredAt ? { registeredAt: step.now } : {}),
    ...(event === 'DISPATCH' ? { dispatchedAt: step.now } : {}),
    ...(event === 'FEEDBACK' ? { handledAt: step.now } : {}),
    returnCount: row.returnCount + (event === 'RETURN' ? 1 : 0),
    reworkCount: row.reworkCount + (event === 'REWORK' ? 1 : 0),
    extensionCount: row.extensionCount + reached(EXTENSION_GRANTED, 'activity.started'),
    supervisionCount: row.supervisionCount + reached(SUPERVISION_TASK, 'task.created'),
    dueAt: handling?.type === 'task.created' && handling.dueAt ? new Date(handling.dueAt) : row.dueAt,
    responsibleUnitId: typeof variables.responsibleUnitId === 'string' ? variables.responsibleUnitId : null,
    deadlineHours: typeof variables.deadlineHours === 'number' ? variables.deadlineHours : undefined,
    closedAt: status === 'closed' || status === 'voided' ? step.now : null,
    updatedAt: step.now,
  }).where(eq(c.id, row.id));
}
