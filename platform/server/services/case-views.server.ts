/**
 * Read-only views the case pages need beside the case service: the code tables that name a
 * case's source and category, and a case as its detail page shows it — the names of its grid,
 * district and unit, the form data submitted at each step, and the open tasks the actor may work
 * on. Access is checked by the services it builds on (getCase, listTasks); what it reads
 * directly (element names, names, the grid's outline, step submissions) belongs to a case the
 * actor was just allowed to read, and is part of it — reading a case needs no read:Process.
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { App, Actor } from '../app.server.ts';
import { AppError } from '../errors.server.ts';
import type { CaseOutput } from '../../shared/schemas/case.ts';
import type { DictionaryContent, DictionaryItem } from '../../shared/schemas/dictionary-csv.ts';
import type { Polygon } from '../../shared/schemas/geo.ts';
import { getCase } from './cases.server.ts';
import { getPublished } from './definitions.server.ts';
import { withOptionSources } from './form-options.server.ts';
import { listTasks } from './tasks.server.ts';
import { instanceElements, type DiagramElement } from './workflow-views.server.ts';

export interface CaseDictionaries {
  sources: DictionaryItem[];
  categories: DictionaryItem[];
}

/**
 * The published `case-sources` and `case-categories` items. Like reporting itself (createCase),
 * this needs no `read Dictionary`: the codes are the cases' own vocabulary. A city that has not
 * published them yet gets empty lists (and cannot report cases until it does).
 */
export async function caseDictionaries(app: App, actor: Actor): Promise<CaseDictionaries> {
  const items = async (key: string): Promise<DictionaryItem[]> => {
    try {
      return ((await getPublished(app, actor.principal.tenantId, 'dictionary', key)).content as DictionaryContent).items;
    } catch (error) {
      if (error instanceof AppError && error.code === 'not_found') return [];
      throw error;
    }
  };
  const [sources, categories] = await Promise.all([items('case-sources'), items('case-categories')]);
  return { sources, categories };
}

export interface CaseGrid {
  id: string;
  code: string;
  name: string;
  geometry: Polygon;
}

/** What one step's form recorded: the submission and the pinned form (option sources filled in) that labels it. */
export interface StepSubmission {
  form: unknown;
  data: Record<string, unknown>;
}

export interface CaseView {
  case: CaseOutput;
  /** Flow nodes of the pinned process version by element id (names of the steps that are events). */
  elements: Record<string, DiagramElement>;
  grid: CaseGrid | null;
  /** Names of the case's grid organisation, district and responsible unit by id. */
  orgNames: Record<string, string>;
  /** Form data by task id, for the steps that had a form. */
  submissions: Record<string, StepSubmission>;
  /** Open tasks of the case that are the actor's to work on (their inbox). */
  openTasks: { id: string; name: string | null; elementId: string }[];
}

export async function getCaseView(app: App, actor: Actor, id: string): Promise<CaseView> {
  const found = await getCase(app, actor, id);
  const { tenantId } = actor.principal;
  const [elements, inbox, grid, orgNames, submissions] = await Promise.all([
    instanceElements(app, tenantId, found.processInstanceId),
    listTasks(app, actor, { view: 'inbox', instanceId: found.processInstanceId, limit: 500 }),
    found.gridId ? caseGrid(app, tenantId, found.gridId) : null,
    organisationNames(app, tenantId, [found.orgId, found.districtOrgId, found.responsibleUnitId]),
    stepSubmissions(app, tenantId, found.processInstanceId),
  ]);
  return {
    case: found, elements, grid, orgNames, submissions,
    openTasks: inbox.map((task) => ({ id: task.id, name: task.name, elementId: task.elementId })),
  };
}

async function caseGrid(app: App, tenantId: string, gridId: string): Promise<CaseGrid | null> {
  const g = app.db.t.grids;
  const [row] = await app.db.read.select({ id: g.id, code: g.code, name: g.name, geometry: g.geometry }).from(g)
    .where(and(eq(g.tenantId, tenantId), eq(g.id, gridId)));
  return row ?? null;
}

async function organisationNames(app: App, tenantId: string, ids: (string | null)[]): Promise<Record<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => i !== null))];
  if (wanted.length === 0) return {};
  const o = app.db.t.organisations;
  const rows = await app.db.read.select({ id: o.id, name: o.name }).from(o).where(and(eq(o.tenantId, tenantId), inArray(o.id, wanted)));
  return Object.fromEntries(rows.map((row) => [row.id, row.name]));
}

async function stepSubmissions(app: App, tenantId: string, instanceId: string): Promise<Record<string, StepSubmission>> {
  const { tasks: t, definitions: d } = app.db.t;
  const rows = await app.db.read.select({ id: t.id, formData: t.formData, formDefinitionId: t.formDefinitionId }).from(t)
    .where(and(eq(t.tenantId, tenantId), eq(t.instanceId, instanceId), isNotNull(t.formData)));
  const formIds = [...new Set(rows.map((row) => row.formDefinitionId).filter((i): i is string => i !== null))];
  const forms = formIds.length
    ? await app.db.read.select({ id: d.id, content: d.content }).from(d).where(and(eq(d.tenantId, tenantId), inArray(d.id, formIds)))
    : [];
  const filled = new Map(await Promise.all(forms.map(async (form) => [form.id, await withOptionSources(app, tenantId, form.content)] as const)));
  const out: Record<string, StepSubmission> = {};
  for (const row of rows) {
    if (typeof row.formData !== 'object' || row.formData === null || Array.isArray(row.formData)) continue;
    out[row.id] = { form: row.formDefinitionId ? filled.get(row.formDefinitionId) ?? null : null, data: row.formData as Record<string, unknown> };
  }
  return out;
}
