import { describe, expect, it } from 'vitest';
import { validateFormDefinition } from './index.ts';
import type { DefinitionProblem, FormComponent } from './index.ts';

function text(key: string, extra: Partial<FormComponent> = {}): FormComponent {
  return { type: 'textfield', key, label: key, input: true, ...extra };
}

function problemsOf(definition: unknown, locale: 'zh-CN' | 'en' = 'en'): DefinitionProblem[] {
  const result = validateFormDefinition(definition, { locale });
  return result.ok ? [] : result.problems;
}

function summary(definition: unknown): [string, string, string | undefined][] {
  return problemsOf(definition).map((problem) => [problem.code, problem.componentKey, problem.property]);
}

describe('validateFormDefinition: shape', () => {
  it('accepts a form with nested layout, containers and grids', () => {
    const form = {
      display: 'form',
      components: [
        { type: 'panel', key: 'p', components: [{ type: 'columns', key: 'cols', columns: [{ components: [text('a')] }, { components: [text('b')] }] }] },
        { type: 'container', key: 'addr', components: [text('a')] },
        { type: 'datagrid', key: 'rows', components: [text('a')] },
        { type: 'tabs', key: 'tabs', components: [{ key: 't1', label: 'T1', components: [text('c')] }] },
        { type: 'button', key: 'submit', action: 'submit' },
      ],
    };
    expect(validateFormDefinition(form).ok).toBe(true);
  });

  it('accepts a bare components array as exported by form.io', () => {
    expect(validateFormDefinition([text('a')]).ok).toBe(true);
  });

  it('rejects a definition without a components array', () => {
    expect(summary({ display: 'form' })).toEqual([['form.shape', '', undefined]]);
  });

  it('rejects a component without a key, naming where it is', () => {
    expect(problemsOf({ components: [{ type: 'panel', key: 'p', components: [{ type: 'textfield' }] }] })[0]).toMatchObject({ code: 'form.shape', path: 'components[0].components[0].key' });
  });

  it('rejects the pdf display', () => {
    expect(summary({ display: 'pdf', components: [] })).toEqual([['form.unsupportedDisplay', '', 'display']]);
  });

  it('rejects an unsupported component type deep inside a table', () => {
    const form = { components: [{ type: 'table', key: 'tbl', rows: [[{ components: [] }, { components: [{ type: 'address', key: 'where' }] }]] }] };
    expect(problemsOf(form)).toEqual([expect.objectContaining({ code: 'component.unsupportedType', componentKey: 'where', path: 'components[0].rows[0][1].components[0]' })]);
  });

  it('rejects a key that lodash would treat as a path or a prototype', () => {
    expect(summary({ components: [text('a.b'), text('__proto__')] })).toEqual([
      ['component.invalidKey', 'a.b', undefined],
      ['component.invalidKey', '__proto__', undefined],
    ]);
  });

  it('rejects duplicate keys in the same data level, across layout components', () => {
    const form = { components: [text('name'), { type: 'panel', key: 'p', components: [text('name')] }] };
    expect(summary(form)).toEqual([['component.duplicateKey', 'name', undefined]]);
  });

  it('allows the same key inside different data grids', () => {
    const form = { components: [{ type: 'datagrid', key: 'g1', components: [text('qty')] }, { type: 'datagrid', key: 'g2', components: [text('qty')] }] };
    expect(validateFormDefinition(form).ok).toBe(true);
  });

  it('rejects more components than the limit', () => {
    const components = Array.from({ length: 2_001 }, (_, index) => text(`f${index}`));
    expect(summary({ components })).toContainEqual(['form.limitExceeded', '', undefined]);
  });
});

