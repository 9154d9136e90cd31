/**
 * Every condition text found in the betsy BPMN conformance models (corpora/bpmn-exec/betsy, after
 * XML unescaping) parses, checks in the open BPMN environment and evaluates as betsy expects.
 */
import { describe, expect, it } from 'vitest';
import { createCompileCache } from './cache.ts';
import { t } from './types.ts';

const cache = createCompileCache();
const condition = (source: string) => cache.get(source, { expectedType: t.boolean });

describe('given the betsy conformance expressions', () => {
  it.each([
    ['a', true],
    ['ab', true],
    ['b', false],
    ['', false],
  ])('when test is %j, then test.contains("a") is %j', (test, expected) => {
    expect(condition('test.contains("a")').evaluate({ test })).toBe(expected);
  });

  it.each([
    ['a', false],
    ['bc', true],
  ])('when test is %j, then !test.contains("a") is %j', (test, expected) => {
    expect(condition('!test.contains("a")').evaluate({ test })).toBe(expected);
  });

  it.each([
    [0, true],
    [2, true],
    [3, false],
  ])('when integerVariable is %i, then integerVariable<3 is %j', (integerVariable, expected) => {
    expect(condition('integerVariable<3').evaluate({ integerVariable })).toBe(expected);
  });

  it('when integerVariable is 1, then integerVariable<2 holds', () => {
    expect(condition('integerVariable<2').evaluate({ integerVariable: 1 })).toBe(true);
  });

  it('when a loop cardinality is ${integerVariable}, then the wrapper is stripped and the number returned', () => {
    expect(cache.get('${integerVariable}', { expectedType: t.number }).evaluate({ integerVariable: 3 })).toBe(3);
  });

  it('when a loop cardinality is the literal 3, then it is a number', () => {
    expect(cache.get('3', { expectedType: t.number }).evaluate()).toBe(3);
  });

  it('when the complex gateway condition activationCount>=1 is evaluated, then it follows the count', () => {
    expect(condition('activationCount>=1').evaluate({ activationCount: 1 })).toBe(true);
    expect(condition('activationCount>=1').evaluate({ activationCount: 0 })).toBe(false);
  });

  it('when literal true/false conditions are used, then they evaluate to themselves', () => {
    expect(condition('true').evaluate()).toBe(true);
    expect(condition('${false}').evaluate()).toBe(false);
  });

  it('when the tested variable is missing, then the condition is null (not satisfied) rather than an error', () => {
    expect(condition('test.contains("a")').evaluate({})).toBeNull();
  });

  it('when the same condition is evaluated for many tokens, then it is compiled once', () => {
    expect(condition('test.contains("b")')).toBe(condition('test.contains("b")'));
  });
});
