/** The template's indicators are definitions a city could have saved: each passes the save-time checks. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indicatorFormulaIssues, validateDefinitionContent } from '../services/definitions.server.ts';
import { builtinRegistry } from '@tongguan/runtime/expr/index';
import type { IndicatorContent } from '@tongguan/runtime/indicators/definition';
import { AppError } from '../errors.server.ts';

const dir = join(import.meta.dirname, '../../../templates/five-domains/indicators');
const files = (JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { file: string }[]).map((f) => f.file);
const indicators = files.flatMap((file) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as { key: string; content: { code: string } }[]);

describe('template indicators', () => {
  it.each(indicators.map((i) => [i.key, i] as const))('given %s, when checked as a saved draft is, then it has no problems and its key is its code', (_key, indicator) => {
    try {
      const parsed = validateDefinitionContent('indicator', indicator.content) as IndicatorContent;
      // The formulas, as saving checks them (with the built-in functions: the template needs no plugin).
      expect(indicatorFormulaIssues({ functions: builtinRegistry }, parsed)).toEqual([]);
    } catch (error) {
      if (error instanceof AppError) throw new Error(JSON.stringify(error.issues ?? error.fields));
      throw error;
    }
    expect(indicator.key).toBe(indicator.content.code);
  });

  it('given every reported indicator (平台上报, issue 4 item 3), then it names a template data-entry form (kind form) with a field per input item', () => {
    const formsDir = join(import.meta.dirname, '../../../templates/five-domains/forms');
    const forms = new Map((JSON.parse(readFileSync(join(formsDir, 'index.json'), 'utf8')) as { key: string; file: string }[])
      .map((f) => [f.key, JSON.parse(readFileSync(join(formsDir, f.file), 'utf8')) as { components: { key: string; input?: boolean }[] }]));
    const reported = indicators.map((i) => i.content as unknown as IndicatorContent).filter((c) => c.collection === 'reported' && c.level === 3);
    expect(reported).toHaveLength(14);
    for (const content of reported) {
      const form = forms.get(content.formKey ?? '');
      expect(form, content.code).toBeDefined();
      const fields = form!.components.filter((c) => c.input !== false).map((c) => c.key).sort();
      expect(fields, content.code).toEqual(content.basis.filter((b) => b.source === 'input').map((b) => b.key).sort());
    }
  });

  it('given the performance evaluation (002 4.1.6, issue 4 item 6), when listed, then its eleven measures are there', () => {
    expect(indicators.map((i) => i.content.code).filter((code) => code.startsWith('6-1-'))).toHaveLength(11);
  });
});
