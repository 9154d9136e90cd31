/**
 * Tongguan's one expression language (docs/expressions.md): gateway conditions, assignee and
 * due-date expressions, script tasks, alarm rules and indicator formulas.
 *
 * @example
 * const condition = compileCache.get('level > 2 && source == "hotline"', { expectedType: t.boolean });
 * condition.evaluate({ level: 3, source: 'hotline' }) === true;
 */
import { createCompileCache, type CompileCache } from './cache.ts';
import type { CompileOptions } from './compile.ts';
import type { EvaluationContext, Variables } from './runtime.ts';
import type { ExprValue } from './values.ts';

export type * from './ast.ts';
export { parse, parseOrThrow, parseAssignments, stripWrapper, type ParseResult, type AssignmentsResult } from './parser.ts';
export { tokenize, type Token, type TokenKind } from './lexer.ts';
export { check, type CheckOptions, type CheckResult, type ResolvedCall } from './checker.ts';
export { compile, type CompileOptions, type CompiledExpression } from './compile.ts';
export { createCompileCache, type CompileCache } from './cache.ts';
export { checkExpression, type CheckExpressionOptions, type CheckExpressionResult } from './check-expression.ts';
export { createEnvironment, OPEN_ENVIRONMENT, openEnvironment, type Environment, type EnvironmentOptions } from './environment.ts';
export { describeDiagnostic, ExprError, localize, type Diagnostic, type LocalizedDiagnostic, type Severity, type Span } from './errors.ts';
export { EXPR_ERROR_CODES, formatMessage, messages, type ExprErrorCode, type Locale, type MessageParams } from './messages.ts';
export { exprTypeSchema, formatType, isAssignable, t, type ExprType, type ListType, type RecordType, type ScalarKind, type ScalarType } from './types.ts';
export { Duration, PlainDate, valuesEqual, type ExprRecord, type ExprValue } from './values.ts';
export type { EvaluationContext, Variables } from './runtime.ts';
export { DEFAULT_TIME_ZONE, parseDatetime, parseIsoDuration } from './temporal.ts';
export { BUILTIN_FUNCTIONS, builtinRegistry, createDefaultRegistry } from './functions/builtins.ts';
export {
  createFunctionRegistry,
  type ArgumentProblem,
  type CallContext,
  type ExprLambda,
  type FunctionCategory,
  type FunctionDefinition,
  type FunctionRegistry,
  type FunctionSignature,
  type IncompatibleTypes,
  type LambdaSpec,
  type LazyFunctionDefinition,
  type ParamSpec,
  type SqlCompileContext,
  type SqlCompiler,
  type SqlDialect,
  type SqlFragment,
  type StrictFunctionDefinition,
} from './functions/registry.ts';
export {
  argumentTypeError,
  booleanArg,
  dateArg,
  datetimeArg,
  durationArg,
  integerArg,
  invalidArgument,
  listArg,
  numberArg,
  stringArg,
} from './functions/args.ts';

/** The module's shared compile cache (used by `evaluate`). */
export const defaultCompileCache: CompileCache = createCompileCache();

/**
 * One-shot convenience: compile through the shared cache, then evaluate. Prefer holding a
 * `CompiledExpression` (or your own cache) on hot paths.
 */
export function evaluate(source: string, variables?: Variables, context?: EvaluationContext, options?: CompileOptions): ExprValue {
  return defaultCompileCache.get(source, options).evaluate(variables, context);
}
