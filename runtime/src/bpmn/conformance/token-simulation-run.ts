/**
 * Replays a bpmn-js-token-simulation test against the engine (test support only) and projects
 * both sides onto something engine-neutral (corpora/bpmn-exec/README.md §2):
 *
 * - **visited**: the multiset of flow nodes a token reached — simulator `createScope:<node>`,
 *   engine `activity.started` — sorted, so the interleaving of parallel branches does not matter.
 *   Gateways count once per firing (simulator `exit:<gateway>`): the simulator opens one gateway
 *   scope per arriving token and merges them, the engine records the join when it fires;
 * - **completed**: whether the process instance has ended — simulator `exit:<processId>`, engine
 *   status `completed`.
 *
 * Enter/exit pairs are not compared: the simulator exits interrupted activities (B_RUPTING exits
 * RECEIVE) but not a terminated end event, so "exit" carries no engine-neutral meaning.
 */
import type { ProcessModel } from '../model.ts';
import { parseBpmn, type BpmnProblem } from '../parse/index.ts';
import { Harness } from './harness.ts';
import type { SimulationStep, TokenSimulationTest } from './manifests.ts';
import { rewriteTokenSimulation, type SimulationSetup } from './token-simulation-rewrite.ts';

export interface Projection {
  readonly visited: string[];
  readonly completed: boolean;
}

export function setupOf(steps: readonly SimulationStep[]): SimulationSetup {
  const decisions = new Map<string, readonly string[]>();
  const waitAt = new Set<string>();
  for (const step of steps) {
    if (step[0] === 'setConfig') decisions.set(step[1], step[2].activeOutgoing);
    if (step[0] === 'waitAtElement') waitAt.add(step[1]);
  }
  return { decisions, waitAt };
}

export type ParsedSimulation = { readonly ok: true; readonly model: ProcessModel } | { readonly ok: false; readonly problems: BpmnProblem[] };

export async function parseSimulation(xml: string, steps: readonly SimulationStep[]): Promise<ParsedSimulation> {
  const result = await parseBpmn(rewriteTokenSimulation(xml, setupOf(steps)).xml, { locale: 'en' });
  if (!result.ok) return { ok: false, problems: result.problems.filter((problem) => problem.severity === 'error') };
  if (result.processes.length !== 1) throw new Error(`expected one process, got ${result.processes.length}`);
  return { ok: true, model: result.processes[0]! };
}

/** Projects a simulator trace segment; `completedBefore` carries completion over from earlier segments. */
export function projectSimulatorTrace(model: ProcessModel, events: readonly string[], completedBefore = false): Projection {
  const visited: string[] = [];
  let completed = completedBefore;
  for (const event of events) {
    const [kind, elementId] = event.split(':');
    if (kind === 'exit' && elementId === model.id) completed = true;
    const node = model.nodes.get(elementId!);
    if (node === undefined) continue;
    const isGateway = node.kind.endsWith('Gateway');
    if ((kind === 'createScope' && !isGateway) || (kind === 'exit' && isGateway)) visited.push(elementId!);
  }
  return { visited: visited.sort(), completed };
}

export interface ReplayedSegment {
  /** The trace file this segment is compared with. */
  readonly file: string;
  readonly projection: Projection;
}

/**
 * Runs the steps; every `expect` step (or the end, when the test has none) closes a segment with
 * the nodes visited since the previous one.
 */
export function replaySimulation(model: ProcessModel, test: TokenSimulationTest): ReplayedSegment[] {
  const harness = new Harness([model]);
  let instanceId: string | undefined;
  let logged = 0;
  const segments: ReplayedSegment[] = [];
  const close = (file: string): void => {
    const visited = harness.log
      .slice(logged)
      .flatMap(({ effect }) => (effect.type === 'activity.started' ? [effect.elementId] : []))
      .sort();
    logged = harness.log.length;
    const completed = instanceId !== undefined && harness.status(instanceId) === 'completed';
    segments.push({ file, projection: { visited, completed } });
  };
  for (const step of test.steps) {
    if (step[0] === 'trigger') {
      const started = trigger(harness, model, step[1]);
      instanceId ??= started;
    }
    if (step[0] === 'expect') close(step[1]);
  }
  if (!test.steps.some((step) => step[0] === 'expect')) close(fileName(test.expected[0]!));
  return segments;
}

export function fileName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Fires an element the way the simulator's user clicks it; returns the instance id when it starts one. */
function trigger(harness: Harness, model: ProcessModel, elementId: string): string | undefined {
  const node = model.nodes.get(elementId);
  if (node === undefined) throw new Error(`trigger: no flow node ${elementId}`);
  if (node.kind === 'userTask') {
    harness.completeTask(elementId);
    return undefined;
  }
  if (node.kind === 'receiveTask') {
    harness.correlateMessage(node.messageName!);
    return undefined;
  }
  if (node.kind === 'startEvent' && node.event.kind === 'none' && model.root.startEventIds.includes(elementId)) {
    return harness.start(model.id, {}, elementId);
  }
  if ('event' in node && node.event.kind === 'message') {
    harness.correlateMessage(node.event.messageName);
    return undefined;
  }
  if ('event' in node && node.event.kind === 'signal') {
    harness.broadcastSignal(node.event.signalName);
    return undefined;
  }
  throw new Error(`trigger: cannot fire ${node.kind} ${elementId}`);
}
