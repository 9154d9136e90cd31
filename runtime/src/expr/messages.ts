/**
 * Message catalog of the expression language (zh-CN is the UI default, en for integrators and
 * logs). Every diagnostic and runtime error carries a stable `code` plus `params`; the text is
 * rendered here so the designer, the API and the engine show the same wording.
 */

export type Locale = 'zh-CN' | 'en';

export const EXPR_ERROR_CODES = [
  // syntax
  'emptyExpression',
  'unexpectedCharacter',
  'fullWidthCharacter',
  'unterminatedString',
  'invalidEscape',
  'invalidNumber',
  'unknownDurationUnit',
  'unexpectedToken',
  'unexpectedEnd',
  'expectedToken',
  'singleEquals',
  'lambdaNotAllowed',
  'notCallable',
  'invalidAssignmentTarget',
  // static checks
  'unknownVariable',
  'unknownFunction',
  'unknownField',
  'noFields',
  'notIndexable',
  'wrongArity',
  'argumentType',
  'lambdaExpected',
  'lambdaNotExpected',
  'operatorType',
  'conditionNotBoolean',
  'incompatibleBranches',
  'resultType',
  'incompatibleEquality',
  'invalidLiteral',
  // evaluation
  'runtimeType',
  'memberOfNull',
  'clockRequired',
  'calendarRequired',
  'invalidArgument',
  'functionFailed',
  // compiling aggregates to SQL
  'datasetOutsideAggregate',
  'notInDatabase',
  // registry
  'duplicateFunction',
  'invalidFunctionDefinition',
] as const;

export type ExprErrorCode = (typeof EXPR_ERROR_CODES)[number];
export type MessageParams = Readonly<Record<string, string | number>>;
type Catalog = Readonly<Record<ExprErrorCode, (params: MessageParams) => string>>;

const p = (params: MessageParams, key: string): string => String(params[key] ?? '');

/** Reasons a function argument is rejected at run time (`invalidArgument` / `functionFailed`). */
export const ARGUMENT_REASONS = {
  notInteger: { 'zh-CN': '应为整数', en: 'must be an integer' },
  negative: { 'zh-CN': '不能为负数', en: 'must not be negative' },
  invalidDate: { 'zh-CN': '不是有效的日期', en: 'is not a valid date' },
  invalidDatetime: { 'zh-CN': '不是有效的日期时间（ISO 8601）', en: 'is not a valid ISO 8601 date-time' },
  invalidDuration: { 'zh-CN': '不是有效的时长', en: 'is not a valid duration' },
  unknownUnit: { 'zh-CN': '时长单位应为 ms、s、min、h、d、w 之一', en: 'unit must be one of ms, s, min, h, d, w' },
  outOfRange: { 'zh-CN': '超出允许范围', en: 'is out of range' },
  notALambda: { 'zh-CN': '应为 Lambda 表达式', en: 'must be a lambda' },
} as const satisfies Record<string, Record<Locale, string>>;
export type ArgumentReason = keyof typeof ARGUMENT_REASONS;

/** Why part of an aggregate's condition or selector cannot run in SQL (`notInDatabase`). */
export const SQL_REASONS = {
  function: { 'zh-CN': '函数 {name} 不能用在数据集的条件或取值中', en: 'the function {name} cannot be used in a dataset condition or selector' },
  operator: { 'zh-CN': '运算符 {operator} 不能用于 {type}', en: 'the operator {operator} cannot be applied to {type}' },
  nestedAggregate: { 'zh-CN': '数据集的条件中不能再对数据集求聚合', en: 'a dataset condition cannot aggregate a dataset again' },
  nestedLambda: { 'zh-CN': '数据集的条件中不能再使用 Lambda', en: 'a dataset condition cannot contain another lambda' },
  wholeRow: { 'zh-CN': '只能使用数据行的字段（如 c.status），不能使用整行', en: 'only fields of a row (such as c.status) can be used, not the whole row' },
  indexAccess: { 'zh-CN': '数据行的字段不支持下标访问', en: 'fields of a row cannot be indexed' },
  listValue: { 'zh-CN': '“in” 右侧应为不依赖数据行的列表（数字、文本、布尔或时间）', en: 'the right side of "in" must be a list (of numbers, text, booleans or times) that does not depend on the row' },
  valueType: { 'zh-CN': '{type} 类型的值不能用于数据库计算', en: 'a value of type {type} cannot be used in the database' },
} as const satisfies Record<string, Record<Locale, string>>;
export type SqlReason = keyof typeof SQL_REASONS;

