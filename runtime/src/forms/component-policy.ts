/**
 * Per-component publish-time rules: no JavaScript anywhere, only declarative logic the server
 * can evaluate identically, static select options, safe patterns. Each finding names the
 * offending property so the designer can point at it.
 */
import { componentTypeInfo } from './component-types.ts';
import { containsInlineScript, jsonLogicViolation, patternViolation, templateViolation } from './logic-policy.ts';
import type { DefinitionProblemCode, FormComponent } from './types.ts';

export interface ComponentFinding {
  code: DefinitionProblemCode;
  property?: string;
  params: Record<string, string>;
}

/** Properties a `logic` action of type `property` may change. */
const SETTABLE_PROPERTIES = new Set(['hidden', 'disabled', 'validate.required', 'label', 'title', 'description', 'placeholder', 'tooltip']);

/** Properties whose very presence changes how @formio/core treats data in ways we do not check. */
const UNSUPPORTED_PROPERTIES: Record<string, string> = {
  serverOverride: 'server overrides replace component settings during processing',
  modelType: 'the data model follows the component type',
};

/** Child-list properties: walked as components, not as settings. */
const CHILD_PROPERTIES = new Set(['components', 'columns', 'rows']);

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function javascript(property: string): ComponentFinding {
  return { code: 'component.javascriptNotAllowed', property, params: {} };
}

function jsonLogicFinding(property: string, rule: unknown): ComponentFinding[] {
  const violation = jsonLogicViolation(rule);
  return violation ? [{ code: 'component.jsonLogicOperator', property, params: { detail: violation } }] : [];
}

/** A property that is JavaScript when a string and JSON Logic when an object. */
function codeOrLogic(component: FormComponent, property: string): ComponentFinding[] {
  const value = component[property];
  if (nonEmptyString(value)) return [javascript(property)];
  if (value !== null && typeof value === 'object') return jsonLogicFinding(property, value);
  return [];
}

function validateFindings(component: FormComponent): ComponentFinding[] {
  const validate = component.validate ?? {};
  const findings: ComponentFinding[] = [];
  if (nonEmptyString(validate.custom)) findings.push(javascript('validate.custom'));
  if (nonEmptyString(validate.json)) findings.push(javascript('validate.json'));
  else if (validate.json !== null && typeof validate.json === 'object') findings.push(...jsonLogicFinding('validate.json', validate.json));
  if (validate.unique === true) {
    findings.push({ code: 'component.unsupportedProperty', property: 'validate.unique', params: { detail: 'uniqueness needs a database look-up' } });
  }
  if (nonEmptyString(validate.pattern)) {
    const violation = patternViolation(validate.pattern);
    if (violation) findings.push({ code: 'component.invalidPattern', property: 'validate.pattern', params: { detail: violation } });
  }
  return findings;
}

function conditionalFindings(component: FormComponent): ComponentFinding[] {
  const findings: ComponentFinding[] = [];
  if (nonEmptyString(component.customConditional)) findings.push(javascript('customConditional'));
  const conditional = component.conditional;
  if (conditional !== null && typeof conditional === 'object') {
    const json = (conditional as Record<string, unknown>).json;
    if (nonEmptyString(json)) findings.push(javascript('conditional.json'));
    else if (json !== null && typeof json === 'object') findings.push(...jsonLogicFinding('conditional.json', json));
  }
  return findings;
}

function logicFindings(component: FormComponent): ComponentFinding[] {
  if (component.logic === undefined) return [];
  if (!Array.isArray(component.logic)) return [{ code: 'component.unsupportedProperty', property: 'logic', params: { detail: 'must be a list' } }];
  const findings: ComponentFinding[] = [];
  component.logic.forEach((entry: unknown, index) => {
    const logic = (entry ?? {}) as { trigger?: Record<string, unknown>; actions?: unknown };
    const trigger = logic.trigger ?? {};
    const at = `logic[${index}]`;
    if (trigger.type === 'javascript') findings.push(javascript(`${at}.trigger.javascript`));
    else if (trigger.type === 'json') findings.push(...jsonLogicFinding(`${at}.trigger.json`, trigger.json));
    else if (trigger.type !== 'simple') {
      findings.push({ code: 'component.unsupportedProperty', property: `${at}.trigger.type`, params: { detail: `trigger "${String(trigger.type)}" cannot be evaluated on the server` } });
    }
    const actions = Array.isArray(logic.actions) ? (logic.actions as Record<string, unknown>[]) : [];
    actions.forEach((action, actionIndex) => findings.push(...actionFindings(action ?? {}, `${at}.actions[${actionIndex}]`)));
  });
  return findings;
}

