/**
 * `POST /api/v1/expressions/check` for the designer: parses and type-checks an expression in the
 * environment the author is writing for, with positioned messages in the actor's language. With
 * `indicator: true` the city's datasets are in scope and the formula must also compute in the
 * database (docs/expressions.md §10), so what the designer accepts is what saving accepts.
 */
import { checkExpression, createEnvironment, formatType, localize, type ExprType } from '@tongguan/runtime/expr/index';
import { datasetType, planDiagnostics } from '@tongguan/runtime/expr/sql/plan';
import type { App, Actor } from '../app.server.ts';
import { assertCan } from '../access/guard.server.ts';
import { datasetsOf } from './datasets.server.ts';

export interface ExpressionCheckInput {
  expression: string;
  variables?: Record<string, ExprType>;
  expectedType?: ExprType;
  indicator?: boolean;
}

export function checkExpressionFor(app: App, actor: Actor, input: ExpressionCheckInput) {
  assertCan(actor, 'read', 'Definition');
  const datasets = input.indicator ? datasetsOf(app) : {};
  const variables = new Map<string, ExprType>(Object.entries(input.variables ?? {}));
  for (const [name, dataset] of Object.entries(datasets)) variables.set(name, datasetType(dataset.spec));
  const environment = createEnvironment({ variables, functions: app.functions });
  const checked = checkExpression(input.expression, { environment, locale: actor.locale, ...(input.expectedType ? { expectedType: input.expectedType } : {}) });
  let diagnostics = checked.diagnostics;
  if (checked.ok && input.indicator) {
    const outer = createEnvironment({ variables: input.variables ?? {}, functions: app.functions });
    const sqlProblems = planDiagnostics(input.expression, {
      environment: outer,
      datasets: Object.fromEntries(Object.entries(datasets).map(([name, dataset]) => [name, dataset.spec])),
      ...(input.expectedType ? { expectedType: input.expectedType } : {}),
    });
    diagnostics = [...diagnostics, ...sqlProblems.map((item) => localize(item, actor.locale))];
  }
  const ok = !diagnostics.some((item) => item.severity === 'error');
  return {
    ok,
    type: formatType(checked.type),
    diagnostics: diagnostics.map(({ code, severity, message, start, end, line, column }) => ({ code, severity, message, start, end, line, column })),
  };
}
