/**
 * Activities: the fields every activity shares (default flow, multi-instance, standard loop) and
 * the `tg:` attributes of user, service-like, script and call tasks.
 */
import type {
  ActivityNode,
  CallActivityNode,
  MultiInstanceModel,
  PlainTaskNode,
  ScriptTaskNode,
  ServiceTaskNode,
  StandardLoopModel,
  UserTaskNode,
  VariableMapping,
} from '../model.ts';
import type { BuildContext } from './context.ts';
import { resolveMessage } from './events.ts';
import { expressionOf, scriptAssignments } from './expressions.ts';
import { child, children, expressionBody, extensionValues, flag, integer, localKind, target, text, trimmed, type ModdleElement } from './moddle-element.ts';
import { codeList, isCode, isVariableName } from './names.ts';

/** The fields of FlowNodeBase, filled by the scope walker. */
export interface NodeBaseFields {
  readonly id: string;
  readonly name?: string;
  readonly scopeId: string;
  readonly incoming: string[];
  readonly outgoing: string[];
  readonly boundaryEventIds: string[];
}

interface ActivityFields extends NodeBaseFields {
  readonly defaultFlowId?: string;
  readonly multiInstance?: MultiInstanceModel;
  readonly loop?: StandardLoopModel;
}

const definedOnly = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;

function rejectDataBehaviour(element: ModdleElement, context: BuildContext): void {
  const { problems } = context;
  if (flag(element, 'isForCompensation') === true) problems.error('activity.compensationUnsupported', target(element));
  if (children(element, 'dataInputAssociations').length > 0 || children(element, 'dataOutputAssociations').length > 0) {
    problems.error('data.associationUnsupported', target(element));
  }
  const io = child(element, 'ioSpecification');
  if (io && (children(io, 'dataInputs').length > 0 || children(io, 'dataOutputs').length > 0)) {
    problems.error('data.ioSpecificationUnsupported', target(element));
  }
}

function readMultiInstance(element: ModdleElement, loop: ModdleElement, context: BuildContext): MultiInstanceModel | undefined {
  const { problems } = context;
  const behavior = text(loop, 'behavior') ?? 'All';
  if (
    behavior !== 'All' ||
    children(loop, 'complexBehaviorDefinition').length > 0 ||
    child(loop, 'oneBehaviorEventRef') ||
    child(loop, 'noneBehaviorEventRef')
  ) {
    problems.error('multiInstance.behaviorUnsupported', target(element), { behavior });
  }
  if (child(loop, 'loopDataInputRef') || child(loop, 'inputDataItem') || child(loop, 'loopDataOutputRef') || child(loop, 'outputDataItem')) {
    problems.error('multiInstance.dataInputUnsupported', target(element));
  }
  const cardinalityText = expressionBody(loop, 'loopCardinality');
  const collectionText = text(loop, 'tg:collection');
  const elementVariable = trimmed(loop, 'tg:elementVariable');
  if (cardinalityText === undefined && collectionText === undefined) {
    problems.error('multiInstance.noCardinalityOrCollection', target(element));
  } else if (cardinalityText !== undefined && collectionText !== undefined) {
    problems.error('multiInstance.cardinalityAndCollection', target(element));
  }
  if (elementVariable !== undefined && (collectionText === undefined || !isVariableName(elementVariable))) {
    problems.error('multiInstance.elementVariableInvalid', target(element));
  }
  return definedOnly({
    isSequential: flag(loop, 'isSequential') ?? false,
    loopCardinality: expressionOf(context, element, 'loopCardinality', cardinalityText, 'number'),
    collection: expressionOf(context, element, 'tg:collection', collectionText, 'list'),
    elementVariable,
    completionCondition: expressionOf(context, element, 'completionCondition', expressionBody(loop, 'completionCondition'), 'boolean'),
  });
}

function readStandardLoop(element: ModdleElement, loop: ModdleElement, context: BuildContext): StandardLoopModel {
  return definedOnly({
    loopCondition: expressionOf(context, element, 'loopCondition', expressionBody(loop, 'loopCondition'), 'boolean'),
    testBefore: flag(loop, 'testBefore') ?? false,
    loopMaximum: integer(loop, 'loopMaximum'),
  });
}

