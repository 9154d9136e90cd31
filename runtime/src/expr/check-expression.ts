/**
 * One-call checking for the designer and `POST /api/v1/expressions/check`: parse + check, with
 * messages rendered in the requested locale.
 */
import { check, type CheckOptions } from './checker.ts';
import { OPEN_ENVIRONMENT, type Environment } from './environment.ts';
import { localize, type LocalizedDiagnostic } from './errors.ts';
import type { Locale } from './messages.ts';
import { parse } from './parser.ts';
import { formatType, t, type ExprType } from './types.ts';

export interface CheckExpressionOptions extends CheckOptions {
  readonly environment?: Environment;
  /** Default zh-CN. */
  readonly locale?: Locale;
}

export interface CheckExpressionResult {
  /** Parses and checks without errors (warnings allowed). */
  readonly ok: boolean;
  /** Inferred result type (`any` when it does not parse). */
  readonly type: ExprType;
  /** The type as text, e.g. `list<number>`. */
  readonly typeText: string;
  readonly diagnostics: readonly LocalizedDiagnostic[];
}

export function checkExpression(source: string, options: CheckExpressionOptions = {}): CheckExpressionResult {
  const locale = options.locale ?? 'zh-CN';
  const parsed = parse(source);
  if (parsed.ast === undefined) {
    return { ok: false, type: t.any, typeText: 'any', diagnostics: parsed.diagnostics.map((item) => localize(item, locale)) };
  }
  const result = check(parsed.ast, options.environment ?? OPEN_ENVIRONMENT, options);
  return {
    ok: result.ok,
    type: result.type,
    typeText: formatType(result.type),
    diagnostics: result.diagnostics.map((item) => localize(item, locale)),
  };
}
