/**
 * Forms: publish-time checks of form.io definitions and server-side validation of
 * submissions with @formio/core. No JavaScript from a form definition ever runs here
 * (docs/decisions/006-form-logic-without-javascript.md); see docs/forms.md.
 */
export { validateFormDefinition } from './definition.ts';
export type { DefinitionOptions } from './definition.ts';
export { validateSubmission } from './submission.ts';
export type { SubmissionOptions } from './submission.ts';
export { FormDefinitionError } from './errors.ts';
export { SUPPORTED_COMPONENT_TYPES } from './component-types.ts';
export type { ComponentTypeInfo, DataModel, ValueKind } from './component-types.ts';
export type { AttachmentReference } from './data-projection.ts';
export { FORMIO_RULE_CODES } from './error-mapping.ts';
export { definitionMessages, submissionMessages } from './messages.ts';
export { DEFAULT_LOCALE, DEFAULT_SUBMISSION_LIMITS } from './types.ts';
export type {
  DefinitionCheckResult,
  DefinitionProblem,
  DefinitionProblemCode,
  FormComponent,
  FormDefinition,
  JsonValue,
  Locale,
  SubmissionError,
  SubmissionErrorCode,
  SubmissionLimits,
  SubmissionResult,
} from './types.ts';
