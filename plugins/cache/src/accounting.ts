import type { RequestContext, Usage } from 'aisbf';
import type { ServedBy } from './cache-store.js';

/** Why the cache stayed out of a request. */
export type BypassReason =
  /** `x-aisbf-cache: no-store` or `Cache-Control: no-store`: neither looked up nor stored. */
  | 'no-store'
  /** `x-aisbf-cache: no-cache` or `Cache-Control: no-cache`: not looked up, the fresh answer is stored. */
  | 'no-cache'
  /** The route has `cache: false`. */
  | 'route-disabled'
  /** The shared state (Redis) failed or was too slow; the request went to the provider. */
  | 'state-unavailable'
  /** The cache itself failed on this request (logged); the request went to the provider. */
  | 'error';

/**
 * What the cache leaves in `ctx.locals.cache` for observers (logs, metrics,
 * the usage ledger). On a hit no provider was called: the request's cost is
 * zero, and `savedUsage` priced at `savedFrom`'s rates is what it saved.
 * Core still reports the stored usage as `ctx.usage` (the client sees it in
 * the answer), so an observer that prices `ctx.usage` must check `hit` first.
 *
 * @example
 * observe: { response(ctx) {
 *   const c = cacheLocals(ctx);
 *   const cost = c?.hit ? 0 : price(ctx.served, ctx.usage);
 *   const saved = c?.hit && c.savedFrom ? price(c.savedFrom, c.savedUsage) : 0;
 * } }
 */
export interface CacheLocals {
  outcome: 'hit' | 'miss' | 'bypass';
  /** Shorthand for `outcome === 'hit'`. */
  hit: boolean;
  /** Set when `outcome` is `bypass`. */
  reason?: BypassReason;
  /** A hit that came from an identical request in flight rather than from the store. */
  coalesced?: boolean;
  /** Seconds since the answer was stored (the `age` header). */
  ageSeconds?: number;
  /** The usage the provider reported when it produced the answer: what a hit did not pay for. */
  savedUsage?: Usage | { prompt_tokens: number; total_tokens: number };
  /** The provider and upstream model that produced the answer, to price `savedUsage`. */
  savedFrom?: ServedBy;
}

/** The cache's record for a request, if the cache took part in it. */
export function cacheLocals(ctx: Pick<RequestContext, 'locals'>): CacheLocals | undefined {
  const v = ctx.locals.cache;
  return typeof v === 'object' && v !== null && 'outcome' in v ? (v as CacheLocals) : undefined;
}
