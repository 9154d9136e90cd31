/**
 * `tg:escalateTo` (docs/bpmn.md §3): when a user task that names an escalation target is still
 * open past its due time, the holders of that role or position are told so once — an in-app
 * notice linking the task — and the task records when. Roles with a city-wide data scope (e.g.
 * 市级领导) are told wherever the task is; other roles and positions only within the task's
 * candidate organisations (the responsible unit and what is above it is not guessed at). The
 * 督办 task itself, when a process wants one, stays modelled (a timer boundary event), as the
 * standard case process does; this is the safety net every overdue task gets without modelling.
 *
 * Run with the timer loop. Each task is claimed with a conditional update (`escalated_at IS
 * NULL`), so several schedulers on PostgreSQL tell nobody twice; the notice's source key makes a
 * retried run idempotent too.
 */
import { and, asc, eq, inArray, isNotNull, isNull, lt } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import { recordAudit } from '../audit/audit.server.ts';
import { insertNotifications, recipientsOf } from '../services/notifications.server.ts';
import { POSITIONS, type Position } from '../../shared/domain.ts';

const SYSTEM = { ip: null, userAgent: null };

/** Tasks still waiting: created or claimed. */
const WAITING = ['open', 'claimed'] as const;

/** Escalates up to `limit` overdue tasks; returns how many were escalated. */
export async function escalateOverdueTasks(app: App, limit = 100): Promise<number> {
  const t = app.db.t.tasks;
  const now = app.now();
  // The partial index tasks_escalation_idx holds only the tasks with a target not yet escalated.
  const due = await app.db.read.select({ id: t.id }).from(t)
    .where(and(isNotNull(t.escalateTo), isNull(t.escalatedAt), inArray(t.status, [...WAITING]), lt(t.dueAt, now)))
    .orderBy(asc(t.dueAt), asc(t.id)).limit(limit);
  let escalated = 0;
  for (const { id } of due) {
    try {
      if (await escalateOne(app, id, now)) escalated++;
    } catch (error) {
      // One task that cannot be escalated (e.g. its roles were deleted mid-run) does not hold up the others.
      console.error(`Escalating overdue task ${id} failed`, error);
    }
  }
  return escalated;
}

async function escalateOne(app: App, id: string, now: Date): Promise<boolean> {
  const t = app.db.t.tasks;
  return app.db.transaction(async (tx) => {
    const claimed = await tx.update(t).set({ escalatedAt: now })
      .where(and(eq(t.id, id), isNull(t.escalatedAt), inArray(t.status, [...WAITING]), lt(t.dueAt, now)))
      .returning({ tenantId: t.tenantId, name: t.name, elementId: t.elementId, instanceId: t.instanceId, escalateTo: t.escalateTo, candidateOrgIds: t.candidateOrgIds, dueAt: t.dueAt });
    const task = claimed[0];
    if (!task?.escalateTo) return false;
    const recipients = await escalationRecipients(app, tx, task.tenantId, task.escalateTo, task.candidateOrgIds);
    const written = await insertNotifications(app, tx, {
      tenantId: task.tenantId, userIds: recipients, sourceKey: `task-overdue:${id}`,
      title: `任务超期：${task.name ?? task.elementId}`.slice(0, 200),
      body: `办理时限 ${formatBeijing(task.dueAt)} 已过，请督促办理。`, link: `/tasks/${id}`,
    });
    if (written.deliveries) app.deliveries.kick();
    await recordAudit(app.db, tx, {
      tenantId: task.tenantId, actorId: null, actorName: 'workflow', action: 'escalate', objectType: 'task', objectId: id,
      detail: { escalateTo: task.escalateTo, instanceId: task.instanceId, dueAt: task.dueAt?.toISOString() ?? null, recipients: recipients.length },
    }, SYSTEM, now);
    return true;
  });
}

/** The people `escalateTo` names: holders of the role (city-wide ones anywhere) and of the position, within the task's organisations. */
async function escalationRecipients(app: App, tx: Db, tenantId: string, code: string, orgIds: readonly string[]): Promise<string[]> {
  const r = app.db.t.roles;
  const [role] = await tx.select({ dataScope: r.dataScope }).from(r).where(and(eq(r.tenantId, tenantId), eq(r.code, code)));
  const within = orgIds.length ? [...orgIds] : undefined;
  const ids = new Set<string>();
  if (role) {
    for (const id of await recipientsOf(app, tenantId, { roles: [code], ...(role.dataScope === 'all' ? {} : { organisationIds: within }) }, tx)) ids.add(id);
  }
  if ((POSITIONS as readonly string[]).includes(code)) {
    for (const id of await recipientsOf(app, tenantId, { positions: [code as Position], organisationIds: within }, tx)) ids.add(id);
  }
  return [...ids].sort();
}

function formatBeijing(at: Date | null): string {
  if (!at) return '';
  return new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(at);
}
