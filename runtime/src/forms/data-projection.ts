/**
 * Projects submitted data onto the form: only keys the form defines survive (a client cannot
 * smuggle extra process variables), every value is checked against its component's type, and
 * values are normalised (file entries reduced to attachment references). form.io itself
 * coerces or silently drops wrongly-typed values; the server reports them instead.
 */
import { childListsOf, componentTypeInfo } from './component-types.ts';
import type { ValueKind } from './component-types.ts';
import { submissionMessage, valueKindNames } from './messages.ts';
import { isPlainObject } from './payload.ts';
import type { FormComponent, JsonValue, Locale, SubmissionError, SubmissionErrorCode, SubmissionLimits } from './types.ts';

/**
 * One attachment reference as stored in a file component's value. The browser's storage
 * provider uploads through the platform and returns this; form.io's extra fields (`url`,
 * `storage`, `hash`, base64 `data`) are dropped — URLs are derived from `storageKey` on read.
 */
export interface AttachmentReference {
  storageKey: string;
  name: string;
  originalName?: string;
  size: number;
  type: string;
}

const STORAGE_KEY = /^[A-Za-z0-9][A-Za-z0-9._\-/]{0,511}$/;
const MAX_NAME_LENGTH = 255;

export interface ProjectionContext {
  locale: Locale;
  limits: SubmissionLimits;
  /** Collects problems; undefined means project silently (values already checked). */
  errors?: SubmissionError[];
}

type Checked = { ok: true; value: JsonValue } | { ok: false; code: SubmissionErrorCode; params: Record<string, string | number> };

function labelOf(component: FormComponent): string {
  return typeof component.label === 'string' && component.label.trim() !== '' ? component.label : component.key;
}

function report(context: ProjectionContext, component: FormComponent, path: string, code: SubmissionErrorCode, params: Record<string, string | number>): void {
  if (!context.errors) return;
  const message = submissionMessage(context.locale, code, { label: labelOf(component), ...params });
  context.errors.push({ path, key: component.key, code, message });
}

function wrongType(context: ProjectionContext, expected: string): Checked {
  return { ok: false, code: 'invalidType', params: { expected: valueKindNames[context.locale][expected] ?? expected } };
}

function checkString(value: unknown, context: ProjectionContext, limit = context.limits.maxStringLength): Checked {
  if (typeof value !== 'string') return wrongType(context, 'string');
  if (value.length > limit) return { ok: false, code: 'tooLong', params: { limit } };
  return { ok: true, value };
}

function optionValues(component: FormComponent): Set<string> {
  const source = component.type === 'select' ? (component.data as { values?: unknown } | undefined)?.values : component.values;
  const values = Array.isArray(source) ? source : [];
  return new Set(values.map((option) => String((option as { value?: unknown })?.value)));
}

function checkSelectBoxes(component: FormComponent, value: unknown, context: ProjectionContext): Checked {
  if (!isPlainObject(value)) return wrongType(context, 'selectBoxes');
  const options = optionValues(component);
  const result: Record<string, boolean> = {};
  for (const [option, ticked] of Object.entries(value)) {
    if (typeof ticked !== 'boolean') return wrongType(context, 'selectBoxes');
    if (!options.has(option)) return { ok: false, code: 'invalidOption', params: {} };
    result[option] = ticked;
  }
  return { ok: true, value: result };
}

function checkAttachment(entry: unknown): AttachmentReference | undefined {
  if (!isPlainObject(entry)) return undefined;
  const { storageKey, name, originalName, size, type } = entry;
  if (typeof storageKey !== 'string' || !STORAGE_KEY.test(storageKey) || storageKey.includes('..')) return undefined;
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_NAME_LENGTH) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  if (typeof type !== 'string' || type.length > MAX_NAME_LENGTH) return undefined;
  if (originalName !== undefined && (typeof originalName !== 'string' || originalName.length > MAX_NAME_LENGTH)) return undefined;
  return originalName === undefined ? { storageKey, name, size, type } : { storageKey, name, originalName, size, type };
}

function checkFiles(component: FormComponent, value: unknown, context: ProjectionContext): Checked {
  if (!Array.isArray(value)) return wrongType(context, 'files');
  const limit = component.multiple === true ? context.limits.maxArrayItems : 1;
  if (value.length > limit) return { ok: false, code: 'tooManyItems', params: { limit } };
  const references: JsonValue[] = [];
  for (const entry of value) {
    const reference = checkAttachment(entry);
    if (!reference) return wrongType(context, 'files');
    references.push({ ...reference });
  }
  return { ok: true, value: references };
}

