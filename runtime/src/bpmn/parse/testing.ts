/** Test helpers: small BPMN documents written inline, and problem look-ups. */
import type { FlowNodeModel, ProcessModel } from '../model.ts';
import { parseBpmn, type ParseOptions, type ParseResult } from './parse-bpmn.ts';
import type { BpmnProblem } from './problems.ts';

export const NAMESPACES =
  'xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" ' +
  'xmlns:tg="http://tongguan.dev/schema/bpmn/1.0" ' +
  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ' +
  'xmlns:camunda="http://camunda.org/schema/1.0/bpmn" ' +
  'targetNamespace="http://tongguan.dev/test"';

/** A definitions document with one executable process `p` holding `body`; `globals` go beside it. */
export function processXml(body: string, globals = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="d" ${NAMESPACES}>
${globals}
<process id="p" name="Test" isExecutable="true">
${body}
</process>
</definitions>`;
}

/** start → (body nodes wired by the caller) → end: the common frame of small tests. */
export const START = '<startEvent id="start"/>';
export const END = '<endEvent id="end"/>';

export function flow(id: string, source: string, target: string, condition?: string): string {
  if (condition === undefined) return `<sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"/>`;
  return `<sequenceFlow id="${id}" sourceRef="${source}" targetRef="${target}"><conditionExpression xsi:type="tFormalExpression">${condition}</conditionExpression></sequenceFlow>`;
}

/** `start → node → end` around one node. */
export function around(node: string, nodeId: string): string {
  return `${START}${node}${END}${flow('f1', 'start', nodeId)}${flow('f2', nodeId, 'end')}`;
}

export function parse(body: string, options: ParseOptions = { locale: 'en' }, globals = ''): Promise<ParseResult> {
  return parseBpmn(processXml(body, globals), options);
}

export function problemsOf(result: ParseResult): readonly BpmnProblem[] {
  return result.ok ? [] : result.problems;
}

/** `code@elementId` of every error, for compact assertions. */
export function errorKeys(result: ParseResult): string[] {
  return problemsOf(result).map((problem) => `${problem.code}@${problem.elementId ?? ''}`);
}

export function warningKeys(result: ParseResult): string[] {
  return result.warnings.map((problem) => `${problem.code}@${problem.elementId ?? ''}`);
}

export function onlyProcess(result: ParseResult): ProcessModel {
  if (!result.ok) throw new Error(`expected the model to be accepted: ${result.problems.map((p) => p.message).join('; ')}`);
  if (result.processes.length !== 1) throw new Error(`expected one process, got ${result.processes.length}`);
  return result.processes[0];
}

export function nodeOf(model: ProcessModel, id: string): FlowNodeModel {
  const node = model.nodes.get(id);
  if (!node) throw new Error(`no node ${id}`);
  return node;
}
