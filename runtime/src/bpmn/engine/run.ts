/**
 * Moves tokens until every one of them rests: at a wait state, at a join, or consumed.
 */
import type { Context, Step } from './context.ts';
import { enterActivity } from './activities.ts';
import { EngineRuntimeError } from './errors.ts';
import { arriveAtEvent } from './events.ts';
import { arriveAtGateway, fireReadyInclusiveJoin } from './gateways.ts';
import { requireNode } from './model-index.ts';
import { completeScope } from './scopes.ts';
import { executionsIn } from './state.ts';

/** Far above any real process step; only a loop without a wait state gets here. */
const STEP_LIMIT = 100_000;

export function run(ctx: Context): void {
  let steps = 0;
  for (;;) {
    let step: Step | undefined;
    while ((step = ctx.next()) !== undefined) {
      if (++steps > STEP_LIMIT) throw new EngineRuntimeError('STEP_LIMIT_EXCEEDED', { limit: STEP_LIMIT });
      arrive(ctx, step);
      if (ctx.draft.status !== 'active') return;
    }
    if (fireReadyInclusiveJoin(ctx)) continue;
    if (!completeIdleScopes(ctx)) return;
    if (ctx.draft.status !== 'active') return;
  }
}

function arrive(ctx: Context, step: Step): void {
  const node = requireNode(ctx.model, step.nodeId);
  switch (node.kind) {
    case 'startEvent':
    case 'endEvent':
    case 'intermediateCatchEvent':
    case 'intermediateThrowEvent':
      arriveAtEvent(ctx, node, step);
      return;
    case 'exclusiveGateway':
    case 'parallelGateway':
    case 'inclusiveGateway':
    case 'eventBasedGateway':
      arriveAtGateway(ctx, node, step);
      return;
    case 'boundaryEvent':
      // Boundary events are entered by their trigger, never by a sequence flow.
      return;
    default:
      enterActivity(ctx, node, step);
  }
}

/** Completes the scope instances that lost their last token; reports whether any did. */
function completeIdleScopes(ctx: Context): boolean {
  if (ctx.scopesToCheck.size === 0) return false;
  const candidates = [...ctx.scopesToCheck];
  ctx.scopesToCheck.clear();
  let completed = false;
  for (const scopeId of candidates) {
    if (ctx.draft.scopes[scopeId] === undefined || executionsIn(ctx.draft, scopeId).length > 0) continue;
    completeScope(ctx, scopeId);
    completed = true;
    if (ctx.draft.status !== 'active') break;
  }
  return completed;
}
