/**
 * What a user task announces when it is created: who may work on it and when it is due.
 *
 * Due dates (`tg:dueDate`):
 * - a number is a time limit in WORKING hours counted with `deps.calendar` (holidays and 调休
 *   respected); without a calendar it is counted in calendar hours, so tests and simple
 *   deployments still get a deadline;
 * - an ISO 8601 duration (`PT4H`, `P2D`) or a duration value is elapsed calendar time;
 * - a datetime (ISO text or a datetime value) is the deadline itself.
 */
import type { UserTaskNode } from '../model.ts';
import type { JsonValue, ResolvedAssignment } from './contract.ts';
import type { Context } from './context.ts';
import { EngineRuntimeError } from './errors.ts';
import { evaluateTemporal, evaluateValue } from './expressions.ts';
import { addIsoDuration, isIsoDateTime, isIsoDuration, parseInstant } from './time.ts';

const HOUR = 3_600_000;

export function resolveAssignment(ctx: Context, node: UserTaskNode, scopeId: string): ResolvedAssignment {
  const { assignment } = node;
  const assignee = assignment.assignee === undefined ? undefined : asText(evaluateValue(ctx, assignment.assignee, node.id, scopeId));
  const organisations =
    assignment.candidateOrganisations === undefined
      ? []
      : asTextList(evaluateValue(ctx, assignment.candidateOrganisations, node.id, scopeId));
  return {
    ...(assignee === undefined ? {} : { assignee }),
    candidateRoles: assignment.candidateRoles,
    candidatePositions: assignment.candidatePositions,
    candidateOrganisations: organisations,
  };
}

export function resolvePriority(ctx: Context, node: UserTaskNode, scopeId: string): JsonValue | undefined {
  return node.priority === undefined ? undefined : evaluateValue(ctx, node.priority, node.id, scopeId);
}

export function resolveDueAt(ctx: Context, node: UserTaskNode, scopeId: string): string | undefined {
  if (node.dueDate === undefined) return undefined;
  const source = node.dueDate.trim();
  const now = ctx.deps.now;
  const fromText = (text: string): Date | undefined =>
    isIsoDuration(text) ? addIsoDuration(now, text) : isIsoDateTime(text) ? parseInstant(text) : undefined;

  let due = isIsoDuration(source) || isIsoDateTime(source) ? fromText(source) : undefined;
  if (due === undefined) {
    const value = evaluateTemporal(ctx, source, node.id, scopeId);
    switch (value.kind) {
      case 'number':
        due = Number.isFinite(value.value) && value.value >= 0 ? addWorkingHours(ctx, value.value) : undefined;
        break;
      case 'duration':
        due = new Date(now.getTime() + value.millis);
        break;
      case 'instant':
        due = value.value;
        break;
      case 'text':
        due = fromText(value.value.trim());
        break;
      default:
        due = undefined;
    }
  }
  if (due === undefined || Number.isNaN(due.getTime())) {
    throw new EngineRuntimeError('INVALID_DUE_DATE', { value: source }, node.id);
  }
  return due.toISOString();
}

function addWorkingHours(ctx: Context, hours: number): Date {
  const { calendar, now } = ctx.deps;
  return calendar === undefined ? new Date(now.getTime() + hours * HOUR) : calendar.addWorkingHours(now, hours);
}

function asText(value: JsonValue): string | undefined {
  if (value === null || value === '') return undefined;
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : JSON.stringify(value);
}

function asTextList(value: JsonValue): string[] {
  if (Array.isArray(value)) return value.map(asText).filter((item): item is string => item !== undefined);
  const single = asText(value);
  if (single === undefined) return [];
  // A comma-separated text is a list too (`"org-1,org-2"`), as in the tg: list attributes.
  return single
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}
