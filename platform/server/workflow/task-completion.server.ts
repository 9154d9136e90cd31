/**
 * Completing a user task inside a durable step: the task row is closed only while it is still
 * open (a second, concurrent completion finds nothing to close), its candidate rows go, and the
 * engine moves the instance on — all in the step's transaction. What the task service adds
 * around it (permission, form validation, audit) stays in the service.
 */
import type { Variables } from '@tongguan/runtime/bpmn/engine/contract';
import type { WorkflowStep } from './step.server.ts';
import { statementsOf } from './statements.server.ts';

export interface TaskCompletion {
  /** Who completed it; also becomes the assignee of a task nobody had claimed. */
  completedBy: string | null;
  variables?: Variables;
  comment?: string | null;
  formData?: unknown;
}

/** Returns false, changing nothing, when the task is not open (completed, cancelled or unknown). */
export async function completeTaskInStep(step: WorkflowStep, taskId: string, completion: TaskCompletion): Promise<boolean> {
  const statements = statementsOf(step.app, step.tx);
  const [closed] = await statements.closeTask.execute({
    id: taskId, tenantId: step.tenantId, completedBy: completion.completedBy, completedAt: step.now,
    comment: completion.comment ?? null, formData: completion.formData ?? null,
  });
  if (!closed) return false;
  await statements.deleteCandidates.execute({ taskId });
  await step.deliver(closed.instanceId, { type: 'task.complete', taskId, variables: completion.variables ?? {} }, false);
  return true;
}
