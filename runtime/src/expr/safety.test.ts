/**
 * The language must never run user text as JavaScript (ARCHITECTURE.md: "never eval or new
 * Function on user text") nor reach JavaScript internals through property access.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compile } from './compile.ts';

const EXPR_ROOT = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const DYNAMIC_CODE = [/\beval\s*\(/, /\bnew\s+Function\b/, /\bFunction\s*\(/, /\bsetTimeout\s*\(\s*['"`]/, /\bimport\s*\(/, /\bconstructor\s*\(\s*['"`]/];

describe('given the expression language source', () => {
  const files = sourceFiles(EXPR_ROOT);

  it('when the folder is scanned, then its source files are found (the scan is not vacuous)', () => {
    expect(files.map((file) => path.relative(EXPR_ROOT, file))).toEqual(expect.arrayContaining(['compile.ts', 'parser.ts', path.join('functions', 'registry.ts')]));
  });

  it('when every source file is scanned, then none uses eval, the Function constructor or dynamic import', () => {
    const offenders = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return DYNAMIC_CODE.filter((pattern) => pattern.test(text)).map((pattern) => `${path.relative(EXPR_ROOT, file)}: ${pattern}`);
    });
    expect(offenders).toEqual([]);
  });

  it('when the scanner sees eval in a sample, then it flags it (the patterns work)', () => {
    expect(DYNAMIC_CODE.some((pattern) => pattern.test('const f = new Function("return 1")'))).toBe(true);
    expect(DYNAMIC_CODE.some((pattern) => pattern.test('eval (code)'))).toBe(true);
  });
});

describe('given expressions that try to reach JavaScript internals', () => {
  it.each([
    ['x.constructor', { x: {} }],
    ['x["__proto__"]', { x: {} }],
    ['x.__proto__', { x: {} }],
    ['x["constructor"]', { x: {} }],
    ['toString', {}],
    ['constructor', {}],
    ['hasOwnProperty', {}],
  ])('when %j is evaluated, then it yields null (own properties only)', (source, variables) => {
    expect(compile(source).evaluate(variables)).toBeNull();
  });

  it('when a text value is asked for its constructor, then it is a type error, not a function', () => {
    expect(() => compile('s.constructor').evaluate({ s: 'abc' })).toThrow(expect.objectContaining({ code: 'runtimeType' }));
  });

  it('when a function-like name is called that is not registered, then compile refuses it', () => {
    expect(() => compile('x.constructor("return 1")').evaluate({ x: {} })).toThrow(expect.objectContaining({ code: 'unknownFunction' }));
    expect(() => compile('eval("1")')).toThrow(expect.objectContaining({ code: 'unknownFunction' }));
  });
});
