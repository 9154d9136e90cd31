/**
 * Read-only views the workflow pages need beside the task and instance services: process names
 * for lists, a task with its pinned form, an instance with its pinned diagram, and the processes
 * a person may start. Each one checks access through the service it builds on (getTask,
 * getProcessInstance) or states the permission it needs.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import { assertCan, can } from '../access/guard.server.ts';
import { notFound } from '../errors.server.ts';
import { modelOf, processContentSchema } from '../workflow/process-models.server.ts';
import type { InstanceOutput, TaskOutput } from '../../shared/schemas/workflow.ts';
import { getProcessInstance } from './process-instances.server.ts';
import { getTask, listTasks } from './tasks.server.ts';
import { withOptionSources } from './form-options.server.ts';
import { HANDLING_STAGES } from '../cases/case-status.server.ts';

/** Display names of processes by key: the name of each key's latest published version. */
export async function processNames(app: App, actor: Actor, keys: readonly string[]): Promise<Record<string, string>> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return {};
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, name: d.name }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'process'), inArray(d.status, ['published', 'retired']), inArray(d.key, unique)))
    .orderBy(desc(d.version));
  const names: Record<string, string> = {};
  for (const row of rows) names[row.key] ??= row.name;
  return names;
}

async function definitionContent(app: App, actor: Actor, id: string): Promise<{ name: string; content: unknown }> {
  const d = app.db.t.definitions;
  const [row] = await app.db.read.select({ name: d.name, content: d.content }).from(d).where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.id, id)));
  if (!row) throw notFound('definition');
  return row;
}

export interface TaskView {
  task: TaskOutput;
  processName: string;
  /** The case the task's instance works on, when it is a case process (a link; photos after handling on handling stages). */
  caseRef: { id: string; caseNumber: string; photosAfter: boolean } | null;
  /** The form.io JSON of the form version pinned on the task, when it has one. */
  form: unknown;
  /** The actor may complete the task now (open or claimed, and theirs by the assignment rules). */
  mayWork: boolean;
  /** The task is open, unassigned and the actor is one of its candidates (签收). */
  mayClaim: boolean;
  /** Names of the task's candidate roles by code: who else may take it is part of the task. */
  roleNames: Record<string, string>;
}

/**
 * A task as its page shows it. Whether the actor may work on it is read from their own inbox
 * (assigned to them or open to them as a candidate), so the page and the service share one rule.
 */
export async function getTaskView(app: App, actor: Actor, id: string): Promise<TaskView> {
  const task = await getTask(app, actor, id);
  const open = task.status === 'open' || task.status === 'claimed';
  const inbox = open ? await listTasks(app, actor, { view: 'inbox', instanceId: task.instanceId, limit: 500 }) : [];
  const mayWork = open && (can(actor, 'administer', 'Process') || inbox.some((t) => t.id === id));
  const form = task.formDefinitionId
    ? await withOptionSources(app, actor.principal.tenantId, (await definitionContent(app, actor, task.formDefinitionId)).content)
    : null;
  const names = await processNames(app, actor, [task.processKey]);
  const r = app.db.t.roles;
  const roles = task.candidateRoles.length
    ? await app.db.read.select({ code: r.code, name: r.name }).from(r).where(and(eq(r.tenantId, actor.principal.tenantId), inArray(r.code, task.candidateRoles)))
    : [];
  const c = app.db.t.cases;
  const [caseRow] = await app.db.read.select({ id: c.id, caseNumber: c.caseNumber }).from(c)
    .where(and(eq(c.tenantId, actor.principal.tenantId), eq(c.processInstanceId, task.instanceId)));
  return {
    task, processName: names[task.processKey] ?? task.processKey, caseRef: caseRow ? { ...caseRow, photosAfter: HANDLING_STAGES.has(task.elementId) } : null, form, mayWork, mayClaim: mayWork && task.status === 'open' && !task.assigneeId,
    roleNames: Object.fromEntries(roles.map((role) => [role.code, role.name])),
  };
}

export interface DiagramElement {
  name: string | null;
  kind: string;
}

export interface InstanceView {
  instance: InstanceOutput;
  processName: string;
  /** BPMN XML of the definition version the instance is pinned to. */
  xml: string;
  /** Flow nodes of that version by element id. */
  elements: Record<string, DiagramElement>;
}

/** An instance with the diagram and element names of its pinned definition version (needs `read Process`). */
export async function getInstanceView(app: App, actor: Actor, id: string): Promise<InstanceView> {
  const instance = await getProcessInstance(app, actor, id);
  const definition = await definitionContent(app, actor, instance.definitionId);
  return { instance, processName: definition.name, xml: processContentSchema.parse(definition.content).xml, elements: await elementsOf(app, instance.definitionId, definition.content) };
}

async function elementsOf(app: App, definitionId: string, content: unknown): Promise<Record<string, DiagramElement>> {
  const model = await modelOf(app, { id: definitionId, content });
  const elements: Record<string, DiagramElement> = {};
  for (const node of model.nodes.values()) elements[node.id] = { name: node.name ?? null, kind: node.kind };
  return elements;
}

/**
 * The names and kinds of an instance's elements, without a permission check: for views that
 * already authorised reading what the instance belongs to (a case page).
 */
export async function instanceElements(app: App, tenantId: string, instanceId: string): Promise<Record<string, DiagramElement>> {
  const { processInstances: pi, definitions: d } = app.db.t;
  const [row] = await app.db.read.select({ definitionId: pi.definitionId, content: d.content }).from(pi)
    .innerJoin(d, eq(d.id, pi.definitionId)).where(and(eq(pi.tenantId, tenantId), eq(pi.id, instanceId)));
  if (!row) throw notFound('processInstance');
  return elementsOf(app, row.definitionId, row.content);
}

export interface StartableProcess {
  key: string;
  name: string;
  version: number;
}

/** The latest published version of every process, for people who may start instances. */
export async function listStartableProcesses(app: App, actor: Actor): Promise<StartableProcess[]> {
  assertCan(actor, 'create', 'Process');
  const d = app.db.t.definitions;
  const rows = await app.db.read.select({ key: d.key, name: d.name, version: d.version }).from(d)
    .where(and(eq(d.tenantId, actor.principal.tenantId), eq(d.kind, 'process'), eq(d.status, 'published')))
    .orderBy(d.key, desc(d.version));
  const latest = new Map<string, StartableProcess>();
  for (const row of rows) if (!latest.has(row.key)) latest.set(row.key, row);
  return [...latest.values()].sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'));
}