function sqlReasonText(params: MessageParams, locale: Locale): string {
  const reason = SQL_REASONS[p(params, 'reason') as SqlReason];
  if (!reason) return p(params, 'reason');
  return reason[locale].replace(/\{(\w+)\}/g, (_, key: string) => p(params, key));
}

/** What a run-time type error is about: `subject` is argument | variable | operand | field | index | condition | result. */
function subjectText(params: MessageParams, locale: Locale): string {
  const name = p(params, 'name');
  const zh: Record<string, string> = {
    argument: `函数 ${name} 的第 ${p(params, 'index')} 个参数`,
    variable: `变量 ${name}`,
    operand: `运算符 “${name}” 的操作数`,
    field: `“${name}” 的对象`,
    index: '下标',
    condition: '条件',
    result: '表达式结果',
  };
  const english: Record<string, string> = {
    argument: `Argument ${p(params, 'index')} of ${name}`,
    variable: `Variable ${name}`,
    operand: `The operand of "${name}"`,
    field: `The object of "${name}"`,
    index: 'The index',
    condition: 'The condition',
    result: 'The result',
  };
  const table = locale === 'en' ? english : zh;
  return table[p(params, 'subject')] ?? name;
}

function reasonText(params: MessageParams, locale: Locale): string {
  const reason = p(params, 'reason');
  const known = (ARGUMENT_REASONS as Record<string, Record<Locale, string> | undefined>)[reason];
  const text = known === undefined ? reason : known[locale];
  return params.argument === undefined ? text : `${locale === 'en' ? 'argument' : '参数'} ${p(params, 'argument')} ${text}`;
}
const ZH_TYPE_NAMES: Readonly<Record<string, string>> = {
  number: '数字',
  string: '文本',
  boolean: '布尔值',
  datetime: '日期时间',
  date: '日期',
  duration: '时长',
  null: '空值',
  any: '任意类型',
  list: '列表',
  record: '对象',
  integer: '整数',
};
/** A type parameter in Chinese: `list<number>` → `列表<数字>`. */
const zt = (params: MessageParams, key: string): string =>
  p(params, key).replace(/\b(number|string|boolean|datetime|date|duration|null|any|list|record|integer)\b/g, (name) => ZH_TYPE_NAMES[name] ?? name);
const zhHint = (params: MessageParams): string =>
  params.suggestion === undefined ? '' : `，是否想写 “${p(params, 'suggestion')}”？`;
const enHint = (params: MessageParams): string =>
  params.suggestion === undefined ? '' : `; did you mean "${p(params, 'suggestion')}"?`;

