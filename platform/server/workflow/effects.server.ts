/**
 * Turns the engine's effects into rows, inside the step's transaction: each wait state the
 * engine announces becomes a task, timer, subscription or job row; each one it withdraws is
 * closed. Effects that reach other instances (signals, messages, call activities, a finished
 * child telling its parent) are queued on the step and run after this transition.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { EngineEffect, InstanceState, Transition } from '@tongguan/runtime/bpmn/engine/contract';
import type { App } from '../app.server.ts';
import { getPublished } from '../services/definitions.server.ts';
import type { WorkflowStep } from './step.server.ts';
import { statementsOf } from './statements.server.ts';

type InstanceRow = App['db']['t']['processInstances']['$inferSelect'];
type Effect<T extends EngineEffect['type']> = Extract<EngineEffect, { type: T }>;

/** Order of history rows within an instance: revision × SEQ_STRIDE + position in the step. */
const SEQ_STRIDE = 10_000;

/** What the effects of one transition know about each other. */
interface StepContext {
  /** The engine announces a node's activity before the task it creates there. */
  lastActivity: Map<string, string>;
  /** Activities that start and end in the same transition (start events, gateways…): written once, already ended. */
  endedHere: Map<string, Effect<'activity.ended'>>;
}

export async function applyEffects(step: WorkflowStep, instance: InstanceRow, transition: Transition, revision: number): Promise<void> {
  const context: StepContext = { lastActivity: new Map(), endedHere: new Map() };
  const started = new Set<string>();
  for (const effect of transition.effects) {
    if (effect.type === 'activity.started') started.add(effect.activityId);
    else if (effect.type === 'activity.ended' && started.has(effect.activityId)) context.endedHere.set(effect.activityId, effect);
  }
  let position = 0;
  for (const effect of transition.effects) {
    position += 1;
    if (effect.type === 'activity.started') context.lastActivity.set(effect.elementId, effect.activityId);
    await applyEffect(step, instance, transition.state, effect, revision * SEQ_STRIDE + position, context);
  }
}

