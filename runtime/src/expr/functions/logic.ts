/** Conditionals and null handling: IF, CASE, SWITCH, COALESCE, IS_NULL, IS_BLANK. */
import { ExprError } from '../errors.ts';
import { equals } from '../operations.ts';
import { t, type ExprType } from '../types.ts';
import { describeValue, type ExprValue } from '../values.ts';
import { optional, param, unifyAll } from './define.ts';
import type { CallContext, FunctionDefinition } from './registry.ts';

/** A condition is satisfied only by `true`; null ("no data") counts as not satisfied. */
function condition(call: CallContext, index: number, value: ExprValue): boolean {
  if (value === null) return false;
  if (typeof value !== 'boolean') {
    throw new ExprError('runtimeType', call.span, {
      subject: 'argument', name: call.name, index: index + 1, expected: 'boolean', actual: describeValue(value),
    });
  }
  return value;
}

/** Argument indexes of CASE results: `cond1, r1, cond2, r2, …, [default]`. */
const caseResults = (argTypes: readonly ExprType[]): ExprType[] =>
  argTypes.filter((_, index) => index % 2 === 1 || index === argTypes.length - 1);

export const logicFunctions: readonly FunctionDefinition[] = [
  {
    name: 'IF',
    category: 'logic',
    description: {
      'zh-CN': '条件判断：条件为真返回第二个参数，否则返回第三个参数（省略时为空值）',
      en: 'Returns the second argument when the condition is true, else the third (null when omitted)',
    },
    example: 'IF(level > 2, "紧急", "一般")',
    signatures: [
      {
        params: [param('condition', t.boolean), param('then', t.any), optional('else', t.any)],
        returns: (argTypes) => unifyAll(argTypes.slice(1)),
      },
    ],
    evaluateLazy: (args, call) => (condition(call, 0, args[0]!()) ? args[1]!() : (args[2]?.() ?? null)),
  },
  {
    name: 'CASE',
    category: 'logic',
    description: {
      'zh-CN': '多条件判断：CASE(条件1, 结果1, 条件2, 结果2, …, 默认值)，返回第一个为真的条件对应的结果',
      en: 'CASE(cond1, result1, cond2, result2, …, default): the result of the first true condition',
    },
    example: 'CASE(score >= 90, "优", score >= 60, "合格", "不合格")',
    signatures: [
      {
        params: [param('condition', t.boolean), param('result', t.any), param('more', t.any, { optional: true, variadic: true })],
        returns: (argTypes) => unifyAll(caseResults(argTypes)),
        checkArgs: (argTypes) => {
          for (let index = 0; index < argTypes.length - 1; index += 2) {
            const kind = argTypes[index]!.kind;
            if (kind !== 'boolean' && kind !== 'any' && kind !== 'null') return { index, expected: t.boolean };
          }
          return undefined;
        },
      },
    ],
    evaluateLazy: (args, call) => {
      let index = 0;
      for (; index + 1 < args.length; index += 2) {
        if (condition(call, index, args[index]!())) return args[index + 1]!();
      }
      return index < args.length ? args[index]!() : null;
    },
  },
  {
    name: 'SWITCH',
    category: 'logic',
    description: {
      'zh-CN': '按值匹配：SWITCH(值, 匹配1, 结果1, 匹配2, 结果2, …, 默认值)',
      en: 'SWITCH(value, match1, result1, match2, result2, …, default): the result of the first equal match',
    },
    example: 'SWITCH(source, "hotline", "12345热线", "inspector", "监督员上报", "其他")',
    signatures: [
      {
        params: [param('value', t.any), param('match', t.any), param('result', t.any), param('more', t.any, { optional: true, variadic: true })],
        returns: (argTypes) => unifyAll(argTypes.filter((_, index) => (index > 0 && index % 2 === 0) || (index === argTypes.length - 1 && index % 2 === 1))),
      },
    ],
    evaluateLazy: (args, call) => {
      const value = args[0]!();
      let index = 1;
      for (; index + 1 < args.length; index += 2) {
        if (equals(value, args[index]!(), call.timeZone)) return args[index + 1]!();
      }
      return index < args.length ? args[index]!() : null;
    },
  },
  {
    name: 'COALESCE',
    category: 'logic',
    description: { 'zh-CN': '返回第一个非空的参数', en: 'Returns the first argument that is not null' },
    example: 'COALESCE(handledAt, NOW())',
    signatures: [{ params: [param('value', t.any, { variadic: true })], returns: (argTypes) => unifyAll(argTypes) }],
    evaluateLazy: (args) => {
      for (const arg of args) {
        const value = arg();
        if (value !== null) return value;
      }
      return null;
    },
  },
  {
    name: 'IS_NULL',
    category: 'logic',
    description: { 'zh-CN': '值为空（null，即无数据）时为真', en: 'True when the value is null (no data)' },
    signatures: [{ params: [param('value', t.any)], returns: t.boolean }],
    acceptsNull: true,
    evaluate: ([value]) => value === null || value === undefined,
  },
  {
    name: 'IS_BLANK',
    category: 'logic',
    description: {
      'zh-CN': '值为空、空字符串、仅含空白的字符串或空列表时为真',
      en: 'True when the value is null, an empty or whitespace-only string, or an empty list',
    },
    signatures: [{ params: [param('value', t.any)], returns: t.boolean }],
    acceptsNull: true,
    evaluate: ([value]) =>
      value === null || value === undefined || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0),
  },
];
