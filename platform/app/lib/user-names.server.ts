/**
 * Display names for user ids recorded on rows (createdBy, publishedBy). Only people the actor may
 * read are named; the others keep their id, as the API would show them.
 */
import type { App, Actor } from '../../server/app.server.ts';
import { AppError } from '../../server/errors.server.ts';
import { getUser } from '../../server/services/users.server.ts';

export async function userNames(app: App, actor: Actor, ids: readonly (string | null | undefined)[]): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  if (!actor.principal.ability.can('read', 'User')) return names;
  for (const id of new Set(ids.filter((i): i is string => Boolean(i)))) {
    try {
      const user = await getUser(app, actor, id);
      if (user.displayName) names[id] = user.displayName;
    } catch (error) {
      // Outside the actor's data scope, or since removed: the id stays as it is.
      if (!(error instanceof AppError)) throw error;
    }
  }
  return names;
}
