/**
 * Problems found while parsing and validating a BPMN document: a stable `code`, the element it
 * concerns, and a message in the requested locale (catalog in messages.ts).
 */
import { problemMessages } from './messages.ts';

export type Locale = 'zh-CN' | 'en';
export type Severity = 'error' | 'warning';

export const PROBLEM_CODES = [
  // Reading the XML
  'xml.malformed',
  'xml.notBpmn',
  'xml.duplicateId',
  'xml.unknownElement',
  'xml.unparsableContent',
  'xml.foreignContentIgnored',
  'xml.unknownAttribute',
  'xml.unresolvedReference',
  'xml.encodingIgnored',
  'xml.vendorExtensionIgnored',
  'tg.unknownElement',
  'tg.unknownAttribute',
  'tg.misplacedElement',
  // Processes and scopes
  'definitions.noProcess',
  'definitions.noExecutableProcess',
  'process.notExecutable',
  'scope.noStartEvent',
  'scope.multipleNoneStartEvents',
  'subProcess.startEventCount',
  'subProcess.startEventNotNone',
  'eventSubProcess.startEventCount',
  'eventSubProcess.startEventNone',
  'eventSubProcess.hasSequenceFlow',
  'eventSubProcess.boundaryEvent',
  // Unsupported BPMN
  'element.unsupported',
  'event.unsupportedDefinition',
  'event.multipleDefinitions',
  'event.definitionNotAllowed',
  'activity.compensationUnsupported',
  'data.associationUnsupported',
  'data.ioSpecificationUnsupported',
  'data.objectIgnored',
  'task.resourceAssignmentUnsupported',
  'multiInstance.behaviorUnsupported',
  'multiInstance.dataInputUnsupported',
  // Sequence flows and graph
  'flow.missingSource',
  'flow.missingTarget',
  'flow.crossesScope',
  'flow.notAllowedInto',
  'flow.notAllowedOutOf',
  'flow.conditionNotAllowed',
  'flow.defaultNotOutgoing',
  'flow.defaultHasCondition',
  'node.unreachable',
  'node.noPathToEnd',
  // Gateways
  'gateway.flowWithoutCondition',
  'gateway.parallelCondition',
  'gateway.noOutgoing',
  'gateway.eventBasedTargetInvalid',
  'gateway.eventBasedTooFewTargets',
  'gateway.eventBasedUnsupported',
  // Boundary events
  'boundary.attachedToMissing',
  'boundary.attachedToInvalid',
  'boundary.noOutgoing',
  'boundary.hasIncoming',
  'boundary.notAllowedOnActivity',
  'boundary.errorNonInterrupting',
  // Event definitions
  'timer.missing',
  'timer.invalid',
  'timer.cycleNotAllowed',
  'message.refMissing',
  'message.nameMissing',
  'signal.refMissing',
  'signal.nameMissing',
  'error.refMissing',
  'escalation.refMissing',
  'link.nameMissing',
  'link.duplicateCatch',
  'link.noCatch',
  'link.noThrow',
  // Tasks
  'serviceTask.typeMissing',
  'serviceTask.typeUnknown',
  'serviceTask.configInvalid',
  'serviceTask.configDuplicate',
  'callActivity.calledElementMissing',
  'callActivity.mappingInvalid',
  'userTask.formKeyInvalid',
  'userTask.candidateListInvalid',
  'script.formatUnsupported',
  'script.empty',
  'multiInstance.noCardinalityOrCollection',
  'multiInstance.cardinalityAndCollection',
  'multiInstance.elementVariableInvalid',
  'variable.nameInvalid',
  // Expressions
  'expression.empty',
  'expression.invalid',
  'expression.suspicious',
] as const;

export type ProblemCode = (typeof PROBLEM_CODES)[number];

export type MessageParams = Readonly<Record<string, string | number | undefined>>;

export interface BpmnProblem {
  readonly code: ProblemCode;
  readonly elementId?: string;
  readonly elementName?: string;
  readonly message: string;
  readonly severity: Severity;
  /** 1-based position in the XML, when the XML reader reports one. */
  readonly line?: number;
  readonly column?: number;
}

export interface ProblemTarget {
  readonly id?: string;
  readonly name?: string;
}

export interface ProblemPosition {
  readonly line: number;
  readonly column: number;
}

export function formatMessage(locale: Locale, code: ProblemCode, params: MessageParams = {}): string {
  return problemMessages[locale][code].replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined ? whole : String(value);
  });
}

/** Collects problems in discovery order; errors and warnings are split when the result is built. */
export class ProblemCollector {
  readonly #locale: Locale;
  readonly #problems: BpmnProblem[] = [];

  constructor(locale: Locale) {
    this.#locale = locale;
  }

  error(code: ProblemCode, target: ProblemTarget | undefined, params?: MessageParams, position?: ProblemPosition): void {
    this.#add('error', code, target, params, position);
  }

  warning(code: ProblemCode, target: ProblemTarget | undefined, params?: MessageParams, position?: ProblemPosition): void {
    this.#add('warning', code, target, params, position);
  }

  get errors(): readonly BpmnProblem[] {
    return this.#problems.filter((problem) => problem.severity === 'error');
  }

  get warnings(): readonly BpmnProblem[] {
    return this.#problems.filter((problem) => problem.severity === 'warning');
  }

  #add(severity: Severity, code: ProblemCode, target: ProblemTarget | undefined, params: MessageParams = {}, position?: ProblemPosition): void {
    const elementId = target?.id;
    // Names drawn in a modeller often contain line breaks; messages read better on one line.
    const elementName = target?.name?.replace(/\s+/g, ' ').trim() || undefined;
    // Messages name the element so they read well on their own (lists, logs, API responses).
    const element = elementName ? `${elementName} (${elementId ?? '?'})` : (elementId ?? '');
    this.#problems.push({
      code,
      severity,
      message: formatMessage(this.#locale, code, { element, ...params }),
      ...(elementId === undefined ? {} : { elementId }),
      ...(elementName === undefined ? {} : { elementName }),
      ...(position === undefined ? {} : { line: position.line, column: position.column }),
    });
  }
}
