/**
 * Message catalog of the forms module (zh-CN default, en). form.io's own messages are English
 * only, so every form.io error is mapped to a code here and re-worded with the field label.
 */
import type { DefinitionProblemCode, Locale, SubmissionErrorCode } from './types.ts';

export type MessageParams = Record<string, string | number | undefined>;

type Catalog<Code extends string> = Record<Locale, Record<Code, string>>;

export const definitionMessages: Catalog<DefinitionProblemCode> = {
  'zh-CN': {
    'form.shape': '表单定义结构无效：{detail}',
    'form.unsupportedDisplay': '不支持的表单显示方式「{display}」，只支持 form 和 wizard',
    'form.limitExceeded': '表单定义过大：{detail}',
    'form.javascriptNotAllowed': '表单属性「{property}」包含 JavaScript，服务器不执行表单中的 JavaScript',
    'component.unsupportedType': '组件「{key}」的类型「{type}」不受支持，服务器无法校验它',
    'component.invalidKey': '组件键「{key}」无效：只能使用字母、数字、下划线和连字符，且以字母或下划线开头',
    'component.duplicateKey': '组件键「{key}」在同一数据层级中重复',
    'component.javascriptNotAllowed': '组件「{key}」的属性「{property}」包含 JavaScript，服务器不执行表单中的 JavaScript；请改用声明式校验或条件',
    'component.unsupportedProperty': '组件「{key}」的属性「{property}」不受支持：{detail}',
    'component.unsupportedDataSource': '组件「{key}」的数据来源「{source}」不受支持，下拉框只能使用静态选项（values）',
    'component.templateExpression': '组件「{key}」的属性「{property}」包含模板表达式「{expression}」，只允许 {{ data.字段 }} 形式的取值',
    'component.jsonLogicOperator': '组件「{key}」的属性「{property}」使用了不允许的 JSON Logic 写法：{detail}',
    'component.invalidPattern': '组件「{key}」的正则表达式无效：{detail}',
  },
  en: {
    'form.shape': 'Invalid form definition: {detail}',
    'form.unsupportedDisplay': 'Form display "{display}" is not supported; use form or wizard',
    'form.limitExceeded': 'Form definition too large: {detail}',
    'form.javascriptNotAllowed': 'Form property "{property}" contains JavaScript; the server never runs JavaScript from forms',
    'component.unsupportedType': 'Component "{key}" has type "{type}", which the server cannot validate',
    'component.invalidKey': 'Component key "{key}" is invalid: use letters, digits, underscores and hyphens, starting with a letter or underscore',
    'component.duplicateKey': 'Component key "{key}" is used twice in the same data level',
    'component.javascriptNotAllowed': 'Property "{property}" of component "{key}" contains JavaScript; the server never runs JavaScript from forms — use declarative validation or conditions',
    'component.unsupportedProperty': 'Property "{property}" of component "{key}" is not supported: {detail}',
    'component.unsupportedDataSource': 'Data source "{source}" of component "{key}" is not supported; selects must use static values',
    'component.templateExpression': 'Property "{property}" of component "{key}" contains the template expression "{expression}"; only value look-ups like {{ data.field }} are allowed',
    'component.jsonLogicOperator': 'Property "{property}" of component "{key}" uses JSON Logic that is not allowed: {detail}',
    'component.invalidPattern': 'Regular expression of component "{key}" is not accepted: {detail}',
  },
};