function activityFields(element: ModdleElement, base: NodeBaseFields, context: BuildContext): ActivityFields {
  rejectDataBehaviour(element, context);
  const loop = child(element, 'loopCharacteristics');
  const defaultFlow = child(element, 'default');
  const unresolvedDefault = context.unresolvedReference(element, 'default');
  return definedOnly({
    ...base,
    // An unresolved default keeps its id so the graph check reports it as not outgoing.
    defaultFlowId: defaultFlow?.id ?? unresolvedDefault,
    multiInstance: loop?.$instanceOf('bpmn:MultiInstanceLoopCharacteristics') ? readMultiInstance(element, loop, context) : undefined,
    loop: loop?.$instanceOf('bpmn:StandardLoopCharacteristics') ? readStandardLoop(element, loop, context) : undefined,
  });
}

function candidateCodes(element: ModdleElement, attribute: string, context: BuildContext): string[] {
  const value = trimmed(element, attribute);
  if (value === undefined) return [];
  const codes = codeList(value);
  if (codes === undefined) context.problems.error('userTask.candidateListInvalid', target(element), { attribute, value });
  return codes ?? [];
}

function userTask(element: ModdleElement, fields: ActivityFields, context: BuildContext): UserTaskNode {
  const { problems } = context;
  for (const resource of children(element, 'resources')) {
    problems.error('task.resourceAssignmentUnsupported', target(element), { resource: localKind(resource) });
  }
  const formKey = trimmed(element, 'tg:formKey');
  if (formKey !== undefined && !isCode(formKey)) problems.error('userTask.formKeyInvalid', target(element), { formKey });
  const escalateTo = trimmed(element, 'tg:escalateTo');
  if (escalateTo !== undefined && !isCode(escalateTo)) {
    problems.error('userTask.candidateListInvalid', target(element), { attribute: 'tg:escalateTo', value: escalateTo });
  }
  return definedOnly({
    ...fields,
    kind: 'userTask',
    assignment: definedOnly({
      assignee: expressionOf(context, element, 'tg:assignee', text(element, 'tg:assignee'), 'string'),
      candidateRoles: candidateCodes(element, 'tg:candidateRoles', context),
      candidatePositions: candidateCodes(element, 'tg:candidatePositions', context),
      candidateOrganisations: expressionOf(context, element, 'tg:candidateOrganisations', text(element, 'tg:candidateOrganisations'), 'organisations'),
    }),
    formKey,
    dueDate: expressionOf(context, element, 'tg:dueDate', text(element, 'tg:dueDate'), 'dueDate'),
    escalateTo,
    priority: expressionOf(context, element, 'tg:priority', text(element, 'tg:priority'), 'any'),
  });
}

function readConfig(element: ModdleElement, context: BuildContext): Record<string, unknown> {
  const configs = extensionValues(element).filter((value) => value.$type === 'tg:Config');
  if (configs.length > 1) context.problems.error('serviceTask.configDuplicate', target(element));
  const body = configs[0] ? (text(configs[0], 'body') ?? '').trim() : '';
  if (body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    context.problems.error('serviceTask.configInvalid', target(element), { detail: Array.isArray(parsed) ? 'array' : typeof parsed });
  } catch (failure) {
    context.problems.error('serviceTask.configInvalid', target(element), { detail: failure instanceof Error ? failure.message : String(failure) });
  }
  return {};
}

function serviceTask(element: ModdleElement, kind: ServiceTaskNode['kind'], fields: ActivityFields, context: BuildContext): ServiceTaskNode {
  const { problems, serviceTypes } = context;
  const serviceType = trimmed(element, 'tg:type');
  if (serviceType === undefined) {
    problems.error('serviceTask.typeMissing', target(element));
  } else if (serviceTypes && !serviceTypes.has(serviceType)) {
    problems.error('serviceTask.typeUnknown', target(element), { type: serviceType, known: [...serviceTypes].sort().join(', ') || '—' });
  }
  const resultVariable = trimmed(element, 'tg:resultVariable');
  if (resultVariable !== undefined && !isVariableName(resultVariable)) {
    problems.error('variable.nameInvalid', target(element), { attribute: 'tg:resultVariable', value: resultVariable });
  }
  return definedOnly({ ...fields, kind, serviceType: serviceType ?? '', config: readConfig(element, context), resultVariable });
}

