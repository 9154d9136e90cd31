/**
 * Lexer: source text → tokens with positions. Identifiers may contain any Unicode letters (form
 * field names are often Chinese, e.g. `处置时限`). Full-width punctuation typed by a Chinese IME is
 * reported with the half-width character to use instead.
 */
import type { DurationUnit } from './ast.ts';
import { ExprError, type Span } from './errors.ts';

export type TokenKind = 'number' | 'duration' | 'string' | 'identifier' | 'keyword' | 'operator' | 'eof';

export interface Token extends Span {
  readonly kind: TokenKind;
  /** Operator text, identifier name, lower-cased keyword, or raw number text. */
  readonly text: string;
  /** Decoded value of a string token, numeric value of a number or duration token. */
  readonly value?: string | number;
  readonly unit?: DurationUnit;
  /** A line break precedes the token (script assignments end at line breaks). */
  readonly newlineBefore: boolean;
}

/** Keywords are case-insensitive (`TRUE`, `And` …), as Excel users expect. */
export const KEYWORDS = new Set(['true', 'false', 'null', 'and', 'or', 'not', 'in']);

export const DURATION_UNITS: Readonly<Record<DurationUnit, number>> = {
  ms: 1,
  s: 1_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const UNIT_HINTS: Readonly<Record<string, string>> = {
  m: 'min',
  mi: 'min',
  mins: 'min',
  minute: 'min',
  minutes: 'min',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  day: 'd',
  days: 'd',
  week: 'w',
  weeks: 'w',
  H: 'h',
  D: 'd',
  S: 's',
  W: 'w',
  M: 'min',
};

const OPERATORS = [
  '?.', '??', '=>', '==', '!=', '<=', '>=', '&&', '||',
  '+', '-', '*', '/', '%', '<', '>', '!', '?', ':', '(', ')', '[', ']', ',', '.', ';', '=',
];

const MISTYPED: Readonly<Record<string, string>> = { '===': '==', '!==': '!=', '<>': '!=' };

const FULL_WIDTH: Readonly<Record<string, string>> = {
  '（': '(', '）': ')', '，': ',', '“': '"', '”': '"', '‘': "'", '’': "'", '：': ':', '？': '?',
  '！': '!', '＝': '=', '＞': '>', '＜': '<', '［': '[', '］': ']', '；': ';', '＋': '+', '－': '-',
  '＊': '*', '／': '/', '％': '%', '．': '.', '。': '.', '【': '[', '】': ']',
};

const ID_START = /[\p{ID_Start}_]/u;
const ID_CONTINUE = /[\p{ID_Continue}\u200C\u200D]/u;
const DIGIT = /[0-9]/;
const WHITESPACE = /\s/;

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n', r: '\r', t: '\t', b: '\b', f: '\f', v: '\v', '0': '\0', '\\': '\\', '"': '"', "'": "'", '/': '/',
};

/**
 * Splits `source[from, to)` into tokens (the range excludes a `${…}` wrapper). Throws an
 * `ExprError` at the first lexical error.
 */
