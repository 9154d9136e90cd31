/**
 * User tasks: the inbox (待办/已办), claiming and completing. Who may work on a task: its
 * assignee; while it is open, every candidate (role or position matches, and — when the task
 * names organisations — a membership in one of them or below one); and anyone holding the process
 * administration permission (`administer Process`), which is also the only way to work on a
 * task that has no assignment rule at all.
 */
import { and, desc, eq, exists, inArray, notExists, or, type SQL } from 'drizzle-orm';

import { nextTaskStatus } from '@tongguan/runtime/bpmn/task-lifecycle';
import type { App, Actor } from '../app.server.ts';
import { auditAs } from '../audit/audit.server.ts';
import { can } from '../access/guard.server.ts';
import { AppError, notFound, parseInput, fieldError } from '../errors.server.ts';
import { inStep } from '../workflow/step.server.ts';
import { completeTaskInput, taskQuery, type TaskOutput } from '../../shared/schemas/workflow.ts';
import { engineErrorToApp } from './process-instances.server.ts';
import { checkSubmission } from './forms.server.ts';
import { withOptionSources } from './form-options.server.ts';
import { linkHandlingPhotos } from './cases.server.ts';

type TaskRow = App['db']['t']['tasks']['$inferSelect'];
type InstanceRow = Pick<App['db']['t']['processInstances']['$inferSelect'], 'processKey' | 'businessKey'>;

export function toTaskOutput(app: App, task: TaskRow, instance: InstanceRow): TaskOutput {
  const open = task.status === 'open' || task.status === 'claimed';
  return {
    id: task.id, instanceId: task.instanceId, elementId: task.elementId, activityId: task.activityId, name: task.name, status: task.status, assigneeId: task.assigneeId,
    candidateRoles: task.candidateRoles, candidatePositions: task.candidatePositions, candidateOrgIds: task.candidateOrgIds,
    formKey: task.formKey, formDefinitionId: task.formDefinitionId, dueAt: task.dueAt?.toISOString() ?? null,
    overdue: open && task.dueAt !== null && task.dueAt.getTime() < app.now().getTime(),
    escalateTo: task.escalateTo, escalatedAt: task.escalatedAt?.toISOString() ?? null,
    processKey: instance.processKey, businessKey: instance.businessKey, variables: task.variables,
    createdAt: task.createdAt.toISOString(), completedAt: task.completedAt?.toISOString() ?? null, completedBy: task.completedBy, comment: task.comment,
  };
}

const isProcessAdmin = (actor: Actor) => can(actor, 'administer', 'Process');

/** Candidate rule of an open task, evaluated against the actor (mirrors `candidateCondition`). */
function isCandidate(actor: Actor, task: TaskRow): boolean {
  const { roleCodes, positions, orgAncestorIds } = actor.principal;
  const hasWhoRule = task.candidateRoles.length > 0 || task.candidatePositions.length > 0;
  const who = task.candidateRoles.some((r) => roleCodes.includes(r)) || task.candidatePositions.some((p) => positions.includes(p as never));
  const where = task.candidateOrgIds.length === 0 || task.candidateOrgIds.some((o) => orgAncestorIds.includes(o));
  const hasAnyRule = hasWhoRule || task.candidateOrgIds.length > 0;
  return hasAnyRule && (hasWhoRule ? who : true) && where;
}

function mayWorkOn(actor: Actor, task: TaskRow): boolean {
  if (isProcessAdmin(actor)) return true;
  if (task.assigneeId) return task.assigneeId === actor.principal.userId;
  return isCandidate(actor, task);
}

/**
 * Refuses work on a task the actor may not do: 409 when they are one of its candidates and
 * someone else claimed or completed it first (two people racing for one task), else 404 — a
 * task that was never theirs does not exist for them.
 */
function assertMayWorkOn(actor: Actor, task: TaskRow): void {
  if (mayWorkOn(actor, task)) return;
  throw isCandidate(actor, task) ? new AppError('task_not_open') : notFound('task');
}

/** SQL form of the candidate rule for the inbox query. */
function candidateCondition(app: App, actor: Actor): SQL {
  const { tasks: t, taskCandidates: c } = app.db.t;
  const { roleCodes, positions, orgAncestorIds } = actor.principal;
  const rule = (kind: 'role' | 'position' | 'org', values: readonly string[]) => app.db.read.select({ v: c.value }).from(c)
    .where(and(eq(c.taskId, t.id), eq(c.kind, kind), values.length ? inArray(c.value, [...values]) : eq(c.value, '\u0000')));
  const anyOfKind = (kinds: ('role' | 'position' | 'org')[]) => app.db.read.select({ v: c.value }).from(c).where(and(eq(c.taskId, t.id), inArray(c.kind, kinds)));
  const whoOk = or(notExists(anyOfKind(['role', 'position'])), exists(rule('role', roleCodes)), exists(rule('position', positions))) as SQL;
  const whereOk = or(notExists(anyOfKind(['org'])), exists(rule('org', orgAncestorIds))) as SQL;
  return and(eq(t.status, 'open'), exists(anyOfKind(['role', 'position', 'org'])), whoOk, whereOk) as SQL;
}

