/**
 * Pure adapters between form.io definitions / server answers and the task page's renderer.
 * The server validates the submission against the pinned form version (decision 006) and names
 * each invalid value `formData.<form.io data path>`; the page puts those messages on the
 * matching form.io components.
 */
import type { FieldError } from '../../shared/errors.ts';

export interface ComponentError {
  /** form.io data path, e.g. `opinion` or `items[1].qty`. */
  path: string;
  message: string;
}

/**
 * Splits a 422's field errors into those of form components (prefix stripped) and the rest
 * (the comment, or the submission as a whole).
 */
export function splitFormErrors(fields: readonly FieldError[] | undefined, prefix = 'formData'): { components: ComponentError[]; rest: FieldError[] } {
  const components: ComponentError[] = [];
  const rest: FieldError[] = [];
  for (const error of fields ?? []) {
    if (error.field.startsWith(`${prefix}.`) && error.field.length > prefix.length + 1) {
      components.push({ path: error.field.slice(prefix.length + 1), message: error.message });
    } else {
      rest.push(error);
    }
  }
  return { components, rest };
}

interface SchemaNode {
  type?: unknown;
  action?: unknown;
  components?: unknown;
  columns?: unknown;
  rows?: unknown;
  [key: string]: unknown;
}

const isNode = (value: unknown): value is SchemaNode => typeof value === 'object' && value !== null && !Array.isArray(value);
const isSubmitButton = (node: SchemaNode) => node.type === 'button' && (node.action === undefined || node.action === 'submit');

function prune(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => !(isNode(item) && isSubmitButton(item))).map(prune);
  if (!isNode(value)) return value;
  const out: SchemaNode = { ...value };
  for (const key of ['components', 'columns', 'rows'] as const) if (key in out) out[key] = prune(out[key]);
  return out;
}

/**
 * The form without its own submit buttons: the task page submits through its 办理 button, with
 * the comment, so a second button inside the form would submit half of what is needed.
 */
export function withoutSubmitButtons<T>(schema: T): T {
  return prune(schema) as T;
}
