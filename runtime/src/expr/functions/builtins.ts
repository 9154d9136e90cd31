/** The built-in function set and the default registry. */
import { ExprError, NO_SPAN } from '../errors.ts';
import { aggregateFunctions } from './aggregate.ts';
import { datetimeFunctions } from './datetime.ts';
import { logicFunctions } from './logic.ts';
import { mathFunctions } from './math.ts';
import { createFunctionRegistry, type FunctionDefinition, type FunctionRegistry } from './registry.ts';
import { textFunctions } from './text.ts';
import { workingTimeFunctions } from './working-time.ts';

export const BUILTIN_FUNCTIONS: readonly FunctionDefinition[] = [
  ...logicFunctions,
  ...mathFunctions,
  ...aggregateFunctions,
  ...textFunctions,
  ...datetimeFunctions,
  ...workingTimeFunctions,
];

/** A new registry holding the built-ins; plugins register their functions into it at start-up. */
export function createDefaultRegistry(): FunctionRegistry {
  return createFunctionRegistry(BUILTIN_FUNCTIONS);
}

/**
 * The shared, read-only built-in registry (used by the default environment). To add functions,
 * register them into `createDefaultRegistry()` or `builtinRegistry.copy()`.
 */
export const builtinRegistry: FunctionRegistry = Object.freeze({
  ...createDefaultRegistry(),
  register(definition: FunctionDefinition): void {
    throw new ExprError('invalidFunctionDefinition', NO_SPAN, {
      name: String(definition.name),
      reason: 'the shared built-in registry is read-only; register into createDefaultRegistry() or builtinRegistry.copy()',
    });
  },
});
