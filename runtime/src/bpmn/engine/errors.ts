/**
 * Runtime errors of the engine: conditions the process model cannot handle by itself (as
 * opposed to BPMN errors, which are modelled and caught by boundary events). A transition that
 * throws one has no effect: the platform rolls its transaction back and the previous state
 * stays the truth.
 */

export type EngineLocale = 'zh-CN' | 'en';

export type EngineErrorCode =
  /** An id in the event (task, timer, job, subscription, call) is unknown or already consumed; the platform answers 409. */
  | 'STALE_EVENT_ID'
  /** The instance is completed, terminated or failed. */
  | 'INSTANCE_NOT_ACTIVE'
  | 'UNSUPPORTED_STATE_VERSION'
  /** The state belongs to another process than the model passed in. */
  | 'MODEL_MISMATCH'
  | 'START_EVENT_NOT_FOUND'
  /** A gateway or an activity with conditional flows found no flow to take and has no default flow. */
  | 'NO_OUTGOING_FLOW'
  | 'EXPRESSION_FAILED'
  | 'EXPRESSION_TYPE'
  | 'INVALID_TIMER'
  | 'INVALID_DUE_DATE'
  | 'MULTI_INSTANCE_INPUT'
  /** A service handler failed without a BPMN error code (a technical failure). */
  | 'SERVICE_FAILED'
  /** A cycle of the model ran without reaching a wait state (a loop whose condition never turns false). */
  | 'STEP_LIMIT_EXCEEDED';

export type EngineErrorParams = Readonly<Record<string, string | number>>;

type MessageCatalog = Record<EngineErrorCode, (params: EngineErrorParams) => string>;

const p = (params: EngineErrorParams, key: string): string => String(params[key] ?? '');

export const engineErrorMessages: Record<EngineLocale, MessageCatalog> = {
  'zh-CN': {
    STALE_EVENT_ID: (x) => `事件引用的${p(x, 'kind')}「${p(x, 'id')}」不存在或已处理`,
    INSTANCE_NOT_ACTIVE: (x) => `流程实例已结束（${p(x, 'status')}），不能再处理事件`,
    UNSUPPORTED_STATE_VERSION: (x) => `不支持的实例状态版本 ${p(x, 'version')}`,
    MODEL_MISMATCH: (x) => `实例属于流程「${p(x, 'stateProcessId')}」，不能用流程「${p(x, 'modelProcessId')}」推进`,
    START_EVENT_NOT_FOUND: (x) => `流程「${p(x, 'processId')}」没有可用的开始事件「${p(x, 'startEventId')}」`,
    NO_OUTGOING_FLOW: (x) => `元素「${p(x, 'elementId')}」没有满足条件的出口顺序流，也没有默认流`,
    EXPRESSION_FAILED: (x) => `元素「${p(x, 'elementId')}」的表达式「${p(x, 'expression')}」求值失败：${p(x, 'reasonZh') || p(x, 'reason')}`,
    EXPRESSION_TYPE: (x) => `元素「${p(x, 'elementId')}」的表达式「${p(x, 'expression')}」应得到${p(x, 'expected')}`,
    INVALID_TIMER: (x) => `元素「${p(x, 'elementId')}」的定时器「${p(x, 'value')}」无效`,
    INVALID_DUE_DATE: (x) => `元素「${p(x, 'elementId')}」的期限「${p(x, 'value')}」无效`,
    MULTI_INSTANCE_INPUT: (x) => `元素「${p(x, 'elementId')}」的多实例输入无效：${p(x, 'reason')}`,
    SERVICE_FAILED: (x) => `服务任务「${p(x, 'elementId')}」执行失败：${p(x, 'reason')}`,
    STEP_LIMIT_EXCEEDED: (x) => `一次推进超过 ${p(x, 'limit')} 步仍未到达等待状态（可能是无限循环）`,
  },
  en: {
    STALE_EVENT_ID: (x) => `The ${p(x, 'kind')} "${p(x, 'id')}" in the event is unknown or already handled`,
    INSTANCE_NOT_ACTIVE: (x) => `The process instance has ended (${p(x, 'status')}) and accepts no more events`,
    UNSUPPORTED_STATE_VERSION: (x) => `Unsupported instance state version ${p(x, 'version')}`,
    MODEL_MISMATCH: (x) => `The instance belongs to process "${p(x, 'stateProcessId')}", not "${p(x, 'modelProcessId')}"`,
    START_EVENT_NOT_FOUND: (x) => `Process "${p(x, 'processId')}" has no usable start event "${p(x, 'startEventId')}"`,
    NO_OUTGOING_FLOW: (x) => `Element "${p(x, 'elementId')}" has no outgoing sequence flow whose condition holds and no default flow`,
    EXPRESSION_FAILED: (x) => `Expression "${p(x, 'expression')}" of element "${p(x, 'elementId')}" failed: ${p(x, 'reason')}`,
    EXPRESSION_TYPE: (x) => `Expression "${p(x, 'expression')}" of element "${p(x, 'elementId')}" must yield ${p(x, 'expected')}`,
    INVALID_TIMER: (x) => `Timer "${p(x, 'value')}" of element "${p(x, 'elementId')}" is invalid`,
    INVALID_DUE_DATE: (x) => `Due date "${p(x, 'value')}" of element "${p(x, 'elementId')}" is invalid`,
    MULTI_INSTANCE_INPUT: (x) => `Multi-instance input of element "${p(x, 'elementId')}" is invalid: ${p(x, 'reason')}`,
    SERVICE_FAILED: (x) => `Service task "${p(x, 'elementId')}" failed: ${p(x, 'reason')}`,
    STEP_LIMIT_EXCEEDED: (x) => `More than ${p(x, 'limit')} steps without reaching a wait state (an endless loop?)`,
  },
};

export class EngineRuntimeError extends Error {
  readonly code: EngineErrorCode;
  readonly elementId?: string;
  readonly params: EngineErrorParams;

  constructor(code: EngineErrorCode, params: EngineErrorParams = {}, elementId?: string) {
    const withElement = elementId === undefined ? params : { elementId, ...params };
    super(engineErrorMessages.en[code](withElement));
    this.name = 'EngineRuntimeError';
    this.code = code;
    if (elementId !== undefined) this.elementId = elementId;
    this.params = withElement;
  }

  /** The message in the user's locale (zh-CN is the product default). */
  localizedMessage(locale: EngineLocale): string {
    return engineErrorMessages[locale][this.code](this.params);
  }
}