export const submissionMessages: Catalog<SubmissionErrorCode> = {
  'zh-CN': {
    payloadInvalid: '提交的数据无效：{detail}',
    payloadTooLarge: '提交的数据过大（{size} 字节，上限 {limit} 字节）',
    invalidType: '「{label}」的值类型不正确，应为{expected}',
    tooLong: '「{label}」过长（上限 {limit} 个字符）',
    tooManyItems: '「{label}」的条目过多（上限 {limit} 条）',
    required: '「{label}」为必填项',
    minLength: '「{label}」至少需要 {setting} 个字符',
    maxLength: '「{label}」不能超过 {setting} 个字符',
    minWords: '「{label}」至少需要 {setting} 个词',
    maxWords: '「{label}」不能超过 {setting} 个词',
    pattern: '「{label}」的格式不正确',
    invalidEmail: '「{label}」必须是有效的电子邮箱地址',
    invalidUrl: '「{label}」必须是有效的网址',
    min: '「{label}」不能小于 {setting}',
    max: '「{label}」不能大于 {setting}',
    minSelected: '「{label}」至少需要选择 {setting} 项',
    maxSelected: '「{label}」最多只能选择 {setting} 项',
    mask: '「{label}」与要求的格式不符',
    invalidOption: '「{label}」的取值不在可选项中',
    invalidDate: '「{label}」不是有效的日期',
    invalidDay: '「{label}」不是完整有效的日期',
    invalidTime: '「{label}」不是有效的时间',
    minDate: '「{label}」不能早于 {setting}',
    maxDate: '「{label}」不能晚于 {setting}',
    minYear: '「{label}」的年份不能早于 {setting}',
    maxYear: '「{label}」的年份不能晚于 {setting}',
    custom: '「{label}」校验未通过',
    invalid: '「{label}」的值无效',
  },
  en: {
    payloadInvalid: 'Submitted data is invalid: {detail}',
    payloadTooLarge: 'Submitted data is too large ({size} bytes, limit {limit} bytes)',
    invalidType: '{label} has the wrong type; expected {expected}',
    tooLong: '{label} is too long (limit {limit} characters)',
    tooManyItems: '{label} has too many entries (limit {limit})',
    required: '{label} is required',
    minLength: '{label} must have at least {setting} characters',
    maxLength: '{label} must have no more than {setting} characters',
    minWords: '{label} must have at least {setting} words',
    maxWords: '{label} must have no more than {setting} words',
    pattern: '{label} does not match the required format',
    invalidEmail: '{label} must be a valid email address',
    invalidUrl: '{label} must be a valid URL',
    min: '{label} cannot be less than {setting}',
    max: '{label} cannot be greater than {setting}',
    minSelected: '{label}: select at least {setting} items',
    maxSelected: '{label}: select no more than {setting} items',
    mask: '{label} does not match the input mask',
    invalidOption: '{label} is not one of the available options',
    invalidDate: '{label} is not a valid date',
    invalidDay: '{label} is not a complete, valid date',
    invalidTime: '{label} is not a valid time',
    minDate: '{label} cannot be earlier than {setting}',
    maxDate: '{label} cannot be later than {setting}',
    minYear: '{label}: the year cannot be earlier than {setting}',
    maxYear: '{label}: the year cannot be later than {setting}',
    custom: '{label} is not valid',
    invalid: '{label} is invalid',
  },
};

/** Names of expected value types, used by `invalidType`. */
export const valueKindNames: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    string: '文本',
    number: '数字',
    boolean: '是/否',
    object: '对象',
    rows: '行数组',
    array: '数组',
    option: '选项值',
    files: '附件列表',
    signature: '签名图片',
    selectBoxes: '多选框对象',
  },
  en: {
    string: 'text',
    number: 'a number',
    boolean: 'true/false',
    object: 'an object',
    rows: 'an array of rows',
    array: 'an array',
    option: 'an option value',
    files: 'a list of attachments',
    signature: 'a signature image',
    selectBoxes: 'an object of ticked options',
  },
};

function fill(template: string, params: MessageParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : String(value);
  });
}

export function definitionMessage(locale: Locale, code: DefinitionProblemCode, params: MessageParams): string {
  return fill(definitionMessages[locale][code], params);
}

export function submissionMessage(locale: Locale, code: SubmissionErrorCode, params: MessageParams): string {
  return fill(submissionMessages[locale][code], params);
}
