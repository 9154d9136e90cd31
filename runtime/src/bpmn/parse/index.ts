/**
 * BPMN 2.0 parser and executability validator: XML → ProcessModel (../model.ts) or problems with
 * element ids and messages in zh-CN/en. The supported subset and the `tg:` extension attributes
 * are documented in docs/bpmn.md.
 *
 * @example
 * const result = await parseBpmn(xml, { locale: 'en', serviceTypes: new Set(['notify']) });
 * if (!result.ok) for (const problem of result.problems) console.log(problem.elementId, problem.message);
 */
export { parseBpmn, type ParseOptions, type ParseResult } from './parse-bpmn.ts';
export { PROBLEM_CODES, formatMessage, type BpmnProblem, type Locale, type ProblemCode, type Severity } from './problems.ts';
export { tgModdleDescriptor, type ModdlePackageDescriptor } from './tg-moddle.ts';
export { isIso8601Timer, type TimerType } from './iso8601.ts';
