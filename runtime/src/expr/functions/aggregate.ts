/**
 * Aggregates over lists, with optional lambdas: COUNT, SUM, AVG, DISTINCT, COUNT_DISTINCT, FILTER,
 * MAP, ANY, ALL (MIN/MAX live with the numbers). Nulls are skipped and an empty SUM/AVG is null,
 * as in SQL, so issue 4 can compile the same functions to SQL with the same results.
 */
import { ExprError } from '../errors.ts';
import { add, equals } from '../operations.ts';
import { elementOf, t, type ExprType } from '../types.ts';
import { Duration, describeValue, type ExprValue } from '../values.ts';
import { lambdaArg, listArg } from './args.ts';
import { elementLambda, param } from './define.ts';
import type { CallContext, FunctionDefinition, FunctionSignature } from './registry.ts';

const anyList = t.list(t.any);

/** Items of argument 0, mapped through the optional selector lambda at argument 1. */
function selected(args: readonly ExprValue[], call: CallContext): ExprValue[] {
  const items = listArg(call, args, 0);
  const selector = call.lambda(1);
  return selector === undefined ? [...items] : items.map((item) => selector(item));
}

function predicate(call: CallContext): (item: ExprValue) => boolean {
  const lambda = lambdaArg(call, 1);
  return (item) => {
    const result = lambda(item);
    if (result === null) return false;
    if (typeof result !== 'boolean') {
      throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 2, expected: 'boolean', actual: describeValue(result) });
    }
    return result;
  };
}

function sum(values: readonly ExprValue[], call: CallContext): ExprValue {
  let total: ExprValue = null;
  for (const value of values) {
    if (value === null) continue;
    if (typeof value !== 'number' && !(value instanceof Duration)) {
      throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 1, expected: 'number or duration', actual: describeValue(value) });
    }
    const next: ExprValue | undefined = total === null ? value : add(total, value, call.timeZone);
    if (next === undefined) {
      throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 1, expected: describeValue(total).split(' ')[0]!, actual: describeValue(value) });
    }
    total = next;
  }
  return total;
}

function distinct(values: readonly ExprValue[], call: CallContext): ExprValue[] {
  const result: ExprValue[] = [];
  for (const value of values) {
    if (!result.some((seen) => equals(seen, value, call.timeZone))) result.push(value);
  }
  return result;
}

/** Type of the aggregated values: the selector's result type, else the element type. */
const valueType = (argTypes: readonly ExprType[]): ExprType => argTypes[1] ?? elementOf(argTypes[0]!) ?? t.any;
const numericResult = (argTypes: readonly ExprType[]): ExprType => (valueType(argTypes).kind === 'duration' ? t.duration : valueType(argTypes).kind === 'any' ? t.any : t.number);
const numericValues = (argTypes: readonly ExprType[]) => {
  const kind = valueType(argTypes).kind;
  return kind === 'number' || kind === 'duration' || kind === 'any' || kind === 'null'
    ? undefined
    : { index: argTypes.length > 1 ? 1 : 0, expected: argTypes.length > 1 ? t.number : t.list(t.number) };
};

const withOptionalSelector = (returns: FunctionSignature['returns'], checkArgs?: FunctionSignature['checkArgs']): readonly FunctionSignature[] => [
  { params: [param('items', anyList), elementLambda('selector', undefined, { optional: true })], returns, ...(checkArgs ? { checkArgs } : {}) },
];

