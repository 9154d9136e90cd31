import { describe, expect, it } from 'vitest';
import { check } from './checker.ts';
import { checkExpression } from './check-expression.ts';
import { createEnvironment, OPEN_ENVIRONMENT } from './environment.ts';
import { parseOrThrow } from './parser.ts';
import { formatType, t, type ExprType } from './types.ts';

const caseEnvironment = createEnvironment({
  variables: {
    level: t.number,
    source: t.string,
    urgent: t.boolean,
    reportedAt: t.datetime,
    deadline: t.datetime,
    sla: t.duration,
    dueDate: t.date,
    tags: t.list(t.string),
    items: t.list(t.record({ level: t.number, amount: t.number })),
    grid: t.record({ code: t.string, district: t.string }),
    attributes: t.record({}, { open: true }),
    处置时限: t.number,
  },
});

function checked(source: string, expectedType?: ExprType | readonly ExprType[]) {
  return check(parseOrThrow(source), caseEnvironment, { expectedType });
}
const typeOf = (source: string) => formatType(checked(source).type);
const codes = (source: string, expectedType?: ExprType | readonly ExprType[]) => checked(source, expectedType).diagnostics.map((item) => item.code);

describe('given a closed environment, when types are inferred', () => {
  it.each([
    ['level + 1', 'number'],
    ['source + "!"', 'string'],
    ['"第" + level + "级"', 'string'],
    ['level > 2 && urgent', 'boolean'],
    ['reportedAt + 72h', 'datetime'],
    ['72h + reportedAt', 'datetime'],
    ['deadline - reportedAt', 'duration'],
    ['sla * 2', 'duration'],
    ['sla / 2h', 'number'],
    ['dueDate - dueDate', 'duration'],
    ['-sla', 'duration'],
    ['grid.code', 'string'],
    ['grid?.district', 'string'],
    ['grid["code"]', 'string'],
    ['tags[0]', 'string'],
    ['attributes.anything', 'any'],
    ['[1, 2, 3]', 'list<number>'],
    ['[]', 'list<any>'],
    ['level ?? 0', 'number'],
    ['urgent ? 1 : 2', 'number'],
    ['IF(urgent, "a", null)', 'string'],
    ['COUNT(items, i => i.level > 2)', 'number'],
    ['SUM(items, i => i.amount)', 'number'],
    ['FILTER(items, i => i.level > 2)', 'list<{level: number, amount: number}>'],
    ['MAP(items, i => i.level > 2)', 'list<boolean>'],
    ['MAX(tags)', 'string'],
    ['MIN(reportedAt, deadline)', 'datetime'],
    ['ADD_DAYS(dueDate, 1)', 'date'],
    ['ADD_DAYS(reportedAt, 1)', 'datetime'],
    ['ADD_WORKING_HOURS(reportedAt, 24)', 'datetime'],
    ['source.upper()', 'string'],
    ['处置时限 * 2', 'number'],
    ['reportedAt > "2025-01-01"', 'boolean'],
    ['SUM(MAP(items, i => i.amount * 1h))', 'duration'],
  ])('then %j has type %s', (source, type) => {
    expect(checked(source).diagnostics).toEqual([]);
    expect(typeOf(source)).toBe(type);
  });
});

describe('given a closed environment, when names are wrong', () => {
  it('then an unknown variable is reported at its position with a suggestion', () => {
    const [diagnostic] = checked('levle > 2').diagnostics;
    expect(diagnostic).toMatchObject({ code: 'unknownVariable', start: 0, end: 5, line: 1, column: 1, params: { name: 'levle', suggestion: 'level' } });
  });

  it('then a variable differing only in case is suggested', () => {
    expect(checked('Source == "x"').diagnostics[0]!.params.suggestion).toBe('source');
  });

  it('then a name with nothing close gets no suggestion', () => {
    expect(checked('zzzzzz').diagnostics[0]!.params).toEqual({ name: 'zzzzzz' });
  });

  it('then an unknown Chinese variable is suggested from a close Chinese name', () => {
    expect(checked('处置时间 > 1').diagnostics[0]!.params.suggestion).toBe('处置时限');
  });

  it('then an unknown function is reported on its name with a suggestion', () => {
    expect(checked('level + ROUDN(1)').diagnostics[0]).toMatchObject({ code: 'unknownFunction', start: 8, end: 13, params: { suggestion: 'ROUND' } });
  });

  it('then an unknown field of a closed record is reported on the field name', () => {
    expect(checked('grid.cdoe').diagnostics[0]).toMatchObject({ code: 'unknownField', start: 5, end: 9, params: { suggestion: 'code' } });
  });

  it('then member access on a scalar is reported', () => {
    expect(codes('level.value')).toEqual(['noFields']);
  });

  it('then indexing a number is reported', () => {
    expect(codes('level[0]')).toEqual(['notIndexable']);
  });

  it('then a lambda parameter is visible only inside its lambda', () => {
    expect(codes('COUNT(items, i => i.level > 2) + i')).toEqual(['unknownVariable']);
  });
});

