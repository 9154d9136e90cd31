/**
 * Server-side validation of one submission against a pinned form version:
 * payload gate → projection onto the form (unknown keys stripped, types checked) → @formio/core
 * (conditions, logic, clear-on-hide, validation) → projection of form.io's result (the data to
 * store). Synchronous, because @formio/core's processSync covers everything we allow.
 */
import { validateFormDefinition } from './definition.ts';
import { toSubmissionError } from './error-mapping.ts';
import { FormDefinitionError } from './errors.ts';
import { runFormio } from './formio-engine.ts';
import { submissionMessage } from './messages.ts';
import { payloadProblem } from './payload.ts';
import { projectData } from './data-projection.ts';
import { DEFAULT_LOCALE, DEFAULT_SUBMISSION_LIMITS } from './types.ts';
import type { FormDefinition, Locale, SubmissionError, SubmissionLimits, SubmissionResult } from './types.ts';

export interface SubmissionOptions {
  locale?: Locale;
  limits?: Partial<SubmissionLimits>;
}

/** Definitions already checked, by identity: a pinned version is validated once per process. */
const checkedDefinitions = new WeakMap<object, FormDefinition>();

function checkedDefinition(definition: unknown): FormDefinition {
  if (definition !== null && typeof definition === 'object') {
    const cached = checkedDefinitions.get(definition);
    if (cached) return cached;
  }
  const result = validateFormDefinition(definition, { locale: 'en' });
  if (!result.ok) throw new FormDefinitionError(result.problems);
  if (definition !== null && typeof definition === 'object') checkedDefinitions.set(definition, result.definition);
  return result.definition;
}

function payloadError(locale: Locale, data: unknown, limits: SubmissionLimits): SubmissionError | undefined {
  const problem = payloadProblem(data, limits);
  if (!problem) return undefined;
  if (problem.kind === 'tooLarge') {
    return { path: '', key: '', code: 'payloadTooLarge', message: submissionMessage(locale, 'payloadTooLarge', { size: problem.size, limit: limits.maxJsonBytes }) };
  }
  return { path: '', key: '', code: 'payloadInvalid', message: submissionMessage(locale, 'payloadInvalid', { detail: problem.detail }) };
}

/**
 * Validates `data` against a published form definition.
 *
 * Returns the data to store (only keys the form defines, values normalised, conditionally
 * hidden values cleared) or per-field errors with stable codes and messages in `locale`.
 * Throws FormDefinitionError when the definition itself breaks the publish rules.
 *
 * @example
 * const result = validateSubmission(formVersion.schema, body.data, { locale: 'zh-CN' });
 * if (!result.ok) return json({ errors: result.errors }, { status: 422 });
 */
export function validateSubmission(definition: unknown, data: unknown, options: SubmissionOptions = {}): SubmissionResult {
  const locale = options.locale ?? DEFAULT_LOCALE;
  const limits = { ...DEFAULT_SUBMISSION_LIMITS, ...options.limits };
  const form = checkedDefinition(definition);

  const rejected = payloadError(locale, data, limits);
  if (rejected) return { ok: false, errors: [rejected] };

  const typeErrors: SubmissionError[] = [];
  const projected = projectData(form.components, data as Record<string, unknown>, { locale, limits, errors: typeErrors });
  const outcome = runFormio(form.components, projected);

  // A value already reported as the wrong type was left out, so form.io's verdict on that
  // path or below it (usually "required") would only repeat the problem.
  const reportedPaths = typeErrors.map((error) => error.path);
  const alreadyReported = (path: string): boolean =>
    reportedPaths.some((reported) => path === reported || path.startsWith(`${reported}.`) || path.startsWith(`${reported}[`));
  const seen = new Set<string>();
  const errors = [...typeErrors];
  for (const error of outcome.errors) {
    if (error.level !== undefined && error.level !== 'error') continue;
    const mapped = toSubmissionError(error, locale);
    const identity = `${mapped.path}\u0000${mapped.code}`;
    if (alreadyReported(mapped.path) || seen.has(identity)) continue;
    seen.add(identity);
    errors.push(mapped);
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, data: projectData(form.components, outcome.data, { locale, limits }) };
}
