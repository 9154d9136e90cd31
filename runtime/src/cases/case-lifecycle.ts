/**
 * The lifecycle of a case (案件) as an xstate machine: the seven-stage closed loop of the Hunan
 * guide 4.1.2 (信息采集 → 案件建立 → 任务派遣 → 任务处理 → 处理反馈 → 核查结案 → 绩效考核) with
 * the exits GB/T 30428.8 names: 不予立案/作废, 退回 (back to dispatch), 挂账 (parked), 返工
 * (verification failed). The case process (BPMN) drives the case; this machine is the guard
 * that a status change is one the closed loop allows — an illegal jump is refused, never stored.
 */
import { createActor, setup, type SnapshotFrom } from 'xstate';

export const CASE_STATUSES = ['reported', 'registered', 'dispatched', 'handled', 'suspended', 'closed', 'voided'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];

export type CaseEvent =
  | { type: 'REGISTER' } // 受理立案
  | { type: 'VOID' } // 不予立案 / 作废
  | { type: 'DISPATCH' } // 派遣 (also 重新派遣)
  | { type: 'RETURN' } // 处置单位退回
  | { type: 'FEEDBACK' } // 处理反馈
  | { type: 'REWORK' } // 核查不通过，返工
  | { type: 'SUSPEND' } // 挂账
  | { type: 'RESUME' } // 挂账恢复
  | { type: 'CLOSE' }; // 核查通过，结案

export const caseLifecycle = setup({ types: { events: {} as CaseEvent } }).createMachine({
  id: 'case',
  initial: 'reported',
  states: {
    reported: { on: { REGISTER: 'registered', VOID: 'voided' } },
    registered: { on: { DISPATCH: 'dispatched', SUSPEND: 'suspended', VOID: 'voided' } },
    // 作废 while in hand too: a case found invalid after dispatch (a sensor's 误报, a duplicate) is voided, not closed.
    dispatched: { on: { FEEDBACK: 'handled', RETURN: 'registered', SUSPEND: 'suspended', VOID: 'voided' } },
    handled: { on: { CLOSE: 'closed', REWORK: 'dispatched', VOID: 'voided' } },
    suspended: { on: { RESUME: 'registered', VOID: 'voided' } },
    closed: { type: 'final' },
    voided: { type: 'final' },
  },
});

type CaseSnapshot = SnapshotFrom<typeof caseLifecycle>;

function snapshotAt(status: CaseStatus): CaseSnapshot {
  return caseLifecycle.resolveState({ value: status });
}

/** The status after `event`, or undefined when the closed loop does not allow it from `status`. */
export function nextCaseStatus(status: CaseStatus, event: CaseEvent): CaseStatus | undefined {
  const before = snapshotAt(status);
  if (!before.can(event)) return undefined;
  const actor = createActor(caseLifecycle, { snapshot: before });
  actor.start();
  actor.send(event);
  const after = actor.getSnapshot().value as CaseStatus;
  actor.stop();
  return after;
}

/** Whether a case in this status still needs work (counts for overdue and the case inbox). */
export const isOpenCase = (status: CaseStatus): boolean => status !== 'closed' && status !== 'voided';

/**
 * The events that lead from one status to another in one step, e.g. dispatched → registered is
 * RETURN. Used to derive the event from where the case process now waits.
 */
export function eventBetween(from: CaseStatus, to: CaseStatus): CaseEvent | undefined {
  const candidates: CaseEvent['type'][] = ['REGISTER', 'VOID', 'DISPATCH', 'RETURN', 'FEEDBACK', 'REWORK', 'SUSPEND', 'RESUME', 'CLOSE'];
  const type = candidates.find((t) => nextCaseStatus(from, { type: t } as CaseEvent) === to);
  return type ? ({ type } as CaseEvent) : undefined;
}