function scriptTask(element: ModdleElement, fields: ActivityFields, context: BuildContext): ScriptTaskNode {
  const format = trimmed(element, 'scriptFormat');
  if (format?.toLowerCase() !== 'tongguan') {
    context.problems.error('script.formatUnsupported', target(element), { format: format ?? '—' });
    return { ...fields, kind: 'scriptTask', assignments: [] };
  }
  const script = text(element, 'script') ?? '';
  if (script.trim() === '') {
    context.problems.error('script.empty', target(element));
    return { ...fields, kind: 'scriptTask', assignments: [] };
  }
  return { ...fields, kind: 'scriptTask', assignments: scriptAssignments(context, element, script) };
}

function mappings(element: ModdleElement, direction: 'in' | 'out', context: BuildContext): VariableMapping[] {
  const type = direction === 'in' ? 'tg:In' : 'tg:Out';
  const result: VariableMapping[] = [];
  for (const mapping of extensionValues(element).filter((value) => value.$type === type)) {
    const mappingTarget = trimmed(mapping, 'target');
    const source = text(mapping, 'expression');
    if (mappingTarget === undefined || !isVariableName(mappingTarget)) {
      context.problems.error('callActivity.mappingInvalid', target(element), { direction, detail: `target="${mappingTarget ?? ''}"` });
      continue;
    }
    if (source === undefined) {
      context.problems.error('callActivity.mappingInvalid', target(element), { direction, detail: `expression (${mappingTarget})` });
      continue;
    }
    const expression = expressionOf(context, element, `<tg:${direction} target="${mappingTarget}">`, source, 'any');
    if (expression !== undefined) result.push({ target: mappingTarget, expression });
  }
  return result;
}

function callActivity(element: ModdleElement, fields: ActivityFields, context: BuildContext): CallActivityNode {
  const calledElement = trimmed(element, 'calledElement');
  if (calledElement === undefined) context.problems.error('callActivity.calledElementMissing', target(element));
  return {
    ...fields,
    kind: 'callActivity',
    calledElement: calledElement ?? '',
    inputs: mappings(element, 'in', context),
    outputs: mappings(element, 'out', context),
    inheritVariables: flag(element, 'tg:inheritVariables') ?? false,
  };
}

/** Builds a task, sub-process or call activity; `undefined` for activity kinds the engine rejects. */
export function buildActivity(element: ModdleElement, base: NodeBaseFields, context: BuildContext): ActivityNode | undefined {
  const fields = activityFields(element, base, context);
  switch (element.$type) {
    case 'bpmn:UserTask':
      return userTask(element, fields, context);
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
    case 'bpmn:BusinessRuleTask':
      return serviceTask(element, localKind(element) as ServiceTaskNode['kind'], fields, context);
    case 'bpmn:ScriptTask':
      return scriptTask(element, fields, context);
    case 'bpmn:CallActivity':
      return callActivity(element, fields, context);
    case 'bpmn:ReceiveTask': {
      if (flag(element, 'instantiate') === true) {
        context.problems.error('element.unsupported', target(element), { kind: 'receiveTask instantiate="true"' });
      }
      const messageName = resolveMessage(element, child(element, 'messageRef'), context);
      return definedOnly<PlainTaskNode>({ ...fields, kind: 'receiveTask', messageName });
    }
    case 'bpmn:Task':
    case 'bpmn:ManualTask':
      return { ...fields, kind: localKind(element) as 'task' | 'manualTask' };
    case 'bpmn:SubProcess':
      return { ...fields, kind: 'subProcess', triggeredByEvent: flag(element, 'triggeredByEvent') ?? false };
    default:
      return undefined;
  }
}
