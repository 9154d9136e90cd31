import * as formioUtils from '@formio/core/utils';
import { describe, expect, it } from 'vitest';
import { runFormio } from './formio-engine.ts';
import type { FormComponent } from './types.ts';

const flags = globalThis as { formsJavaScriptRan?: boolean };

describe('runFormio', () => {
  it('does not need a DOM: importing @formio/core/process and /utils defines no window or document', () => {
    expect([typeof (globalThis as { window?: unknown }).window, typeof (globalThis as { document?: unknown }).document]).toEqual(['undefined', 'undefined']);
  });

  it('given JavaScript that skipped the publish checks, then none of it runs', () => {
    const components: FormComponent[] = [
      { type: 'textfield', key: 'a', input: true, customConditional: 'globalThis.formsJavaScriptRan = true; show = true;' },
      { type: 'textfield', key: 'b', input: true, validate: { custom: 'globalThis.formsJavaScriptRan = true; valid = true;' } },
      { type: 'textfield', key: 'c', input: true, calculateValue: 'globalThis.formsJavaScriptRan = true; value = 1;', calculateServer: true },
      { type: 'datetime', key: 'd', input: true, datePicker: { minDate: '(globalThis.formsJavaScriptRan = true) && moment()' } },
    ];
    runFormio(components, { a: 'x', b: 'y', d: '2024-01-01T00:00:00Z' });
    expect(flags.formsJavaScriptRan).toBeUndefined();
  });

  it('restores the evaluator it replaced for the call', () => {
    const before = (formioUtils as unknown as { default: { Evaluator: unknown } }).default.Evaluator;
    runFormio([{ type: 'textfield', key: 'a', input: true }], { a: 'x' });
    expect((formioUtils as unknown as { default: { Evaluator: unknown } }).default.Evaluator).toBe(before);
  });

  it('leaves the caller’s components and data untouched', () => {
    const components: FormComponent[] = [{ type: 'select', key: 's', input: true, data: { values: [{ label: 'A', value: 'a' }] } }];
    const data = { s: 'a' };
    runFormio(components, data);
    expect([components[0].validate, data]).toEqual([undefined, { s: 'a' }]);
  });
});
