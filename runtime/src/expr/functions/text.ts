/**
 * Text: LEN, UPPER, LOWER, TRIM, CONTAINS, STARTS_WITH, ENDS_WITH, SUBSTR, REPLACE, CONCAT, TEXT,
 * NUMBER. Lengths and positions count characters (code points), 1-based as in Excel and SQL.
 */
import { ExprError } from '../errors.ts';
import { contains } from '../operations.ts';
import { t } from '../types.ts';
import { Duration, PlainDate, describeValue, type ExprValue } from '../values.ts';
import { integerArg, invalidArgument, stringArg } from './args.ts';
import { optional, param } from './define.ts';
import type { FunctionDefinition } from './registry.ts';

const stringFunction = (
  name: string,
  zh: string,
  en: string,
  fn: (value: string) => ExprValue,
  returns = t.string,
): FunctionDefinition => ({
  name,
  category: 'text',
  description: { 'zh-CN': zh, en },
  signatures: [{ params: [param('text', t.string)], returns }],
  evaluate: (args, call) => fn(stringArg(call, args, 0)),
});

const stringPair = (name: string, zh: string, en: string, fn: (text: string, part: string) => boolean): FunctionDefinition => ({
  name,
  category: 'text',
  description: { 'zh-CN': zh, en },
  signatures: [{ params: [param('text', t.string), param('part', t.string)], returns: t.boolean }],
  evaluate: (args, call) => fn(stringArg(call, args, 0), stringArg(call, args, 1)),
});

/** Text of a scalar for CONCAT/TEXT: temporal values as ISO 8601, null as empty text. */
function textOf(value: ExprValue): string {
  if (value === null) return '';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof PlainDate || value instanceof Duration) return value.toJSON();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export const textFunctions: readonly FunctionDefinition[] = [
  {
    name: 'LEN',
    category: 'text',
    description: { 'zh-CN': '文本的字符数或列表的元素个数', en: 'Number of characters of a text, or of items of a list' },
    signatures: [{ params: [param('value', [t.string, t.list(t.any)])], returns: t.number }],
    evaluate: ([value], call) => {
      if (typeof value === 'string') return [...value].length;
      if (Array.isArray(value)) return value.length;
      throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 1, expected: 'string or list', actual: describeValue(value) });
    },
  },
  stringFunction('UPPER', '转为大写', 'Upper case', (value) => value.toUpperCase()),
  stringFunction('LOWER', '转为小写', 'Lower case', (value) => value.toLowerCase()),
  stringFunction('TRIM', '去掉首尾空白', 'Removes leading and trailing white space', (value) => value.trim()),
  {
    name: 'CONTAINS',
    category: 'text',
    description: { 'zh-CN': '文本包含子串，或列表包含元素', en: 'Whether a text contains a substring, or a list contains an item' },
    example: 'test.contains("a")',
    signatures: [
      { params: [param('text', t.string), param('part', t.string)], returns: t.boolean },
      { params: [param('items', t.list(t.any)), param('item', t.any)], returns: t.boolean },
    ],
    evaluate: ([container, item], call) => {
      const result = contains(container!, item!, call.timeZone);
      if (result === undefined) {
        throw new ExprError('runtimeType', call.span, { subject: 'argument', name: call.name, index: 1, expected: 'string or list', actual: describeValue(container) });
      }
      return result;
    },
  },
  stringPair('STARTS_WITH', '文本以指定内容开头', 'Whether the text starts with the part', (text, part) => text.startsWith(part)),
  stringPair('ENDS_WITH', '文本以指定内容结尾', 'Whether the text ends with the part', (text, part) => text.endsWith(part)),
  {
    name: 'SUBSTR',
    category: 'text',
    description: {
      'zh-CN': '截取子串：SUBSTR(文本, 起始位置(从 1 开始), 长度(可省略))',
      en: 'SUBSTR(text, start (1-based), length (optional))',
    },
    example: 'SUBSTR(caseNumber, 1, 8)',
    signatures: [{ params: [param('text', t.string), param('start', t.number), optional('length', t.number)], returns: t.string }],
    evaluate: (args, call) => {
      const characters = [...stringArg(call, args, 0)];
      const start = integerArg(call, args, 1);
      if (start < 1) throw invalidArgument(call, 1, 'outOfRange');
      const length = args.length > 2 ? integerArg(call, args, 2) : characters.length;
      if (length < 0) throw invalidArgument(call, 2, 'negative');
      return characters.slice(start - 1, start - 1 + length).join('');
    },
  },
  {
    name: 'REPLACE',
    category: 'text',
    description: { 'zh-CN': '替换文本中所有出现的子串', en: 'Replaces every occurrence of a substring' },
    signatures: [{ params: [param('text', t.string), param('search', t.string), param('replacement', t.string)], returns: t.string }],
    evaluate: (args, call) => stringArg(call, args, 0).split(stringArg(call, args, 1)).join(stringArg(call, args, 2)),
  },
  {
    name: 'CONCAT',
    category: 'text',
    description: { 'zh-CN': '拼接文本（空值视为空字符串）', en: 'Joins values as text (null counts as empty text)' },
    example: 'CONCAT(district, "-", street)',
    signatures: [{ params: [param('value', t.any, { variadic: true })], returns: t.string }],
    acceptsNull: true,
    evaluate: (args) => args.map(textOf).join(''),
  },
  {
    name: 'TEXT',
    category: 'text',
    description: { 'zh-CN': '把值转为文本（日期时间为 ISO 8601 格式）', en: 'The value as text (temporal values in ISO 8601)' },
    signatures: [{ params: [param('value', t.any)], returns: t.string }],
    evaluate: ([value]) => textOf(value!),
  },
  {
    name: 'NUMBER',
    category: 'text',
    description: { 'zh-CN': '把文本转为数字（不是数字时为空值）', en: 'Parses text as a number (null when it is not one)' },
    signatures: [{ params: [param('value', [t.string, t.number])], returns: t.number }],
    evaluate: ([value]) => {
      if (typeof value === 'number') return value;
      const text = typeof value === 'string' ? value.trim() : '';
      const parsed = text === '' ? Number.NaN : Number(text);
      return Number.isFinite(parsed) ? parsed : null;
    },
  },
];
