/**
 * Process instances: start one of a published process, read its state and history. Each start
 * is one durable workflow step (see workflow/step.server.ts) and is audited.
 */
import { and, asc, eq } from 'drizzle-orm';
import { EngineRuntimeError } from '@tongguan/runtime/bpmn/engine/errors';
import type { InstanceState } from '@tongguan/runtime/bpmn/engine/contract';
import type { App, Actor } from '../app.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { AppError, notFound, parseInput } from '../errors.server.ts';
import { inStep } from '../workflow/step.server.ts';
import { eventInput, startInstanceInput, type EventOutput, type InstanceOutput } from '../../shared/schemas/workflow.ts';
import { toTaskOutput } from './tasks.server.ts';

/** Engine runtime errors become API errors: stale references are conflicts, the rest a 422 naming the element. */
export function engineErrorToApp(error: unknown, actor: Actor): unknown {
  if (!(error instanceof EngineRuntimeError)) return error;
  if (error.code === 'STALE_EVENT_ID' || error.code === 'INSTANCE_NOT_ACTIVE') return new AppError('state_conflict', { detail: error.localizedMessage(actor.locale) });
  return new AppError('process_error', { detail: error.localizedMessage(actor.locale) });
}

export async function startProcessInstance(app: App, actor: Actor, raw: unknown): Promise<InstanceOutput> {
  assertCan(actor, 'create', 'Process');
  const input = parseInput(startInstanceInput, raw);
  const { tenantId, userId } = actor.principal;
  try {
    const id = await inStep(app, tenantId, userId, async (step) => {
      const instanceId = await step.start(input.processKey, { variables: input.variables, businessKey: input.businessKey });
      await auditAs(app, step.tx, actor, {
        action: 'start_process', objectType: 'processInstance', objectId: instanceId,
        after: { processKey: input.processKey, businessKey: input.businessKey ?? null, variables: input.variables },
      }, step.now);
      return instanceId;
    });
    return await getProcessInstance(app, actor, id);
  } catch (error) {
    throw engineErrorToApp(error, actor);
  }
}

/**
 * Sends a message or throws a signal into the city's processes from outside (an integrator, a
 * device plugin, another system): one durable step, audited. A message nobody waits for and no
 * process starts on is not an error: `routed` is empty.
 */
export async function sendEvent(app: App, actor: Actor, kind: 'message' | 'signal', raw: unknown): Promise<EventOutput> {
  // It reaches instances across the whole city, whatever their data scope: process administration.
  assertCan(actor, 'administer', 'Process');
  const input = parseInput(eventInput, raw);
  const { tenantId, userId } = actor.principal;
  try {
    return await inStep(app, tenantId, userId, async (step) => {
      if (kind === 'message') step.sendMessage(input.name, input.variables);
      else step.broadcastSignal(input.name, input.variables, null);
      await step.drain();
      await auditAs(app, step.tx, actor, {
        action: kind === 'message' ? 'send_message' : 'throw_signal', objectType: kind, objectId: input.name,
        after: { name: input.name, variables: input.variables, routed: step.routed },
      }, step.now);
      return { routed: [...step.routed] };
    });
  } catch (error) {
    throw engineErrorToApp(error, actor);
  }
}

export async function getProcessInstance(app: App, actor: Actor, id: string): Promise<InstanceOutput> {
  assertCan(actor, 'read', 'Process');
  return loadProcessInstance(app, actor.principal.tenantId, id);
}

/**
 * An instance with its history and tasks, without a permission check: for services that have
 * already authorised the read through what the instance belongs to (a case the actor may read).
 */
export async function loadProcessInstance(app: App, tenantId: string, id: string): Promise<InstanceOutput> {
  const { processInstances: pi, activityHistory: h, tasks: t } = app.db.t;
  const [row] = await app.db.read.select().from(pi).where(and(eq(pi.tenantId, tenantId), eq(pi.id, id)));
  if (!row) throw notFound('processInstance');
  const [activities, tasks] = await Promise.all([
    app.db.read.select().from(h).where(eq(h.instanceId, id)).orderBy(asc(h.seq)),
    app.db.read.select().from(t).where(eq(t.instanceId, id)).orderBy(asc(t.createdAt), asc(t.id)),
  ]);
  const state = row.state as InstanceState;
  return {
    id: row.id, processKey: row.processKey, definitionId: row.definitionId, definitionVersion: row.definitionVersion, businessKey: row.businessKey,
    status: row.status, variables: state.variables, startedAt: row.startedAt.toISOString(), endedAt: row.endedAt?.toISOString() ?? null,
    startedBy: row.startedBy, parentInstanceId: row.parentInstanceId,
    activities: activities.map((a) => ({
      id: a.id, elementId: a.elementId, elementKind: a.elementKind, startedAt: a.startedAt.toISOString(), endedAt: a.endedAt?.toISOString() ?? null, outcome: a.outcome,
    })),
    tasks: tasks.map((task) => toTaskOutput(app, task, row)),
  };
}
