/**
 * Shared types of the forms module: form.io definitions as the server sees them, definition
 * problems (publish time) and submission errors (every submission).
 */

export type Locale = 'zh-CN' | 'en';

export const DEFAULT_LOCALE: Locale = 'zh-CN';

/** A JSON value as it arrives from an HTTP body. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * One form.io component as stored in a definition. Only the properties the server reads are
 * typed; everything else is kept and handed to @formio/core untouched.
 */
export interface FormComponent {
  type: string;
  key: string;
  label?: string;
  input?: boolean;
  multiple?: boolean;
  hidden?: boolean;
  persistent?: boolean | string;
  components?: FormComponent[];
  columns?: { components?: FormComponent[] }[];
  rows?: { components?: FormComponent[] }[][];
  validate?: Record<string, unknown>;
  [property: string]: unknown;
}

/** A form.io form definition (the JSON stored as a `form` definition version). */
export interface FormDefinition {
  display?: string;
  components: FormComponent[];
  [property: string]: unknown;
}

export type DefinitionProblemCode =
  | 'form.shape'
  | 'form.unsupportedDisplay'
  | 'form.limitExceeded'
  | 'form.javascriptNotAllowed'
  | 'component.unsupportedType'
  | 'component.invalidKey'
  | 'component.duplicateKey'
  | 'component.javascriptNotAllowed'
  | 'component.unsupportedProperty'
  | 'component.unsupportedDataSource'
  | 'component.templateExpression'
  | 'component.jsonLogicOperator'
  | 'component.invalidPattern';

/** One reason a form definition cannot be published. */
export interface DefinitionProblem {
  code: DefinitionProblemCode;
  /** Key of the component at fault; '' for form-level problems. */
  componentKey: string;
  /** Where the component sits in the definition, e.g. `components[2].components[0]`. */
  path: string;
  /** The offending property inside the component, e.g. `validate.custom`. */
  property?: string;
  message: string;
}

export type DefinitionCheckResult = { ok: true; definition: FormDefinition } | { ok: false; problems: DefinitionProblem[] };

export type SubmissionErrorCode =
  | 'payloadInvalid'
  | 'payloadTooLarge'
  | 'invalidType'
  | 'tooLong'
  | 'tooManyItems'
  | 'required'
  | 'minLength'
  | 'maxLength'
  | 'minWords'
  | 'maxWords'
  | 'pattern'
  | 'invalidEmail'
  | 'invalidUrl'
  | 'min'
  | 'max'
  | 'minSelected'
  | 'maxSelected'
  | 'mask'
  | 'invalidOption'
  | 'invalidDate'
  | 'invalidDay'
  | 'invalidTime'
  | 'minDate'
  | 'maxDate'
  | 'minYear'
  | 'maxYear'
  | 'custom'
  | 'invalid';

/** One per-field problem in a submission (answered with HTTP 422). */
export interface SubmissionError {
  /** Data path in form.io notation, e.g. `items[1].qty`; '' for the payload as a whole. */
  path: string;
  /** Key of the component; '' for the payload as a whole. */
  key: string;
  code: SubmissionErrorCode;
  message: string;
}

export type SubmissionResult =
  | { ok: true; data: Record<string, JsonValue> }
  | { ok: false; errors: SubmissionError[] };

/** Server-side caps on submitted data. */
export interface SubmissionLimits {
  /** UTF-8 size of the data serialised as JSON. */
  maxJsonBytes: number;
  /** Any single string value (signatures have their own cap). */
  maxStringLength: number;
  /** Signature data URLs. */
  maxSignatureLength: number;
  /** Rows of a data grid / edit grid, values of a multiple field, files of a file field. */
  maxArrayItems: number;
  /** Nesting depth of the data. */
  maxDepth: number;
}

export const DEFAULT_SUBMISSION_LIMITS: SubmissionLimits = {
  maxJsonBytes: 1_048_576,
  maxStringLength: 65_536,
  maxSignatureLength: 524_288,
  maxArrayItems: 1_000,
  maxDepth: 32,
};