const zhCN: Catalog = {
  emptyExpression: () => '表达式为空',
  unexpectedCharacter: (x) => `无法识别的字符 “${p(x, 'character')}”${zhHint(x)}`,
  fullWidthCharacter: (x) => `不能使用全角字符 “${p(x, 'character')}”，请改用半角 “${p(x, 'suggestion')}”`,
  unterminatedString: () => '字符串缺少结束引号',
  invalidEscape: (x) => `无效的转义序列 “${p(x, 'escape')}”`,
  invalidNumber: (x) => `无效的数字 “${p(x, 'text')}”`,
  unknownDurationUnit: (x) =>
    `未知的时长单位 “${p(x, 'unit')}”，可用单位：ms、s、min、h、d、w${zhHint(x)}`,
  unexpectedToken: (x) => `此处不应出现 “${p(x, 'token')}”`,
  unexpectedEnd: () => '表达式不完整，意外结束',
  expectedToken: (x) => `此处应为 “${zt(x, 'expected')}”，实际为 “${p(x, 'token')}”`,
  singleEquals: () => '比较是否相等请使用 “==”（单个 “=” 只用于脚本赋值）',
  lambdaNotAllowed: () => 'Lambda 表达式（x => …）只能作为函数参数使用',
  notCallable: () => '只能调用函数，例如 IF(a, b, c) 或 value.CONTAINS("x")',
  invalidAssignmentTarget: () => '赋值目标必须是变量名，例如 total = a + b',
  unknownVariable: (x) => `未知变量 “${p(x, 'name')}”${zhHint(x)}`,
  unknownFunction: (x) => `未知函数 “${p(x, 'name')}”${zhHint(x)}`,
  unknownField: (x) => `类型 ${zt(x, 'type')} 没有字段 “${p(x, 'name')}”${zhHint(x)}`,
  noFields: (x) => `类型 ${zt(x, 'type')} 的值没有字段，不能访问 “${p(x, 'name')}”`,
  notIndexable: (x) => `类型 ${zt(x, 'type')} 的值不能用 [ ] 取值`,
  wrongArity: (x) => `函数 ${p(x, 'name')} 需要 ${zt(x, 'expected')} 个参数，实际传入 ${zt(x, 'actual')} 个`,
  argumentType: (x) =>
    `函数 ${p(x, 'name')} 的第 ${p(x, 'index')} 个参数应为 ${zt(x, 'expected')}，实际为 ${zt(x, 'actual')}`,
  lambdaExpected: (x) => `函数 ${p(x, 'name')} 的第 ${p(x, 'index')} 个参数应为 Lambda 表达式，例如 x => x.level > 2`,
  lambdaNotExpected: (x) => `函数 ${p(x, 'name')} 的第 ${p(x, 'index')} 个参数不接受 Lambda 表达式`,
  operatorType: (x) =>
    x.right === undefined
      ? `运算符 “${p(x, 'operator')}” 不能用于 ${zt(x, 'left')} 类型`
      : `运算符 “${p(x, 'operator')}” 不能用于 ${zt(x, 'left')} 和 ${zt(x, 'right')} 类型`,
  conditionNotBoolean: (x) => `此处需要布尔值（真/假），实际为 ${zt(x, 'actual')}`,
  incompatibleBranches: (x) => `两个分支的类型不一致：${zt(x, 'left')} 与 ${zt(x, 'right')}`,
  resultType: (x) => `表达式结果应为 ${zt(x, 'expected')}，实际为 ${zt(x, 'actual')}`,
  incompatibleEquality: (x) => `比较 ${zt(x, 'left')} 与 ${zt(x, 'right')} 的结果总是不相等`,
  invalidLiteral: (x) => `“${p(x, 'text')}” 不是有效的 ${zt(x, 'expected')}`,
  runtimeType: (x) => `${subjectText(x, 'zh-CN')}应为 ${zt(x, 'expected')}，实际值为 ${zt(x, 'actual')}`,
  memberOfNull: (x) => `不能读取空值（null）的字段 “${p(x, 'name')}”，值可能缺失时请使用 “?.”`,
  clockRequired: (x) => `函数 ${p(x, 'name')} 需要当前时间，但求值上下文未提供时钟`,
  calendarRequired: (x) => `函数 ${p(x, 'name')} 需要工作日历，但求值上下文未提供日历`,
  invalidArgument: (x) => `函数 ${p(x, 'name')} 的参数无效：${reasonText(x, 'zh-CN')}`,
  functionFailed: (x) => `函数 ${p(x, 'name')} 执行失败：${reasonText(x, 'zh-CN')}`,
  duplicateFunction: (x) => `函数 “${p(x, 'name')}” 已注册（函数名不区分大小写）`,
  invalidFunctionDefinition: (x) => `函数定义 “${p(x, 'name')}” 无效：${p(x, 'reason')}`,
  datasetOutsideAggregate: (x) =>
    `数据集 “${p(x, 'name')}” 只能作为 COUNT、SUM、AVG、MIN、MAX、COUNT_DISTINCT 的第一个参数（可先用 FILTER 筛选）`,
  notInDatabase: (x) => `这部分无法在数据库中计算：${sqlReasonText(x, 'zh-CN')}`,
};

