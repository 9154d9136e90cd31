/**
 * Conformance: the bpmn-js-token-simulation models (corpora/bpmn-exec/token-simulation,
 * bpmn-io/bpmn-js-token-simulation, MIT, © 2014-present Camunda Services GmbH) replayed with the
 * steps of token-simulation-expected.json after the fix-ups of token-simulation-rewrite.ts. Each
 * trace segment (up to an `expect` step, or the whole run) is compared on the projection of
 * token-simulation-run.ts: the sorted multiset of visited flow nodes plus whether the instance
 * has completed.
 *
 * Nothing is skipped: REJECTED lists models outside the supported subset with the exact parser
 * problems; DIVERGENT lists cases where the simulator's semantics deliberately differ from the
 * engine's, with the engine's outcome asserted. Override the corpus folder with BPMN_EXEC_DIR.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { simulatorTraceSchema, tokenSimulationManifestSchema, type TokenSimulationTest } from './manifests.ts';
import { fileName, parseSimulation, projectSimulatorTrace, replaySimulation, type ParsedSimulation, type Projection } from './token-simulation-run.ts';

const CORPUS = process.env.BPMN_EXEC_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpora/bpmn-exec');
const FOLDER = path.join(CORPUS, 'token-simulation');
const manifest = tokenSimulationManifestSchema.parse(JSON.parse(readFileSync(path.join(CORPUS, 'token-simulation-expected.json'), 'utf8')));

interface Rejected {
  readonly reason: string;
  /** Every error problem after the fix-ups, as `code elementId`, sorted. */
  readonly problems: readonly string[];
}

const REJECTED: Readonly<Record<string, Rejected>> = {
  'parallel-gateway-stuck': {
    reason:
      'two none start events in one process (the second, MESSAGE_START, has no trigger): Tongguan allows at most one, ' +
      'since a second none start could never be told apart from the first when starting an instance',
    problems: ['scope.multipleNoneStartEvents Process_1'],
  },
  'event-based-gateway': {
    reason: 'the event-based gateway races a conditional catch event (S_CATCH): conditional events are not supported',
    problems: ['event.unsupportedDefinition S_CATCH'],
  },
};

interface Divergent {
  readonly reason: string;
  /** The engine's projection for each segment, asserted so the entry cannot rot. */
  readonly engine: readonly Projection[];
}

const DIVERGENT: Readonly<Record<string, Divergent>> = {
  'error-no-catch': {
    reason:
      'an uncaught error end event in sub-process S: the simulator treats it as a normal end and reaches End; BPMN 2.0 ' +
      '§10.5.4 leaves unhandled errors to the engine, and Tongguan fails the instance (status failed) — End is never reached',
    engine: [{ visited: ['S', 'START', 'S_ERROR_END', 'S_START'], completed: false }],
  },
};

const parsed = new Map<string, Promise<ParsedSimulation>>();
function parseModel(test: TokenSimulationTest): Promise<ParsedSimulation> {
  let result = parsed.get(test.name);
  if (result === undefined) {
    result = parseSimulation(readFileSync(path.join(CORPUS, test.model), 'utf8'), test.steps);
    parsed.set(test.name, result);
  }
  return result;
}

function readTrace(file: string): string[] {
  return simulatorTraceSchema.parse(JSON.parse(readFileSync(path.join(FOLDER, file), 'utf8')));
}

async function replay(test: TokenSimulationTest) {
  const result = await parseModel(test);
  if (!result.ok) throw new Error(`${test.model} rejected: ${result.problems.map((problem) => problem.code).join(', ')}`);
  const segments = replaySimulation(result.model, test);
  let completed = false;
  const expected = segments.map((segment) => {
    const projection = projectSimulatorTrace(result.model, readTrace(segment.file), completed);
    completed = projection.completed;
    return projection;
  });
  return { engine: segments.map((segment) => segment.projection), expected };
}

describe('token-simulation corpus coverage', () => {
  const files = readdirSync(FOLDER).sort();

  it('every model of the folder is replayed by at least one manifest test', () => {
    const models = new Set(manifest.tests.map((test) => fileName(test.model)));
    expect(files.filter((file) => file.endsWith('.bpmn'))).toEqual([...models].sort());
  });

  it('every trace file of the folder is an expectation of exactly one manifest test', () => {
    const traces = manifest.tests.flatMap((test) => test.expected.map(fileName));
    expect(new Set(traces).size).toBe(traces.length);
    expect(files.filter((file) => file.endsWith('.json'))).toEqual([...traces].sort());
  });

  it('every expected failure names a manifest test', () => {
    const names = new Set(manifest.tests.map((test) => test.name));
    for (const name of [...Object.keys(REJECTED), ...Object.keys(DIVERGENT)]) expect(names.has(name), name).toBe(true);
  });
});

for (const test of manifest.tests) {
  const rejected = REJECTED[test.name];
  const divergent = DIVERGENT[test.name];
  describe(`token-simulation ${test.name}: ${test.description}`, () => {
    if (rejected !== undefined) {
      it(`is rejected at parse time (expected failure) — ${rejected.reason}`, async () => {
        const result = await parseModel(test);
        expect(result.ok).toBe(false);
        expect(result.ok ? [] : result.problems.map((problem) => `${problem.code} ${problem.elementId ?? ''}`).sort()).toEqual(rejected.problems);
      });
      return;
    }
    if (divergent !== undefined) {
      it(`differs from the simulator by design (expected failure) — ${divergent.reason}`, async () => {
        const { engine, expected } = await replay(test);
        expect(engine).not.toEqual(expected);
        expect(engine).toEqual(divergent.engine);
      });
      return;
    }
    it(`given the steps ${JSON.stringify(test.steps)}, then the visited nodes and completion match ${test.expected.map(fileName).join(' then ')}`, async () => {
      const { engine, expected } = await replay(test);
      expect(engine).toEqual(expected);
    });
  });
}
