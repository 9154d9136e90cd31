/**
 * The mechanical fix-ups that make the bpmn-js-token-simulation models executable by Tongguan
 * (test support only). The simulator plays models drawn in bpmn-js without executing them: it
 * ignores `isExecutable`, evaluates no condition (the test presets each gateway's decision),
 * fires events by hand and needs no message, signal or error definitions. Each rule below turns
 * one of those hand-driven shortcuts into the executable equivalent, keeping the token path.
 */
import {
  addGlobals,
  applyRules,
  attribute,
  bpmnPrefix,
  element,
  escapeXml,
  rewriteElements,
  setAttribute,
  type RewriteRule,
} from './xml-rewrite.ts';

export interface SimulationSetup {
  /** `setConfig` steps: gateway id → the outgoing flows the test activates. */
  readonly decisions: ReadonlyMap<string, readonly string[]>;
  /** `waitAtElement` steps: tasks that must wait until triggered. */
  readonly waitAt: ReadonlySet<string>;
}

const EVENT_ELEMENTS = ['startEvent', 'intermediateCatchEvent', 'intermediateThrowEvent', 'boundaryEvent', 'endEvent'];
const XSI = 'http://www.w3.org/2001/XMLSchema-instance';

/** The label the modeller gave an element (its name, else its id): what the simulator's user clicks. */
function labelOf(openTag: string): string {
  const label = attribute(openTag, 'name') ?? attribute(openTag, 'id');
  if (label === undefined) throw new Error(`element without id: ${openTag}`);
  return label;
}

/**
 * Adds a named global (message/signal/error) per distinct label and points each unreferenced
 * definition at it. Elements with the same label share one global, as the simulator's hand
 * triggers do (SIGNAL_A thrown reaches the catch also labelled SIGNAL_A).
 */
function referenceGlobals(xml: string, kind: 'message' | 'signal'): string {
  const prefix = bpmnPrefix(xml);
  const labels = new Set<string>();
  const definition = new RegExp(`<${prefix}${kind}EventDefinition\\b((?:(?!${kind}Ref=)[^>])*?)(/?)>`);
  const rewritten = rewriteElements(xml, EVENT_ELEMENTS, (found) => {
    if (!definition.test(found.body)) return undefined;
    const label = labelOf(found.openTag);
    labels.add(label);
    const body = found.body.replace(definition, (_whole, attributes: string, slash: string) => `<${prefix}${kind}EventDefinition${attributes} ${kind}Ref="${globalId(kind, label)}"${slash}>`);
    return found.selfClosing ? undefined : `${found.openTag}${body}</${prefix}${found.local}>`;
  });
  return addGlobals(rewritten, [...labels].map((label) => `<${prefix}${kind} id="${globalId(kind, label)}" name="${escapeXml(label)}"/>`));
}

function globalId(kind: string, label: string): string {
  return `tg_${kind}_${label.replace(/[^\w-]/g, '_')}`;
}

