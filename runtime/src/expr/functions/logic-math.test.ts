import { describe, expect, it } from 'vitest';
import { failure, run } from './test-support.ts';

describe('given the logic functions', () => {
  it.each([
    ['IF(true, 1, 2)', 1],
    ['IF(false, 1, 2)', 2],
    ['IF(false, 1)', null],
    ['IF(x, 1, 2)', 2],
    ['if(1 > 0, "yes", "no")', 'yes'],
    ['CASE(false, 1, true, 2, 3)', 2],
    ['CASE(false, 1, false, 2, 3)', 3],
    ['CASE(false, 1)', null],
    ['CASE(x, 1, 2)', 2],
    ['SWITCH("b", "a", 1, "b", 2, 0)', 2],
    ['SWITCH("z", "a", 1, 0)', 0],
    ['SWITCH("z", "a", 1)', null],
    ['COALESCE(x, null, 3, 4)', 3],
    ['COALESCE(x, y)', null],
    ['IS_NULL(x)', true],
    ['IS_NULL(0)', false],
    ['IS_BLANK("  ")', true],
    ['IS_BLANK([])', true],
    ['IS_BLANK(x)', true],
    ['IS_BLANK("a")', false],
    ['IS_BLANK(0)', false],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('when COALESCE finds a value, then later arguments are not evaluated', () => {
    expect(run('COALESCE(1, x.y)', { x: null })).toBe(1);
  });

  it('when an IF condition is not boolean at run time, then a positioned runtimeType error is raised', () => {
    expect(failure('IF(x, 1, 2)', { x: 'yes' })).toMatchObject({ code: 'runtimeType', start: 0, params: { name: 'IF', index: 1 } });
  });

  it('when a CASE condition is not boolean at run time, then it is reported with its argument index', () => {
    expect(failure('CASE(false, 1, x, 2)', { x: 3 }).params).toMatchObject({ name: 'CASE', index: 3 });
  });
});

describe('given the number functions', () => {
  it.each([
    ['ABS(-3)', 3],
    ['ROUND(2.5)', 3],
    ['ROUND(-2.5)', -3],
    ['ROUND(1.005, 2)', 1.01],
    ['ROUND(1234.5678, -2)', 1200],
    ['ROUND(0.0000001234, 9)', 1.23e-7],
    ['FLOOR(2.7)', 2],
    ['FLOOR(-2.1)', -3],
    ['FLOOR(2.789, 2)', 2.78],
    ['CEIL(2.1)', 3],
    ['CEIL(2.711, 1)', 2.8],
    ['POWER(2, 10)', 1024],
    ['SQRT(9)', 3],
    ['SQRT(-1)', null],
    ['MIN(3, 1, 2)', 1],
    ['MAX(3, 1, 2)', 3],
    ['MIN([4, null, 2])', 2],
    ['MAX([])', null],
    ['MAX("b", "a")', 'b'],
    ['MIN(x, 2)', 2],
    ['RATIO(1, 4)', 0.25],
    ['RATIO(1, 0)', null],
    ['RATIO(1, x)', null],
    ['RATIO(x, 2)', null],
    ['PERCENT(1, 4)', 25],
    ['PERCENT(3, 0)', null],
    ['ABS(x)', null],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toEqual(expected);
  });

  it('when MAX compares datetimes and durations, then it keeps their kind', () => {
    expect(run('MAX(NOW(), NOW() + 1h)')).toEqual(new Date('2025-03-04T03:00:00Z'));
    expect(run('MIN([2h, 30min])')).toMatchObject({ millis: 1_800_000 });
  });

  it('when ROUND is given fractional digits, then it is an invalid argument', () => {
    expect(failure('ROUND(1.5, 0.5)')).toMatchObject({ code: 'invalidArgument', params: { name: 'ROUND', argument: 2, reason: 'notInteger' } });
  });

  it('when an any-typed argument is not a number at run time, then runtimeType names the function and argument', () => {
    expect(failure('ABS(x)', { x: 'a' })).toMatchObject({ code: 'runtimeType', params: { name: 'ABS', index: 1, expected: 'number' } });
  });

  it('when MAX mixes kinds at run time, then a runtimeType error is raised', () => {
    expect(failure('MAX(xs)', { xs: [1, 'a'] }).code).toBe('runtimeType');
    expect(failure('MAX(xs)', { xs: [true] }).code).toBe('runtimeType');
  });

  it('when a numeric result is not finite, then it is null', () => {
    expect(run('POWER(10, 400)')).toBeNull();
  });
});
