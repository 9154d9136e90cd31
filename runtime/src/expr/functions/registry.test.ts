import { describe, expect, it } from 'vitest';
import { compile } from '../compile.ts';
import { createEnvironment } from '../environment.ts';
import { t } from '../types.ts';
import { BUILTIN_FUNCTIONS, builtinRegistry, createDefaultRegistry } from './builtins.ts';
import { createFunctionRegistry, type FunctionDefinition } from './registry.ts';

const gridLevel: FunctionDefinition = {
  name: 'GRID_LEVEL',
  category: 'plugin',
  description: { 'zh-CN': '网格编码的层级', en: 'Level of a grid code' },
  signatures: [{ params: [{ name: 'code', type: t.string }], returns: t.number }],
  evaluate: ([code]) => String(code).split('-').length,
};

describe('given the function registry', () => {
  it('when a plugin registers a function, then expressions can call it case-insensitively and as a method', () => {
    const registry = createDefaultRegistry();
    registry.register(gridLevel);
    const environment = createEnvironment({ open: true, functions: registry });
    expect(compile('grid_level("A-B-C") + code.Grid_Level()', { environment }).evaluate({ code: 'X-Y' })).toBe(5);
  });

  it('when a name is registered twice, then the second registration is rejected', () => {
    const registry = createDefaultRegistry();
    expect(() => registry.register({ ...gridLevel, name: 'ROUND' })).toThrow(expect.objectContaining({ code: 'duplicateFunction', params: { name: 'ROUND' } }));
  });

  it('when two plugins pick the same name, then the later one fails loudly', () => {
    const registry = createFunctionRegistry([gridLevel]);
    expect(() => registry.register({ ...gridLevel })).toThrow(expect.objectContaining({ code: 'duplicateFunction' }));
  });

  it('when lookups use any case, then the same definition is found', () => {
    expect(builtinRegistry.get('add_working_hours')).toBe(builtinRegistry.get('ADD_WORKING_HOURS'));
  });

  it.each([
    [{ ...gridLevel, name: 'gridLevel' }, 'UPPER_SNAKE'],
    [{ ...gridLevel, name: 'GRID__LEVEL' }, 'UPPER_SNAKE'],
    [{ ...gridLevel, description: { 'zh-CN': '', en: 'x' } }, 'description'],
    [{ ...gridLevel, signatures: [] }, 'signature'],
    [{ ...gridLevel, signatures: [{ params: [{ name: 'a', type: t.any, variadic: true }, { name: 'b', type: t.any }], returns: t.any }] }, 'variadic'],
    [{ ...gridLevel, signatures: [{ params: [{ name: 'a', type: t.any, optional: true }, { name: 'b', type: t.any }], returns: t.any }] }, 'optional'],
    [{ ...gridLevel, signatures: [{ params: [{ name: 'a' }], returns: t.any }] }, 'type or a lambda'],
    [{ ...gridLevel, evaluateLazy: () => null }, 'exactly one'],
  ] as const)('when a definition is malformed (%#), then registration fails mentioning %s', (definition, reason) => {
    const registry = createFunctionRegistry();
    expect(() => registry.register(definition as FunctionDefinition)).toThrow(
      expect.objectContaining({ code: 'invalidFunctionDefinition', params: expect.objectContaining({ reason: expect.stringContaining(reason) }) }),
    );
  });

  it('when someone registers into the shared built-in registry, then it is refused', () => {
    expect(() => builtinRegistry.register(gridLevel)).toThrow(expect.objectContaining({ code: 'invalidFunctionDefinition' }));
    expect(builtinRegistry.get('GRID_LEVEL')).toBeUndefined();
  });

  it('when a registry is copied, then extending the copy leaves the original untouched', () => {
    const copy = builtinRegistry.copy();
    copy.register(gridLevel);
    expect(copy.get('GRID_LEVEL')).toBe(gridLevel);
    expect(builtinRegistry.get('GRID_LEVEL')).toBeUndefined();
  });

  it('when a plugin function throws, then the error becomes a positioned functionFailed ExprError', () => {
    const registry = createDefaultRegistry();
    registry.register({ ...gridLevel, evaluate: () => { throw new Error('boom'); } });
    const environment = createEnvironment({ open: true, functions: registry });
    expect(() => compile('1 + GRID_LEVEL("a")', { environment }).evaluate()).toThrow(
      expect.objectContaining({ code: 'functionFailed', start: 4, params: { name: 'GRID_LEVEL', reason: 'boom' } }),
    );
  });

  it('when a plugin function returns undefined or NaN, then the result is null', () => {
    const registry = createDefaultRegistry();
    registry.register({ ...gridLevel, name: 'NOTHING', evaluate: () => Number.NaN });
    expect(compile('NOTHING("a")', { environment: createEnvironment({ functions: registry }) }).evaluate()).toBeNull();
  });

  it('when the built-ins are listed, then every one has Chinese and English descriptions and an UPPER_SNAKE name', () => {
    expect(BUILTIN_FUNCTIONS.length).toBeGreaterThan(60);
    for (const definition of BUILTIN_FUNCTIONS) {
      expect(definition.name).toMatch(/^[A-Z][A-Z0-9_]*$/);
      expect(definition.description['zh-CN']).toMatch(/[\u4e00-\u9fff]/);
      expect(definition.description.en.length).toBeGreaterThan(3);
    }
  });

  it('when the required built-ins are looked up, then all exist', () => {
    const required = [
      'IF', 'COALESCE', 'IS_NULL', 'IS_BLANK', 'ABS', 'ROUND', 'FLOOR', 'CEIL', 'MIN', 'MAX', 'SUM', 'AVG', 'COUNT', 'DISTINCT',
      'COUNT_DISTINCT', 'RATIO', 'PERCENT', 'LEN', 'UPPER', 'LOWER', 'TRIM', 'CONTAINS', 'STARTS_WITH', 'ENDS_WITH', 'SUBSTR',
      'CONCAT', 'NOW', 'TODAY', 'DATE', 'DATETIME', 'YEAR', 'MONTH', 'DAY', 'HOUR', 'ADD_DAYS', 'ADD_HOURS', 'DAYS_BETWEEN',
      'HOURS_BETWEEN', 'HOURS', 'ADD_WORKING_HOURS', 'ADD_WORKING_DAYS', 'WORKING_HOURS_BETWEEN', 'IS_WORKING_DAY',
    ];
    expect(required.filter((name) => builtinRegistry.get(name) === undefined)).toEqual([]);
  });
});
