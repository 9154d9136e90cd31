/** Numbers: ABS, ROUND, FLOOR, CEIL, POWER, SQRT, MIN, MAX, RATIO, PERCENT. */
import { ExprError } from '../errors.ts';
import { compare } from '../operations.ts';
import { elementOf, t } from '../types.ts';
import { describeValue, type ExprValue } from '../values.ts';
import { integerArg, numberArg, finiteOrNull } from './args.ts';
import { ORDERED, optional, param, unifyAll } from './define.ts';
import type { CallContext, FunctionDefinition, FunctionSignature } from './registry.ts';

/** `value × 10^digits` computed on the decimal text, so 1.005 shifts to exactly 100.5. */
function shift(value: number, digits: number): number {
  const [mantissa, exponent = '0'] = String(value).split('e');
  return Number(`${mantissa}e${Number(exponent) + digits}`);
}

/** Rounds half away from zero at `digits` decimals (Excel's ROUND), exact for inputs such as 1.005. */
export function roundHalfAwayFromZero(value: number, digits: number): number {
  return Math.sign(value) * shift(Math.round(shift(Math.abs(value), digits)), -digits) || 0;
}

function scaled(fn: (x: number) => number, value: number, digits: number): number | null {
  return finiteOrNull(shift(fn(shift(value, digits)), -digits) || 0);
}

/** MIN/MAX: over one list, or over several values; nulls are skipped (as SQL aggregates do). */
function extreme(args: readonly ExprValue[], call: CallContext, sign: 1 | -1): ExprValue {
  const values = args.length === 1 && Array.isArray(args[0]) ? (args[0] as readonly ExprValue[]) : args;
  let best: ExprValue = null;
  for (const value of values) {
    if (value === null) continue;
    if (best === null) {
      if (typeof value === 'boolean' || Array.isArray(value) || compare(value, value, call.timeZone) === undefined) {
        throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 1, expected: 'number, string, datetime, date or duration', actual: describeValue(value) });
      }
      best = value;
      continue;
    }
    const order = compare(value, best, call.timeZone);
    if (order === undefined) {
      throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 1, expected: describeValue(best).split(' ')[0]!, actual: describeValue(value) });
    }
    if (order * sign > 0) best = value;
  }
  return best;
}

const extremeSignatures: readonly FunctionSignature[] = [
  { params: [param('values', ORDERED.map((type) => t.list(type)))], returns: (argTypes) => elementOf(argTypes[0]!) ?? t.any },
  { params: [param('value', ORDERED, { variadic: true })], returns: (argTypes) => unifyAll(argTypes) },
];

const ratio = (args: readonly ExprValue[], call: CallContext, factor: number): ExprValue => {
  const numerator = numberArg(call, args, 0);
  const denominator = numberArg(call, args, 1);
  return denominator === 0 ? null : finiteOrNull((numerator / denominator) * factor);
};

const unaryNumber = (name: string, zh: string, en: string, fn: (x: number) => number): FunctionDefinition => ({
  name,
  category: 'math',
  description: { 'zh-CN': zh, en },
  signatures: [{ params: [param('value', t.number)], returns: t.number }],
  evaluate: (args, call) => finiteOrNull(fn(numberArg(call, args, 0))),
});

export const mathFunctions: readonly FunctionDefinition[] = [
  unaryNumber('ABS', '绝对值', 'Absolute value', Math.abs),
  unaryNumber('SQRT', '平方根（负数返回空值）', 'Square root (null for negative numbers)', Math.sqrt),
  {
    name: 'ROUND',
    category: 'math',
    description: { 'zh-CN': '四舍五入到指定小数位（默认 0 位）', en: 'Rounds half away from zero to the given decimals (default 0)' },
    example: 'ROUND(3.14159, 2)',
    signatures: [{ params: [param('value', t.number), optional('digits', t.number)], returns: t.number }],
    evaluate: (args, call) => {
      const digits = args.length > 1 ? integerArg(call, args, 1) : 0;
      return finiteOrNull(roundHalfAwayFromZero(numberArg(call, args, 0), digits));
    },
  },
  {
    name: 'FLOOR',
    category: 'math',
    description: { 'zh-CN': '向下取整（可指定小数位）', en: 'Rounds down (optionally to decimals)' },
    signatures: [{ params: [param('value', t.number), optional('digits', t.number)], returns: t.number }],
    evaluate: (args, call) => scaled(Math.floor, numberArg(call, args, 0), args.length > 1 ? integerArg(call, args, 1) : 0),
  },
  {
    name: 'CEIL',
    category: 'math',
    description: { 'zh-CN': '向上取整（可指定小数位）', en: 'Rounds up (optionally to decimals)' },
    signatures: [{ params: [param('value', t.number), optional('digits', t.number)], returns: t.number }],
    evaluate: (args, call) => scaled(Math.ceil, numberArg(call, args, 0), args.length > 1 ? integerArg(call, args, 1) : 0),
  },
  {
    name: 'POWER',
    category: 'math',
    description: { 'zh-CN': '乘方：POWER(底数, 指数)', en: 'POWER(base, exponent)' },
    signatures: [{ params: [param('base', t.number), param('exponent', t.number)], returns: t.number }],
    evaluate: (args, call) => finiteOrNull(numberArg(call, args, 0) ** numberArg(call, args, 1)),
  },
  {
    name: 'MIN',
    category: 'math',
    description: { 'zh-CN': '最小值（多个参数或一个列表，忽略空值）', en: 'Smallest value of the arguments or of one list (nulls ignored)' },
    example: 'MIN(a, b, c) 或 MIN(readings)',
    signatures: extremeSignatures,
    acceptsNull: true,
    evaluate: (args, call) => extreme(args, call, -1),
  },
  {
    name: 'MAX',
    category: 'math',
    description: { 'zh-CN': '最大值（多个参数或一个列表，忽略空值）', en: 'Largest value of the arguments or of one list (nulls ignored)' },
    signatures: extremeSignatures,
    acceptsNull: true,
    evaluate: (args, call) => extreme(args, call, 1),
  },
  {
    name: 'RATIO',
    category: 'math',
    description: { 'zh-CN': '比值 a / b；分母为 0 或空时返回空值（无数据）', en: 'a / b; null (no data) when the denominator is 0 or null' },
    example: 'RATIO(onlineDevices, connectedDevices)',
    signatures: [{ params: [param('numerator', t.number), param('denominator', t.number)], returns: t.number }],
    evaluate: (args, call) => ratio(args, call, 1),
  },
  {
    name: 'PERCENT',
    category: 'math',
    description: { 'zh-CN': '百分比 a / b × 100；分母为 0 或空时返回空值（无数据）', en: 'a / b × 100; null (no data) when the denominator is 0 or null' },
    example: 'PERCENT(closedOnTime, closed)',
    signatures: [{ params: [param('numerator', t.number), param('denominator', t.number)], returns: t.number }],
    evaluate: (args, call) => ratio(args, call, 100),
  },
];
