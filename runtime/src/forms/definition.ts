/**
 * Publish-time check of a form.io definition: overall shape (zod), every component walked
 * (layout, containers, grids, tabs, tables), supported types only, valid and unique keys,
 * and the no-JavaScript policy of component-policy.ts.
 */
import { z } from 'zod';
import { componentFindings } from './component-policy.ts';
import { childListsOf, componentTypeInfo } from './component-types.ts';
import { definitionMessage } from './messages.ts';
import { DEFAULT_LOCALE } from './types.ts';
import type { DefinitionCheckResult, DefinitionProblem, DefinitionProblemCode, FormComponent, FormDefinition, Locale } from './types.ts';

export const MAX_COMPONENTS = 2_000;
export const MAX_NESTING = 24;

const KEY_PATTERN = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const numeric = z.union([z.number(), z.string()]).optional();

const validateShape = z.looseObject({
  required: z.boolean().optional(),
  minLength: numeric,
  maxLength: numeric,
  minWords: numeric,
  maxWords: numeric,
  min: numeric,
  max: numeric,
  pattern: z.string().optional(),
  customMessage: z.string().optional(),
});

const componentShape = z.looseObject({
  type: z.string().min(1),
  key: z.string().min(1),
  label: z.string().optional(),
  input: z.boolean().optional(),
  multiple: z.boolean().optional(),
  hidden: z.boolean().optional(),
  validate: validateShape.optional(),
  components: z.array(z.looseObject({})).optional(),
});

const formShape = z.looseObject({
  display: z.string().optional(),
  components: z.array(z.unknown()),
});

export interface DefinitionOptions {
  locale?: Locale;
}

interface WalkState {
  problems: DefinitionProblem[];
  locale: Locale;
  count: number;
}

function problem(state: WalkState, code: DefinitionProblemCode, fields: { componentKey: string; path: string; property?: string }, params: Record<string, string>): void {
  const { componentKey, path, property } = fields;
  const message = definitionMessage(state.locale, code, { key: componentKey, property, ...params });
  state.problems.push(property === undefined ? { code, componentKey, path, message } : { code, componentKey, path, property, message });
}

function formatIssuePath(base: string, issuePath: readonly PropertyKey[]): string {
  return issuePath.reduce<string>((path, part) => (typeof part === 'number' ? `${path}[${part}]` : path ? `${path}.${String(part)}` : String(part)), base);
}

/**
 * Walks one list of sibling components. `scopeKeys` collects the keys of the data level the
 * list belongs to: layout components share their parent's level, containers and grids open a
 * new one.
 */
function walkList(components: unknown[], listPath: string, scopeKeys: Set<string>, depth: number, state: WalkState): void {
  components.forEach((raw, index) => {
    const path = `${listPath}[${index}]`;
    state.count += 1;
    if (state.count === MAX_COMPONENTS + 1) {
      problem(state, 'form.limitExceeded', { componentKey: '', path }, { detail: `more than ${MAX_COMPONENTS} components` });
    }
    if (state.count > MAX_COMPONENTS) return;
    const parsed = componentShape.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = typeof (raw as { key?: unknown })?.key === 'string' ? (raw as { key: string }).key : '';
      problem(state, 'form.shape', { componentKey: key, path: formatIssuePath(path, issue.path) }, { detail: `${formatIssuePath(path, issue.path)}: ${issue.message}` });
      return;
    }
    const component = parsed.data as FormComponent;
    checkComponent(component, path, scopeKeys, depth, state);
  });
}

function checkComponent(component: FormComponent, path: string, scopeKeys: Set<string>, depth: number, state: WalkState): void {
  const { key, type } = component;
  const at = { componentKey: key, path };
  if (!KEY_PATTERN.test(key) || RESERVED_KEYS.has(key)) problem(state, 'component.invalidKey', at, {});
  else if (scopeKeys.has(key)) problem(state, 'component.duplicateKey', at, {});
  scopeKeys.add(key);

  const info = componentTypeInfo(type);
  if (!info) {
    problem(state, 'component.unsupportedType', { ...at, property: 'type' }, { type });
    return;
  }
  for (const finding of componentFindings(component)) {
    problem(state, finding.code, { ...at, ...(finding.property === undefined ? {} : { property: finding.property }) }, finding.params);
  }
  const lists = childListsOf(component);
  if (lists.length === 0) return;
  if (depth + 1 > MAX_NESTING) {
    problem(state, 'form.limitExceeded', at, { detail: `components nested deeper than ${MAX_NESTING}` });
    return;
  }
  const childScope = info.model === 'object' || info.model === 'rows' ? new Set<string>() : scopeKeys;
  for (const list of lists) walkList(list.components, `${path}.${list.path}`, childScope, depth + 1, state);
}

function formLevelProblems(form: Record<string, unknown>, state: WalkState): void {
  const display = form.display;
  if (display !== undefined && display !== 'form' && display !== 'wizard') {
    problem(state, 'form.unsupportedDisplay', { componentKey: '', path: 'display', property: 'display' }, { display: String(display) });
  }
  // A form-level module is JavaScript that @formio/core prepends to every evaluation.
  if (form.module !== undefined && form.module !== '' && form.module !== null) {
    problem(state, 'form.javascriptNotAllowed', { componentKey: '', path: 'module', property: 'module' }, {});
  }
}

/**
 * Checks a form definition before it is published. Accepts a full form (`{ display?, components }`)
 * or a bare components array (form.io exports both). Problems carry messages in `locale`.
 *
 * @example
 * const result = validateFormDefinition(json, { locale: 'en' });
 * if (!result.ok) throw new FormDefinitionError(result.problems);
 */
export function validateFormDefinition(definition: unknown, options: DefinitionOptions = {}): DefinitionCheckResult {
  const state: WalkState = { problems: [], locale: options.locale ?? DEFAULT_LOCALE, count: 0 };
  const candidate = Array.isArray(definition) ? { components: definition } : definition;
  const parsed = formShape.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const path = formatIssuePath('', issue.path);
      problem(state, 'form.shape', { componentKey: '', path }, { detail: `${path || '(root)'}: ${issue.message}` });
    }
    return { ok: false, problems: state.problems };
  }
  formLevelProblems(parsed.data, state);
  walkList(parsed.data.components, 'components', new Set(), 0, state);
  if (state.problems.length > 0) return { ok: false, problems: state.problems };
  return { ok: true, definition: parsed.data as FormDefinition };
}
