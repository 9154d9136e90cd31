/**
 * The peer of the workflow benchmark: the npm package bpmn-engine running the same BPMN models
 * in memory, nothing persisted. Each user task is signalled as soon as it waits. Given its best
 * case: the XML is parsed and serialised once per model and every instance's engine starts from
 * that serialised context (as the platform starts every instance from its cached compiled model).
 */
import { EventEmitter } from 'node:events';
import { Engine, type BpmnEngineOptions } from 'bpmn-engine';
import { MODEL_XML, TASK_COUNT, type Workload } from './workflow-models.ts';
import { closedLoop, serveCommands } from './workflow-protocol.ts';

interface WaitingApi { signal(message?: unknown): void }

type SourceContext = BpmnEngineOptions['sourceContext'];

async function serialisedContext(xml: string): Promise<SourceContext> {
  const [definition] = await new Engine({ source: xml }).getDefinitions();
  // bpmn-engine keeps the serialised moddle context it built as the environment's `source`.
  return (definition.environment.options as { source: SourceContext }).source;
}

const contexts: Record<Workload, SourceContext> = {
  sequential: await serialisedContext(MODEL_XML.sequential()),
  parallel: await serialisedContext(MODEL_XML.parallel()),
};

async function runInstance(workload: Workload): Promise<void> {
  const listener = new EventEmitter();
  let signalled = 0;
  listener.on('wait', (api: WaitingApi) => {
    signalled += 1;
    api.signal();
  });
  const engine = new Engine({ sourceContext: contexts[workload], listener });
  const ended = new Promise<void>((resolve, reject) => {
    engine.once('end', () => resolve());
    engine.once('error', reject);
  });
  await engine.execute();
  await ended;
  if (signalled !== TASK_COUNT) throw new Error(`bpmn-engine signalled ${signalled} user tasks, expected ${TASK_COUNT}`);
}

serveCommands(async (cmd) => {
  switch (cmd.type) {
    case 'throughput':
      return closedLoop(cmd.drivers, cmd.seconds, () => runInstance(cmd.workload));
    case 'verify':
      return { type: 'verifyAll', results: [] };
    case 'latency':
      throw new Error('bpmn-engine persists nothing: there is no commit latency to measure');
    case 'exit':
      return undefined;
  }
});
