import { describe, expect, it } from 'vitest';
import { FormDefinitionError, validateSubmission } from './index.ts';
import type { FormComponent, SubmissionResult } from './index.ts';

function text(key: string, extra: Partial<FormComponent> = {}): FormComponent {
  return { type: 'textfield', key, label: key, input: true, ...extra };
}

function errorPairs(result: SubmissionResult): [string, string][] {
  return result.ok ? [] : result.errors.map((error) => [error.path, error.code]);
}

describe('conditionals', () => {
  const form = {
    components: [
      { type: 'radio', key: 'kind', label: '类型', values: [{ label: '个人', value: 'person' }, { label: '单位', value: 'company' }] },
      text('vat', { label: '税号', validate: { required: true }, conditional: { show: true, when: 'kind', eq: 'company' } }),
    ],
  };

  it('given the condition hides a required field, when it is empty, then no error is reported', () => {
    expect(validateSubmission(form, { kind: 'person' })).toEqual({ ok: true, data: { kind: 'person' } });
  });

  it('given the condition shows a required field, when it is empty, then it is required', () => {
    expect(errorPairs(validateSubmission(form, { kind: 'company' }))).toEqual([['vat', 'required']]);
  });

  it('given a hidden field, when the client still sends a value, then the value is cleared', () => {
    expect(validateSubmission(form, { kind: 'person', vat: 'smuggled' })).toEqual({ ok: true, data: { kind: 'person' } });
  });

  it('given a JSON Logic condition, then it is evaluated on the server', () => {
    const jsonForm = { components: [text('a'), text('b', { validate: { required: true }, conditional: { json: { '==': [{ var: 'data.a' }, 'x'] } } })] };
    expect(errorPairs(validateSubmission(jsonForm, { a: 'x' }))).toEqual([['b', 'required']]);
  });
});

describe('nested data', () => {
  const form = {
    components: [
      {
        type: 'datagrid',
        key: 'items',
        label: '物品',
        components: [{ type: 'number', key: 'qty', label: '数量', validate: { required: true, min: 1 } }, text('name')],
      },
    ],
  };

  it('reports row errors with the row index in the path', () => {
    const result = validateSubmission(form, { items: [{ qty: 2 }, { qty: 0 }, { name: 'x' }] });
    expect(errorPairs(result)).toEqual([
      ['items[1].qty', 'min'],
      ['items[2].qty', 'required'],
    ]);
  });

  it('strips unknown keys inside rows and at the top level', () => {
    expect(validateSubmission(form, { items: [{ qty: 2, isAdmin: true }], assignee: 'root' })).toEqual({ ok: true, data: { items: [{ qty: 2 }] } });
  });

  it('reports a grid given an object instead of rows', () => {
    expect(errorPairs(validateSubmission(form, { items: { qty: 1 } }))).toEqual([['items', 'invalidType']]);
  });
});

describe('wrong types', () => {
  it('given a string where a number is expected, then invalidType is reported once', () => {
    const form = { components: [{ type: 'number', key: 'n', label: 'n', validate: { required: true } }] };
    expect(errorPairs(validateSubmission(form, { n: '12' }))).toEqual([['n', 'invalidType']]);
  });

  it('given an object where text is expected, then invalidType is reported', () => {
    expect(errorPairs(validateSubmission({ components: [text('a')] }, { a: { $gt: '' } }))).toEqual([['a', 'invalidType']]);
  });

  it('given a single value where a multiple field expects a list, then invalidType is reported', () => {
    expect(errorPairs(validateSubmission({ components: [text('tags', { multiple: true })] }, { tags: 'one' }))).toEqual([['tags', 'invalidType']]);
  });

  it('given a select-boxes value with an option that does not exist, then invalidOption is reported', () => {
    const form = { components: [{ type: 'selectboxes', key: 'pets', label: 'pets', values: [{ label: 'Dog', value: 'dog' }] }] };
    expect(errorPairs(validateSubmission(form, { pets: { dog: true, admin: true } }))).toEqual([['pets', 'invalidOption']]);
  });
});

