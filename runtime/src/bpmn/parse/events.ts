/**
 * Event definitions: which trigger an event has, whether the engine supports it where it is
 * used (BPMN 2.0 §10.5.2 tables 10.84–10.93 list the triggers per event position), and the
 * resolved message / signal / error / escalation it refers to.
 */
import type { EventDefinition, TimerDefinition } from '../model.ts';
import type { BuildContext } from './context.ts';
import { expressionOf, stripExpression } from './expressions.ts';
import { isIso8601Timer, looksLikeIso8601, type TimerType } from './iso8601.ts';
import { child, children, localKind, target, trimmed, type ModdleElement } from './moddle-element.ts';

export type EventPlacement =
  | { readonly kind: 'startEvent'; readonly scope: 'process' | 'subProcess' | 'eventSubProcess'; readonly isInterrupting: boolean }
  | { readonly kind: 'endEvent' }
  | { readonly kind: 'intermediateCatchEvent' }
  | { readonly kind: 'intermediateThrowEvent' }
  | { readonly kind: 'boundaryEvent'; readonly cancelActivity: boolean };

type TriggerKind = EventDefinition['kind'];

const SUPPORTED_DEFINITIONS: Readonly<Record<string, TriggerKind>> = {
  'bpmn:MessageEventDefinition': 'message',
  'bpmn:TimerEventDefinition': 'timer',
  'bpmn:SignalEventDefinition': 'signal',
  'bpmn:ErrorEventDefinition': 'error',
  'bpmn:EscalationEventDefinition': 'escalation',
  'bpmn:TerminateEventDefinition': 'terminate',
  'bpmn:LinkEventDefinition': 'link',
};

function allowedTriggers(placement: EventPlacement): readonly TriggerKind[] {
  switch (placement.kind) {
    case 'startEvent':
      if (placement.scope === 'process') return ['none', 'message', 'timer', 'signal'];
      if (placement.scope === 'subProcess') return ['none'];
      return placement.isInterrupting
        ? ['message', 'timer', 'signal', 'error', 'escalation']
        : ['message', 'timer', 'signal', 'escalation'];
    case 'endEvent':
      return ['none', 'terminate', 'error', 'escalation', 'signal'];
    case 'intermediateCatchEvent':
      return ['message', 'timer', 'signal', 'link'];
    case 'intermediateThrowEvent':
      return ['none', 'message', 'signal', 'escalation', 'link'];
    case 'boundaryEvent':
      return placement.cancelActivity ? ['message', 'timer', 'signal', 'error', 'escalation'] : ['message', 'timer', 'signal', 'escalation'];
  }
}

const isThrowing = (placement: EventPlacement): boolean =>
  placement.kind === 'endEvent' || placement.kind === 'intermediateThrowEvent';

/** Cycles repeat; only start events and non-interrupting events can fire more than once. */
function cycleAllowed(placement: EventPlacement): boolean {
  if (placement.kind === 'startEvent') return placement.scope === 'process' || !placement.isInterrupting;
  return placement.kind === 'boundaryEvent' && !placement.cancelActivity;
}

/** Returns undefined when the definition is unusable (a problem was recorded). */
export function readEventDefinition(element: ModdleElement, placement: EventPlacement, context: BuildContext): EventDefinition | undefined {
  const { problems } = context;
  const definitions = children(element, 'eventDefinitions');
  if (children(element, 'eventDefinitionRef').length > 0 || definitions.length > 1) {
    problems.error('event.multipleDefinitions', target(element));
    return undefined;
  }
  const definition = definitions[0];
  const trigger: TriggerKind | undefined = definition ? SUPPORTED_DEFINITIONS[definition.$type] : 'none';
  if (!trigger || !definition) {
    if (definition) {
      problems.error('event.unsupportedDefinition', target(element), { definition: localKind(definition) });
      return undefined;
    }
  }
  const kind = trigger ?? 'none';
  if (!allowedTriggers(placement).includes(kind)) {
    if (placement.kind === 'startEvent' && placement.scope === 'subProcess') {
      problems.error('subProcess.startEventNotNone', target(element));
    } else if (placement.kind === 'startEvent' && placement.scope === 'eventSubProcess' && kind === 'none') {
      problems.error('eventSubProcess.startEventNone', target(element));
    } else if (placement.kind === 'boundaryEvent' && kind === 'error') {
      problems.error('boundary.errorNonInterrupting', target(element));
    } else {
      const definitionName = definition ? localKind(definition) : 'none';
      const kindName = placement.kind === 'boundaryEvent' && !placement.cancelActivity ? 'non-interrupting boundaryEvent' : placement.kind;
      problems.error('event.definitionNotAllowed', target(element), { definition: definitionName, kind: kindName });
    }
    return undefined;
  }
  if (!definition) return { kind: 'none' };
  return readTrigger(element, definition, kind, placement, context);
}

