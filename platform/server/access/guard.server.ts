/** Permission checks used by every service before it touches data. */
import type { Actor } from '../app.server.ts';
import type { Action, SubjectName } from '../../shared/domain.ts';
import { AppError } from '../errors.server.ts';
import { subjectOf } from './ability.server.ts';

/** Throws 403 unless the actor may `action` the subject (type-level, or on `record` when given). */
export function assertCan(actor: Actor, action: Action, subjectName: SubjectName, record?: Record<string, unknown>, field?: string): void {
  const ability = actor.principal.ability;
  const allowed = record ? ability.can(action, subjectOf(subjectName, record), field) : ability.can(action, subjectName, field);
  if (!allowed) throw new AppError('forbidden');
}

/** `actor` may be any principal's holder, e.g. a person a task is being assigned to. */
export function can(actor: Pick<Actor, 'principal'>, action: Action, subjectName: SubjectName, record?: Record<string, unknown>): boolean {
  const ability = actor.principal.ability;
  return record ? ability.can(action, subjectOf(subjectName, record)) : ability.can(action, subjectName);
}
