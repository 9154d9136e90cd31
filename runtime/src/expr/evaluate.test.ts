import { describe, expect, it } from 'vitest';
import { createCompileCache } from './cache.ts';
import { compile } from './compile.ts';
import { createEnvironment } from './environment.ts';
import { ExprError } from './errors.ts';
import { evaluate } from './index.ts';
import { parseAssignments } from './parser.ts';
import { t } from './types.ts';
import { Duration, PlainDate, type ExprValue } from './values.ts';

const NOW = new Date('2025-03-04T02:00:00Z'); // 10:00 in Shanghai
const context = { now: () => NOW };
const run = (source: string, variables: Record<string, unknown> = {}): ExprValue => compile(source).evaluate(variables, context);

function runtimeError(source: string, variables: Record<string, unknown> = {}, options = {}): ExprError {
  try {
    compile(source, options).evaluate(variables, context);
  } catch (error) {
    if (error instanceof ExprError) return error;
    throw error;
  }
  throw new Error(`expected a run-time error from ${source}`);
}

describe('given arithmetic and text operators', () => {
  it.each([
    ['1 + 2 * 3', 7],
    ['(1 + 2) * 3', 9],
    ['7 % 4', 3],
    ['10 / 4', 2.5],
    ['-(2 - 5)', 3],
    ['"a" + "b"', 'ab'],
    ['"第" + 3 + "级"', '第3级'],
    ['"ok: " + true', 'ok: true'],
    ['0.1 + 0.2 > 0.3', true],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });
});

describe('given null ("no data") semantics', () => {
  it.each([
    ['x + 1', null],
    ['x * 2', null],
    ['1 / 0', null],
    ['a / b', null],
    ['5 % 0', null],
    ['x + "a"', null],
    ['x > 1', null],
    ['x == null', true],
    ['x != null', false],
    ['null == null', true],
    ['x == 0', false],
    ['!x', null],
    ['x && false', false],
    ['x && true', null],
    ['x || true', true],
    ['x || false', null],
    ['x ?? 0', 0],
    ['x ? 1 : 2', 2],
    ['-x', null],
    ['x in [1, null]', true],
    ['1 in x', null],
    ['x?.y', null],
    ['x?.y.z', null],
    ['x?.[0]', null],
  ])('when %j is evaluated with x missing, then it gives %j', (source, expected) => {
    expect(run(source, { a: 1, b: 0 })).toBe(expected);
  });

  it('when a huge product overflows, then the result is null rather than Infinity', () => {
    expect(run('a * a', { a: 1e300 })).toBeNull();
  });

  it('when reading a field of null without ?., then a positioned memberOfNull error is thrown', () => {
    const error = runtimeError('1 + case.grid.code', { case: { grid: null } });
    expect(error).toMatchObject({ code: 'memberOfNull', start: 4, end: 18, params: { name: 'code' } });
  });

  it('when false short-circuits &&, then the right side is not evaluated', () => {
    expect(run('x != null && x.level > 2', { x: null })).toBe(false);
  });

  it('when IF takes one branch, then the other is not evaluated', () => {
    expect(run('IF(x == null, 0, x.level)', { x: null })).toBe(0);
  });
});

describe('given member, index and variable access', () => {
  const data = { case: { grid: { code: 'G1' }, tags: ['a', 'b'], 'key with space': 1 }, 状态: '办结' };

  it.each([
    ['case.grid.code', 'G1'],
    ['case["grid"]["code"]', 'G1'],
    ['case.tags[1]', 'b'],
    ['case.tags[5]', null],
    ['case.tags[-1]', null],
    ['case["key with space"]', 1],
    ['case.missing', null],
    ['状态 == "办结"', true],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source, data)).toEqual(expected);
  });

  it('when variables come from a lookup function, then it is used', () => {
    expect(compile('a + b').evaluate((name) => (name === 'a' ? 1 : 2))).toBe(3);
  });

  it('when a list literal is evaluated, then its items are evaluated', () => {
    expect(run('[1 + 1, "x", null]')).toEqual([2, 'x', null]);
  });

  it('when an index is fractional, then a run-time type error is raised', () => {
    expect(runtimeError('xs[0.5]', { xs: [1] }).code).toBe('runtimeType');
  });

  it('when a field is read from a non-record, then a run-time type error is raised', () => {
    expect(runtimeError('x.y', { x: 5 })).toMatchObject({ code: 'runtimeType', params: { subject: 'field', actual: 'number "5"' } });
  });
});

