/**
 * Published process definitions compiled to the engine's executable model. A published
 * version is immutable (database trigger), so its compiled model is cached by definition id for
 * the life of the process: every instance of that version shares it.
 */
import { parseBpmn } from '@tongguan/runtime/bpmn/parse/index';
import type { ProcessModel } from '@tongguan/runtime/bpmn/model';
import { z } from 'zod';
import type { App } from '../app.server.ts';
import type { FunctionRegistry } from '@tongguan/runtime/expr/index';
import { AppError, localizeIssues } from '../errors.server.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import type { ServiceTaskRegistry } from './service-tasks.server.ts';

/** Content of a definition of kind `process`: the BPMN 2.0 XML the designer saves. */
export const processContentSchema = z.object({
  xml: z.string().min(1).max(1024 * 1024),
});
export type ProcessContent = z.infer<typeof processContentSchema>;

export interface ProcessProblem {
  code: string;
  elementId?: string;
  message: string;
  severity: 'error' | 'warning';
}

/**
 * Parses and validates a process definition's XML. A definition holds exactly one executable
 * process; everything the engine does not support is reported, never ignored.
 */
export async function compileProcess(
  content: ProcessContent, locale: Locale, serviceTasks?: ServiceTaskRegistry, functions?: FunctionRegistry,
): Promise<{ model?: ProcessModel; problems: ProcessProblem[] }> {
  const result = await parseBpmn(content.xml, { locale, serviceTypes: serviceTasks?.types(), ...(functions ? { functions } : {}) });
  if (!result.ok) return { problems: result.problems };
  if (result.processes.length !== 1) {
    return {
      problems: [{
        code: 'process_count',
        message: locale === 'en'
          ? `A process definition holds exactly one executable process; found ${result.processes.length}.`
          : `一个流程定义只能包含一个可执行流程，实际有 ${result.processes.length} 个。`,
        severity: 'error',
      }],
    };
  }
  const model = result.processes[0];
  const configProblems = serviceTasks ? checkServiceConfigs(model, serviceTasks, locale) : [];
  if (configProblems.length) return { problems: [...configProblems, ...result.warnings] };
  return { model, problems: result.warnings };
}

/** Each service task's `<tg:config>` must satisfy its handler's schema and its publish checks (e.g. registered notification channels). */
function checkServiceConfigs(model: ProcessModel, serviceTasks: ServiceTaskRegistry, locale: Locale): ProcessProblem[] {
  const problems: ProcessProblem[] = [];
  for (const node of model.nodes.values()) {
    if (node.kind !== 'serviceTask' && node.kind !== 'sendTask' && node.kind !== 'businessRuleTask') continue;
    const handler = serviceTasks.get(node.serviceType);
    const parsed = handler?.configSchema.safeParse(node.config);
    if (!handler || !parsed) continue;
    const issues = parsed.success ? handler.publishIssues?.(parsed.data, locale) ?? [] : parsed.error.issues;
    if (!issues.length) continue;
    const detail = localizeIssues(issues, locale).map((i) => `${i.field === '(body)' ? '(config)' : i.field}: ${i.message}`).join('; ');
    problems.push({
      code: 'serviceTask.configInvalid', elementId: node.id, severity: 'error',
      message: locale === 'en' ? `Service task "${node.id}" has an invalid tg:config for type ${node.serviceType}: ${detail}` : `服务任务「${node.id}」的 tg:config 不符合类型 ${node.serviceType} 的要求：${detail}`,
    });
  }
  return problems;
}

/** 422 listing every problem with its element id, for the designer to point at. */
export function processInvalid(problems: ProcessProblem[]): AppError {
  return new AppError('validation_failed', {}, {
    fields: problems.filter((p) => p.severity === 'error').map((p) => ({ field: p.elementId ? `content.xml#${p.elementId}` : 'content.xml', message: p.message })),
  });
}

const models = new Map<string, Promise<ProcessModel>>();

/** The compiled model of a published definition row. */
export function modelOf(app: App, definition: { id: string; content: unknown }): Promise<ProcessModel> {
  let model = models.get(definition.id);
  if (!model) {
    model = (async () => {
      const compiled = await compileProcess(processContentSchema.parse(definition.content), 'zh-CN', undefined, app.functions);
      if (!compiled.model) throw processInvalid(compiled.problems);
      return compiled.model;
    })();
    models.set(definition.id, model);
    model.catch(() => models.delete(definition.id));
  }
  return model;
}
