/**
 * The two BPMN models of the workflow benchmark, written once and run by both engines: five
 * user tasks in sequence, and the same five tasks on parallel branches between a fork and a
 * join. Plain BPMN 2.0 (no extension attributes), so bpmn-engine reads exactly what the
 * platform runs; a user task without an assignment rule is completed by a process
 * administrator on the platform and signalled directly on bpmn-engine.
 */
export type Workload = 'sequential' | 'parallel';

export const TASK_COUNT = 5;
export const TASK_IDS = Array.from({ length: TASK_COUNT }, (_, i) => `task${i + 1}`);
/** One start plus one completion per task: each is a committed step on the platform. */
export const STEPS_PER_INSTANCE = 1 + TASK_COUNT;
export const PROCESS_KEYS: Record<Workload, string> = { sequential: 'bench_sequential', parallel: 'bench_parallel' };
/** The element after the join: exactly one token per instance must reach it. */
export const PAST_JOIN_ID = 'end';

const envelope = (processId: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs_${processId}" targetNamespace="http://tongguan.dev/bench">
  <process id="${processId}" isExecutable="true">
${body}
  </process>
</definitions>
`;

const flow = (id: string, from: string, to: string) => `    <sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"/>`;
const userTasks = () => TASK_IDS.map((id, i) => `    <userTask id="${id}" name="任务${i + 1}"/>`);

export function sequentialXml(): string {
  const chain = ['start', ...TASK_IDS, PAST_JOIN_ID];
  return envelope(PROCESS_KEYS.sequential, [
    '    <startEvent id="start"/>', ...userTasks(), `    <endEvent id="${PAST_JOIN_ID}"/>`,
    ...chain.slice(1).map((to, i) => flow(`f${i}`, chain[i], to)),
  ].join('\n'));
}

export function parallelXml(): string {
  return envelope(PROCESS_KEYS.parallel, [
    '    <startEvent id="start"/>', '    <parallelGateway id="fork"/>', ...userTasks(), '    <parallelGateway id="join"/>', `    <endEvent id="${PAST_JOIN_ID}"/>`,
    flow('f_start', 'start', 'fork'),
    ...TASK_IDS.flatMap((id) => [flow(`f_fork_${id}`, 'fork', id), flow(`f_${id}_join`, id, 'join')]),
    flow('f_join_end', 'join', PAST_JOIN_ID),
  ].join('\n'));
}

export const MODEL_XML: Record<Workload, () => string> = { sequential: sequentialXml, parallel: parallelXml };
