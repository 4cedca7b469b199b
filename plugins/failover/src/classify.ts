import { isGatewayError } from 'aisbf';

/**
 * What one failed attempt means for the rest of the request:
 *
 * - `retry`: a transient upstream failure (429, 5xx, 529, timeouts, a reset or
 *   cut connection before the first token). Trying again, here or elsewhere,
 *   may help; it counts against the provider's breaker.
 * - `next`: the provider cannot serve anyone right now (401/403: misconfigured
 *   key; `insufficient_quota`: the account's money ran out). Retrying it is
 *   pointless, another candidate may work; it counts against the breaker.
 * - `final`: the request itself is at fault (400/404/413/422, context length,
 *   content filter). Every candidate would say the same: answer it as is.
 */
export type Outcome = 'retry' | 'next' | 'final';

/** Statuses that mean "the provider is struggling", whatever the adapter said about retrying. */
const TRANSIENT_STATUS = new Set([408, 425, 429, 500, 502, 503, 504, 529]);
/** Codes for an account that cannot pay: a 429 that waiting does not cure. */
const QUOTA_CODES = new Set(['insufficient_quota', 'enforced_spend_limit_reached', 'billing_hard_limit_reached']);

/**
 * Classifies the error an attempt rejected with.
 *
 * @example classify(upstreamError({ status: 529, message: 'Overloaded' })) // 'retry'
 * @example classify(upstreamError({ status: 401, message: 'bad key' }))     // 'next'
 * @example classify(upstreamError({ status: 400, message: 'bad input' }))  // 'final'
 */
export function classify(err: unknown): Outcome {
  // Anything that is not a catalogued error came from a broken adapter or
  // runtime: the provider path failed, not the request.
  if (!isGatewayError(err)) return 'next';
  if ((err.code !== null && QUOTA_CODES.has(err.code)) || err.type === 'insufficient_quota') return 'next';
  if (err.status === 401 || err.status === 403 || err.status === 402) return 'next';
  // An adapter may build its own error without `retryable`: an upstream's
  // transient status still means "try again".
  if (err.retryable || (err.provider !== undefined && TRANSIENT_STATUS.has(err.status))) return 'retry';
  // A non-retryable 5xx (e.g. a provider the config names but no plugin serves)
  // is the gateway's or provider's problem; another candidate may still work.
  if (err.status >= 500) return 'next';
  return 'final';
}