describe('given comparisons', () => {
  it.each([
    ['"abc" < "abd"', true],
    ['2 >= 2', true],
    ['[1, 2] == [1, 2]', true],
    ['"b" > "a" && 1 < 2', true],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('when any-typed values of different kinds are ordered, then an operatorType error is raised at the operator', () => {
    expect(runtimeError('a < b', { a: 1, b: 'x' })).toMatchObject({ code: 'operatorType', start: 2, params: { left: 'number', right: 'string' } });
  });

  it('when any-typed values of different kinds are tested for equality, then they are simply unequal', () => {
    expect(run('a == b', { a: 1, b: '1' })).toBe(false);
  });

  it('when a logic operand is not boolean at run time, then a runtimeType error names the operator', () => {
    expect(runtimeError('a && true', { a: 1 })).toMatchObject({ code: 'runtimeType', params: { subject: 'operand', name: '&&' } });
  });
});

describe('given datetimes, dates and durations', () => {
  it('when a duration is added to a datetime, then the result is a datetime', () => {
    expect(run('NOW() + 72h')).toEqual(new Date('2025-03-07T02:00:00Z'));
    expect(run('NOW() - 30min')).toEqual(new Date('2025-03-04T01:30:00Z'));
  });

  it('when two datetimes are subtracted, then the result is a duration', () => {
    expect(run('NOW() - DATETIME("2025-03-04T08:00")')).toEqual(new Duration(2 * 3_600_000));
  });

  it('when a datetime variable arrives as ISO text from JSON, then it is compared as a datetime', () => {
    expect(run('dueAt < NOW()', { dueAt: '2025-03-04T01:00:00.000Z' })).toBe(true);
    expect(run('dueAt + 1h', { dueAt: '2025-03-04T01:00:00.000Z' })).toEqual(new Date('2025-03-04T02:00:00Z'));
    expect(run('dueAt == NOW()', { dueAt: '2025-03-04T02:00:00Z' })).toBe(true);
  });

  it('when a variable is declared datetime, then ISO text is coerced and bad text is a positioned error', () => {
    const environment = createEnvironment({ variables: { dueAt: t.datetime } });
    const expression = compile('dueAt', { environment });
    expect(expression.evaluate({ dueAt: '2025-03-04T10:00' }, context)).toEqual(new Date('2025-03-04T02:00:00Z'));
    expect(() => expression.evaluate({ dueAt: 'soon' }, context)).toThrow(expect.objectContaining({ code: 'runtimeType', params: expect.objectContaining({ subject: 'variable', name: 'dueAt' }) }));
  });

  it('when a variable is declared number but holds text, then a runtimeType error names the variable', () => {
    const environment = createEnvironment({ variables: { level: t.number } });
    expect(() => compile('level > 1', { environment }).evaluate({ level: '3' })).toThrow(expect.objectContaining({ code: 'runtimeType' }));
  });

  it('when durations are combined, then duration arithmetic applies', () => {
    expect(run('2h + 30min')).toEqual(new Duration(9_000_000));
    expect(run('1d / 2')).toEqual(new Duration(43_200_000));
    expect(run('1d / 1h')).toBe(24);
    expect(run('3 * 1w')).toEqual(new Duration(3 * 604_800_000));
    expect(run('-1h')).toEqual(new Duration(-3_600_000));
    expect(run('1h / 0')).toBeNull();
  });

  it('when a duration is serialised, then it is ISO 8601 text', () => {
    expect(JSON.stringify(run('72h'))).toBe('"PT72H"');
    expect(JSON.stringify(run('90min + 1500ms'))).toBe('"PT1H30M1.5S"');
    expect(JSON.stringify(run('TODAY()'))).toBe('"2025-03-04"');
  });

  it('when dates are subtracted and compared, then calendar dates are used', () => {
    expect(run('DATE(2025, 3, 10) - DATE(2025, 3, 4)')).toEqual(new Duration(6 * 86_400_000));
    expect(run('TODAY() < DATE(2025, 3, 5)')).toBe(true);
    expect(run('TODAY() == "2025-03-04"')).toBe(true);
  });

  it('when an operator mixes incompatible kinds at run time, then operatorType is raised', () => {
    expect(runtimeError('a + b', { a: 1, b: [1] })).toMatchObject({ code: 'operatorType', params: { operator: '+', left: 'number', right: 'list' } });
  });
});

describe('given membership', () => {
  it.each([
    ['2 in [1, 2]', true],
    ['"b" in ["a", "b"]', true],
    ['3 not in [1, 2]', true],
    ['"ell" in "hello"', true],
    ['"x" not in "hello"', true],
  ])('when %j is evaluated, then it gives %j', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('when the container is neither a list nor text, then a runtimeType error is raised', () => {
    expect(runtimeError('1 in x', { x: 5 }).code).toBe('runtimeType');
  });
});

describe('given compile options', () => {
  it('when the expression does not check, then compile throws every error diagnostic', () => {
    const environment = createEnvironment({ variables: { level: t.number } });
    try {
      compile('levle + ROUDN(1)', { environment });
      throw new Error('compile should have failed');
    } catch (error) {
      expect(error).toBeInstanceOf(ExprError);
      expect((error as ExprError).diagnostics.map((item) => item.code)).toEqual(['unknownVariable', 'unknownFunction']);
    }
  });

  it('when a syntax error is compiled, then compile throws it', () => {
    expect(() => compile('a +')).toThrow(expect.objectContaining({ code: 'unexpectedEnd' }));
  });

  it('when a boolean is expected but an any-typed result is not boolean, then evaluation fails with a result error', () => {
    expect(runtimeError('x', { x: 5 }, { expectedType: t.boolean })).toMatchObject({ code: 'runtimeType', params: { subject: 'result' } });
  });

  it('when a datetime is expected and the any-typed result is ISO text, then it is coerced to a Date', () => {
    expect(compile('dueAt', { expectedType: [t.datetime, t.number] }).evaluate({ dueAt: '2025-03-04T02:00:00Z' })).toEqual(NOW);
    expect(compile('dueAt', { expectedType: [t.datetime, t.number] }).evaluate({ dueAt: 24 })).toBe(24);
  });

  it('when an AST from a script assignment is compiled, then positions refer to the whole script', () => {
    const [, second] = parseAssignments('a = 1\nb = x.y').assignments;
    expect(() => compile(second!.expression).evaluate({ x: null })).toThrow(expect.objectContaining({ code: 'memberOfNull', line: 2, column: 5 }));
  });

  it('when NOW() is evaluated without a clock, then clockRequired is raised at the call', () => {
    expect(() => compile('1 + HOUR(NOW())').evaluate({})).toThrow(expect.objectContaining({ code: 'clockRequired', start: 9, end: 14 }));
  });

  it('when the time zone is set, then TODAY() follows it', () => {
    const lateEvening = { now: () => new Date('2025-03-04T17:00:00Z') };
    expect(compile('TODAY()').evaluate({}, lateEvening)).toEqual(new PlainDate('2025-03-05'));
    expect(compile('TODAY()').evaluate({}, { ...lateEvening, timeZone: 'UTC' })).toEqual(new PlainDate('2025-03-04'));
  });
});

describe('given the compile cache', () => {
  it('when the same source is requested twice for one environment, then the same compiled expression is returned', () => {
    const cache = createCompileCache();
    expect(cache.get('a + 1')).toBe(cache.get('a + 1'));
  });

  it('when environments or expected types differ, then separate entries are compiled', () => {
    const cache = createCompileCache();
    const closed = createEnvironment({ variables: { a: t.number } });
    expect(cache.get('a')).not.toBe(cache.get('a', { environment: closed }));
    expect(cache.get('a')).not.toBe(cache.get('a', { expectedType: t.number }));
  });

  it('when the limit is exceeded, then the least recently used entry is recompiled on next use', () => {
    const cache = createCompileCache({ maxEntriesPerEnvironment: 2 });
    const first = cache.get('1');
    cache.get('2');
    cache.get('1');
    cache.get('3');
    expect(cache.get('1')).toBe(first);
    const second = cache.get('2');
    expect(cache.get('2')).toBe(second);
  });

  it('when an expression fails to compile, then the cache rethrows the error', () => {
    expect(() => createCompileCache().get('a +')).toThrow(ExprError);
  });

  it('when the one-shot evaluate is used, then it compiles through the shared cache', () => {
    expect(evaluate('a * 2', { a: 21 })).toBe(42);
  });
});
