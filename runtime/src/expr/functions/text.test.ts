import { describe, expect, it } from 'vitest';
import { failure, run } from './test-support.ts';

describe('given the text functions', () => {
  it.each([
    ['LEN("城市运管服")', 5],
    ['LEN("😀a")', 2],
    ['LEN([1, 2])', 2],
    ['UPPER("abc")', 'ABC'],
    ['LOWER("ABC")', 'abc'],
    ['TRIM("  a b  ")', 'a b'],
    ['CONTAINS("hello", "ell")', true],
    ['CONTAINS(["a", "b"], "b")', true],
    ['CONTAINS([1, 2], 3)', false],
    ['STARTS_WITH("GB/T 30428", "GB")', true],
    ['ENDS_WITH("report.pdf", ".PDF")', false],
    ['SUBSTR("20250304-0001", 1, 8)', '20250304'],
    ['SUBSTR("城市运管服", 3)', '运管服'],
    ['SUBSTR("abc", 5)', ''],
    ['REPLACE("a-b-c", "-", "/")', 'a/b/c'],
    ['CONCAT("a", 1, null, true)', 'a1true'],
    ['TEXT(12.5)', '12.5'],
    ['TEXT(DATE(2025, 1, 2))', '2025-01-02'],
    ['NUMBER(" 42 ")', 42],
    ['NUMBER("abc")', null],
    ['NUMBER("")', null],
    ['UPPER(x)', null],
    ['x.contains("a")', null],
    ['"abc".upper()', 'ABC'],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('when CONCAT has no arguments, then it is an arity error', () => {
    expect(failure('CONCAT()')).toMatchObject({ code: 'wrongArity', params: { expected: '1+' } });
  });

  it('when SUBSTR starts before position 1, then it is an invalid argument', () => {
    expect(failure('SUBSTR("abc", 0)')).toMatchObject({ code: 'invalidArgument', params: { argument: 2, reason: 'outOfRange' } });
  });

  it('when SUBSTR has a negative length, then it is an invalid argument', () => {
    expect(failure('SUBSTR("abc", 1, -1)').params.reason).toBe('negative');
  });

  it('when CONTAINS gets a number at run time, then a runtimeType error is raised', () => {
    expect(failure('x.contains("a")', { x: 5 })).toMatchObject({ code: 'runtimeType', params: { name: 'CONTAINS' } });
  });

  it('when LEN gets a number at run time, then a runtimeType error is raised', () => {
    expect(failure('LEN(x)', { x: 5 }).code).toBe('runtimeType');
  });
});
