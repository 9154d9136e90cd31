/**
 * Maps @formio/core validation errors (rule name + English i18n key) to the stable codes and
 * localized messages of this module.
 */
import type { FieldError } from '@formio/core/error';
import { submissionMessage, valueKindNames } from './messages.ts';
import type { Locale, SubmissionError, SubmissionErrorCode } from './types.ts';

/** form.io rule name → our code. Rules not listed map to `invalid`. */
export const FORMIO_RULE_CODES: Readonly<Record<string, SubmissionErrorCode>> = {
  required: 'required',
  array_nonempty: 'required',
  minLength: 'minLength',
  maxLength: 'maxLength',
  minWords: 'minWords',
  maxWords: 'maxWords',
  pattern: 'pattern',
  email: 'invalidEmail',
  url: 'invalidUrl',
  min: 'min',
  max: 'max',
  minSelectedCount: 'minSelected',
  maxSelectedCount: 'maxSelected',
  mask: 'mask',
  onlyAvailableItems: 'invalidOption',
  select: 'invalidOption',
  date: 'invalidDate',
  day: 'invalidDay',
  time: 'invalidTime',
  minDate: 'minDate',
  maxDate: 'maxDate',
  minYear: 'minYear',
  maxYear: 'maxYear',
  json: 'custom',
  custom: 'custom',
  number: 'invalidType',
  array: 'invalidType',
  nonarray: 'invalidType',
};

export function codeForFormioRule(rule: string): SubmissionErrorCode {
  return Object.hasOwn(FORMIO_RULE_CODES, rule) ? FORMIO_RULE_CODES[rule] : 'invalid';
}

function settingText(error: FieldError): string | undefined {
  const context = error.context;
  const setting = context.minDate ?? context.maxDate ?? context.minYear ?? context.maxYear ?? context.setting;
  return setting === undefined || setting === null || typeof setting === 'boolean' ? undefined : String(setting);
}

/**
 * An author-written message (`validate.customMessage`, or the text a `validate.json` rule
 * returns) is shown as written: authors write it in the form's language.
 */
function authorMessage(error: FieldError): string | undefined {
  const customMessage = error.context.component.validate?.customMessage;
  if (typeof customMessage === 'string' && customMessage.trim() !== '') return customMessage;
  if (error.ruleName === 'json' && error.errorKeyOrMessage !== 'jsonLogic') return error.errorKeyOrMessage;
  return undefined;
}

export function toSubmissionError(error: FieldError, locale: Locale): SubmissionError {
  const { component, path } = error.context;
  const code = codeForFormioRule(error.ruleName);
  const label = typeof component.label === 'string' && component.label.trim() !== '' ? component.label : component.key;
  const expected = valueKindNames[locale][error.ruleName === 'number' ? 'number' : 'array'];
  const message = authorMessage(error) ?? submissionMessage(locale, code, { label, setting: settingText(error), expected });
  return { path, key: component.key, code, message };
}