export const aggregateFunctions: readonly FunctionDefinition[] = [
  {
    name: 'COUNT',
    category: 'aggregate',
    description: {
      'zh-CN': '计数：列表中非空元素的个数；给出条件时为满足条件的元素个数',
      en: 'Number of non-null items; with a predicate, the number of items for which it is true',
    },
    example: 'COUNT(items, i => i.level > 2)',
    signatures: [
      { params: [param('items', anyList)], returns: t.number },
      { params: [param('items', anyList), elementLambda('predicate', t.boolean)], returns: t.number },
    ],
    evaluate: (args, call) => {
      const items = listArg(call, args, 0);
      if (call.lambda(1) === undefined) return items.filter((item) => item !== null).length;
      const test = predicate(call);
      return items.filter((item) => test(item)).length;
    },
  },
  {
    name: 'SUM',
    category: 'aggregate',
    description: { 'zh-CN': '求和（忽略空值；没有数据时为空值）', en: 'Sum (nulls ignored; null when there is no data)' },
    example: 'SUM(items, i => i.amount)',
    signatures: withOptionalSelector(numericResult, numericValues),
    evaluate: (args, call) => sum(selected(args, call), call),
  },
  {
    name: 'AVG',
    category: 'aggregate',
    description: { 'zh-CN': '平均值（忽略空值；没有数据时为空值）', en: 'Average (nulls ignored; null when there is no data)' },
    signatures: withOptionalSelector(numericResult, numericValues),
    evaluate: (args, call) => {
      const values = selected(args, call).filter((value) => value !== null);
      const total = sum(values, call);
      if (total === null) return null;
      return total instanceof Duration ? new Duration(Math.round(total.millis / values.length)) : (total as number) / values.length;
    },
  },
  {
    name: 'DISTINCT',
    category: 'aggregate',
    description: { 'zh-CN': '去重后的列表（保持首次出现的顺序）', en: 'The list without duplicates (first occurrence order)' },
    signatures: withOptionalSelector((argTypes) => t.list(valueType(argTypes))),
    evaluate: (args, call) => distinct(selected(args, call), call),
  },
  {
    name: 'COUNT_DISTINCT',
    category: 'aggregate',
    description: { 'zh-CN': '不同非空值的个数', en: 'Number of distinct non-null values' },
    example: 'COUNT_DISTINCT(cases, c => c.gridCode)',
    signatures: withOptionalSelector(t.number),
    evaluate: (args, call) => distinct(selected(args, call), call).filter((value) => value !== null).length,
  },
  {
    name: 'FILTER',
    category: 'aggregate',
    description: { 'zh-CN': '筛选出满足条件的元素', en: 'The items for which the predicate is true' },
    example: 'FILTER(items, i => i.status == "open")',
    signatures: [{ params: [param('items', anyList), elementLambda('predicate', t.boolean)], returns: (argTypes) => argTypes[0]!.kind === 'list' ? argTypes[0]! : anyList }],
    evaluate: (args, call) => {
      const test = predicate(call);
      return listArg(call, args, 0).filter((item) => test(item));
    },
  },
  {
    name: 'MAP',
    category: 'aggregate',
    description: { 'zh-CN': '对每个元素计算，得到新列表', en: 'The list of the selector applied to each item' },
    example: 'MAP(items, i => i.amount * 2)',
    signatures: [{ params: [param('items', anyList), elementLambda('selector')], returns: (argTypes) => t.list(argTypes[1] ?? t.any) }],
    evaluate: (args, call) => listArg(call, args, 0).map((item) => lambdaArg(call, 1)(item)),
  },
  {
    name: 'ANY',
    category: 'aggregate',
    description: { 'zh-CN': '存在满足条件的元素时为真', en: 'True when the predicate is true for at least one item' },
    signatures: [{ params: [param('items', anyList), elementLambda('predicate', t.boolean)], returns: t.boolean }],
    evaluate: (args, call) => listArg(call, args, 0).some(predicate(call)),
  },
  {
    name: 'ALL',
    category: 'aggregate',
    description: { 'zh-CN': '所有元素都满足条件时为真（空列表为真）', en: 'True when the predicate is true for every item (true for an empty list)' },
    signatures: [{ params: [param('items', anyList), elementLambda('predicate', t.boolean)], returns: t.boolean }],
    evaluate: (args, call) => listArg(call, args, 0).every(predicate(call)),
  },
];