describe('attachments', () => {
  const form = { components: [{ type: 'file', key: 'photos', label: '照片', multiple: true }] };

  it('keeps only the attachment reference fields', () => {
    const photo = { storage: 'tongguan', storageKey: 'c/1.jpg', name: '1.jpg', originalName: '现场.jpg', size: 10, type: 'image/jpeg', url: 'https://evil.example/x' };
    expect(validateSubmission(form, { photos: [photo] })).toEqual({
      ok: true,
      data: { photos: [{ storageKey: 'c/1.jpg', name: '1.jpg', originalName: '现场.jpg', size: 10, type: 'image/jpeg' }] },
    });
  });

  it('rejects a storage key that climbs out of its folder', () => {
    expect(errorPairs(validateSubmission(form, { photos: [{ storageKey: 'c/../../etc/passwd', name: 'p', size: 1, type: 'text/plain' }] }))).toEqual([['photos', 'invalidType']]);
  });

  it('rejects a second file when the field holds one', () => {
    const single = { components: [{ type: 'file', key: 'doc', label: 'doc' }] };
    const file = { storageKey: 'a', name: 'a', size: 1, type: 'text/plain' };
    expect(errorPairs(validateSubmission(single, { doc: [file, file] }))).toEqual([['doc', 'tooManyItems']]);
  });
});

describe('payload limits', () => {
  const form = { components: [text('a')] };

  it.each([
    ['an array', [1]],
    ['null', null],
    ['a string', 'data'],
  ])('rejects %s as data', (_name, data) => {
    expect(errorPairs(validateSubmission(form, data))).toEqual([['', 'payloadInvalid']]);
  });

  it('rejects data larger than 1 MB', () => {
    expect(errorPairs(validateSubmission(form, { a: 'x'.repeat(1_100_000) }))).toEqual([['', 'payloadTooLarge']]);
  });

  it('rejects a string beyond the server cap even without maxLength', () => {
    expect(errorPairs(validateSubmission(form, { a: 'x'.repeat(70_000) }))).toEqual([['a', 'tooLong']]);
  });

  it('rejects data nested deeper than the limit', () => {
    let deep: Record<string, unknown> = {};
    for (let level = 0; level < 40; level += 1) deep = { next: deep };
    expect(errorPairs(validateSubmission(form, { a: 'x', deep }))).toEqual([['', 'payloadInvalid']]);
  });
});

describe('plain data that looks like an attack', () => {
  it.each([
    "'; DROP TABLE cases; --",
    '<script>alert(1)</script>',
    '{{ constructor.constructor("return process")() }}',
    '${7*7}',
    '__proto__',
  ])('stores %s as text', (value) => {
    expect(validateSubmission({ components: [text('a')] }, { a: value })).toEqual({ ok: true, data: { a: value } });
  });

  it('ignores a __proto__ key in the data', () => {
    const data = JSON.parse('{"a":"x","__proto__":{"polluted":true}}') as unknown;
    const result = validateSubmission({ components: [text('a')] }, data);
    expect([result, ({} as Record<string, unknown>).polluted]).toEqual([{ ok: true, data: { a: 'x' } }, undefined]);
  });
});

describe('messages', () => {
  const form = { components: [text('name', { label: '姓名', validate: { required: true, maxLength: 2 } })] };

  it('words errors in Chinese with the field label by default', () => {
    expect(validateSubmission(form, {})).toEqual({ ok: false, errors: [{ path: 'name', key: 'name', code: 'required', message: '「姓名」为必填项' }] });
  });

  it('words errors in English on request', () => {
    expect(validateSubmission(form, { name: '张三丰' }, { locale: 'en' })).toEqual({
      ok: false,
      errors: [{ path: 'name', key: 'name', code: 'maxLength', message: '姓名 must have no more than 2 characters' }],
    });
  });

  it('uses the author’s custom message as written', () => {
    const custom = { components: [text('id', { validate: { pattern: '[0-9]{18}', customMessage: '请填写18位身份证号' } })] };
    expect(validateSubmission(custom, { id: '123' }, { locale: 'en' })).toMatchObject({ ok: false, errors: [{ code: 'pattern', message: '请填写18位身份证号' }] });
  });
});

describe('definitions and calculated values', () => {
  it('throws FormDefinitionError for a stored definition that carries JavaScript', () => {
    const form = { components: [text('a', { validate: { custom: 'valid = true;' } })] };
    expect(() => validateSubmission(form, { a: 'x' })).toThrow(FormDefinitionError);
  });

  it('recomputes a JSON Logic calculated value so the client cannot choose it', () => {
    const form = {
      components: [
        { type: 'number', key: 'price', label: 'price' },
        { type: 'number', key: 'qty', label: 'qty' },
        { type: 'number', key: 'total', label: 'total', calculateValue: { '*': [{ var: 'data.price' }, { var: 'data.qty' }] } },
      ],
    };
    expect(validateSubmission(form, { price: 3, qty: 4, total: 1 })).toEqual({ ok: true, data: { price: 3, qty: 4, total: 12 } });
  });
});
