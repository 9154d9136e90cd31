/**
 * Service-task handlers, looked up by the BPMN `tg:type` of a service task. Plugins register
 * them (the plugin SDK forwards to this registry); the registry lives on the App so every app
 * (and every test app) has its own. A handler runs outside any transaction, after the step that
 * requested it committed, and may run more than once if the process dies mid-call (at least
 * once): handlers that change the world must be idempotent, e.g. keyed by `jobId`.
 */
import type { z } from 'zod';
import type { JsonValue } from '@tongguan/runtime/bpmn/engine/contract';
import type { Locale } from '../../shared/i18n/index.ts';

export interface ServiceTaskInput<C> {
  readonly jobId: string;
  readonly tenantId: string;
  readonly instanceId: string;
  readonly elementId: string;
  readonly config: C;
  readonly variables: Readonly<Record<string, JsonValue>>;
}

export interface ServiceTaskHandler<C = unknown> {
  /** The `tg:type` value, e.g. `notify`. */
  readonly type: string;
  /** zh-CN description shown in the designer's type picker. */
  readonly description: string;
  /** Validates `<tg:config>` when a process is published. */
  readonly configSchema: z.ZodType<C>;
  /**
   * Checks of a valid config against the deployment (the notification channels registered), run
   * when a process is published and not when a job runs: what changed since publishing is the
   * handler's to deal with, not a reason to fail the task.
   */
  readonly publishIssues?: (config: C, locale: Locale) => z.core.$ZodIssue[];
  /** Returns the value stored in the task's `tg:resultVariable`; throw `BpmnError` for a modelled business error. */
  run(input: ServiceTaskInput<C>): Promise<JsonValue | undefined>;
}

/** A business outcome the model catches with an error boundary event (`errorCode` matches). */
export class BpmnError extends Error {
  constructor(readonly errorCode: string, message?: string) {
    super(message ?? errorCode);
    this.name = 'BpmnError';
  }
}

/** A BpmnError by shape: plugins throw the SDK's BpmnError, which is not this module's class. */
export function isBpmnError(error: unknown): error is BpmnError {
  return error instanceof BpmnError || (error instanceof Error && error.name === 'BpmnError' && typeof (error as { errorCode?: unknown }).errorCode === 'string');
}

/**
 * @example
 * app.serviceTasks.register({
 *   type: 'sms', description: '发送短信', configSchema: z.object({ template: z.string() }),
 *   async run({ config, variables, jobId }) { await gateway.send(config.template, variables, { idempotencyKey: jobId }); },
 * });
 */
export class ServiceTaskRegistry {
  private readonly handlers = new Map<string, ServiceTaskHandler<unknown>>();

  register<C>(handler: ServiceTaskHandler<C>): void {
    if (this.handlers.has(handler.type)) throw new Error(`A service-task handler of type "${handler.type}" is already registered`);
    this.handlers.set(handler.type, handler as ServiceTaskHandler<unknown>);
  }

  get(type: string): ServiceTaskHandler<unknown> | undefined {
    return this.handlers.get(type);
  }

  types(): ReadonlySet<string> {
    return new Set(this.handlers.keys());
  }
}
