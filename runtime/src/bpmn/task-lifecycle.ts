/**
 * The lifecycle of a user task row as an xstate machine. The engine decides which tasks exist;
 * this machine decides what people may do with one: claim (签收) an open task, release it,
 * complete (办理) an open or claimed one; the engine cancels tasks when a boundary event or a
 * completion condition withdraws them. Completed and cancelled are final: a second completion
 * is refused (the API answers 409).
 */
import { createActor, setup, type SnapshotFrom } from 'xstate';

export const TASK_STATUSES = ['open', 'claimed', 'completed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskEvent = { type: 'CLAIM' } | { type: 'RELEASE' } | { type: 'COMPLETE' } | { type: 'CANCEL' };

export const taskLifecycle = setup({ types: { events: {} as TaskEvent } }).createMachine({
  id: 'task',
  initial: 'open',
  states: {
    open: { on: { CLAIM: 'claimed', COMPLETE: 'completed', CANCEL: 'cancelled' } },
    claimed: { on: { RELEASE: 'open', COMPLETE: 'completed', CANCEL: 'cancelled' } },
    completed: { type: 'final' },
    cancelled: { type: 'final' },
  },
});

/** The status after `event`, or undefined when the task's lifecycle does not allow it. */
export function nextTaskStatus(status: TaskStatus, event: TaskEvent): TaskStatus | undefined {
  const before: SnapshotFrom<typeof taskLifecycle> = taskLifecycle.resolveState({ value: status });
  if (!before.can(event)) return undefined;
  const actor = createActor(taskLifecycle, { snapshot: before });
  actor.start();
  actor.send(event);
  const after = actor.getSnapshot().value as TaskStatus;
  actor.stop();
  return after;
}
