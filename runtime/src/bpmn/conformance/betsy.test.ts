/**
 * Conformance: every betsy model (corpora/bpmn-exec/betsy, uniba-dsg/betsy, LGPL-3.0; see the
 * corpus README) and every case of betsy-expected.json, run through the in-memory harness after
 * the mechanical rewrite of betsy-rewrite.ts. A case passes when its sorted trace equals betsy's
 * sorted expectation (betsy's rule) and the instance ends as expected (completed, still active,
 * failed through an uncaught error end event, or a runtime error at ERROR_runtime).
 *
 * Nothing is skipped: models outside the supported subset are listed in REJECTED with the
 * reason and the exact parser problems they must produce; engine bugs found by the suite are in
 * ENGINE_BUGS with the wrong outcome they produce today, so fixing one turns its test red until
 * the entry is removed. Override the corpus folder with BPMN_EXEC_DIR.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { InstanceStatus } from '../engine/contract.ts';
import { BETSY_SCRIPTS, rewriteBetsy } from './betsy-rewrite.ts';
import { expectedStatus, parseBetsy, runBetsyCase, sortedTrace, type ParsedBetsy } from './betsy-run.ts';
import { betsyManifestSchema, type BetsyCase } from './manifests.ts';

const CORPUS = process.env.BPMN_EXEC_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../../shared/corpora/bpmn-exec');
const manifest = betsyManifestSchema.parse(JSON.parse(readFileSync(path.join(CORPUS, 'betsy-expected.json'), 'utf8')));

interface Rejected {
  readonly reason: string;
  /** Every error problem, as `code elementId`, sorted. */
  readonly problems: readonly string[];
}

const COMPLEX_GATEWAY = 'complex gateway: not supported by the engine (docs/bpmn.md, "Rejected, and why")';
const MI_BEHAVIOUR = 'multi-instance behaviour events (behavior One/None throwing per-instance signals) are not supported; only behavior All';

const REJECTED: Readonly<Record<string, Rejected>> = {
  'cfpatterns/WCP06_MultiChoice_ComplexGateway': { reason: COMPLEX_GATEWAY, problems: ['element.unsupported ComplexGateway_1'] },
  'cfpatterns/WCP09_Structured_Discriminator_ComplexGateway': { reason: COMPLEX_GATEWAY, problems: ['element.unsupported ComplexGateway'] },
  'cfpatterns/WCP09_Structured_Discriminator_MultiInstance': { reason: MI_BEHAVIOUR, problems: ['multiInstance.behaviorUnsupported multiInstanceTask'] },
  'cfpatterns/WCP12_MultipleInstancesWithoutSynchronization': { reason: MI_BEHAVIOUR, problems: ['multiInstance.behaviorUnsupported ScriptTask_1'] },
  'cfpatterns/WCP17_InterleavedParallelRouting': {
    reason: 'ad-hoc sub-process: not supported by the engine',
    problems: ['element.unsupported SubProcess'],
  },
  'cfpatterns/WCP20_CancelCaseCancel': {
    reason: 'transaction sub-process and cancel events: not supported by the engine',
    problems: ['element.unsupported Transaction_1', 'event.unsupportedDefinition BoundaryEvent_1'],
  },
  'errors/ParallelGateway_Conditions': {
    reason:
      'conditions on a parallel gateway\'s outgoing flows: betsy expects them ignored, Tongguan rejects the model at publish ' +
      'time instead of silently ignoring what the author wrote (the README allows this reading)',
    problems: ['gateway.parallelCondition SequenceFlow_6', 'gateway.parallelCondition SequenceFlow_8'],
  },
  'events/Conditional_IntermediateEvent': {
    reason: 'conditional events: not supported by the engine',
    problems: ['event.unsupportedDefinition IntermediateCatchEvent_1'],
  },
};

interface KnownEngineBug {
  readonly reason: string;
  /** The sorted trace the engine produces today. */
  readonly actualTrace: readonly string[];
}

/** Keyed by `<manifest key>#<case number>`. */
const ENGINE_BUGS: Readonly<Record<string, KnownEngineBug>> = {
  'events/Message_StartEvent#1': {
    reason:
      'message.thrown carries variables written AFTER the throw in the same transition: visibleVariables (engine/context.ts) ' +
      'returns the draft\'s live process-variable object, which later writes mutate in place once copied. The message ' +
      'thrown at IntermediateThrowEvent_1 (before task1 runs) arrives at CalledProcess with betsyTrace = "SCRIPT_task1;", ' +
      'so SCRIPT_task1 is traced twice. Expected payload: the variables as of the throw (betsyTrace absent).',
    actualTrace: ['MARKER_exists', 'SCRIPT_task1', 'SCRIPT_task1'],
  },
};