export const TOKEN_SIMULATION_RULES: readonly RewriteRule<SimulationSetup>[] = [
  {
    name: 'executable',
    why: 'bpmn-js marks new pools isExecutable="false"; the simulator plays them anyway, so the harness does too.',
    apply: (xml) => xml.replace(/(<(?:\w+:)?process\b[^>]*\sisExecutable=)"false"/g, '$1"true"'),
  },
  {
    name: 'none-boundary-as-message',
    why:
      'A boundary event without a trigger is one the simulator fires by hand (B_RUPTING); a message boundary event ' +
      'named after the element is the executable hand trigger, with the same interrupting flag and path.',
    apply: (xml) =>
      rewriteElements(xml, ['boundaryEvent'], (found, prefix) => {
        if (/EventDefinition\b/.test(found.body)) return undefined;
        return element(prefix, 'boundaryEvent', found.openTag, `<${prefix}messageEventDefinition/>${found.body}`);
      }),
  },
  {
    name: 'message-refs',
    why: 'Message events drawn without a message: the simulator triggers them by hand; a message named after the element is correlated by the harness instead.',
    apply: (xml) => referenceGlobals(xml, 'message'),
  },
  {
    name: 'receive-task-message-refs',
    why: 'Receive tasks drawn without a message wait for a hand trigger; a message named after the task makes that trigger a correlation.',
    apply: (xml) => {
      const prefix = bpmnPrefix(xml);
      const labels: string[] = [];
      const rewritten = rewriteElements(xml, ['receiveTask'], (found) => {
        if (attribute(found.openTag, 'messageRef') !== undefined) return undefined;
        const label = labelOf(found.openTag);
        labels.push(label);
        const open = setAttribute(found.openTag, 'messageRef', globalId('message', label));
        return found.selfClosing ? open : `${open}${found.body}</${prefix}${found.local}>`;
      });
      const existing = new Set([...rewritten.matchAll(/<(?:\w+:)?message\b[^>]*\sid="([^"]*)"/g)].map((match) => match[1]));
      const missing = [...new Set(labels)].filter((label) => !existing.has(globalId('message', label)));
      return addGlobals(rewritten, missing.map((label) => `<${prefix}message id="${globalId('message', label)}" name="${escapeXml(label)}"/>`));
    },
  },
  {
    name: 'signal-refs',
    why: 'Signal events drawn without a signal; the simulator matches them by hand, the harness by a signal named after the element label.',
    apply: (xml) => referenceGlobals(xml, 'signal'),
  },
  {
    name: 'error-refs',
    why:
      'Error end events drawn without an error throw "an error" in the simulator; Tongguan needs a thrown error to be ' +
      'named, so each gets its own error (code = element id). Catch-all error boundaries still catch it.',
    apply: (xml) => {
      const prefix = bpmnPrefix(xml);
      const codes: string[] = [];
      const rewritten = rewriteElements(xml, ['endEvent'], (found) => {
        const definition = new RegExp(`<${prefix}errorEventDefinition\\b((?:(?!errorRef=)[^>])*?)(/?)>`);
        if (!definition.test(found.body)) return undefined;
        const code = attribute(found.openTag, 'id')!;
        codes.push(code);
        const body = found.body.replace(definition, (_whole, attributes: string, slash: string) => `<${prefix}errorEventDefinition${attributes} errorRef="${globalId('error', code)}"${slash}>`);
        return `${found.openTag}${body}</${prefix}${found.local}>`;
      });
      return addGlobals(rewritten, codes.map((code) => `<${prefix}error id="${globalId('error', code)}" errorCode="${escapeXml(code)}"/>`));
    },
  },
  {
    name: 'gateway-decisions',
    why:
      'setConfig presets which outgoing flows a gateway takes; literal conditions (true on the chosen flows, false on ' +
      'the others, none on the default flow) make the same decision inside the model.',
    apply: (xml, setup) => {
      if (setup.decisions.size === 0) return xml;
      const prefix = bpmnPrefix(xml);
      const defaults = new Map<string, string | undefined>();
      rewriteElements(xml, ['exclusiveGateway', 'inclusiveGateway'], (found) => {
        defaults.set(attribute(found.openTag, 'id')!, attribute(found.openTag, 'default'));
        return undefined;
      });
      const withXsi = xml.includes(`"${XSI}"`) ? xml : xml.replace(/<(\w+:)?definitions\b/, (open) => `${open} xmlns:xsi="${XSI}"`);
      return rewriteElements(withXsi, ['sequenceFlow'], (found) => {
        const source = attribute(found.openTag, 'sourceRef')!;
        const chosen = setup.decisions.get(source);
        const id = attribute(found.openTag, 'id')!;
        if (chosen === undefined || defaults.get(source) === id) return undefined;
        const condition = `<${prefix}conditionExpression xsi:type="${prefix}tFormalExpression">${chosen.includes(id)}</${prefix}conditionExpression>`;
        return element(prefix, 'sequenceFlow', found.openTag, found.body + condition);
      });
    },
  },
  {
    name: 'wait-at-task',
    why: 'waitAtElement makes a pass-through task wait until triggered; a user task is Tongguan\'s wait state for that, and triggering it completes it.',
    apply: (xml, setup) =>
      rewriteElements(xml, ['task'], (found, prefix) =>
        setup.waitAt.has(attribute(found.openTag, 'id')!) ? element(prefix, 'userTask', found.openTag, found.body) : undefined,
      ),
  },
];

export function rewriteTokenSimulation(xml: string, setup: SimulationSetup): { xml: string; applied: string[] } {
  return applyRules(xml, TOKEN_SIMULATION_RULES, setup);
}
