import type { BackoffOptions } from './options.js';

/**
 * The wait before retry number `retry` (1 for the first retry) on the same
 * candidate: full jitter, a uniform draw in [0, min(maxMs, baseMs·2^(retry-1))),
 * so clients that failed together do not come back together. When the
 * upstream named a wait (`retry-after`), that wait is the floor: asking again
 * sooner would only be refused again.
 *
 * Returns `undefined` when the upstream asked for more than `maxRetryAfterMs`:
 * waiting that long on one candidate is worse than moving to the next.
 *
 * @example backoffDelay(3, { baseMs: 100, maxMs: 2000, maxRetryAfterMs: 5000 }) // somewhere in [0, 400)
 * @example backoffDelay(1, opts, 1500)                                          // 1500 or a little more, never less
 */
export function backoffDelay(
  retry: number,
  o: Required<BackoffOptions>,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > o.maxRetryAfterMs) return undefined;
  // Cap the exponent so 2^n stays finite for absurd retry counts.
  const ceiling = Math.min(o.maxMs, o.baseMs * 2 ** Math.min(Math.max(0, retry - 1), 30));
  const jittered = random() * ceiling;
  return retryAfterMs === undefined ? jittered : Math.max(retryAfterMs, jittered);
}
