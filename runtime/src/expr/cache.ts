/**
 * Compile cache: callers that evaluate the same expressions repeatedly (gateway conditions per
 * step, alarm rules per reading) compile each (environment, expected type, source) once.
 * Bounded per environment (least recently used entries are dropped); environments are held
 * weakly, so a retired definition's environment and its entries can be collected.
 */
import { compile, type CompileOptions, type CompiledExpression } from './compile.ts';
import { expectedTypes } from './checker.ts';
import { OPEN_ENVIRONMENT, type Environment } from './environment.ts';
import { formatType } from './types.ts';

export interface CompileCache {
  /** The compiled expression, compiling on first use. Throws `ExprError` like `compile`. */
  get(source: string, options?: CompileOptions): CompiledExpression;
  clear(): void;
}

export function createCompileCache(options: { readonly maxEntriesPerEnvironment?: number } = {}): CompileCache {
  const limit = options.maxEntriesPerEnvironment ?? 1000;
  let byEnvironment = new WeakMap<Environment, Map<string, CompiledExpression>>();
  return {
    get(source, compileOptions = {}) {
      const environment = compileOptions.environment ?? OPEN_ENVIRONMENT;
      let entries = byEnvironment.get(environment);
      if (entries === undefined) {
        entries = new Map();
        byEnvironment.set(environment, entries);
      }
      const expected = expectedTypes(compileOptions.expectedType).map(formatType).join('|');
      const key = `${expected}\u0000${source}`;
      const hit = entries.get(key);
      if (hit !== undefined) {
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      const compiled = compile(source, { ...compileOptions, environment });
      entries.set(key, compiled);
      if (entries.size > limit) entries.delete(entries.keys().next().value!);
      return compiled;
    },
    clear() {
      byEnvironment = new WeakMap();
    },
  };
}