function readTrigger(
  element: ModdleElement,
  definition: ModdleElement,
  kind: TriggerKind,
  placement: EventPlacement,
  context: BuildContext,
): EventDefinition | undefined {
  switch (kind) {
    case 'message': {
      const messageName = resolveMessage(element, child(definition, 'messageRef'), context);
      return messageName === undefined ? undefined : { kind: 'message', messageName };
    }
    case 'signal': {
      const signalName = resolveSignal(element, child(definition, 'signalRef'), context);
      return signalName === undefined ? undefined : { kind: 'signal', signalName };
    }
    case 'error': {
      const error = child(definition, 'errorRef');
      if (!error) {
        if (isThrowing(placement)) context.problems.error('error.refMissing', target(element));
        return isThrowing(placement) ? undefined : { kind: 'error' };
      }
      const errorCode = trimmed(error, 'errorCode');
      context.globals.errors.set(error.id ?? '', { id: error.id ?? '', name: trimmed(error, 'name'), code: errorCode });
      return errorCode === undefined ? { kind: 'error' } : { kind: 'error', errorCode };
    }
    case 'escalation': {
      const escalation = child(definition, 'escalationRef');
      if (!escalation) {
        if (isThrowing(placement)) context.problems.error('escalation.refMissing', target(element));
        return isThrowing(placement) ? undefined : { kind: 'escalation' };
      }
      const escalationCode = trimmed(escalation, 'escalationCode');
      context.globals.escalations.set(escalation.id ?? '', {
        id: escalation.id ?? '',
        name: trimmed(escalation, 'name'),
        code: escalationCode,
      });
      return escalationCode === undefined ? { kind: 'escalation' } : { kind: 'escalation', escalationCode };
    }
    case 'timer': {
      const timer = readTimer(element, definition, placement, context);
      return timer === undefined ? undefined : { kind: 'timer', timer };
    }
    case 'link': {
      const linkName = trimmed(definition, 'name');
      if (linkName === undefined) {
        context.problems.error('link.nameMissing', target(element));
        return undefined;
      }
      return { kind: 'link', linkName };
    }
    case 'terminate':
      return { kind: 'terminate' };
    case 'none':
      return { kind: 'none' };
  }
}

export function resolveMessage(element: ModdleElement, message: ModdleElement | undefined, context: BuildContext): string | undefined {
  if (!message || !message.$instanceOf('bpmn:Message')) {
    context.problems.error('message.refMissing', target(element));
    return undefined;
  }
  const name = trimmed(message, 'name');
  if (name === undefined) {
    context.problems.error('message.nameMissing', target(element), { ref: message.id ?? '' });
    return undefined;
  }
  context.globals.messages.set(message.id ?? '', { id: message.id ?? '', name });
  return name;
}

function resolveSignal(element: ModdleElement, signal: ModdleElement | undefined, context: BuildContext): string | undefined {
  if (!signal || !signal.$instanceOf('bpmn:Signal')) {
    context.problems.error('signal.refMissing', target(element));
    return undefined;
  }
  const name = trimmed(signal, 'name');
  if (name === undefined) {
    context.problems.error('signal.nameMissing', target(element), { ref: signal.id ?? '' });
    return undefined;
  }
  context.globals.signals.set(signal.id ?? '', { id: signal.id ?? '', name });
  return name;
}

const TIMER_PROPERTIES: readonly { readonly property: string; readonly type: TimerType }[] = [
  { property: 'timeDate', type: 'date' },
  { property: 'timeDuration', type: 'duration' },
  { property: 'timeCycle', type: 'cycle' },
];

function readTimer(element: ModdleElement, definition: ModdleElement, placement: EventPlacement, context: BuildContext): TimerDefinition | undefined {
  const present = TIMER_PROPERTIES.filter(({ property }) => child(definition, property) !== undefined);
  if (present.length !== 1) {
    context.problems.error('timer.missing', target(element));
    return undefined;
  }
  const { property, type } = present[0];
  if (type === 'cycle' && !cycleAllowed(placement)) {
    context.problems.error('timer.cycleNotAllowed', target(element));
    return undefined;
  }
  const raw = trimmed(child(definition, property) as ModdleElement, 'body') ?? '';
  const text = stripExpression(raw);
  if (isIso8601Timer(type, text)) return { type, expression: text, format: 'iso8601' };
  if (looksLikeIso8601(text)) {
    context.problems.error('timer.invalid', target(element), { type: property, text, detail: 'ISO 8601' });
    return undefined;
  }
  const expression = expressionOf(context, element, property, raw, 'timer');
  return expression === undefined ? undefined : { type, expression, format: 'expression' };
}
