import type { RequestContext } from 'aisbf';

/**
 * What a client asked the cache to do for one request:
 * - `default`: look up, and store a fresh answer;
 * - `no-cache`: skip the lookup (always ask the provider) but store the answer;
 * - `no-store`: neither look up nor store.
 */
export type CacheDirective = 'default' | 'no-cache' | 'no-store';

/**
 * Reads the client's cache directive from `x-aisbf-cache` and the standard
 * `Cache-Control` header, which are honoured the same way. When both say
 * something, the stricter wins (`no-store` over `no-cache`), as in HTTP.
 *
 * @example directive({ headers: { 'cache-control': 'no-cache, max-age=0' } }) // 'no-cache'
 */
export function directive(ctx: Pick<RequestContext, 'headers'>): CacheDirective {
  let found: CacheDirective = 'default';
  for (const name of ['x-aisbf-cache', 'cache-control']) {
    const raw = ctx.headers[name];
    if (raw === undefined) continue;
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      // A header value may list several directives ("no-cache, max-age=0").
      for (const token of value.split(',')) {
        const t = token.trim().toLowerCase();
        if (t === 'no-store') return 'no-store';
        if (t === 'no-cache') found = 'no-cache';
      }
    }
  }
  return found;
}
