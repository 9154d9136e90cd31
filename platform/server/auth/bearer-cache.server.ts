/**
 * What a bearer token resolved to, kept for a few seconds. Integrators call the API in bursts;
 * without this every call costs a token⋈user query before any work is done. Freshness:
 * revoking a token, and every change that bumps a person's auth_version (roles, memberships,
 * status, organisation tree), drops the affected entries in this process at once and, through
 * the ClusterBus, in the other worker processes of this deployment right after; app processes
 * on other machines sharing a PostgreSQL database see the change when their entry expires, so
 * `API_TOKEN_CACHE_SECONDS` bounds how long a revoked token can still be used there
 * (0 turns the cache off). Keyed by the token's hash: the raw secret is never stored.
 */
import type { ClusterBus } from '../cluster/bus.server.ts';

export interface BearerEntry {
  readonly tokenId: string;
  readonly expiresAt: Date;
  readonly scopes: string[] | null;
  readonly user: { id: string; tenantId: string; username: string; displayName: string; authVersion: number };
}

const MAX_ENTRIES = 10_000;
const FORGET_CHANNEL = 'auth.bearers.forget';

type ForgetMatch = { tokenId?: string; userIds?: readonly string[]; tenantId?: string };

export class BearerCache {
  private readonly entries = new Map<string, { entry: BearerEntry; until: number }>();

  constructor(private readonly ttlMs: number, private readonly bus?: ClusterBus) {
    bus?.subscribe(FORGET_CHANNEL, (payload) => this.forgetHere(payload as ForgetMatch));
  }

  get(tokenHash: string, nowMs: number): BearerEntry | undefined {
    const hit = this.entries.get(tokenHash);
    if (!hit) return undefined;
    if (hit.until > nowMs && hit.entry.expiresAt.getTime() > nowMs) return hit.entry;
    this.entries.delete(tokenHash);
    return undefined;
  }

  set(tokenHash: string, entry: BearerEntry, nowMs: number): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(tokenHash, { entry, until: nowMs + this.ttlMs });
  }

  /** Forgets one token (revoked) or every token of some people (auth_version bumped). */
  forget(match: ForgetMatch): void {
    if (this.bus) this.bus.publish(FORGET_CHANNEL, { ...match, userIds: match.userIds ? [...match.userIds] : undefined });
    else this.forgetHere(match);
  }

  private forgetHere(match: ForgetMatch): void {
    for (const [hash, { entry }] of this.entries) {
      if (
        entry.tokenId === match.tokenId ||
        (match.userIds && match.userIds.includes(entry.user.id)) ||
        (match.tenantId !== undefined && !match.userIds && entry.user.tenantId === match.tenantId)
      ) this.entries.delete(hash);
    }
  }
}
