import { describe, expect, it } from 'vitest';
import { jsonLogicViolation, patternViolation, templateViolation } from './logic-policy.ts';

describe('patternViolation', () => {
  it.each(['(a+)+', '(\\w*\\s?)*', '(?:x|y+){2,}', '((ab)*c)+', '([a-z]+)*'])('rejects the backtracking-prone %s', (pattern) => {
    expect(patternViolation(pattern)).toMatch(/exponential/);
  });

  it.each(['[A-Z]{3}', '\\d{6}', '(ab)+', '[0-9]+(\\.[0-9]{1,2})?', '(\\+86)?1[3-9]\\d{9}', '[(+]*'])('accepts the linear %s', (pattern) => {
    expect(patternViolation(pattern)).toBeUndefined();
  });
});

describe('templateViolation', () => {
  it.each(['{{ data.a }}', '{{row.items[0].name}}', '{{field}} 为必填项', 'no template'])('accepts %s', (text) => {
    expect(templateViolation(text)).toBeUndefined();
  });

  it.each(['{% alert(1) %}', '{{ data.a() }}', '{{ window.location }}', '{{ data.constructor }}', '{{{ data.a + 1 }}}'])('rejects %s', (text) => {
    expect(templateViolation(text)).toBeDefined();
  });
});

describe('jsonLogicViolation', () => {
  it('accepts comparisons over data, row and input', () => {
    expect(jsonLogicViolation({ and: [{ '>': [{ var: 'data.n' }, 1] }, { in: [{ var: 'row.kind' }, ['a', 'b']] }, { '==': [{ var: 'input' }, 'x'] }] })).toBeUndefined();
  });

  it.each([
    [{ method: ['abc', 'toUpperCase'] }, 'operator "method"'],
    [{ _set: [{}, 'a', 1] }, 'operator "_set"'],
    [{ var: { cat: ['data.', 'x'] } }, 'a computed "var" path'],
    [{ var: 'instance.root' }, '"var" root "instance" (use data, row or input)'],
    [{ var: ['data.__proto__', 1] }, '"var" path "data.__proto__"'],
  ])('rejects %j', (rule, reason) => {
    expect(jsonLogicViolation(rule)).toBe(reason);
  });
});
