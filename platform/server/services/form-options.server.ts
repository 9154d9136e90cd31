/**
 * Choices a form takes from the city's own data. A select or radio component names a source in
 * its custom properties (`"properties": { "optionSource": "responsibleUnits" }`, editable in the
 * form.io builder's API tab); the platform fills in the options from the tenant's records both
 * when the form is handed to the browser and when a submission is re-validated, so the choices
 * offered and the choices accepted are one list, and a client cannot smuggle in another city's
 * unit (the value becomes e.g. the candidate organisation of the next task).
 */
import { and, asc, eq, type SQL } from 'drizzle-orm';
import type { App } from '../app.server.ts';
import type { Db } from '../db/database.server.ts';
import type { OrgKind } from '../../shared/domain.ts';

interface Option {
  label: string;
  value: string;
}

type OptionSource = (app: App, tenantId: string, db: Db) => Promise<Option[]>;

type Organisations = App['db']['t']['organisations'];

/** The city's organisations that `which` selects, in tree order (name → id). */
function organisations(which: (o: Organisations) => SQL): OptionSource {
  return async (app, tenantId, db) => {
    const o = app.db.t.organisations;
    const rows = await db.select({ id: o.id, name: o.name }).from(o)
      .where(and(eq(o.tenantId, tenantId), which(o))).orderBy(asc(o.path));
    return rows.map((row) => ({ label: row.name, value: row.id }));
  };
}

const organisationsOfKind = (kind: OrgKind) => organisations((o) => eq(o.kind, kind));

const SOURCES: Record<string, OptionSource> = {
  /** 责任单位/处置部门: who a case can be dispatched to. */
  responsibleUnits: organisationsOfKind('responsibleUnit'),
  /** 职能部门. */
  departments: organisationsOfKind('department'),
  /** 区/县. */
  districts: organisations((o) => eq(o.level, 'district')),
};

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every component (at any depth: panels, columns, tables, grids) that names an option source. */
function* sourcedComponents(value: unknown, path: string): Generator<{ component: Node; source: unknown; path: string }> {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) yield* sourcedComponents(item, `${path}.${index}`);
    return;
  }
  if (!isNode(value)) return;
  const properties = value.properties;
  if (typeof value.type === 'string' && isNode(properties) && properties.optionSource !== undefined) {
    yield { component: value, source: properties.optionSource, path };
  }
  for (const key of ['components', 'columns', 'rows'] as const) {
    if (key in value) yield* sourcedComponents(value[key], path ? `${path}.${key}` : key);
  }
}

/** Problems a form's option sources have, for the publish check: unknown names, wrong component types. */
export function optionSourceProblems(content: unknown): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = [];
  for (const { component, source, path } of sourcedComponents(content, '')) {
    const at = `${path}.properties.optionSource`.replace(/^\./, '');
    if (component.type !== 'select' && component.type !== 'radio') {
      problems.push({ path: at, message: `#validation.optionSourceComponent` });
    } else if (typeof source !== 'string' || !Object.hasOwn(SOURCES, source)) {
      problems.push({ path: at, message: `#validation.optionSourceUnknown` });
    }
  }
  return problems;
}

/**
 * A copy of the form with every option source filled in from the tenant's data (the stored
 * definition is untouched); `db` is the transaction when called inside one.
 */
export async function withOptionSources(app: App, tenantId: string, content: unknown, db: Db = app.db.read): Promise<unknown> {
  const sourced = [...sourcedComponents(content, '')];
  if (sourced.length === 0) return content;
  const copy = structuredClone(content);
  const loaded = new Map<string, Option[]>();
  for (const { component, source } of sourcedComponents(copy, '')) {
    if (typeof source !== 'string' || !Object.hasOwn(SOURCES, source)) continue;
    let options = loaded.get(source);
    if (!options) {
      options = await SOURCES[source](app, tenantId, db);
      loaded.set(source, options);
    }
    if (component.type === 'select') {
      component.dataSrc = 'values';
      component.data = { ...(isNode(component.data) ? component.data : {}), values: options };
    } else {
      component.values = options;
    }
  }
  return copy;
}
