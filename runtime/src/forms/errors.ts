/** Typed errors of the forms module. */
import type { DefinitionProblem } from './types.ts';

/**
 * A stored form version that fails the publish-time checks reached submission validation
 * (e.g. it was written before the policy existed or bypassed publishing). This is a server
 * fault, not a user error: the submission is not validated and nothing may be written.
 */
export class FormDefinitionError extends Error {
  readonly code = 'form.definitionInvalid';
  readonly problems: DefinitionProblem[];

  constructor(problems: DefinitionProblem[]) {
    super(`Form definition rejected: ${problems.map((problem) => `${problem.path} ${problem.code}`).join('; ')}`);
    this.name = 'FormDefinitionError';
    this.problems = problems;
  }
}