async function applyEffect(
  step: WorkflowStep, instance: InstanceRow, state: InstanceState, effect: EngineEffect, seq: number, context: StepContext,
): Promise<void> {
  const { app, tx, now, tenantId } = step;
  const t = app.db.t;
  switch (effect.type) {
    case 'task.created':
      return createTask(step, instance, effect, context.lastActivity.get(effect.elementId));
    case 'task.cancelled': {
      const statements = statementsOf(app, tx);
      await statements.cancelTask.execute({ id: effect.taskId, reason: effect.reason, completedAt: now });
      await statements.deleteCandidates.execute({ taskId: effect.taskId });
      return;
    }
    case 'timer.scheduled':
      await tx.insert(t.timers).values({
        id: effect.timerId, tenantId, instanceId: instance.id, elementId: effect.elementId, dueAt: new Date(effect.dueAt), status: 'scheduled', attempts: 0,
      });
      return;
    case 'timer.cancelled':
      await tx.update(t.timers).set({ status: 'cancelled' }).where(and(eq(t.timers.id, effect.timerId), eq(t.timers.status, 'scheduled')));
      return;
    case 'subscription.opened':
      await tx.insert(t.eventSubscriptions).values({
        id: effect.subscriptionId, tenantId, instanceId: instance.id, kind: effect.kind, name: effect.name, elementId: effect.elementId, createdAt: now,
      });
      return;
    case 'subscription.closed':
      await tx.delete(t.eventSubscriptions).where(eq(t.eventSubscriptions.id, effect.subscriptionId));
      return;
    case 'service.requested':
      await tx.insert(t.jobs).values({
        id: effect.jobId, tenantId, instanceId: instance.id, elementId: effect.elementId, serviceType: effect.serviceType,
        config: { ...effect.config }, variables: effect.variables, status: 'pending', attempts: 0, runAt: now, createdAt: now,
      });
      return;
    case 'service.cancelled':
      await tx.update(t.jobs).set({ status: 'cancelled', finishedAt: now }).where(and(eq(t.jobs.id, effect.jobId), inArray(t.jobs.status, ['pending', 'running'])));
      return;
    case 'call.requested':
      await step.start(effect.processKey, { variables: effect.variables, parent: { instanceId: instance.id, callId: effect.callId } });
      return;
    case 'call.cancelled': {
      const pi = t.processInstances;
      const children = await tx.select({ id: pi.id }).from(pi)
        .where(and(eq(pi.parentInstanceId, instance.id), eq(pi.parentCallId, effect.callId), eq(pi.status, 'active')));
      for (const child of children) step.enqueue(child.id, { type: 'instance.cancel', reason: 'parent cancelled the call' }, true);
      return;
    }
    case 'signal.thrown':
      step.broadcastSignal(effect.name, effect.variables, instance.id);
      return;
    case 'message.thrown':
      step.sendMessage(effect.name, effect.variables);
      return;
    case 'activity.started': {
      const ended = context.endedHere.get(effect.activityId);
      await statementsOf(app, tx).insertActivity.execute({
        id: effect.activityId, tenantId, instanceId: instance.id, elementId: effect.elementId, elementKind: effect.elementKind, seq, startedAt: new Date(effect.at),
        endedAt: ended ? new Date(ended.at) : null, outcome: ended ? ended.outcome : null,
      });
      return;
    }
    case 'activity.ended':
      if (!context.endedHere.has(effect.activityId)) {
        await statementsOf(app, tx).endActivity.execute({ id: effect.activityId, endedAt: new Date(effect.at), outcome: effect.outcome });
      }
      return;
    case 'instance.completed':
      if (instance.parentInstanceId && instance.parentCallId) {
        step.enqueue(instance.parentInstanceId, { type: 'call.complete', callId: instance.parentCallId, variables: state.variables }, true);
      }
      return;
    case 'instance.failed':
      if (instance.parentInstanceId && instance.parentCallId) {
        step.enqueue(instance.parentInstanceId, { type: 'call.fail', callId: instance.parentCallId, errorCode: effect.errorCode, message: effect.message }, true);
      }
      return;
    case 'instance.terminated':
      return;
  }
}

async function createTask(step: WorkflowStep, instance: InstanceRow, effect: Effect<'task.created'>, activityId: string | undefined): Promise<void> {
  const { app, tx, now, tenantId } = step;
  const t = app.db.t;
  // The form version is pinned when the task is created: a later form change never alters what
  // this task's submissions are validated against.
  const form = effect.formKey ? await getPublished(app, tenantId, 'form', effect.formKey, undefined, tx) : undefined;
  const { assignee, candidateRoles, candidatePositions, candidateOrganisations } = effect.assignment;
  await statementsOf(app, tx).insertTask.execute({
    id: effect.taskId, tenantId, instanceId: instance.id, elementId: effect.elementId, activityId: activityId ?? null, name: effect.name ?? null, status: assignee ? 'claimed' : 'open',
    assigneeId: assignee ?? null, candidateRoles: [...candidateRoles], candidatePositions: [...candidatePositions], candidateOrgIds: [...candidateOrganisations],
    formKey: effect.formKey ?? null, formDefinitionId: form?.id ?? null, dueAt: effect.dueAt ? new Date(effect.dueAt) : null,
    escalateTo: effect.escalateTo ?? null, priority: effect.priority ?? null, loopCounter: effect.loopCounter ?? null,
    variables: effect.variables, createdAt: now, claimedAt: assignee ? now : null,
  });
  const candidates = [
    ...candidateRoles.map((value) => ({ kind: 'role' as const, value })),
    ...candidatePositions.map((value) => ({ kind: 'position' as const, value })),
    ...candidateOrganisations.map((value) => ({ kind: 'org' as const, value })),
  ];
  const unique = new Map(candidates.map((c) => [`${c.kind}:${c.value}`, c]));
  if (unique.size) await tx.insert(t.taskCandidates).values([...unique.values()].map((c) => ({ taskId: effect.taskId, tenantId, ...c })));
}