export async function listTasks(app: App, actor: Actor, raw: unknown = {}): Promise<TaskOutput[]> {
  const query = parseInput(taskQuery, raw);
  const { tasks: t, processInstances: pi } = app.db.t;
  const { tenantId, userId } = actor.principal;
  const mine = and(eq(t.assigneeId, userId), inArray(t.status, ['open', 'claimed']));
  let view: SQL | undefined;
  switch (query.view) {
    case 'mine': view = mine; break;
    case 'candidate': view = candidateCondition(app, actor); break;
    case 'inbox': view = or(mine, candidateCondition(app, actor)); break;
    case 'done': view = and(eq(t.completedBy, userId), eq(t.status, 'completed')); break;
    case 'all':
      if (!isProcessAdmin(actor)) throw new AppError('forbidden');
      view = undefined;
      break;
  }
  const rows = await app.db.read.select({ task: t, processKey: pi.processKey, businessKey: pi.businessKey }).from(t)
    .innerJoin(pi, eq(pi.id, t.instanceId))
    .where(and(eq(t.tenantId, tenantId), query.instanceId ? eq(t.instanceId, query.instanceId) : undefined, view))
    .orderBy(desc(t.createdAt), desc(t.id)).limit(query.limit);
  return rows.map((r) => toTaskOutput(app, r.task, r));
}

async function loadTask(app: App, actor: Actor, id: string, tx = app.db.read): Promise<TaskRow> {
  const t = app.db.t.tasks;
  const [task] = await tx.select().from(t).where(and(eq(t.tenantId, actor.principal.tenantId), eq(t.id, id)));
  if (!task) throw notFound('task');
  return task;
}

export async function getTask(app: App, actor: Actor, id: string): Promise<TaskOutput> {
  const task = await loadTask(app, actor, id);
  if (!mayWorkOn(actor, task) && task.completedBy !== actor.principal.userId && !can(actor, 'read', 'Process')) throw notFound('task');
  const pi = app.db.t.processInstances;
  const [instance] = await app.db.read.select({ processKey: pi.processKey, businessKey: pi.businessKey }).from(pi).where(eq(pi.id, task.instanceId));
  return toTaskOutput(app, task, instance);
}

/** Takes an open task for oneself (签收); someone else's claimed task is a 409. */
export async function claimTask(app: App, actor: Actor, id: string): Promise<TaskOutput> {
  const t = app.db.t.tasks;
  const { userId } = actor.principal;
  await app.db.transaction(async (tx) => {
    const task = await loadTask(app, actor, id, tx);
    assertMayWorkOn(actor, task);
    if (task.status === 'claimed' && task.assigneeId === userId) return;
    if (nextTaskStatus(task.status, { type: 'CLAIM' }) !== 'claimed') throw new AppError('task_not_open');
    const now = app.now();
    const changed = await tx.update(t).set({ status: 'claimed', assigneeId: userId, claimedAt: now })
      .where(and(eq(t.id, id), eq(t.status, 'open'))).returning({ id: t.id });
    if (changed.length === 0) throw new AppError('task_not_open');
    await auditAs(app, tx, actor, { action: 'claim_task', objectType: 'task', objectId: id, before: { status: task.status }, after: { status: 'claimed', assigneeId: userId } }, now);
  });
  return getTask(app, actor, id);
}

/**
 * Completes a task: the form submission is re-validated against the form version pinned on the
 * task, the task row is closed only if it is still open (a second, concurrent completion gets
 * 409), and the engine moves the instance on — all in one transaction.
 */
export async function completeTask(app: App, actor: Actor, id: string, raw: unknown): Promise<TaskOutput> {
  const input = parseInput(completeTaskInput, raw);
  const { tasks: t, definitions: d } = app.db.t;
  const { tenantId, userId } = actor.principal;
  try {
    await inStep(app, tenantId, userId, async (step) => {
      const task = await loadTask(app, actor, id, step.tx);
      assertMayWorkOn(actor, task);
      if (!nextTaskStatus(task.status, { type: 'COMPLETE' })) throw new AppError('task_not_open');
      let formData: Record<string, unknown> | undefined;
      if (task.formDefinitionId) {
        // The form is the task's whole contract: values beside it would bypass its validation.
        if (input.variables !== undefined) throw fieldError('variables', '#validation.formOnly');
        const [form] = await step.tx.select({ content: d.content }).from(d).where(and(eq(d.tenantId, tenantId), eq(d.id, task.formDefinitionId)));
        formData = checkSubmission(await withOptionSources(app, tenantId, form.content, step.tx), input.formData ?? {}, actor, 'formData');
      } else if (input.formData !== undefined) {
        throw fieldError('formData', '#validation.noForm');
      }
      const changed = await step.tx.update(t).set({
        status: 'completed', assigneeId: task.assigneeId ?? userId, completedAt: step.now, completedBy: userId, comment: input.comment ?? null, formData: formData ?? null,
      }).where(and(eq(t.id, id), inArray(t.status, ['open', 'claimed']))).returning({ id: t.id });
      if (changed.length === 0) throw new AppError('task_not_open');
      await step.tx.delete(app.db.t.taskCandidates).where(eq(app.db.t.taskCandidates.taskId, id));
      const variables = { ...(input.variables ?? {}), ...((formData ?? {}) as Record<string, never>) };
      await linkHandlingPhotos(step, actor, task, input.attachmentIds ?? []);
      await step.deliver(task.instanceId, { type: 'task.complete', taskId: id, variables }, false);
      await auditAs(app, step.tx, actor, {
        action: 'complete_task', objectType: 'task', objectId: id, before: { status: task.status }, after: { status: 'completed', variables, comment: input.comment ?? null },
      }, step.now);
    });
  } catch (error) {
    throw engineErrorToApp(error, actor);
  }
  return getTask(app, actor, id);
}