describe('given function calls with bad arguments', () => {
  it('then a wrong argument count names the accepted counts', () => {
    expect(checked('ROUND()').diagnostics[0]).toMatchObject({ code: 'wrongArity', params: { name: 'ROUND', expected: '1-2', actual: 0 } });
    expect(checked('IF(urgent)').diagnostics[0]!.params.expected).toBe('2-3');
    expect(checked('COUNT()').diagnostics[0]!.params.expected).toBe('1 / 2');
  });

  it('then an argument of the wrong type is reported at that argument', () => {
    const [diagnostic] = checked('ROUND(source, 2)').diagnostics;
    expect(diagnostic).toMatchObject({ code: 'argumentType', start: 6, end: 12, params: { index: 1, expected: 'number', actual: 'string' } });
  });

  it('then a non-boolean IF condition is an argument type error', () => {
    expect(checked('IF(level, 1, 2)').diagnostics[0]).toMatchObject({ code: 'argumentType', params: { expected: 'boolean' } });
  });

  it('then a CASE condition in a later position is checked too', () => {
    expect(checked('CASE(urgent, 1, level, 2, 3)').diagnostics[0]).toMatchObject({ code: 'argumentType', params: { index: 3 } });
  });

  it('then a lambda where a value is required, and a value where a lambda is required, are reported', () => {
    expect(codes('ROUND(x => x)')).toEqual(['lambdaNotExpected']);
    expect(codes('FILTER(items, true)')).toEqual(['lambdaExpected']);
  });

  it('then a predicate lambda with a non-boolean body is reported at the body', () => {
    expect(checked('COUNT(items, i => i.amount)').diagnostics[0]).toMatchObject({ code: 'conditionNotBoolean', start: 18 });
  });

  it('then errors inside a lambda body are found', () => {
    expect(checked('COUNT(items, i => i.levle > 2)').diagnostics[0]).toMatchObject({ code: 'unknownField', params: { suggestion: 'level' } });
  });

  it('then IF branches of incompatible types are reported', () => {
    expect(codes('IF(urgent, 1, "x")')).toEqual(['incompatibleBranches']);
  });

  it('then a malformed ISO literal for a datetime parameter is an invalid literal', () => {
    expect(checked('HOURS_BETWEEN("2025-13-01", reportedAt)').diagnostics[0]).toMatchObject({ code: 'invalidLiteral', start: 14 });
  });

  it('then a valid ISO literal is accepted for a datetime parameter', () => {
    expect(codes('HOURS_BETWEEN("2025-03-01T08:00", reportedAt)')).toEqual([]);
  });

  it('then method sugar is checked like the plain call', () => {
    expect(checked('level.contains("a")').diagnostics[0]).toMatchObject({ code: 'argumentType', params: { name: 'CONTAINS', index: 1 } });
  });
});

