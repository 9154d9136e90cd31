/** Name rules shared by the builder: variables follow the expression language's identifiers. */

const IDENTIFIER = /^[\p{ID_Start}_][\p{ID_Continue}\u200C\u200D]*$/u;
/** Keywords of the expression language (case-insensitive there). */
const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in']);

export function isVariableName(name: string): boolean {
  return IDENTIFIER.test(name) && !KEYWORDS.has(name.toLowerCase());
}

/** Definition keys (form keys, role and position codes) follow the platform's code rule. */
const CODE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isCode(value: string): boolean {
  return value.length <= 64 && CODE.test(value);
}

/** `"a, b ,c"` → `['a','b','c']`; undefined when an item is not a code. */
export function codeList(value: string): string[] | undefined {
  const items = value
    .split(/[,，]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.every(isCode) ? items : undefined;
}
