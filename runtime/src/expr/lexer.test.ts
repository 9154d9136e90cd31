import { describe, expect, it } from 'vitest';
import { ExprError } from './errors.ts';
import { tokenize } from './lexer.ts';

const kinds = (source: string) => tokenize(source).map((token) => `${token.kind}:${token.text}`);

function lexError(source: string): ExprError {
  try {
    tokenize(source);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected a lexical error for ${source}`);
}

describe('given the lexer', () => {
  it('when given numbers, strings, identifiers and operators, then each becomes one token', () => {
    expect(kinds('a1 >= 2.5 && b?.c ?? "x"')).toEqual([
      'identifier:a1', 'operator:>=', 'number:2.5', 'operator:&&', 'identifier:b', 'operator:?.', 'identifier:c', 'operator:??', 'string:"x"', 'eof:',
    ]);
  });

  it('when identifiers contain Chinese letters, then they are single identifiers', () => {
    expect(kinds('处置时限 + 案件.级别')).toEqual(['identifier:处置时限', 'operator:+', 'identifier:案件', 'operator:.', 'identifier:级别', 'eof:']);
  });

  it('when keywords are written in any case, then they are recognised and lower-cased', () => {
    expect(kinds('TRUE And not NULL In x')).toEqual(['keyword:true', 'keyword:and', 'keyword:not', 'keyword:null', 'keyword:in', 'identifier:x', 'eof:']);
  });

  it('when a number carries a unit suffix, then it is a duration token with its unit', () => {
    const units = tokenize('72h 30min 5d 2w 10s 500ms 1.5h').filter((token) => token.kind === 'duration');
    expect(units.map((token) => [token.value, token.unit])).toEqual([
      [72, 'h'], [30, 'min'], [5, 'd'], [2, 'w'], [10, 's'], [500, 'ms'], [1.5, 'h'],
    ]);
  });

  it('when a unit is ambiguous or unknown, then an error suggests the supported unit', () => {
    const error = lexError('30m');
    expect(error.code).toBe('unknownDurationUnit');
    expect(error.params).toMatchObject({ unit: 'm', suggestion: '30min' });
    expect([error.start, error.end]).toEqual([2, 3]);
    expect(lexError('3abc').code).toBe('unknownDurationUnit');
  });

  it('when numbers use exponents, then they are parsed', () => {
    expect(tokenize('1e3 2.5E-2')[0]!.value).toBe(1000);
    expect(tokenize('1e3 2.5E-2')[1]!.value).toBe(0.025);
  });

  it('when a string has escapes, then they are decoded', () => {
    expect(tokenize(String.raw`"a\"b\n\u4e2d\u{1F600}" 'it\'s'`).map((token) => token.value)).toEqual(['a"b\n中😀', "it's", undefined]);
  });

  it('when a string is not closed, then the error spans from its opening quote', () => {
    const error = lexError('x == "abc');
    expect(error.code).toBe('unterminatedString');
    expect([error.start, error.column]).toEqual([5, 6]);
  });

  it('when a string ends at a line break, then it is unterminated', () => {
    expect(lexError('"abc\n"').code).toBe('unterminatedString');
  });

  it('when an escape is unknown, then it is rejected with its position', () => {
    const error = lexError(String.raw`"a\qb"`);
    expect(error.code).toBe('invalidEscape');
    expect(error.params.escape).toBe('\\q');
    expect(error.start).toBe(2);
  });

  it('when tokens follow line breaks, then line and column are tracked and the break is flagged', () => {
    const [first, second] = tokenize('a\n  bb');
    expect(first).toMatchObject({ line: 1, column: 1, newlineBefore: false });
    expect(second).toMatchObject({ line: 2, column: 3, start: 4, end: 6, newlineBefore: true });
  });

  it('when full-width punctuation from a Chinese IME is used, then the error names the half-width character', () => {
    const error = lexError('IF（a, b, c)');
    expect(error.code).toBe('fullWidthCharacter');
    expect(error.params).toMatchObject({ character: '（', suggestion: '(' });
    expect(lexError('a == “x”').params.suggestion).toBe('"');
  });

  it.each([
    ['a & b', '&&'],
    ['a | b', '||'],
    ['a === b', '=='],
    ['a !== b', '!='],
    ['a <> b', '!='],
  ])('when %j is written, then the error suggests %j', (source, suggestion) => {
    const error = lexError(source);
    expect(error.code).toBe('unexpectedCharacter');
    expect(error.params.suggestion).toBe(suggestion);
  });

  it('when an unknown character appears, then it is reported at its offset', () => {
    const error = lexError('a # b');
    expect(error.code).toBe('unexpectedCharacter');
    expect(error.start).toBe(2);
  });
});
