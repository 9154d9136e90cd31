import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '@tongguan/runtime/bpmn/parse/index';
import { validateFormDefinition, validateSubmission } from '@tongguan/runtime/forms/index';

const read = (file: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, file), 'utf8'));
const list = read('index.json') as { key: string; file: string }[];
const form = (key: string) => read(`${key}.json`);

describe('template forms', () => {
  for (const { file } of list) {
    it(`given ${file}, when checked by the runtime's publish-time form checks, then it has no problems (option sources are checked by the platform)`, () => {
      const result = validateFormDefinition(read(file));
      expect(result.ok ? [] : result.problems).toEqual([]);
    });
  }

  it('given the case process, when its user tasks are listed, then every form key it names is a template form', async () => {
    const xml = readFileSync(join(import.meta.dirname, '../processes/case-closed-loop.bpmn'), 'utf8');
    const result = await parseBpmn(xml);
    if (!result.ok) throw new Error('case process does not parse');
    const formKeys = [...xml.matchAll(/tg:formKey="([^"]+)"/g)].map((m) => m[1]);
    expect(formKeys.length).toBeGreaterThanOrEqual(5);
    expect(formKeys.filter((k) => !list.some((f) => f.key === k))).toEqual([]);
  });

  it('given the dispatch form, when suspending (挂账), then no responsible unit is needed; when dispatching, then one is', () => {
    expect(validateSubmission(form('case-dispatch'), { decision: 'suspend' }).ok).toBe(true);
    const dispatched = validateSubmission(form('case-dispatch'), { decision: 'dispatch' });
    expect(dispatched.ok ? [] : dispatched.errors.map((e) => e.path)).toEqual(['responsibleUnitId']);
  });

  it('given the handling form, when applying for an extension (申请延期), then the extra working hours are required and bounded', () => {
    const missing = validateSubmission(form('case-handle'), { outcome: 'extend' });
    expect(missing.ok ? [] : missing.errors.map((e) => e.path)).toEqual(['extraHours']);
    expect(validateSubmission(form('case-handle'), { outcome: 'extend', extraHours: 500 }).ok).toBe(false);
    expect(validateSubmission(form('case-handle'), { outcome: 'extend', extraHours: 8 }).ok).toBe(true);
    expect(validateSubmission(form('case-handle'), { outcome: 'done' }).ok).toBe(true);
  });

  it('given the verification form, when the result is given, then it is the boolean the rework gateway tests', () => {
    const result = validateSubmission(form('case-verify'), { passed: false });
    expect(result.ok && result.data).toEqual({ passed: false });
    expect(validateSubmission(form('case-verify'), {}).ok).toBe(false);
  });
});
