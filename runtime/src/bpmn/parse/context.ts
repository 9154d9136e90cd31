/**
 * State shared by the builder steps of one document: the problem collector, the global
 * definitions referenced so far, and the expressions waiting to be checked.
 */
import type { Locale, ProblemCollector } from './problems.ts';
import type { ExpressionUse } from './expressions.ts';
import type { ModdleElement } from './moddle-element.ts';

export interface GlobalRefs {
  readonly messages: Map<string, { readonly id: string; readonly name: string }>;
  readonly signals: Map<string, { readonly id: string; readonly name: string }>;
  readonly errors: Map<string, { readonly id: string; readonly name?: string; readonly code?: string }>;
  readonly escalations: Map<string, { readonly id: string; readonly name?: string; readonly code?: string }>;
}

export interface BuildContext {
  readonly problems: ProblemCollector;
  readonly locale: Locale;
  readonly serviceTypes?: ReadonlySet<string>;
  /** Namespace prefix → URI, from the `xmlns:*` declarations of the definitions element. */
  readonly namespaces: ReadonlyMap<string, string>;
  /** Filled per process. */
  globals: GlobalRefs;
  readonly expressions: ExpressionUse[];
  /** The id an unresolved reference pointed to (moddle drops the property), e.g. `default`. */
  unresolvedReference(element: ModdleElement, property: string): string | undefined;
}

export function emptyGlobals(): GlobalRefs {
  return { messages: new Map(), signals: new Map(), errors: new Map(), escalations: new Map() };
}
