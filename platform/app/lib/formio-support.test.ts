import { describe, expect, it } from 'vitest';
import { splitFormErrors, withoutSubmitButtons } from './formio-support.ts';

describe('server field errors on form.io components', () => {
  it('given errors under formData, then each names the form.io data path without the prefix', () => {
    const { components } = splitFormErrors([
      { field: 'formData.opinion', message: '处理意见为必填项' },
      { field: 'formData.items[1].qty', message: '数量不能小于 0' },
    ]);
    expect(components).toEqual([
      { path: 'opinion', message: '处理意见为必填项' },
      { path: 'items[1].qty', message: '数量不能小于 0' },
    ]);
  });

  it('given errors on the comment or on the submission as a whole, then they are kept apart', () => {
    const { components, rest } = splitFormErrors([
      { field: 'comment', message: 'too long' },
      { field: 'formData', message: 'not an object' },
      { field: 'formDataX.a', message: 'other field' },
    ]);
    expect(components).toEqual([]);
    expect(rest.map((f) => f.field)).toEqual(['comment', 'formData', 'formDataX.a']);
  });

  it('given no field list, then there is nothing to place', () => {
    expect(splitFormErrors(undefined)).toEqual({ components: [], rest: [] });
  });
});

describe('the form without its own submit buttons', () => {
  it('given submit buttons at the top and inside columns, then they are removed and other components kept', () => {
    const schema = {
      display: 'form',
      components: [
        { type: 'textfield', key: 'a' },
        { type: 'columns', key: 'cols', columns: [{ components: [{ type: 'button', key: 'inner', action: 'submit' }, { type: 'number', key: 'b' }] }] },
        { type: 'button', key: 'submit' },
      ],
    };
    expect(withoutSubmitButtons(schema)).toEqual({
      display: 'form',
      components: [
        { type: 'textfield', key: 'a' },
        { type: 'columns', key: 'cols', columns: [{ components: [{ type: 'number', key: 'b' }] }] },
      ],
    });
  });

  it('given a button with another action, then it stays', () => {
    const schema = { components: [{ type: 'button', key: 'reset', action: 'reset' }] };
    expect(withoutSubmitButtons(schema)).toEqual(schema);
  });

  it('given a schema, then the original is not changed', () => {
    const schema = { components: [{ type: 'button', key: 'submit' }] };
    withoutSubmitButtons(schema);
    expect(schema.components).toHaveLength(1);
  });
});
