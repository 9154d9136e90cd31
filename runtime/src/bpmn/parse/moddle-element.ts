/**
 * A structural view of the moddle objects the parser reads. moddle builds plain objects with
 * `$type`, `$attrs`, `$parent` and a `get` that also returns descriptor defaults
 * (`cancelActivity`, `isInterrupting`, …); these helpers read them without `any`.
 */

export interface ModdleElement {
  readonly $type: string;
  readonly $attrs?: Readonly<Record<string, string>>;
  readonly $parent?: ModdleElement;
  readonly id?: string;
  readonly name?: string;
  $instanceOf(type: string): boolean;
  get(property: string): unknown;
}

export function isModdleElement(value: unknown): value is ModdleElement {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $type?: unknown }).$type === 'string' &&
    typeof (value as { $instanceOf?: unknown }).$instanceOf === 'function'
  );
}

/** `bpmn:UserTask` → `userTask`, the BPMN XML tag name (also used in messages). */
export function localKind(element: ModdleElement): string {
  const local = element.$type.slice(element.$type.indexOf(':') + 1);
  return local.charAt(0).toLowerCase() + local.slice(1);
}

export function child(element: ModdleElement, property: string): ModdleElement | undefined {
  const value = element.get(property);
  return isModdleElement(value) ? value : undefined;
}

export function children(element: ModdleElement, property: string): ModdleElement[] {
  const value = element.get(property);
  return Array.isArray(value) ? value.filter(isModdleElement) : [];
}

export function text(element: ModdleElement, property: string): string | undefined {
  const value = element.get(property);
  return typeof value === 'string' ? value : undefined;
}

/** A string attribute, trimmed; empty counts as absent. */
export function trimmed(element: ModdleElement, property: string): string | undefined {
  const value = text(element, property)?.trim();
  return value ? value : undefined;
}

export function flag(element: ModdleElement, property: string): boolean | undefined {
  const value = element.get(property);
  return typeof value === 'boolean' ? value : undefined;
}

export function integer(element: ModdleElement, property: string): number | undefined {
  const value = element.get(property);
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

/** The body of a `bpmn:Expression` / `bpmn:FormalExpression` child, trimmed. */
export function expressionBody(element: ModdleElement, property: string): string | undefined {
  const expression = child(element, property);
  if (!expression) return undefined;
  return text(expression, 'body')?.trim() ?? '';
}

/** Extension elements of one type, e.g. `tg:In`. */
export function extensionValues(element: ModdleElement): ModdleElement[] {
  const extensions = child(element, 'extensionElements');
  return extensions ? children(extensions, 'values') : [];
}

export function target(element: ModdleElement): { id?: string; name?: string } {
  return { id: element.id, name: element.name };
}
