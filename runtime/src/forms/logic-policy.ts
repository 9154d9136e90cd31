/**
 * What a form definition may compute with, checked at publish time (see
 * docs/decisions/006-form-logic-without-javascript.md):
 * - JSON Logic is data interpreted by json-logic-js, but its `method` operator calls arbitrary
 *   methods and `var` can walk to `constructor`, so only an allow-list of operators and literal
 *   `var` paths under known roots are accepted.
 * - form.io renders labels, HTML and messages through lodash templates, where `{{ … }}` and
 *   `{% … %}` are JavaScript; only plain value look-ups are accepted.
 * - Regular expressions run against user input on the server; they are length-limited and
 *   screened for nested unbounded quantifiers (catastrophic backtracking).
 */

const JSON_LOGIC_OPERATORS = new Set([
  'var', 'missing', 'missing_some', 'if', '?:', '==', '===', '!=', '!==', '!', '!!', 'or', 'and',
  '>', '>=', '<', '<=', 'max', 'min', '+', '-', '*', '/', '%', 'in', 'cat', 'substr', 'merge',
  'some', 'all', 'none', 'map', 'filter', 'reduce', 'getDate',
]);

/** Roots a JSON Logic `var` may read; `current`/`accumulator` are bound inside map/reduce. */
const JSON_LOGIC_VAR_ROOTS = new Set(['data', 'row', 'input', 'value', 'rowIndex', 'index', 'current', 'accumulator']);

const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);

const MAX_JSON_LOGIC_DEPTH = 32;

/** Returns why a JSON Logic rule is not allowed, or undefined when it is. */
export function jsonLogicViolation(rule: unknown, depth = 0): string | undefined {
  if (depth > MAX_JSON_LOGIC_DEPTH) return `nested deeper than ${MAX_JSON_LOGIC_DEPTH}`;
  if (rule === null || typeof rule !== 'object') return undefined;
  if (Array.isArray(rule)) {
    for (const item of rule) {
      const violation = jsonLogicViolation(item, depth + 1);
      if (violation) return violation;
    }
    return undefined;
  }
  const entries = Object.entries(rule);
  if (entries.length !== 1) {
    // json-logic-js treats a multi-key object as a literal; nothing inside it is evaluated.
    return undefined;
  }
  const [operator, argument] = entries[0];
  if (!JSON_LOGIC_OPERATORS.has(operator)) return `operator "${operator}"`;
  if (operator === 'var') return varViolation(argument);
  return jsonLogicViolation(argument, depth + 1);
}

function varViolation(argument: unknown): string | undefined {
  const pathArgument = Array.isArray(argument) ? argument[0] : argument;
  if (typeof pathArgument === 'number' || pathArgument === undefined || pathArgument === null) return undefined;
  if (typeof pathArgument !== 'string') return 'a computed "var" path';
  if (pathArgument === '') return undefined;
  const segments = pathArgument.split('.');
  if (segments.some((segment) => FORBIDDEN_SEGMENTS.has(segment))) return `"var" path "${pathArgument}"`;
  if (!JSON_LOGIC_VAR_ROOTS.has(segments[0])) return `"var" root "${segments[0]}" (use data, row or input)`;
  return undefined;
}

const TEMPLATE_ROOTS = new Set([
  'data', 'row', 'item', 'value', 'input', 'component', 'field', 'setting', 'min', 'max', 'length', 'minCount',
  'maxCount', 'minDate', 'maxDate', 'minYear', 'maxYear', 'pattern', 'regex', 'rowIndex', 'index',
]);

const PLAIN_LOOKUP = /^\s*([A-Za-z_$][\w$]*)((?:\.[A-Za-z_$][\w$]*|\[\d+\])*)\s*$/;

/** Returns the first template expression in `text` that is not a plain value look-up. */
export function templateViolation(text: string): string | undefined {
  const evaluate = /\{%[\s\S]*?%\}/.exec(text);
  if (evaluate) return evaluate[0];
  for (const match of text.matchAll(/\{\{\{?([\s\S]*?)\}?\}\}/g)) {
    const lookup = PLAIN_LOOKUP.exec(match[1]);
    if (!lookup || !TEMPLATE_ROOTS.has(lookup[1])) return match[0];
    const segments = lookup[2].split(/[.[\]]/);
    if (segments.some((segment) => FORBIDDEN_SEGMENTS.has(segment))) return match[0];
  }
  return undefined;
}

const INLINE_SCRIPT = /<\s*script\b|javascript\s*:|<[^>]*\son[a-z]+\s*=/i;

/** Whether an HTML/text string carries script (a `<script>` tag, `javascript:` URL, `on…=` handler). */
export function containsInlineScript(text: string): boolean {
  return INLINE_SCRIPT.test(text);
}

export const MAX_PATTERN_LENGTH = 500;

/** Returns why a `validate.pattern` is not accepted, or undefined. */
export function patternViolation(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `longer than ${MAX_PATTERN_LENGTH} characters`;
  try {
    // form.io anchors the pattern to the whole value the same way.
    new RegExp(`^(?:${pattern})$`);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  if (hasNestedUnboundedQuantifier(pattern)) return 'a repeated group that itself contains a repetition (e.g. (a+)+) can take exponential time';
  return undefined;
}

/** Whether position `index` of `pattern` starts an unbounded quantifier: `*`, `+` or `{n,}`. */
function unboundedQuantifierAt(pattern: string, index: number): boolean {
  const char = pattern[index];
  if (char === '*' || char === '+') return true;
  return char === '{' && /^\{\d+,\}/.test(pattern.slice(index));
}

/**
 * Screens for the classic catastrophic shape: a group containing an unbounded quantifier that
 * is itself repeated without bound, e.g. `(a+)+`, `(\w*\s?)*`, `(?:x|y+){2,}`.
 */
function hasNestedUnboundedQuantifier(pattern: string): boolean {
  const groups: boolean[] = [];
  let inClass = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    if (char === '\\') {
      index += 1;
      if (!inClass && unboundedQuantifierAt(pattern, index + 1) && groups.length > 0) groups[groups.length - 1] = true;
      continue;
    }
    if (inClass) {
      if (char === ']') {
        inClass = false;
        if (unboundedQuantifierAt(pattern, index + 1) && groups.length > 0) groups[groups.length - 1] = true;
      }
      continue;
    }
    if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      groups.push(false);
    } else if (char === ')') {
      const innerUnbounded = groups.pop() ?? false;
      const repeated = unboundedQuantifierAt(pattern, index + 1);
      if (innerUnbounded && repeated) return true;
      if ((innerUnbounded || repeated) && groups.length > 0) groups[groups.length - 1] = true;
    } else if (unboundedQuantifierAt(pattern, index) && groups.length > 0) {
      groups[groups.length - 1] = true;
    }
  }
  return false;
}