const en: Catalog = {
  emptyExpression: () => 'The expression is empty',
  unexpectedCharacter: (x) => `Unexpected character "${p(x, 'character')}"${enHint(x)}`,
  fullWidthCharacter: (x) =>
    `Full-width character "${p(x, 'character')}" is not allowed; use "${p(x, 'suggestion')}" instead`,
  unterminatedString: () => 'The string has no closing quote',
  invalidEscape: (x) => `Invalid escape sequence "${p(x, 'escape')}"`,
  invalidNumber: (x) => `Invalid number "${p(x, 'text')}"`,
  unknownDurationUnit: (x) =>
    `Unknown duration unit "${p(x, 'unit')}"; units are ms, s, min, h, d, w${enHint(x)}`,
  unexpectedToken: (x) => `Unexpected "${p(x, 'token')}"`,
  unexpectedEnd: () => 'The expression ends unexpectedly',
  expectedToken: (x) => `Expected "${p(x, 'expected')}" but found "${p(x, 'token')}"`,
  singleEquals: () => 'Use "==" to compare ("=" is only for script assignments)',
  lambdaNotAllowed: () => 'A lambda (x => …) is only allowed as a function argument',
  notCallable: () => 'Only functions can be called, e.g. IF(a, b, c) or value.CONTAINS("x")',
  invalidAssignmentTarget: () => 'An assignment target must be a variable name, e.g. total = a + b',
  unknownVariable: (x) => `Unknown variable "${p(x, 'name')}"${enHint(x)}`,
  unknownFunction: (x) => `Unknown function "${p(x, 'name')}"${enHint(x)}`,
  unknownField: (x) => `Type ${p(x, 'type')} has no field "${p(x, 'name')}"${enHint(x)}`,
  noFields: (x) => `A value of type ${p(x, 'type')} has no fields, so "${p(x, 'name')}" cannot be read`,
  notIndexable: (x) => `A value of type ${p(x, 'type')} cannot be indexed with [ ]`,
  wrongArity: (x) => `Function ${p(x, 'name')} takes ${p(x, 'expected')} argument(s) but got ${p(x, 'actual')}`,
  argumentType: (x) =>
    `Argument ${p(x, 'index')} of ${p(x, 'name')} must be ${p(x, 'expected')}, not ${p(x, 'actual')}`,
  lambdaExpected: (x) => `Argument ${p(x, 'index')} of ${p(x, 'name')} must be a lambda, e.g. x => x.level > 2`,
  lambdaNotExpected: (x) => `Argument ${p(x, 'index')} of ${p(x, 'name')} cannot be a lambda`,
  operatorType: (x) =>
    x.right === undefined
      ? `Operator "${p(x, 'operator')}" cannot be applied to ${p(x, 'left')}`
      : `Operator "${p(x, 'operator')}" cannot be applied to ${p(x, 'left')} and ${p(x, 'right')}`,
  conditionNotBoolean: (x) => `A boolean (true/false) is required here, not ${p(x, 'actual')}`,
  incompatibleBranches: (x) => `The branches have incompatible types ${p(x, 'left')} and ${p(x, 'right')}`,
  resultType: (x) => `The expression must produce ${p(x, 'expected')}, not ${p(x, 'actual')}`,
  incompatibleEquality: (x) => `Comparing ${p(x, 'left')} with ${p(x, 'right')} is never equal`,
  invalidLiteral: (x) => `"${p(x, 'text')}" is not a valid ${p(x, 'expected')}`,
  runtimeType: (x) => `${subjectText(x, 'en')} must be ${p(x, 'expected')}, but the value is ${p(x, 'actual')}`,
  memberOfNull: (x) => `Cannot read field "${p(x, 'name')}" of null; use "?." when the value may be missing`,
  clockRequired: (x) => `Function ${p(x, 'name')} needs the current time but the context has no clock`,
  calendarRequired: (x) => `Function ${p(x, 'name')} needs a working calendar but the context has none`,
  invalidArgument: (x) => `Invalid argument to ${p(x, 'name')}: ${reasonText(x, 'en')}`,
  functionFailed: (x) => `Function ${p(x, 'name')} failed: ${reasonText(x, 'en')}`,
  duplicateFunction: (x) => `Function "${p(x, 'name')}" is already registered (names are case-insensitive)`,
  invalidFunctionDefinition: (x) => `Invalid function definition "${p(x, 'name')}": ${p(x, 'reason')}`,
  datasetOutsideAggregate: (x) =>
    `The dataset "${p(x, 'name')}" can only be the first argument of COUNT, SUM, AVG, MIN, MAX or COUNT_DISTINCT (FILTER it first if needed)`,
  notInDatabase: (x) => `This part cannot be computed in the database: ${sqlReasonText(x, 'en')}`,
};

export const messages: Readonly<Record<Locale, Catalog>> = { 'zh-CN': zhCN, en };

export function formatMessage(code: ExprErrorCode, params: MessageParams = {}, locale: Locale = 'zh-CN'): string {
  return messages[locale][code](params);
}
