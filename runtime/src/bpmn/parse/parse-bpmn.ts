/**
 * `parseBpmn`: BPMN 2.0 XML → validated executable ProcessModels, or the problems that prevent
 * execution. Which processes are executable: every `bpmn:process` whose `isExecutable` is not
 * `false` (absent counts as executable, so models from tools that omit it still run; a
 * collaboration may therefore yield several processes). Processes marked `false` are skipped with
 * a warning — they document a partner's side of a collaboration.
 */
import type { FunctionRegistry } from '../../expr/functions/registry.ts';
import type { ProcessModel } from '../model.ts';
import { buildProcess } from './build.ts';
import { emptyGlobals, type BuildContext } from './context.ts';
import { checkExpressions, type ExpressionUse } from './expressions.ts';
import { declaredNamespaces } from './extensions.ts';
import { checkGraph } from './graph.ts';
import { loadDocument } from './load.ts';
import { children, flag, target } from './moddle-element.ts';
import { ProblemCollector, type BpmnProblem, type Locale } from './problems.ts';

export interface ParseOptions {
  /** Language of problem messages; default zh-CN. */
  readonly locale?: Locale;
  /** Service-task handler types registered by plugins; when given, `tg:type` must be one of them. */
  readonly serviceTypes?: ReadonlySet<string>;
  /** The functions expressions may call (the platform's registry, with the plugins' functions); default the built-ins. */
  readonly functions?: FunctionRegistry;
}

export type ParseResult =
  | { readonly ok: true; readonly processes: ProcessModel[]; readonly warnings: BpmnProblem[] }
  | { readonly ok: false; readonly problems: BpmnProblem[]; readonly warnings: BpmnProblem[] };

export async function parseBpmn(xml: string, options: ParseOptions = {}): Promise<ParseResult> {
  const locale = options.locale ?? 'zh-CN';
  const problems = new ProblemCollector(locale);
  const document = await loadDocument(xml, problems);
  const processes: ProcessModel[] = [];
  if (document) {
    const expressions: ExpressionUse[] = [];
    const context: BuildContext = {
      problems,
      locale,
      ...(options.serviceTypes ? { serviceTypes: options.serviceTypes } : {}),
      namespaces: declaredNamespaces(document.definitions),
      globals: emptyGlobals(),
      expressions,
      unresolvedReference: (element, property) => document.unresolved.get(element)?.get(property),
    };
    const all = children(document.definitions, 'rootElements').filter((element) => element.$instanceOf('bpmn:Process'));
    const executable = all.filter((process) => flag(process, 'isExecutable') !== false);
    if (all.length === 0) problems.error('definitions.noProcess', undefined);
    else if (executable.length === 0) problems.error('definitions.noExecutableProcess', undefined);
    else for (const skipped of all.filter((process) => !executable.includes(process))) problems.warning('process.notExecutable', target(skipped));

    for (const process of executable) {
      context.globals = emptyGlobals();
      const built = buildProcess(process, context);
      checkGraph(built, problems);
      processes.push(built.model);
    }
    checkExpressions(expressions, problems, locale, options.functions);
  }
  const errors = [...problems.errors];
  const warnings = [...problems.warnings];
  return errors.length === 0 ? { ok: true, processes, warnings } : { ok: false, problems: errors, warnings };
}
