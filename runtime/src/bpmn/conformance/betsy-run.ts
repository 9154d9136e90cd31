/**
 * Runs one betsy case through the harness (test support only): rewrite, parse, start the main
 * process with betsy's start variables, advance the virtual clock past every timer, and collect
 * the trace the way betsy's harness reads its log (corpora/bpmn-exec/README.md §1).
 */
import type { ProcessModel } from '../model.ts';
import type { InstanceStatus, Variables } from '../engine/contract.ts';
import { parseBpmn, type BpmnProblem } from '../parse/index.ts';
import { THROW_ERROR_SERVICE, TRACE_VARIABLE, rewriteBetsy, traceEntries } from './betsy-rewrite.ts';
import { Harness, mainProcessOf } from './harness.ts';
import type { BetsyCase } from './manifests.ts';

/** betsy's timers are PT1S–PT5S and it waited up to 10 s; a minute of virtual time covers every model. */
export const BETSY_VIRTUAL_WAIT_MS = 60_000;

export const ERROR_RUNTIME = 'ERROR_runtime';
export const ERROR_THROWN_ERROR_EVENT = 'ERROR_thrownErrorEvent';

export type ParsedBetsy = { readonly ok: true; readonly models: ProcessModel[] } | { readonly ok: false; readonly problems: BpmnProblem[] };

export async function parseBetsy(xml: string): Promise<ParsedBetsy> {
  const result = await parseBpmn(rewriteBetsy(xml).xml, { locale: 'en' });
  return result.ok ? { ok: true, models: result.processes } : { ok: false, problems: result.problems.filter((problem) => problem.severity === 'error') };
}

export interface BetsyOutcome {
  /** Entries in the order of the instances that wrote them, markers last. */
  readonly trace: string[];
  /** Status of the started instance; undefined when its start raised a runtime error. */
  readonly status?: InstanceStatus;
  readonly runtimeErrors: readonly string[];
}

/** betsy's start variables: `test` (absent when the input is null), `integerVariable`, `testCaseNumber` (1-based). */
export function startVariables(testCase: BetsyCase, caseNumber: number): Variables {
  return {
    integerVariable: testCase.integerVariable,
    testCaseNumber: caseNumber,
    ...(testCase.input === null ? {} : { test: testCase.input }),
  };
}

export function runBetsyCase(models: readonly ProcessModel[], testCase: BetsyCase, caseNumber: number): BetsyOutcome {
  const harness = new Harness(models, {
    services: {
      [THROW_ERROR_SERVICE]: (job) => ({ errorCode: String(job.config.errorCode) }),
    },
  });
  const mainId = harness.start(mainProcessOf(models).id, startVariables(testCase, caseNumber));
  harness.advance(BETSY_VIRTUAL_WAIT_MS);
  const trace = [...harness.instances.values()].flatMap((record) => traceEntries(record.state.variables[TRACE_VARIABLE]));
  const status = mainId === undefined ? undefined : harness.status(mainId);
  if (harness.runtimeErrors.length > 0) trace.push(ERROR_RUNTIME);
  if (status === 'failed') trace.push(ERROR_THROWN_ERROR_EVENT);
  return {
    trace,
    ...(status === undefined ? {} : { status }),
    runtimeErrors: harness.runtimeErrors.map((error) => `${error.code}${error.elementId === undefined ? '' : ` at ${error.elementId}`}`),
  };
}

/** The status a case expects: a runtime error leaves nothing to judge (undefined), otherwise as the README says. */
export function expectedStatus(testCase: BetsyCase): InstanceStatus | undefined {
  if (testCase.expectedTrace.includes(ERROR_RUNTIME)) return undefined;
  if (testCase.expectedTrace.includes(ERROR_THROWN_ERROR_EVENT)) return 'failed';
  return testCase.completes === false ? 'active' : 'completed';
}

/** betsy's comparison: both lists sorted, so the order of parallel branches does not matter. */
export function sortedTrace(trace: readonly string[]): string[] {
  return [...trace].sort();
}