function actionFindings(action: Record<string, unknown>, at: string): ComponentFinding[] {
  if (action.type === 'value' || action.type === 'customAction' || action.type === 'mergeComponentSchema') {
    return [javascript(`${at}.${action.type === 'value' ? 'value' : action.type === 'customAction' ? 'customAction' : 'schemaDefinition'}`)];
  }
  if (action.type !== 'property') {
    return [{ code: 'component.unsupportedProperty', property: `${at}.type`, params: { detail: `action "${String(action.type)}" is not supported` } }];
  }
  const target = (action.property as { value?: unknown } | undefined)?.value;
  if (typeof target !== 'string' || !SETTABLE_PROPERTIES.has(target)) {
    return [{ code: 'component.unsupportedProperty', property: `${at}.property`, params: { detail: `a logic action may only set ${[...SETTABLE_PROPERTIES].join(', ')}` } }];
  }
  return [];
}

function dataSourceFindings(component: FormComponent): ComponentFinding[] {
  if (!['select', 'radio', 'selectboxes'].includes(component.type)) return [];
  const source = component.dataSrc;
  if (source !== undefined && source !== 'values') {
    return [{ code: 'component.unsupportedDataSource', property: 'dataSrc', params: { source: String(source) } }];
  }
  const data = component.data as Record<string, unknown> | undefined;
  if (data && nonEmptyString(data.custom)) return [javascript('data.custom')];
  return [];
}

function shapeFindings(component: FormComponent): ComponentFinding[] {
  const findings: ComponentFinding[] = [];
  for (const [property, detail] of Object.entries(UNSUPPORTED_PROPERTIES)) {
    if (component[property] !== undefined) findings.push({ code: 'component.unsupportedProperty', property, params: { detail } });
  }
  const info = componentTypeInfo(component.type);
  if (component.multiple === true && info?.model === 'value' && !info.allowsMultiple && component.type !== 'file') {
    findings.push({ code: 'component.unsupportedProperty', property: 'multiple', params: { detail: `a ${component.type} holds a single value` } });
  }
  if (component.type === 'checkbox' && component.inputType === 'radio') {
    findings.push({ code: 'component.unsupportedProperty', property: 'inputType', params: { detail: 'use a radio component for one-of-many choices' } });
  }
  return findings;
}

/** Every string setting of the component (children excluded), with its property path. */
function* stringSettings(value: unknown, path: string, isComponentRoot: boolean): Generator<[string, string]> {
  if (typeof value === 'string') {
    yield [path, value];
    return;
  }
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index += 1) yield* stringSettings(value[index], `${path}[${index}]`, false);
    return;
  }
  for (const [property, child] of Object.entries(value)) {
    if (isComponentRoot && CHILD_PROPERTIES.has(property) && Array.isArray(child)) continue;
    yield* stringSettings(child, path ? `${path}.${property}` : property, false);
  }
}

/** Dates like `moment().add(1, 'day')` are evaluated as JavaScript by @formio/core. */
const DATE_SETTING = /(?:^|\.)(?:minDate|maxDate|disableFunction)$/;

function stringFindings(component: FormComponent): ComponentFinding[] {
  const findings: ComponentFinding[] = [];
  for (const [property, text] of stringSettings(component, '', true)) {
    if (DATE_SETTING.test(property) && (property.endsWith('disableFunction') ? text.trim() !== '' : text.includes('('))) {
      findings.push(javascript(property));
      continue;
    }
    if (containsInlineScript(text)) {
      findings.push(javascript(property));
      continue;
    }
    const expression = templateViolation(text);
    if (expression) findings.push({ code: 'component.templateExpression', property, params: { expression } });
  }
  return findings;
}

/** All publish-time findings for one component of a supported type (children not included). */
export function componentFindings(component: FormComponent): ComponentFinding[] {
  const findings = [
    ...validateFindings(component),
    ...conditionalFindings(component),
    ...codeOrLogic(component, 'calculateValue'),
    ...codeOrLogic(component, 'customDefaultValue'),
    ...logicFindings(component),
    ...dataSourceFindings(component),
    ...shapeFindings(component),
  ];
  const reported = new Set(findings.map((finding) => finding.property));
  // A string already reported as JavaScript is not reported again as a template.
  return [...findings, ...stringFindings(component).filter((finding) => !reported.has(finding.property))];
}
