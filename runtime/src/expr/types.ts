/**
 * Static types. Every type admits `null` ("no data"): nullability is a run-time matter, as in SQL.
 * `any` is the type of values the checker cannot know (e.g. dynamic BPMN process variables); it is
 * accepted everywhere and checked when the value is used at run time.
 */
import { z } from 'zod';

export type ScalarKind = 'number' | 'string' | 'boolean' | 'datetime' | 'date' | 'duration' | 'null' | 'any';

export interface ScalarType {
  readonly kind: ScalarKind;
}

export interface ListType {
  readonly kind: 'list';
  readonly element: ExprType;
}

export interface RecordType {
  readonly kind: 'record';
  readonly fields: Readonly<Record<string, ExprType>>;
  /** Open records allow fields not listed (typed `any`), e.g. free-form JSON attributes. */
  readonly open: boolean;
}

export type ExprType = ScalarType | ListType | RecordType;

const scalar = (kind: ScalarKind): ScalarType => Object.freeze({ kind });

/**
 * Type constructors. Example: `t.record({ level: t.number, tags: t.list(t.string) })`.
 */
export const t = {
  number: scalar('number'),
  string: scalar('string'),
  boolean: scalar('boolean'),
  datetime: scalar('datetime'),
  date: scalar('date'),
  duration: scalar('duration'),
  null: scalar('null'),
  any: scalar('any'),
  list: (element: ExprType): ListType => ({ kind: 'list', element }),
  record: (fields: Readonly<Record<string, ExprType>>, options: { open?: boolean } = {}): RecordType => ({
    kind: 'record',
    fields,
    open: options.open ?? false,
  }),
} as const;

/** The type as users read it in messages: `number`, `list<string>`, `{level: number, …}`. */
export function formatType(type: ExprType): string {
  switch (type.kind) {
    case 'list':
      return `list<${formatType(type.element)}>`;
    case 'record': {
      const fields = Object.entries(type.fields).map(([name, field]) => `${name}: ${formatType(field)}`);
      if (type.open) fields.push('…');
      return `{${fields.join(', ')}}`;
    }
    default:
      return type.kind;
  }
}

export const isAny = (type: ExprType): boolean => type.kind === 'any';
export const isNullType = (type: ExprType): boolean => type.kind === 'null';
/** `any` or `null`: accepted wherever a specific type is required. */
export const isUnknown = (type: ExprType): boolean => type.kind === 'any' || type.kind === 'null';

export function sameType(a: ExprType, b: ExprType): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'list') return sameType(a.element, (b as ListType).element);
  if (a.kind === 'record') {
    const other = b as RecordType;
    const names = Object.keys(a.fields);
    return (
      a.open === other.open &&
      names.length === Object.keys(other.fields).length &&
      names.every((name) => other.fields[name] !== undefined && sameType(a.fields[name]!, other.fields[name]!))
    );
  }
  return true;
}

/** Whether a value of type `actual` may be used where `expected` is required. */
export function isAssignable(actual: ExprType, expected: ExprType): boolean {
  if (isUnknown(actual) || expected.kind === 'any') return true;
  if (expected.kind === 'list') return actual.kind === 'list' && isAssignable(actual.element, expected.element);
  if (expected.kind === 'record') {
    if (actual.kind !== 'record') return false;
    return Object.entries(expected.fields).every(([name, field]) => {
      const actualField = actual.fields[name];
      return actualField === undefined ? actual.open : isAssignable(actualField, field);
    });
  }
  return actual.kind === expected.kind;
}

/**
 * The common type of two alternatives (`??`, `?:`, IF branches), or undefined when they are
 * incompatible. `null` joins anything; `any` absorbs everything.
 */
export function unify(a: ExprType, b: ExprType): ExprType | undefined {
  if (a.kind === 'null') return b;
  if (b.kind === 'null') return a;
  if (a.kind === 'any' || b.kind === 'any') return t.any;
  if (a.kind === 'list' && b.kind === 'list') {
    const element = unify(a.element, b.element);
    return element === undefined ? undefined : t.list(element);
  }
  if (a.kind === 'record' && b.kind === 'record') {
    if (sameType(a, b)) return a;
    return t.record({}, { open: true });
  }
  return a.kind === b.kind ? a : undefined;
}

/** The element type of a list type (`any` for `any`/`null`), or undefined for non-lists. */
export function elementOf(type: ExprType): ExprType | undefined {
  if (type.kind === 'list') return type.element;
  return isUnknown(type) ? t.any : undefined;
}

const scalarKinds = ['number', 'string', 'boolean', 'datetime', 'date', 'duration', 'null', 'any'] as const;

/**
 * Schema of `ExprType` as JSON, for API input (e.g. an environment sent by the designer). A bare
 * string (`"number"`) is accepted as shorthand for `{ "kind": "number" }`.
 */
export const exprTypeSchema: z.ZodType<ExprType> = z.lazy(() =>
  z.union([
    z.enum(scalarKinds).transform((kind): ExprType => scalar(kind)),
    z.object({ kind: z.enum(scalarKinds) }).transform(({ kind }): ExprType => scalar(kind)),
    z.object({ kind: z.literal('list'), element: exprTypeSchema }).transform(({ element }): ExprType => t.list(element)),
    z
      .object({ kind: z.literal('record'), fields: z.record(z.string(), exprTypeSchema), open: z.boolean().default(false) })
      .transform(({ fields, open }): ExprType => t.record(fields, { open })),
  ]),
) as unknown as z.ZodType<ExprType>;
