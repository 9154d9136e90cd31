/**
 * A form.io submission as label/value rows for reading (the case timeline): each value under
 * the label of the component that collected it, a choice under its option's label, in the
 * form's order; values the form does not describe keep their key.
 */
/** Several choices stay a list: the page joins them in its language. */
export type SubmissionValue = string | number | boolean | string[] | null;

export interface SubmissionRow {
  key: string;
  label: string;
  value: SubmissionValue;
}

interface Described {
  label: string;
  /** Choice value → its label (radio, select, selectboxes). */
  options: Map<string, string>;
}

type Node = Record<string, unknown>;
const isNode = (value: unknown): value is Node => typeof value === 'object' && value !== null && !Array.isArray(value);

function optionsOf(component: Node): Map<string, string> {
  const data = isNode(component.data) ? component.data.values : undefined;
  const list = Array.isArray(component.values) ? component.values : Array.isArray(data) ? data : [];
  const options = new Map<string, string>();
  for (const option of list) {
    if (isNode(option) && typeof option.label === 'string') options.set(String(option.value), option.label);
  }
  return options;
}

/** Input components by key, at any depth (panels, columns, tables), in the form's order. */
function describe(value: unknown, into: Map<string, Described>): Map<string, Described> {
  if (Array.isArray(value)) {
    for (const item of value) describe(item, into);
    return into;
  }
  if (!isNode(value)) return into;
  if (value.input === true && typeof value.key === 'string' && value.type !== 'button' && !into.has(value.key)) {
    into.set(value.key, { label: typeof value.label === 'string' && value.label ? value.label : value.key, options: optionsOf(value) });
  }
  for (const key of ['components', 'columns', 'rows'] as const) if (key in value) describe(value[key], into);
  return into;
}

function display(raw: unknown, options: Map<string, string>): SubmissionValue {
  if (raw === null || raw === undefined) return null;
  if (typeof raw === 'boolean' || typeof raw === 'number') return raw;
  if (typeof raw === 'string') return options.get(raw) ?? raw;
  // selectboxes: { value: checked }.
  if (isNode(raw) && Object.values(raw).every((v) => typeof v === 'boolean') && options.size > 0) {
    return Object.entries(raw).filter(([, checked]) => checked).map(([v]) => options.get(v) ?? v);
  }
  if (Array.isArray(raw) && raw.every((v) => typeof v !== 'object' || v === null)) return raw.map((v) => options.get(String(v)) ?? String(v));
  return JSON.stringify(raw);
}

export function submissionRows(form: unknown, data: Record<string, unknown>): SubmissionRow[] {
  const described = describe(isNode(form) ? form.components : undefined, new Map());
  const rows: SubmissionRow[] = [];
  for (const [key, { label, options }] of described) {
    if (key in data && data[key] !== '' && data[key] !== undefined) rows.push({ key, label, value: display(data[key], options) });
  }
  for (const [key, value] of Object.entries(data)) {
    // form.io adds `submit` for its own button; it is not something the person recorded.
    if (!described.has(key) && key !== 'submit' && value !== '' && value !== undefined) rows.push({ key, label: key, value: display(value, new Map()) });
  }
  return rows;
}
