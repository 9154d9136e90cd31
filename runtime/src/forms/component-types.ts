/**
 * The component types the server can validate, and what each one stores in the submission.
 * Anything not listed here is rejected at publish time (a type the server cannot check would
 * let unchecked data through).
 */
import type { FormComponent } from './types.ts';

/** What a component contributes to the submission data. */
export type DataModel =
  /** Stores one value under its key (an array of values when `multiple`). */
  | 'value'
  /** Stores an object under its key; children live inside it (container). */
  | 'object'
  /** Stores an array of row objects under its key (data grid, edit grid). */
  | 'rows'
  /** Stores nothing; children share the parent's data (panel, columns, tabs…). */
  | 'layout'
  /** Stores nothing and has no children (content, html element, button). */
  | 'none';

/** The JSON type a `value` component accepts. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'selectBoxes' | 'option' | 'files' | 'signature' | 'any';

export interface ComponentTypeInfo {
  model: DataModel;
  value?: ValueKind;
  /** Whether `multiple: true` is meaningful (the value becomes an array). */
  allowsMultiple?: boolean;
}

export const SUPPORTED_COMPONENT_TYPES: Readonly<Record<string, ComponentTypeInfo>> = {
  textfield: { model: 'value', value: 'string', allowsMultiple: true },
  textarea: { model: 'value', value: 'string', allowsMultiple: true },
  password: { model: 'value', value: 'string' },
  email: { model: 'value', value: 'string', allowsMultiple: true },
  url: { model: 'value', value: 'string', allowsMultiple: true },
  phoneNumber: { model: 'value', value: 'string', allowsMultiple: true },
  datetime: { model: 'value', value: 'string', allowsMultiple: true },
  day: { model: 'value', value: 'string' },
  time: { model: 'value', value: 'string', allowsMultiple: true },
  number: { model: 'value', value: 'number', allowsMultiple: true },
  currency: { model: 'value', value: 'number', allowsMultiple: true },
  checkbox: { model: 'value', value: 'boolean' },
  selectboxes: { model: 'value', value: 'selectBoxes' },
  select: { model: 'value', value: 'option', allowsMultiple: true },
  radio: { model: 'value', value: 'option' },
  hidden: { model: 'value', value: 'any' },
  file: { model: 'value', value: 'files' },
  signature: { model: 'value', value: 'signature' },
  container: { model: 'object' },
  datagrid: { model: 'rows' },
  editgrid: { model: 'rows' },
  panel: { model: 'layout' },
  columns: { model: 'layout' },
  fieldset: { model: 'layout' },
  well: { model: 'layout' },
  table: { model: 'layout' },
  tabs: { model: 'layout' },
  content: { model: 'none' },
  htmlelement: { model: 'none' },
  button: { model: 'none' },
};

export function componentTypeInfo(type: string): ComponentTypeInfo | undefined {
  return Object.hasOwn(SUPPORTED_COMPONENT_TYPES, type) ? SUPPORTED_COMPONENT_TYPES[type] : undefined;
}

/** A child list together with where it sits inside its parent (for problem paths). */
export interface ChildList {
  components: FormComponent[];
  /** Path of the list relative to the parent component, e.g. `columns[1].components`. */
  path: string;
}

/**
 * The child component lists of a component, wherever form.io keeps them: `components`,
 * `columns[].components`, `rows[][].components` (table) — and for tabs, `components` holds
 * tab objects that carry their own `components`.
 */
export function childListsOf(component: FormComponent): ChildList[] {
  const lists: ChildList[] = [];
  if (component.type === 'tabs') {
    (component.components ?? []).forEach((tab, index) => {
      lists.push({ components: tab.components ?? [], path: `components[${index}].components` });
    });
    return lists;
  }
  if (Array.isArray(component.components)) lists.push({ components: component.components, path: 'components' });
  if (Array.isArray(component.columns)) {
    component.columns.forEach((column, index) => {
      lists.push({ components: column?.components ?? [], path: `columns[${index}].components` });
    });
  }
  if (Array.isArray(component.rows)) {
    component.rows.forEach((row, rowIndex) => {
      (Array.isArray(row) ? row : []).forEach((cell, cellIndex) => {
        lists.push({ components: cell?.components ?? [], path: `rows[${rowIndex}][${cellIndex}].components` });
      });
    });
  }
  return lists;
}