function checkSingle(component: FormComponent, kind: ValueKind, value: unknown, context: ProjectionContext): Checked {
  switch (kind) {
    case 'string':
      return checkString(value, context);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? { ok: true, value } : wrongType(context, 'number');
    case 'boolean':
      return typeof value === 'boolean' ? { ok: true, value } : wrongType(context, 'boolean');
    case 'option':
      if (typeof value === 'string') return checkString(value, context);
      return typeof value === 'number' || typeof value === 'boolean' ? { ok: true, value } : wrongType(context, 'option');
    case 'selectBoxes':
      return checkSelectBoxes(component, value, context);
    case 'files':
      return checkFiles(component, value, context);
    case 'signature':
      if (typeof value === 'string' && value !== '' && !value.startsWith('data:image/')) return wrongType(context, 'signature');
      return checkString(value, context, context.limits.maxSignatureLength);
    case 'any':
      return { ok: true, value: structuredClone(value) as JsonValue };
  }
}

function checkValue(component: FormComponent, kind: ValueKind, value: unknown, context: ProjectionContext): Checked {
  const info = componentTypeInfo(component.type);
  if (!(info?.allowsMultiple && component.multiple === true)) return checkSingle(component, kind, value, context);
  if (!Array.isArray(value)) return wrongType(context, 'array');
  if (value.length > context.limits.maxArrayItems) return { ok: false, code: 'tooManyItems', params: { limit: context.limits.maxArrayItems } };
  const items: JsonValue[] = [];
  for (const item of value) {
    const checked = checkSingle(component, kind, item, context);
    if (!checked.ok) return checked;
    items.push(checked.value);
  }
  return { ok: true, value: items };
}

function joinPath(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function projectRows(component: FormComponent, value: unknown, path: string, context: ProjectionContext): JsonValue | undefined {
  if (!Array.isArray(value) || !value.every(isPlainObject)) {
    const checked = wrongType(context, 'rows');
    if (!checked.ok) report(context, component, path, checked.code, checked.params);
    return undefined;
  }
  if (value.length > context.limits.maxArrayItems) {
    report(context, component, path, 'tooManyItems', { limit: context.limits.maxArrayItems });
    return undefined;
  }
  const lists = childListsOf(component);
  return value.map((row, index) => {
    const target: Record<string, JsonValue> = {};
    for (const list of lists) projectScope(list.components, row, target, `${path}[${index}]`, context);
    return target;
  });
}

/** Copies the values of `components` from `source` into `target`, checking each one. */
export function projectScope(components: FormComponent[], source: Record<string, unknown>, target: Record<string, JsonValue>, prefix: string, context: ProjectionContext): void {
  for (const component of components) {
    const info = componentTypeInfo(component.type);
    if (!info || info.model === 'none') continue;
    if (info.model === 'layout') {
      for (const list of childListsOf(component)) projectScope(list.components, source, target, prefix, context);
      continue;
    }
    if (component.persistent === false || component.persistent === 'client-only') continue;
    const { key } = component;
    const value = Object.hasOwn(source, key) ? source[key] : undefined;
    if (value === undefined || value === null) continue;
    const path = joinPath(prefix, key);
    if (info.model === 'object') {
      if (!isPlainObject(value)) {
        const checked = wrongType(context, 'object');
        if (!checked.ok) report(context, component, path, checked.code, checked.params);
        continue;
      }
      const inner: Record<string, JsonValue> = {};
      for (const list of childListsOf(component)) projectScope(list.components, value, inner, path, context);
      target[key] = inner;
      continue;
    }
    if (info.model === 'rows') {
      const rows = projectRows(component, value, path, context);
      if (rows !== undefined) target[key] = rows;
      continue;
    }
    const checked = checkValue(component, info.value ?? 'any', value, context);
    if (checked.ok) target[key] = checked.value;
    else report(context, component, path, checked.code, checked.params);
  }
}

/** Projects a whole submission onto the form's components. */
export function projectData(components: FormComponent[], data: Record<string, unknown>, context: ProjectionContext): Record<string, JsonValue> {
  const target: Record<string, JsonValue> = {};
  projectScope(components, data, target, '', context);
  return target;
}
