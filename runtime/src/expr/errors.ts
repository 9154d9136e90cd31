/**
 * One diagnostic shape for syntax errors, static-check findings and run-time failures, and the
 * typed error (`ExprError`) that carries it. Positions are UTF-16 offsets into the original source
 * (what browser editors use); `line` and `column` are 1-based and point at `start`.
 */
import { formatMessage, type ExprErrorCode, type Locale, type MessageParams } from './messages.ts';

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
}

export type Severity = 'error' | 'warning';

export interface Diagnostic extends Span {
  readonly code: ExprErrorCode;
  readonly severity: Severity;
  readonly params: MessageParams;
}

/** A diagnostic with its text rendered in one locale (what the API and the designer show). */
export interface LocalizedDiagnostic extends Diagnostic {
  readonly message: string;
}

/** A span covering no source text (for errors raised without a node, e.g. by the registry). */
export const NO_SPAN: Span = { start: 0, end: 0, line: 1, column: 1 };

export function spanOf(span: Span): Span {
  return { start: span.start, end: span.end, line: span.line, column: span.column };
}

/** The span from the start of `first` to the end of `last`. */
export function joinSpans(first: Span, last: Span): Span {
  return { start: first.start, end: last.end, line: first.line, column: first.column };
}

export function diagnostic(
  code: ExprErrorCode,
  span: Span,
  params: MessageParams = {},
  severity: Severity = 'error',
): Diagnostic {
  return { code, severity, params, ...spanOf(span) };
}

export function localize(item: Diagnostic, locale: Locale): LocalizedDiagnostic {
  return { ...item, message: formatMessage(item.code, item.params, locale) };
}

/** The message with its place, for text-only channels (a form field's error): `第 1 行第 14 列：…`. */
export function describeDiagnostic(item: Diagnostic, locale: Locale): string {
  const place = locale === 'zh-CN' ? `第 ${item.line} 行第 ${item.column} 列：` : `line ${item.line}, column ${item.column}: `;
  return place + formatMessage(item.code, item.params, locale);
}

/**
 * The one error type of the expression language. `message` is English (logs); use
 * `messageIn('zh-CN')` for users. `diagnostics` lists every error when compilation failed.
 */
export class ExprError extends Error implements Diagnostic {
  readonly code: ExprErrorCode;
  readonly severity: Severity = 'error';
  readonly params: MessageParams;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly diagnostics: readonly Diagnostic[];

  constructor(code: ExprErrorCode, span: Span, params: MessageParams = {}, diagnostics?: readonly Diagnostic[]) {
    super(formatMessage(code, params, 'en'));
    this.name = 'ExprError';
    this.code = code;
    this.params = params;
    this.start = span.start;
    this.end = span.end;
    this.line = span.line;
    this.column = span.column;
    this.diagnostics = diagnostics ?? [diagnostic(code, span, params)];
  }

  static from(item: Diagnostic, diagnostics?: readonly Diagnostic[]): ExprError {
    return new ExprError(item.code, item, item.params, diagnostics);
  }

  messageIn(locale: Locale): string {
    return formatMessage(this.code, this.params, locale);
  }

  toDiagnostic(): Diagnostic {
    return diagnostic(this.code, this, this.params, this.severity);
  }
}
