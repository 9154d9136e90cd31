/** Typed application errors; mapped to HTTP once (shared/errors.ts) and localized at the edge. */
import { z } from 'zod';
import { ERROR_STATUS, type ErrorBody, type ErrorCode, type FieldError } from '../shared/errors.ts';
import { translate, type Locale, type MessageKey } from '../shared/i18n/index.ts';
import { describeDiagnostic, type Diagnostic } from '@tongguan/runtime/expr/index';

export interface ErrorParams {
  /** A catalog key under `objects.` naming the thing concerned, e.g. 'user'. */
  object?: string;
  detail?: string;
  [name: string]: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams;
  /** Field errors; `message` may be a catalog key (prefixed with `#`) or already-localized text. */
  readonly fields?: FieldError[];
  /** For 422s from zod: the raw issues, localized lazily per request. */
  readonly issues?: z.core.$ZodIssue[];

  constructor(code: ErrorCode, params: ErrorParams = {}, extra: { fields?: FieldError[]; issues?: z.core.$ZodIssue[] } = {}) {
    super(code);
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.fields = extra.fields;
    this.issues = extra.issues;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (object: string) => new AppError('not_found', { object });

/** 422 naming one field; `message` is a catalog key (`#validation.…`) or text. */
export const fieldError = (field: string, message: string) => new AppError('validation_failed', {}, { fields: [{ field, message }] });
export const forbidden = () => new AppError('forbidden');
export const conflict = (object: string, detail: string) => new AppError('conflict', { object, detail });

/** Prefix of a zod issue message that carries an expression-language diagnostic. */
export const EXPR_ISSUE_PREFIX = '#expr:';

const zodLocales = { 'zh-CN': z.locales.zhCN(), en: z.locales.en() } as const;

/** Parses with zod; on failure throws a 422 carrying the issues (localized when rendered). */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new AppError('validation_failed', {}, { issues: result.error.issues });
}

/** zod issues as field errors in `locale` (our `#` catalog keys and expression diagnostics included). */
export function localizeIssues(issues: readonly z.core.$ZodIssue[], locale: Locale): FieldError[] {
  const map = zodLocales[locale].localeError;
  return issues.map((issue) => {
    const custom = issue.message && !issue.message.startsWith('Invalid input') ? issue.message : undefined;
    // Messages of our own refinements are catalog keys prefixed with '#', an expression diagnostic
    // as '#expr:' + JSON (rendered with its position in the reader's language), or plain text.
    const own = custom?.startsWith(EXPR_ISSUE_PREFIX) ? describeDiagnostic(JSON.parse(custom.slice(EXPR_ISSUE_PREFIX.length)) as Diagnostic, locale)
      : custom?.startsWith('#') ? translate(locale, custom.slice(1))
        : issue.code === 'custom' ? custom : undefined;
    const generic = map(issue as never);
    const text = own ?? (typeof generic === 'string' ? generic : generic?.message) ?? issue.message;
    return { field: issue.path.map(String).join('.') || '(body)', message: text };
  });
}

function localizeParams(params: ErrorParams, locale: Locale): Record<string, unknown> {
  const out: Record<string, unknown> = { ...params };
  if (params.object) out.object = translate(locale, `objects.${params.object}`);
  return out;
}

/** Renders any thrown value as the API's error body; unknown errors become a logged 500. */
export function toErrorBody(error: unknown, locale: Locale): { status: number; body: ErrorBody } {
  if (error instanceof AppError) {
    const fields = error.issues ? localizeIssues(error.issues, locale) : error.fields?.map((f) => ({
      field: f.field,
      message: f.message.startsWith('#') ? translate(locale, f.message.slice(1)) : f.message,
    }));
    const params = localizeParams(error.params, locale);
    if (error.code === 'validation_failed' && fields?.length && !params.detail) {
      params.detail = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    }
    const message = translate(locale, `errors.${error.code}` as MessageKey, params);
    return { status: error.status, body: { error: { code: error.code, message, ...(fields?.length ? { fields } : {}) } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: translate(locale, 'errors.internal') } } };
}
