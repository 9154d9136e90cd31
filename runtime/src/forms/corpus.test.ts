/**
 * Conformance harness: every fixture of the shared form.io corpus (README in
 * ../shared/corpora/formio/) runs through the product's validators. Expectations are compared
 * as sets of (path, code) after mapping form.io's rule names with FORMIO_RULE_CODES (which is
 * why `array_nonempty` + `required` on one path count as one `required`), and stored data is
 * compared without button values (buttons are not data here). Deliberate deviations are listed
 * in DEVIATIONS with the reason and the outcome we assert instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { codeForFormioRule } from './error-mapping.ts';
import { validateFormDefinition, validateSubmission } from './index.ts';
import type { DefinitionProblemCode, SubmissionErrorCode } from './index.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const CORPUS = path.join(process.env.TONGGUAN_CORPORA ?? path.resolve(REPO_ROOT, '../shared/corpora'), 'formio');

type Deviation =
  | { reason: string; rejectedDefinition: { code: DefinitionProblemCode; componentKey: string }[] }
  | { reason: string; errors: [string, SubmissionErrorCode][] };

const DEVIATIONS: Record<string, Deviation> = {
  'custom-js-fail': {
    reason: 'validate.custom is JavaScript; it is rejected at publish time and never run (ADR 006)',
    rejectedDefinition: [{ code: 'component.javascriptNotAllowed', componentKey: 'c' }],
  },
  'number-not-a-number': {
    reason: 'form.io silently drops a string given to a number field; the server reports it (corpus note invites this)',
    errors: [['n', 'invalidType']],
  },
  'core-fixtures/clearOnHideWithCustomCondition.json': {
    reason: 'customConditional is JavaScript; rejected at publish time (ADR 006)',
    rejectedDefinition: [{ code: 'component.javascriptNotAllowed', componentKey: 'section6' }],
  },
  'core-fixtures/addressComponentWithOtherCondComponents.json': {
    reason: 'address components depend on an external geocoding provider the server cannot check',
    rejectedDefinition: [{ code: 'component.unsupportedType', componentKey: 'address3' }],
  },
  'core-fixtures/addressComponentWithOtherCondComponents2.json': {
    reason: 'address components depend on an external geocoding provider the server cannot check',
    rejectedDefinition: [{ code: 'component.unsupportedType', componentKey: 'address' }],
  },
  'core-fixtures/formWithDeeplyNestedConditionalWizards.json': {
    reason: 'nested form components reference other form resources and are shown by JavaScript customConditional',
    rejectedDefinition: [
      { code: 'component.unsupportedType', componentKey: 'wizardB1' },
      { code: 'component.unsupportedType', componentKey: 'wizardB2' },
    ],
  },
};

interface Component {
  type?: string;
  key?: string;
  components?: Component[];
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(path.join(CORPUS, file), 'utf8'));
}

function buttonKeys(components: Component[]): string[] {
  return components.flatMap((component) => [
    ...(component.type === 'button' && component.key ? [component.key] : []),
    ...buttonKeys(component.components ?? []),
  ]);
}

function withoutKeys(data: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(data).filter(([key]) => !keys.includes(key)));
}

function formioPath(segments: (string | number)[] | string): string {
  if (typeof segments === 'string') return segments;
  return segments.reduce<string>((joined, segment) => (typeof segment === 'number' ? `${joined}[${segment}]` : joined ? `${joined}.${segment}` : segment), '');
}

function pairs(errors: { path: string; code: string }[]): string[] {
  return [...new Set(errors.map((error) => `${error.path} ${error.code}`))].sort();
}

interface Expectation {
  form: { components: Component[] } | Component[];
  data: Record<string, unknown>;
  errors: { path: (string | number)[] | string; rule: string }[];
  expectedData?: Record<string, unknown>;
}

function assertCase(id: string, expectation: Expectation): void {
  const deviation = DEVIATIONS[id];
  const components = Array.isArray(expectation.form) ? expectation.form : expectation.form.components;
  if (deviation && 'rejectedDefinition' in deviation) {
    const result = validateFormDefinition(expectation.form, { locale: 'en' });
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems.map((problem) => ({ code: problem.code, componentKey: problem.componentKey }));
    expect(problems).toEqual(expect.arrayContaining(deviation.rejectedDefinition));
    return;
  }
  const result = validateSubmission(expectation.form, expectation.data, { locale: 'en' });
  const expectedPairs = deviation
    ? pairs(deviation.errors.map(([errorPath, code]) => ({ path: errorPath, code })))
    : pairs(expectation.errors.map((error) => ({ path: formioPath(error.path), code: codeForFormioRule(error.rule) })));
  expect(pairs(result.ok ? [] : result.errors)).toEqual(expectedPairs);
  if (result.ok && expectation.expectedData) {
    expect(result.data).toEqual(withoutKeys(expectation.expectedData, buttonKeys(components)));
  }
}

describe('form.io corpus', () => {
  it('is present (set TONGGUAN_CORPORA to the shared corpora folder)', () => {
    expect(existsSync(path.join(CORPUS, 'validation-cases.json')), CORPUS).toBe(true);
  });

  describe('validation-cases.json (oracle @formio/core 2.7.1)', () => {
    const corpus = existsSync(CORPUS) ? (readJson('validation-cases.json') as { cases: { id: string; form: Expectation['form']; submission: { data: Record<string, unknown> }; expected: { errors: Expectation['errors']; dataAfterProcessing: Record<string, unknown> } }[] }) : { cases: [] };
    it.each(corpus.cases.map((testCase) => [testCase.id, testCase] as const))('case %s gives the expected outcome', (id, testCase) => {
      assertCase(id, {
        form: testCase.form,
        data: testCase.submission.data,
        errors: testCase.expected.errors,
        expectedData: testCase.expected.dataAfterProcessing,
      });
    });
  });

  describe('core-fixtures (formio/core process tests)', () => {
    type Fixture = { file: string; submission: unknown; expectedErrors?: { path: string; rule: string }[]; expectedData?: unknown };
    const manifest = existsSync(CORPUS) ? (readJson('core-fixtures-expected.json') as { fixtures: Fixture[] }) : { fixtures: [] };
    it.each(manifest.fixtures.map((fixture) => [fixture.file, fixture] as const))('fixture %s gives the expected outcome', (file, fixture) => {
      const raw = readJson(file) as { form?: Expectation['form']; components?: Component[]; submission?: { data: Record<string, unknown> } } | Component[];
      const form = Array.isArray(raw) ? raw : (raw.form ?? (raw as { components: Component[] }));
      const submission = typeof fixture.submission === 'object' ? (fixture.submission as { data: Record<string, unknown> }) : (raw as { submission: { data: Record<string, unknown> } }).submission;
      // "data unchanged" descriptions mean the submitted data is kept as it was.
      const expectedData = typeof fixture.expectedData === 'object' ? (fixture.expectedData as Record<string, unknown>) : typeof fixture.expectedData === 'string' && fixture.expectedData.includes('unchanged') ? submission.data : undefined;
      assertCase(file, { form, data: submission.data, errors: fixture.expectedErrors ?? [], expectedData });
    });
  });

  it('lists only deviations that exist in the corpus', () => {
    const ids = new Set([
      ...(readJson('validation-cases.json') as { cases: { id: string }[] }).cases.map((testCase) => testCase.id),
      ...(readJson('core-fixtures-expected.json') as { fixtures: { file: string }[] }).fixtures.map((fixture) => fixture.file),
    ]);
    expect(Object.keys(DEVIATIONS).filter((id) => !ids.has(id))).toEqual([]);
  });
});
