/**
 * Step 1: XML → moddle object tree, with every moddle import warning turned into a problem.
 * moddle reads leniently (`lax`) and reports what it skipped as warnings; an unknown BPMN element
 * would otherwise vanish from the model, silently changing what the process does, so it is an
 * error here. Vendor namespaces (Camunda, Flowable, …) are not registered: their attributes land
 * in `$attrs` and are reported by the builder.
 */
import { BpmnModdle, type ModdleImportWarning } from 'bpmn-moddle';
import { isModdleElement, type ModdleElement } from './moddle-element.ts';
import type { ProblemCollector, ProblemPosition } from './problems.ts';
import { tgModdleDescriptor } from './tg-moddle.ts';
import { TG_PREFIX } from '../model.ts';

export interface LoadedDocument {
  readonly definitions: ModdleElement;
  /** References moddle could not resolve, by element and property (`targetRef`, `default`, …). */
  readonly unresolved: ReadonlyMap<ModdleElement, ReadonlyMap<string, string>>;
}

/** Properties whose missing target the builder reports with a specific code. */
const REFERENCES_CHECKED_BY_BUILDER = new Set([
  'bpmn:sourceRef',
  'bpmn:targetRef',
  'bpmn:attachedToRef',
  'bpmn:default',
  'bpmn:messageRef',
  'bpmn:signalRef',
  'bpmn:errorRef',
  'bpmn:escalationRef',
]);

interface ReaderMessage {
  readonly summary: string;
  readonly nested?: string;
  readonly position?: ProblemPosition;
}

/** moddle-xml messages look like `unparsable content <x> detected\n\tline: 2\n\tcolumn: 5\n\tnested error: …`. */
function splitReaderMessage(message: string): ReaderMessage {
  const line = /\bline: (\d+)/.exec(message);
  const column = /\bcolumn: (\d+)/.exec(message);
  const nested = /nested error: ([\s\S]*)$/.exec(message);
  const summary = message.split(/\n\s*line:/)[0].trim();
  return {
    summary,
    ...(nested ? { nested: nested[1].trim() } : {}),
    // moddle-xml counts lines and columns from 0.
    ...(line && column ? { position: { line: Number(line[1]) + 1, column: Number(column[1]) + 1 } } : {}),
  };
}

function tagOf(summary: string): string {
  const match = /unparsable content ([\s\S]*?) detected/.exec(summary);
  return (match?.[1] ?? summary).trim().slice(0, 80);
}

function reportWarning(
  warning: ModdleImportWarning,
  problems: ProblemCollector,
  unresolvedReferences: Map<ModdleElement, Map<string, string>>,
): void {
  const element = isModdleElement(warning.element) ? warning.element : undefined;
  const target = element ? { id: element.id, name: element.name } : undefined;

  const encoding = /unsupported document encoding <([^>]*)>/.exec(warning.message);
  if (encoding) {
    problems.warning('xml.encodingIgnored', undefined, { encoding: encoding[1] });
    return;
  }

  const unknownAttribute = /^unknown attribute <([^>]*)>/.exec(warning.message);
  if (unknownAttribute) {
    const attribute = unknownAttribute[1];
    if (attribute.startsWith(`${TG_PREFIX}:`)) problems.error('tg.unknownAttribute', target, { attribute });
    else problems.warning('xml.unknownAttribute', target, { attribute });
    return;
  }

  const unresolved = /^unresolved reference <([^>]*)>/.exec(warning.message);
  if (unresolved) {
    const checkedByBuilder =
      REFERENCES_CHECKED_BY_BUILDER.has(warning.property ?? '') &&
      (element?.$instanceOf('bpmn:FlowElement') === true || element?.$instanceOf('bpmn:EventDefinition') === true);
    if (checkedByBuilder && element) {
      const byProperty = unresolvedReferences.get(element) ?? new Map<string, string>();
      byProperty.set((warning.property ?? '').replace(/^bpmn:/, ''), unresolved[1]);
      unresolvedReferences.set(element, byProperty);
    } else {
      problems.warning('xml.unresolvedReference', target, { property: warning.property ?? '?', value: unresolved[1] });
    }
    return;
  }

  const { summary, nested = '', position } = splitReaderMessage(warning.message);
  const params = { tag: tagOf(summary), line: position?.line ?? '?', detail: nested };
  const duplicate = /^duplicate ID <([^>]*)>/.exec(nested);
  const unknownType = /^unknown type <([^:>]*):([^>]*)>/.exec(nested);
  if (duplicate) {
    problems.error('xml.duplicateId', { id: duplicate[1] }, { id: duplicate[1], line: params.line }, position);
  } else if (unknownType && unknownType[1] === TG_PREFIX) {
    problems.error('tg.unknownElement', undefined, { ...params, tag: `${unknownType[1]}:${unknownType[2]}` }, position);
  } else if (unknownType) {
    problems.error('xml.unknownElement', undefined, { ...params, tag: `${unknownType[1]}:${unknownType[2]}` }, position);
  } else if (/^unrecognized element/.test(nested) || /^unexpected body text/.test(nested)) {
    // Foreign elements outside extensionElements and stray text carry no BPMN meaning.
    problems.warning('xml.foreignContentIgnored', undefined, params, position);
  } else {
    problems.error('xml.unparsableContent', undefined, params, position);
  }
}

/** Returns undefined when the XML cannot be read at all (the problem is recorded). */
export async function loadDocument(xml: string, problems: ProblemCollector): Promise<LoadedDocument | undefined> {
  const moddle = new BpmnModdle({ [TG_PREFIX]: tgModdleDescriptor });
  try {
    const { rootElement, warnings } = await moddle.fromXML(xml);
    const unresolved = new Map<ModdleElement, Map<string, string>>();
    for (const warning of warnings) reportWarning(warning, problems, unresolved);
    if (!isModdleElement(rootElement) || !rootElement.$instanceOf('bpmn:Definitions')) {
      problems.error('xml.notBpmn', undefined, { detail: isModdleElement(rootElement) ? rootElement.$type : '?' });
      return undefined;
    }
    return { definitions: rootElement, unresolved };
  } catch (failure) {
    // fromXML rejects for unreadable XML (with position) and for a root that is not bpmn:definitions.
    const message = failure instanceof Error ? failure.message : String(failure);
    const { summary, nested, position } = splitReaderMessage(message);
    if (/failed to parse document as/.test(summary)) {
      const cause = (failure as { warnings?: readonly ModdleImportWarning[] }).warnings?.[0]?.message ?? summary;
      problems.error('xml.notBpmn', undefined, { detail: splitReaderMessage(cause).nested ?? summary });
    } else {
      problems.error(
        'xml.malformed',
        undefined,
        { line: position?.line ?? '?', column: position?.column ?? '?', detail: nested ?? summary },
        position,
      );
    }
    return undefined;
  }
}