describe('given operators with wrong operand types', () => {
  it.each([
    ['level + urgent', 'operatorType'],
    ['reportedAt + level', 'operatorType'],
    ['source - 1', 'operatorType'],
    ['level < source', 'operatorType'],
    ['reportedAt < dueDate', 'operatorType'],
    ['-source', 'operatorType'],
    ['level && urgent', 'conditionNotBoolean'],
    ['!level', 'conditionNotBoolean'],
    ['level ? 1 : 2', 'conditionNotBoolean'],
    ['urgent ? 1 : "x"', 'incompatibleBranches'],
    ['level ?? "none"', 'incompatibleBranches'],
    ['level in 5', 'operatorType'],
    ['level in source', 'operatorType'],
    ['reportedAt > "tomorrow"', 'invalidLiteral'],
  ])('then %j is reported as %s', (source, code) => {
    expect(codes(source)).toEqual([code]);
  });

  it('then the operator error points at the operator', () => {
    expect(checked('level + urgent').diagnostics[0]).toMatchObject({ start: 6, end: 7 });
  });

  it('then comparing values that can never be equal is a warning, not an error', () => {
    const result = checked('source == 1');
    expect(result.ok).toBe(true);
    expect(result.diagnostics[0]).toMatchObject({ code: 'incompatibleEquality', severity: 'warning' });
  });

  it('then several independent errors are all reported', () => {
    expect(codes('levle + ROUDN(1) + grid.cdoe')).toEqual(['unknownVariable', 'unknownFunction', 'unknownField']);
  });
});

describe('given an expected result type', () => {
  it('when a gateway condition is not boolean, then conditionNotBoolean covers the whole expression', () => {
    expect(checked('level + 1', t.boolean).diagnostics[0]).toMatchObject({ code: 'conditionNotBoolean', start: 0, end: 9 });
  });

  it('when a due date may be a datetime or a duration, then either is accepted and others are not', () => {
    const dueTypes = [t.datetime, t.duration, t.number];
    expect(codes('reportedAt + 72h', dueTypes)).toEqual([]);
    expect(codes('72h', dueTypes)).toEqual([]);
    expect(checked('source', dueTypes).diagnostics[0]).toMatchObject({ code: 'resultType', params: { expected: 'datetime | duration | number', actual: 'string' } });
  });

  it('when the result type is unknown (any), then it is accepted statically', () => {
    expect(check(parseOrThrow('whatever'), OPEN_ENVIRONMENT, { expectedType: t.boolean }).ok).toBe(true);
  });
});

describe('given an open environment (BPMN process variables)', () => {
  it('when unknown identifiers are used, then they are typed any and accepted', () => {
    const result = check(parseOrThrow('amount * 2 > limit && status == "open"'), OPEN_ENVIRONMENT);
    expect(result.ok).toBe(true);
    expect(result.type).toEqual(t.boolean);
  });

  it('when declared variables are used, then they keep their declared types', () => {
    const environment = createEnvironment({ open: true, variables: { level: t.number } });
    expect(check(parseOrThrow('level + "x"'), environment).type).toEqual(t.string);
    expect(check(parseOrThrow('level && true'), environment).diagnostics[0]!.code).toBe('conditionNotBoolean');
  });

  it('when functions are unknown, then they are still errors', () => {
    expect(check(parseOrThrow('FOO(x)'), OPEN_ENVIRONMENT).diagnostics[0]!.code).toBe('unknownFunction');
  });
});

describe('given checkExpression (the API/designer convenience)', () => {
  it('when the expression checks, then ok, the type and its text are returned', () => {
    expect(checkExpression('level > 2', { environment: caseEnvironment, expectedType: t.boolean })).toEqual({
      ok: true,
      type: t.boolean,
      typeText: 'boolean',
      diagnostics: [],
    });
  });

  it('when there is a syntax error, then it is returned with a localized message and type any', () => {
    const result = checkExpression('level >', { environment: caseEnvironment, locale: 'en' });
    expect(result).toMatchObject({ ok: false, typeText: 'any' });
    expect(result.diagnostics[0]).toMatchObject({ code: 'unexpectedEnd', start: 7, message: 'The expression ends unexpectedly' });
  });

  it('when the locale is omitted, then messages are in Chinese with Chinese type names', () => {
    const result = checkExpression('ROUND(source)', { environment: caseEnvironment });
    expect(result.diagnostics[0]!.message).toBe('函数 ROUND 的第 1 个参数应为 数字，实际为 文本');
  });

  it('when a name is misspelt, then the Chinese message carries the suggestion', () => {
    expect(checkExpression('levle', { environment: caseEnvironment }).diagnostics[0]!.message).toBe('未知变量 “levle”，是否想写 “level”？');
  });
});
