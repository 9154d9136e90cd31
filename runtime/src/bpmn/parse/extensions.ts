/**
 * Extension checks that apply to every element: `tg:` extension elements only where they mean
 * something, and vendor extensions (Camunda, Flowable, Activiti, Zeebe) reported as ignored —
 * the engine reads only `tg:`; imported models are re-annotated in the designer.
 */
import type { BuildContext } from './context.ts';
import { extensionValues, localKind, target, type ModdleElement } from './moddle-element.ts';

const VENDOR_NAMESPACES = new Set([
  'http://camunda.org/schema/1.0/bpmn',
  'http://camunda.org/schema/zeebe/1.0',
  'http://flowable.org/bpmn',
  'http://activiti.org/bpmn',
]);

const TG_ELEMENT_HOSTS: Readonly<Record<string, readonly string[]>> = {
  'tg:Config': ['bpmn:ServiceTask', 'bpmn:SendTask', 'bpmn:BusinessRuleTask'],
  'tg:In': ['bpmn:CallActivity'],
  'tg:Out': ['bpmn:CallActivity'],
};

function prefixOf(qualifiedName: string): string | undefined {
  const colon = qualifiedName.indexOf(':');
  return colon > 0 ? qualifiedName.slice(0, colon) : undefined;
}

function namespaceOf(qualifiedName: string, context: BuildContext): string | undefined {
  const prefix = prefixOf(qualifiedName);
  return prefix === undefined ? undefined : context.namespaces.get(prefix);
}

export function checkExtensions(element: ModdleElement, context: BuildContext): void {
  const vendor: string[] = [];
  for (const attribute of Object.keys(element.$attrs ?? {})) {
    if (!attribute.startsWith('xmlns') && VENDOR_NAMESPACES.has(namespaceOf(attribute, context) ?? '')) vendor.push(attribute);
  }
  for (const value of extensionValues(element)) {
    const hosts = TG_ELEMENT_HOSTS[value.$type];
    if (hosts) {
      if (!hosts.includes(element.$type)) {
        context.problems.error('tg.misplacedElement', target(element), { tag: localKind(value), kind: localKind(element) });
      }
    } else if (VENDOR_NAMESPACES.has(namespaceOf(value.$type, context) ?? '')) {
      vendor.push(`<${value.$type}>`);
    }
  }
  if (vendor.length > 0) {
    context.problems.warning('xml.vendorExtensionIgnored', target(element), { extensions: [...new Set(vendor)].join(', ') });
  }
}

/** `xmlns:prefix` declarations of the definitions element. */
export function declaredNamespaces(definitions: ModdleElement): Map<string, string> {
  const namespaces = new Map<string, string>();
  for (const [attribute, uri] of Object.entries(definitions.$attrs ?? {})) {
    if (attribute.startsWith('xmlns:')) namespaces.set(attribute.slice('xmlns:'.length), uri);
  }
  return namespaces;
}
