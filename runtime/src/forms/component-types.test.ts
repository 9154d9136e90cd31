import { describe, expect, it } from 'vitest';
import { SUPPORTED_COMPONENT_TYPES, validateSubmission } from './index.ts';
import type { FormComponent, SubmissionErrorCode } from './index.ts';

const options = [
  { label: '红', value: 'red' },
  { label: '蓝', value: 'blue' },
];

const attachment = { storageKey: 'cases/2024/photo-1.jpg', name: 'photo-1.jpg', size: 2048, type: 'image/jpeg' };

interface TypeCase {
  component: FormComponent;
  valid: unknown;
  invalid: unknown;
  code: SubmissionErrorCode;
  /** Path of the error when it is not the component key itself. */
  path?: string;
}

function field(type: string, extra: Partial<FormComponent> = {}): FormComponent {
  return { type, key: 'f', label: '字段', input: true, ...extra };
}

/** One valid and one invalid submission per data-bearing component type. */
const TYPE_CASES: Record<string, TypeCase> = {
  textfield: { component: field('textfield', { validate: { maxLength: 5 } }), valid: 'abc', invalid: 'abcdef', code: 'maxLength' },
  textarea: { component: field('textarea', { validate: { minWords: 2 } }), valid: '两 个词', invalid: 'one', code: 'minWords' },
  password: { component: field('password', { validate: { minLength: 8 } }), valid: 'long enough', invalid: 'short', code: 'minLength' },
  email: { component: field('email'), valid: 'inspector@example.cn', invalid: 'not-an-email', code: 'invalidEmail' },
  url: { component: field('url'), valid: 'https://example.cn/a', invalid: 'not a url', code: 'invalidUrl' },
  phoneNumber: { component: field('phoneNumber', { inputMask: '999-9999-9999' }), valid: '138-0013-8000', invalid: '12345', code: 'mask' },
  datetime: { component: field('datetime'), valid: '2024-05-01T08:30:00+08:00', invalid: 'yesterday', code: 'invalidDate' },
  day: { component: field('day', { validate: { required: true } }), valid: '05/01/2024', invalid: '13/45/2024', code: 'invalidDay' },
  time: { component: field('time'), valid: '08:30:00', invalid: '25:61', code: 'invalidTime' },
  number: { component: field('number', { validate: { min: 1, max: 10 } }), valid: 10, invalid: 11, code: 'max' },
  currency: { component: field('currency', { validate: { min: 0 } }), valid: 12.5, invalid: -1, code: 'min' },
  checkbox: { component: field('checkbox', { validate: { required: true } }), valid: true, invalid: false, code: 'required' },
  selectboxes: { component: field('selectboxes', { values: options, validate: { minSelectedCount: 2 } }), valid: { red: true, blue: true }, invalid: { red: true, blue: false }, code: 'minSelected' },
  select: { component: field('select', { data: { values: options } }), valid: 'blue', invalid: 'green', code: 'invalidOption' },
  radio: { component: field('radio', { values: options }), valid: 'red', invalid: 'green', code: 'invalidOption' },
  hidden: { component: field('hidden'), valid: { any: ['json'] }, invalid: 'x'.repeat(2_000_000), code: 'payloadTooLarge', path: '' },
  file: { component: field('file', { validate: { required: true } }), valid: [attachment], invalid: [], code: 'required' },
  signature: { component: field('signature', { validate: { required: true } }), valid: 'data:image/png;base64,iVBORw0KGgo=', invalid: '', code: 'required' },
  container: {
    component: { type: 'container', key: 'f', label: '地址', input: true, components: [field('textfield', { key: 'city', validate: { required: true } })] },
    valid: { city: '杭州' },
    invalid: { city: '' },
    code: 'required',
    path: 'f.city',
  },
  datagrid: {
    component: { type: 'datagrid', key: 'f', label: '明细', input: true, components: [field('number', { key: 'qty', validate: { min: 1 } })] },
    valid: [{ qty: 1 }, { qty: 2 }],
    invalid: [{ qty: 1 }, { qty: 0 }],
    code: 'min',
    path: 'f[1].qty',
  },
  editgrid: {
    component: { type: 'editgrid', key: 'f', label: '记录', input: true, components: [field('textfield', { key: 'note', validate: { required: true } })] },
    valid: [{ note: '已处理' }],
    invalid: [{ note: '' }],
    code: 'required',
    path: 'f[0].note',
  },
};

describe('every supported data-bearing component type', () => {
  const dataTypes = Object.entries(SUPPORTED_COMPONENT_TYPES)
    .filter(([, info]) => info.model === 'value' || info.model === 'object' || info.model === 'rows')
    .map(([type]) => type);

  it('has a valid and an invalid case below', () => {
    expect(dataTypes.filter((type) => !(type in TYPE_CASES))).toEqual([]);
  });

  it.each(Object.entries(TYPE_CASES))('given a %s, when the value is valid, then it is accepted and stored', (_type, typeCase) => {
    const result = validateSubmission({ components: [typeCase.component] }, { f: typeCase.valid });
    expect(result).toEqual({ ok: true, data: { f: typeCase.valid } });
  });

  it.each(Object.entries(TYPE_CASES))('given a %s, when the value is invalid, then the expected error is reported', (_type, typeCase) => {
    const result = validateSubmission({ components: [typeCase.component] }, { f: typeCase.invalid });
    expect(result.ok ? [] : result.errors.map((error) => [error.path, error.code])).toEqual([[typeCase.path ?? 'f', typeCase.code]]);
  });
});

describe('layout components', () => {
  const layouts: FormComponent[] = [
    { type: 'panel', key: 'layout', components: [field('textfield', { validate: { required: true } })] },
    { type: 'fieldset', key: 'layout', components: [field('textfield', { validate: { required: true } })] },
    { type: 'well', key: 'layout', components: [field('textfield', { validate: { required: true } })] },
    { type: 'columns', key: 'layout', columns: [{ components: [] }, { components: [field('textfield', { validate: { required: true } })] }] },
    { type: 'table', key: 'layout', rows: [[{ components: [] }, { components: [field('textfield', { validate: { required: true } })] }]] },
    { type: 'tabs', key: 'layout', components: [{ type: 'tab', key: 'tab1', components: [field('textfield', { validate: { required: true } })] }] },
  ];

  it.each(layouts.map((layout) => [layout.type, layout] as const))('given a %s, then its children validate at the parent data level', (_type, layout) => {
    const result = validateSubmission({ components: [layout] }, { f: '' });
    expect(result.ok ? [] : result.errors.map((error) => [error.path, error.code])).toEqual([['f', 'required']]);
  });

  it('given content, html element and button components, then they contribute no data', () => {
    const form = {
      components: [
        { type: 'content', key: 'intro', html: '<p>请如实填写</p>', input: false },
        { type: 'htmlelement', key: 'hint', tag: 'p', content: '提示', input: false },
        { type: 'button', key: 'submit', action: 'submit', input: true },
        field('textfield'),
      ],
    };
    expect(validateSubmission(form, { intro: 'x', hint: 'y', submit: true, f: 'v' })).toEqual({ ok: true, data: { f: 'v' } });
  });
});