const parsed = new Map<string, Promise<ParsedBetsy>>();
function parseModel(file: string): Promise<ParsedBetsy> {
  let result = parsed.get(file);
  if (result === undefined) {
    result = parseBetsy(readFileSync(path.join(CORPUS, file), 'utf8'));
    parsed.set(file, result);
  }
  return result;
}

async function modelsOf(file: string) {
  const result = await parseModel(file);
  if (!result.ok) throw new Error(`${file} rejected: ${result.problems.map((problem) => `${problem.code} ${problem.elementId ?? ''}`).join('; ')}`);
  return result.models;
}

function bpmnFilesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.bpmn'))
    .map((entry) => path.relative(CORPUS, path.join(entry.parentPath, entry.name)))
    .sort();
}

function describeCase(testCase: BetsyCase, caseNumber: number): string {
  const input = testCase.input === null ? 'no test input' : `test="${testCase.input}"`;
  const trace = testCase.expectedTrace.length === 0 ? '(nothing)' : testCase.expectedTrace.join(', ');
  const endings: Record<InstanceStatus | 'none', string> = {
    completed: 'completes',
    active: 'stays active',
    failed: 'fails through an uncaught error end event',
    terminated: 'is cancelled',
    none: 'raises a runtime error',
  };
  const ending = endings[expectedStatus(testCase) ?? 'none'];
  return `case ${caseNumber} (${testCase.source}): given ${input} and integerVariable=${testCase.integerVariable}, then the trace is ${trace} and the instance ${ending}`;
}

describe('betsy corpus coverage', () => {
  it('every .bpmn file of the betsy folder has exactly one manifest entry, and no entry lacks a file', () => {
    const files = Object.values(manifest.tests).map((test) => test.file);
    expect(new Set(files).size).toBe(files.length);
    expect([...files].sort()).toEqual(bpmnFilesUnder(path.join(CORPUS, 'betsy')));
  });

  it('every rejected model and known engine bug names an existing manifest entry and case', () => {
    for (const key of Object.keys(REJECTED)) expect(manifest.tests[key], key).toBeDefined();
    for (const key of Object.keys(ENGINE_BUGS)) {
      const [testKey, caseNumber] = key.split('#');
      expect(manifest.tests[testKey!]?.cases[Number(caseNumber) - 1], key).toBeDefined();
    }
  });

  it('the rewrite knows every placeholder word the corpus uses and fails on an unknown one', () => {
    const words = new Set(Object.values(manifest.tests).flatMap((test) => [...readFileSync(path.join(CORPUS, test.file), 'utf8').matchAll(/<\w+:script>\s*(\w+)\s*</g)].map((match) => match[1]!)));
    expect([...words].filter((word) => word !== 'THROW_ERROR' && BETSY_SCRIPTS[word] === undefined)).toEqual([]);
    const unknown = '<definitions><process><scriptTask id="x"><script>FORMAT_DISK</script></scriptTask></process></definitions>';
    expect(() => rewriteBetsy(unknown)).toThrow(/unknown betsy script placeholder FORMAT_DISK/);
  });
});

for (const [key, test] of Object.entries(manifest.tests)) {
  const rejected = REJECTED[key];
  if (rejected !== undefined) {
    describe(`betsy ${key} (expected failure)`, () => {
      it(`is rejected at parse time — ${rejected.reason} — so its ${test.cases.length} case(s) cannot run`, async () => {
        const result = await parseModel(test.file);
        expect(result.ok).toBe(false);
        const problems = result.ok ? [] : result.problems.map((problem) => `${problem.code} ${problem.elementId ?? ''}`).sort();
        expect(problems).toEqual(rejected.problems);
      });
    });
    continue;
  }
  describe(`betsy ${key}: ${test.description}`, () => {
    test.cases.forEach((testCase, index) => {
      const caseNumber = index + 1;
      const bug = ENGINE_BUGS[`${key}#${caseNumber}`];
      if (bug !== undefined) {
        it(`${describeCase(testCase, caseNumber)} — KNOWN ENGINE BUG: ${bug.reason}`, async () => {
          const outcome = runBetsyCase(await modelsOf(test.file), testCase, caseNumber);
          expect(sortedTrace(outcome.trace)).not.toEqual(sortedTrace(testCase.expectedTrace));
          expect(sortedTrace(outcome.trace)).toEqual(bug.actualTrace);
        });
        return;
      }
      it(describeCase(testCase, caseNumber), async () => {
        const outcome = runBetsyCase(await modelsOf(test.file), testCase, caseNumber);
        expect(sortedTrace(outcome.trace)).toEqual(sortedTrace(testCase.expectedTrace));
        const status = expectedStatus(testCase);
        if (status !== undefined) expect(outcome.status).toBe(status);
      });
    });
  });
}
