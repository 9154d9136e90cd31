/**
 * Workflow tables: process instances (engine state as JSON with a revision for optimistic
 * concurrency), the wait states the engine announced (tasks, timers, message/signal
 * subscriptions, service-task jobs) and the activity history. Written by the workflow executor
 * only, always in the same transaction as the instance state they belong to.
 */
import { sql } from 'drizzle-orm';
import type { SchemaKit } from './schema-kit.server.ts';

export type InstanceStatusColumn = 'active' | 'completed' | 'terminated' | 'failed';
export type { TaskStatus } from '@tongguan/runtime/bpmn/task-lifecycle';
import type { TaskStatus } from '@tongguan/runtime/bpmn/task-lifecycle';
/** `failed`: firing raised a runtime error MAX_TIMER_ATTEMPTS times (an incident for an administrator). */
export type TimerStatus = 'scheduled' | 'fired' | 'cancelled' | 'failed';
export type JobStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export function defineWorkflowSchema(k: SchemaKit) {
  const processInstances = k.table('process_instances', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    /** The published definition row the instance runs: its version never changes under it. */
    definitionId: k.text('definition_id').notNull(),
    processKey: k.text('process_key').notNull(),
    definitionVersion: k.int('definition_version').notNull(),
    businessKey: k.text('business_key'),
    status: k.text('status').$type<InstanceStatusColumn>().notNull(),
    state: k.json<unknown>('state').notNull(),
    /** Bumped by every step; a step commits only if the revision it read is still current. */
    revision: k.int('revision').notNull(),
    parentInstanceId: k.text('parent_instance_id'),
    parentCallId: k.text('parent_call_id'),
    startedBy: k.text('started_by'),
    startedAt: k.timestamp('started_at').notNull(),
    endedAt: k.timestamp('ended_at'),
    updatedAt: k.timestamp('updated_at').notNull(),
  }, (t) => [
    k.index('process_instances_status_idx').on(t.tenantId, t.status),
    k.index('process_instances_business_idx').on(t.tenantId, t.businessKey),
    k.index('process_instances_parent_idx').on(t.parentInstanceId),
  ]);

  const tasks = k.table('tasks', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    instanceId: k.text('instance_id').notNull(),
    elementId: k.text('element_id').notNull(),
    /** The activity (history row) the task belongs to: pairs tasks with the timeline. */
    activityId: k.text('activity_id'),
    name: k.text('name'),
    status: k.text('status').$type<TaskStatus>().notNull(),
    assigneeId: k.text('assignee_id'),
    candidateRoles: k.json<string[]>('candidate_roles').notNull(),
    candidatePositions: k.json<string[]>('candidate_positions').notNull(),
    candidateOrgIds: k.json<string[]>('candidate_org_ids').notNull(),
    formKey: k.text('form_key'),
    /** The form version pinned when the task was created: submissions are validated against it. */
    formDefinitionId: k.text('form_definition_id'),
    dueAt: k.timestamp('due_at'),
    escalateTo: k.text('escalate_to'),
    /** When the holders of `escalateTo` were told the task is overdue (once; workflow/escalation.server.ts). */
    escalatedAt: k.timestamp('escalated_at'),
    priority: k.json<unknown>('priority'),
    loopCounter: k.int('loop_counter'),
    variables: k.json<Record<string, unknown>>('variables').notNull(),
    createdAt: k.timestamp('created_at').notNull(),
    claimedAt: k.timestamp('claimed_at'),
    completedAt: k.timestamp('completed_at'),
    completedBy: k.text('completed_by'),
    /** The handler's opinion (处理意见) shown on the case timeline. */
    comment: k.text('comment'),
    formData: k.json<unknown>('form_data'),
    cancelReason: k.text('cancel_reason'),
  }, (t) => [
    k.index('tasks_inbox_idx').on(t.tenantId, t.status, t.assigneeId),
    k.index('tasks_instance_idx').on(t.instanceId),
    // No plain index on due_at: overdue is computed per task shown and 督办 is a timer, and it would
    // cost every task insert and status change a B-tree write. The escalation sweep's index holds
    // only waiting tasks that name a target and were not escalated yet (none, for most processes).
    k.index('tasks_escalation_idx').on(t.dueAt).where(sql`escalate_to IS NOT NULL AND escalated_at IS NULL AND status IN ('open', 'claimed')`),
  ]);

  /** Who may claim an open task, one row per rule value: the inbox query stays indexable on both dialects. */
  const taskCandidates = k.table('task_candidates', {
    taskId: k.text('task_id').notNull(),
    tenantId: k.text('tenant_id').notNull(),
    kind: k.text('kind').$type<'role' | 'position' | 'org'>().notNull(),
    value: k.text('value').notNull(),
  }, (t) => [
    k.primaryKey({ columns: [t.taskId, t.kind, t.value] }),
    k.index('task_candidates_value_idx').on(t.tenantId, t.kind, t.value),
  ]);

  const timers = k.table('timers', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    instanceId: k.text('instance_id').notNull(),
    elementId: k.text('element_id').notNull(),
    dueAt: k.timestamp('due_at').notNull(),
    status: k.text('status').$type<TimerStatus>().notNull(),
    attempts: k.int('attempts').notNull(),
    lastError: k.text('last_error'),
  }, (t) => [
    k.index('timers_due_idx').on(t.status, t.dueAt),
    k.index('timers_instance_idx').on(t.instanceId),
  ]);

  /**
   * Timer start events of published processes: when the next instance starts. Scheduled when a
   * version is published, withdrawn when a newer one is published or it is retired; a cycle
   * (`R[n]/…`) schedules its next occurrence as it fires.
   */
  const startTimers = k.table('start_timers', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    definitionId: k.text('definition_id').notNull(),
    processKey: k.text('process_key').notNull(),
    elementId: k.text('element_id').notNull(),
    dueAt: k.timestamp('due_at').notNull(),
    /** ISO 8601 duration between occurrences, for a cycle. */
    cycleDuration: k.text('cycle_duration'),
    /** Occurrences left after this one; null = unbounded. */
    remaining: k.int('remaining'),
    status: k.text('status').$type<TimerStatus>().notNull(),
    attempts: k.int('attempts').notNull(),
    lastError: k.text('last_error'),
  }, (t) => [
    k.index('start_timers_due_idx').on(t.status, t.dueAt),
    k.index('start_timers_definition_idx').on(t.definitionId),
  ]);

  const eventSubscriptions = k.table('event_subscriptions', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    instanceId: k.text('instance_id').notNull(),
    kind: k.text('kind').$type<'message' | 'signal'>().notNull(),
    name: k.text('name').notNull(),
    elementId: k.text('element_id').notNull(),
    createdAt: k.timestamp('created_at').notNull(),
  }, (t) => [
    k.index('event_subscriptions_name_idx').on(t.tenantId, t.kind, t.name),
    k.index('event_subscriptions_instance_idx').on(t.instanceId),
  ]);

  /** Service-task calls, an outbox: claimed by a worker, run outside the transaction, reported back. */
  const jobs = k.table('jobs', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    instanceId: k.text('instance_id').notNull(),
    elementId: k.text('element_id').notNull(),
    serviceType: k.text('service_type').notNull(),
    config: k.json<Record<string, unknown>>('config').notNull(),
    variables: k.json<Record<string, unknown>>('variables').notNull(),
    status: k.text('status').$type<JobStatus>().notNull(),
    attempts: k.int('attempts').notNull(),
    runAt: k.timestamp('run_at').notNull(),
    lockedUntil: k.timestamp('locked_until'),
    lastError: k.text('last_error'),
    createdAt: k.timestamp('created_at').notNull(),
    finishedAt: k.timestamp('finished_at'),
  }, (t) => [
    k.index('jobs_due_idx').on(t.status, t.runAt),
    k.index('jobs_instance_idx').on(t.instanceId),
  ]);

  /** Every flow node entered and left: the instance timeline and the diagram's marks. */
  const activityHistory = k.table('activity_history', {
    id: k.text('id').primaryKey(),
    tenantId: k.text('tenant_id').notNull(),
    instanceId: k.text('instance_id').notNull(),
    elementId: k.text('element_id').notNull(),
    elementKind: k.text('element_kind').notNull(),
    /** Order within the instance: revision × 10 000 + position of the effect in its step. */
    seq: k.int('seq').notNull(),
    startedAt: k.timestamp('started_at').notNull(),
    endedAt: k.timestamp('ended_at'),
    outcome: k.text('outcome'),
  }, (t) => [k.index('activity_history_instance_idx').on(t.instanceId, t.seq)]);

  return { processInstances, tasks, taskCandidates, timers, startTimers, eventSubscriptions, jobs, activityHistory };
}
