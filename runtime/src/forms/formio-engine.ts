/**
 * The one place that calls @formio/core. It imports the `process` and `utils` sub-entries only:
 * the package root also loads the SDK (HTTP client, cookies), which the server never needs.
 * Neither sub-entry touches the DOM at import time (checked in formio-engine.test.ts).
 *
 * processSync is used, not process: the async variant only adds the URL/resource look-ups we
 * reject at publish time, and synchronous processing lets us swap in a non-evaluating
 * Evaluator for exactly the duration of one call (JavaScript never runs, even from a stored
 * definition that somehow skipped the publish checks).
 */
import type { FieldError } from '@formio/core/error';
import { ProcessorMap, processSync } from '@formio/core/process';
import * as formioUtils from '@formio/core/utils';
import { DefaultEvaluator, registerEvaluator } from '@formio/core/utils';
import type { FormComponent } from './types.ts';

/**
 * Evaluator that interprets JSON Logic (data) but never compiles or runs a JavaScript string:
 * `new Function` is never reached and string templates are only interpolated as look-ups.
 */
class NoJavaScriptEvaluator extends DefaultEvaluator {
  constructor() {
    super({ noeval: true });
  }

  override evaluator(): () => undefined {
    return () => undefined;
  }

  override execute(): undefined {
    return undefined;
  }
}

const noJavaScriptEvaluator = new NoJavaScriptEvaluator();

/** The live Evaluator singleton (a named ESM import of a CommonJS module is a snapshot). */
function currentEvaluator(): DefaultEvaluator {
  const moduleExports = (formioUtils as unknown as { default?: { Evaluator?: DefaultEvaluator } }).default;
  return moduleExports?.Evaluator ?? formioUtils.Evaluator;
}

/**
 * form.io's server pipeline minus the steps that reach outside the process (fetch,
 * dereference), serverOverride (rejected at publish) and filter (data-projection.ts projects
 * the data itself, more strictly).
 */
const PROCESSORS = [
  ProcessorMap.defaultValue,
  ProcessorMap.calculate,
  ProcessorMap.conditions,
  ProcessorMap.logic,
  ProcessorMap.normalize,
  ProcessorMap.clearHidden,
  ProcessorMap.validate,
];

export interface FormioOutcome {
  errors: FieldError[];
  data: Record<string, unknown>;
}

function prepareComponent(component: FormComponent): void {
  if (component.type === 'select' || component.type === 'radio') {
    // A static option list is a closed set on the server, whatever the form says.
    component.validate = { ...(component.validate ?? {}), onlyAvailableItems: true };
  }
  if (component.calculateValue !== null && typeof component.calculateValue === 'object' && component.allowCalculateOverride !== true) {
    // Recompute declarative calculated values so the client cannot choose them.
    component.calculateServer = true;
  }
}

function prepareTree(value: unknown): void {
  if (Array.isArray(value)) {
    value.forEach(prepareTree);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const component = value as FormComponent;
  if (typeof component.type === 'string' && typeof component.key === 'string') prepareComponent(component);
  for (const child of [component.components, component.columns, component.rows]) {
    if (Array.isArray(child)) prepareTree(child);
  }
}

/**
 * Runs @formio/core's conditions, logic, clear-on-hide, normalisation and validation over a
 * copy of the components and data (form.io mutates both).
 */
export function runFormio(components: FormComponent[], data: Record<string, unknown>): FormioOutcome {
  const componentCopy = structuredClone(components);
  prepareTree(componentCopy);
  const dataCopy = structuredClone(data);
  const context = {
    form: { display: 'form', components: componentCopy },
    submission: { data: dataCopy },
    components: componentCopy,
    data: dataCopy,
    processors: PROCESSORS,
    scope: { errors: [] as FieldError[] },
    config: { server: true },
  };
  const previous = currentEvaluator();
  registerEvaluator(noJavaScriptEvaluator);
  try {
    processSync(context as unknown as Parameters<typeof processSync>[0]);
  } finally {
    registerEvaluator(previous);
  }
  return { errors: context.scope.errors, data: context.data };
}