describe('validateFormDefinition: no JavaScript', () => {
  const cases: [string, FormComponent, string][] = [
    ['validate.custom', text('a', { validate: { custom: 'valid = input.length > 2;' } }), 'validate.custom'],
    ['calculateValue as code', text('a', { calculateValue: 'value = data.b * 2;' }), 'calculateValue'],
    ['customDefaultValue as code', text('a', { customDefaultValue: 'value = "x";' }), 'customDefaultValue'],
    ['customConditional', text('a', { customConditional: 'show = data.b === 1;' }), 'customConditional'],
    ['a javascript logic trigger', text('a', { logic: [{ trigger: { type: 'javascript', javascript: 'result = true;' }, actions: [] }] }), 'logic[0].trigger.javascript'],
    ['a value logic action', text('a', { logic: [{ trigger: { type: 'simple', simple: { show: true, when: 'b', eq: '1' } }, actions: [{ type: 'value', value: 'value = 1;' }] }] }), 'logic[0].actions[0].value'],
    ['a custom logic action', text('a', { logic: [{ trigger: { type: 'simple', simple: {} }, actions: [{ type: 'customAction', customAction: 'x()' }] }] }), 'logic[0].actions[0].customAction'],
    ['a moment() date limit', { type: 'datetime', key: 'a', datePicker: { minDate: "moment().subtract(1, 'day')" } }, 'datePicker.minDate'],
    ['a date disable function', { type: 'datetime', key: 'a', datePicker: { disableFunction: 'date.getDay() === 0' } }, 'datePicker.disableFunction'],
    ['a script tag in content', { type: 'content', key: 'a', html: '<p>hi</p><script>fetch("/x")</script>' }, 'html'],
    ['an inline event handler', { type: 'htmlelement', key: 'a', content: '<img src=x onerror="alert(1)">' }, 'content'],
    ['custom select data', { type: 'select', key: 'a', data: { custom: 'values = []' } }, 'data.custom'],
  ];

  it.each(cases)('rejects %s with the component key and property', (_name, component, property) => {
    expect(summary({ components: [{ type: 'panel', key: 'p', components: [component] }] })).toContainEqual(['component.javascriptNotAllowed', 'a', property]);
  });

  it('rejects a form-level module', () => {
    expect(summary({ components: [], module: 'export default {}' })).toEqual([['form.javascriptNotAllowed', '', 'module']]);
  });

  it('accepts simple conditionals, JSON Logic conditions and JSON Logic validation', () => {
    const form = {
      components: [
        text('kind'),
        text('vat', { conditional: { show: true, when: 'kind', eq: 'company' } }),
        text('b', { conditional: { json: { '==': [{ var: 'data.kind' }, 'person'] } }, validate: { json: { if: [{ '==': [{ var: 'input' }, { var: 'data.kind' }] }, true, '不一致'] } } }),
        text('c', { logic: [{ trigger: { type: 'json', json: { '!!': { var: 'data.kind' } } }, actions: [{ type: 'property', property: { value: 'validate.required' }, state: true }] }] }),
      ],
    };
    expect(validateFormDefinition(form).ok).toBe(true);
  });

  it('rejects the JSON Logic method operator, which calls arbitrary methods', () => {
    const form = { components: [text('a', { conditional: { json: { method: [{ var: 'data.a' }, 'toString'] } } })] };
    expect(summary(form)).toEqual([['component.jsonLogicOperator', 'a', 'conditional.json']]);
  });

  it('rejects a JSON Logic var path that reaches a constructor', () => {
    const form = { components: [text('a', { calculateValue: { var: 'data.constructor' } })] };
    expect(summary(form)).toEqual([['component.jsonLogicOperator', 'a', 'calculateValue']]);
  });

  it('rejects template code in a label but accepts a plain look-up', () => {
    expect(summary({ components: [text('a', { label: '{{ data.name.toUpperCase() }}' })] })).toEqual([['component.templateExpression', 'a', 'label']]);
    expect(validateFormDefinition({ components: [text('a', { label: '{{ data.name }} 的电话' })] }).ok).toBe(true);
  });

  it('rejects a logic action that would set a property other than the allowed ones', () => {
    const form = { components: [text('a', { logic: [{ trigger: { type: 'simple', simple: {} }, actions: [{ type: 'property', property: { value: 'validate.custom' }, state: 'valid = true' }] }] })] };
    expect(summary(form)).toEqual([['component.unsupportedProperty', 'a', 'logic[0].actions[0].property']]);
  });
});

describe('validateFormDefinition: data sources and patterns', () => {
  it('rejects a select backed by a URL with a clear message', () => {
    const form = { components: [{ type: 'select', key: 'unit', dataSrc: 'url', data: { url: 'https://example.cn/units' } }] };
    expect(problemsOf(form, 'zh-CN')).toEqual([
      expect.objectContaining({ code: 'component.unsupportedDataSource', componentKey: 'unit', property: 'dataSrc', message: expect.stringContaining('静态选项') }),
    ]);
  });

  it('rejects a pattern with nested unbounded quantifiers', () => {
    expect(summary({ components: [text('a', { validate: { pattern: '(a+)+$' } })] })).toEqual([['component.invalidPattern', 'a', 'validate.pattern']]);
  });

  it('rejects a pattern that does not compile', () => {
    expect(summary({ components: [text('a', { validate: { pattern: '([a-z' } })] })).toEqual([['component.invalidPattern', 'a', 'validate.pattern']]);
  });

  it('rejects an overlong pattern', () => {
    expect(summary({ components: [text('a', { validate: { pattern: 'a'.repeat(501) } })] })).toEqual([['component.invalidPattern', 'a', 'validate.pattern']]);
  });

  it('accepts an ordinary pattern with bounded repetition', () => {
    expect(validateFormDefinition({ components: [text('a', { validate: { pattern: '[0-9]{6}(-[0-9]{4})?' } })] }).ok).toBe(true);
  });
});

describe('validateFormDefinition: messages', () => {
  const form = { components: [text('a', { validate: { custom: 'valid = true;' } })] };

  it('words problems in Chinese by default', () => {
    expect(validateFormDefinition(form)).toMatchObject({ ok: false, problems: [{ message: '组件「a」的属性「validate.custom」包含 JavaScript，服务器不执行表单中的 JavaScript；请改用声明式校验或条件' }] });
  });

  it('words problems in English on request', () => {
    expect(problemsOf(form, 'en')[0].message).toBe(
      'Property "validate.custom" of component "a" contains JavaScript; the server never runs JavaScript from forms — use declarative validation or conditions',
    );
  });
});
