/**
 * Every expression in a model goes through the one expression language (runtime/src/expr):
 * `${…}` wrappers of imported models are stripped when the model is built, and each expression
 * is checked in an open environment (process variables are dynamic, so unknown names are `any`)
 * against the type its position needs — conditions must be boolean, cardinalities numbers.
 */
import type { VariableMapping } from '../model.ts';
import type { BuildContext } from './context.ts';
import { target, type ModdleElement } from './moddle-element.ts';
import type { Locale, ProblemCollector } from './problems.ts';
import { checkExpression, localize, openEnvironment, parseAssignments, stripWrapper, t, type ExprType, type FunctionRegistry } from '../../expr/index.ts';

/** What an expression must yield where it is used. */
export type ExpectedType = 'boolean' | 'number' | 'string' | 'list' | 'organisations' | 'timer' | 'dueDate' | 'any';

const EXPECTED_TYPES: Readonly<Record<ExpectedType, readonly ExprType[]>> = {
  boolean: [t.boolean],
  number: [t.number],
  string: [t.string],
  list: [t.list(t.any)],
  // One organisation id or a list of them.
  organisations: [t.string, t.list(t.string)],
  // What model.ts promises the engine: a datetime or a duration.
  timer: [t.datetime, t.duration],
  // Working hours (number) or a datetime (model.ts UserTaskNode.dueDate).
  dueDate: [t.number, t.datetime],
  any: [],
};

export interface ExpressionUse {
  readonly element: { readonly id?: string; readonly name?: string };
  /** Where the expression sits, as the author knows it: `conditionExpression`, `tg:dueDate`, … */
  readonly property: string;
  readonly source: string;
  readonly expected: ExpectedType;
}

export function stripExpression(raw: string): string {
  return stripWrapper(raw);
}

/**
 * Registers an expression for checking and returns its source without a `${…}` wrapper;
 * `undefined` when absent (`raw` undefined) or empty (reported).
 */
export function expressionOf(
  context: BuildContext,
  element: ModdleElement,
  property: string,
  raw: string | undefined,
  expected: ExpectedType,
): string | undefined {
  if (raw === undefined) return undefined;
  const source = stripWrapper(raw);
  if (source === '') {
    context.problems.error('expression.empty', target(element), { property });
    return undefined;
  }
  context.expressions.push({ element: target(element), property, source, expected });
  return source;
}

/** Script-task assignments, parsed by the expression language's own statement parser. */
export function scriptAssignments(context: BuildContext, element: ModdleElement, script: string): VariableMapping[] {
  const result = parseAssignments(script);
  if (result.diagnostics.length > 0) {
    const first = localize(result.diagnostics[0], context.locale);
    context.problems.error('expression.invalid', target(element), {
      property: 'script',
      source: script.trim(),
      detail: `${first.line}:${first.column} ${first.message}`,
    });
    return [];
  }
  return result.assignments.map((assignment) => {
    context.expressions.push({ element: target(element), property: `script (${assignment.target.name})`, source: assignment.expressionSource, expected: 'any' });
    return { target: assignment.target.name, expression: assignment.expressionSource };
  });
}

export function checkExpressions(uses: readonly ExpressionUse[], problems: ProblemCollector, locale: Locale, functions?: FunctionRegistry): void {
  const environment = openEnvironment(functions);
  for (const use of uses) {
    const expectedType = EXPECTED_TYPES[use.expected];
    const result = checkExpression(use.source, {
      environment,
      locale,
      ...(expectedType.length > 0 ? { expectedType } : {}),
    });
    for (const diagnostic of result.diagnostics) {
      const params = { property: use.property, source: use.source, detail: diagnostic.message };
      if (diagnostic.severity === 'error') problems.error('expression.invalid', use.element, params);
      else problems.warning('expression.suspicious', use.element, params);
    }
  }
}