export function tokenize(source: string, from = 0, to = source.length): Token[] {
  const tokens: Token[] = [];
  let index = from;
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < from; i++) {
    if (source[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  let newlineBefore = false;

  const spanAt = (start: number, end: number): Span => ({ start, end, line, column: start - lineStart + 1 });
  const fail = (code: ConstructorParameters<typeof ExprError>[0], start: number, end: number, params = {}): never => {
    throw new ExprError(code, spanAt(start, end), params);
  };
  const push = (kind: TokenKind, start: number, text: string, extra: Partial<Token> = {}) => {
    tokens.push({ kind, text, ...spanAt(start, index), newlineBefore, ...extra });
    newlineBefore = false;
  };

  while (index < to) {
    const char = source[index]!;
    if (char === '\n') {
      index++;
      line++;
      lineStart = index;
      newlineBefore = true;
      continue;
    }
    if (WHITESPACE.test(char)) {
      index++;
      continue;
    }
    const start = index;
    if (DIGIT.test(char)) {
      lexNumber(start);
      continue;
    }
    if (char === '"' || char === "'") {
      lexString(start, char);
      continue;
    }
    const codePoint = String.fromCodePoint(source.codePointAt(index)!);
    if (ID_START.test(codePoint)) {
      const name = readIdentifier();
      const lower = name.toLowerCase();
      if (KEYWORDS.has(lower)) push('keyword', start, lower);
      else push('identifier', start, name);
      continue;
    }
    const mistyped = Object.keys(MISTYPED).find((text) => source.startsWith(text, index));
    if (mistyped !== undefined) {
      fail('unexpectedCharacter', start, start + mistyped.length, { character: mistyped, suggestion: MISTYPED[mistyped]! });
    }
    const operator = OPERATORS.find((text) => source.startsWith(text, index) && index + text.length <= to);
    // `c?.5:1` is a conditional with 0.5, not optional chaining (same rule as JavaScript).
    if (operator === '?.' && DIGIT.test(source[index + 2] ?? '')) {
      index++;
      push('operator', start, '?');
      continue;
    }
    if (operator !== undefined) {
      index += operator.length;
      push('operator', start, operator);
      continue;
    }
    if (FULL_WIDTH[char] !== undefined) {
      fail('fullWidthCharacter', start, start + 1, { character: char, suggestion: FULL_WIDTH[char] });
    }
    const suggestion = char === '&' ? '&&' : char === '|' ? '||' : undefined;
    fail('unexpectedCharacter', start, start + codePoint.length, {
      character: codePoint,
      ...(suggestion === undefined ? {} : { suggestion }),
    });
  }
  index = to;
  push('eof', to, '');
  return tokens;

  function readIdentifier(): string {
    const start = index;
    while (index < to) {
      const codePoint = String.fromCodePoint(source.codePointAt(index)!);
      if (!ID_CONTINUE.test(codePoint)) break;
      index += codePoint.length;
    }
    return source.slice(start, index);
  }

  function lexNumber(start: number): void {
    while (index < to && DIGIT.test(source[index]!)) index++;
    if (source[index] === '.' && DIGIT.test(source[index + 1] ?? '')) {
      index++;
      while (index < to && DIGIT.test(source[index]!)) index++;
    }
    if ((source[index] === 'e' || source[index] === 'E') && /^[eE][+-]?\d/.test(source.slice(index, index + 3))) {
      index += source[index + 1] === '+' || source[index + 1] === '-' ? 2 : 1;
      while (index < to && DIGIT.test(source[index]!)) index++;
    }
    const text = source.slice(start, index);
    const value = Number(text);
    if (!Number.isFinite(value)) fail('invalidNumber', start, index, { text });
    const suffixStart = index;
    if (index < to && ID_START.test(String.fromCodePoint(source.codePointAt(index)!))) {
      const unit = readIdentifier();
      if (!Object.hasOwn(DURATION_UNITS, unit)) {
        const hint = UNIT_HINTS[unit];
        fail('unknownDurationUnit', suffixStart, index, { unit, ...(hint === undefined ? {} : { suggestion: `${text}${hint}` }) });
      }
      push('duration', start, source.slice(start, index), { value, unit: unit as DurationUnit });
      return;
    }
    push('number', start, text, { value });
  }

  function lexString(start: number, quote: string): void {
    index++;
    let value = '';
    while (true) {
      if (index >= to || source[index] === '\n') fail('unterminatedString', start, index);
      const char = source[index]!;
      if (char === quote) break;
      if (char !== '\\') {
        value += char;
        index++;
        continue;
      }
      const escapeStart = index;
      const next = source[index + 1];
      if (next !== undefined && SIMPLE_ESCAPES[next] !== undefined) {
        value += SIMPLE_ESCAPES[next];
        index += 2;
        continue;
      }
      const unicode = /^\\u(?:\{([0-9a-fA-F]{1,6})\}|([0-9a-fA-F]{4}))/.exec(source.slice(index, Math.min(to, index + 10)));
      const codePoint = unicode === null ? Number.NaN : Number.parseInt(unicode[1] ?? unicode[2]!, 16);
      if (unicode === null || codePoint > 0x10ffff) {
        fail('invalidEscape', escapeStart, Math.min(to, escapeStart + 2), { escape: source.slice(escapeStart, escapeStart + 2) });
      }
      value += String.fromCodePoint(codePoint);
      index += unicode![0].length;
    }
    index++;
    push('string', start, source.slice(start, index), { value });
  }
}
