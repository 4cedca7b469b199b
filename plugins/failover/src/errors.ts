import { AISBF_ERR_NO_ROUTE, AISBF_ERR_UPSTREAM_AUTH, AISBF_ERR_UPSTREAM_TIMEOUT, type Candidate, type GatewayError } from 'aisbf';

/**
 * Every candidate was refused by its breaker: a 503 that says when to come
 * back, instead of hammering providers that are known to be down.
 */
export function allBreakersOpen(model: string, skipped: Array<{ candidate: Candidate; retryInMs: number }>): GatewayError {
  const wait = Math.min(...skipped.map((s) => s.retryInMs));
  const names = skipped.map((s) => `${s.candidate.provider}/${s.candidate.model}`).join(', ');
  const err = AISBF_ERR_NO_ROUTE(model, `every candidate is cooling down after repeated failures (circuit breaker open: ${names}); the next probe is in ${Math.ceil(wait / 1000)} s.`);
  err.headers['retry-after'] = String(Math.max(1, Math.ceil(wait / 1000)));
  err.retryAfterMs = wait;
  return err;
}

/** The deadline across all attempts passed. */
export function deadlinePassed(provider: string, totalMs: number, attempts: number): GatewayError {
  return AISBF_ERR_UPSTREAM_TIMEOUT(provider, `total deadline of ${totalMs} ms across ${attempts} attempt${attempts === 1 ? '' : 's'}`);
}

/** An attempt produced no first token (or no JSON answer) in time. */
export function ttftPassed(provider: string, ttftMs: number): GatewayError {
  return AISBF_ERR_UPSTREAM_TIMEOUT(provider, `no first token within ${ttftMs} ms`);
}

/** The last candidate refused the gateway's own credentials (401/403): the operator's config is at fault, not the client's key. */
export function upstreamAuth(cause: GatewayError): GatewayError {
  return AISBF_ERR_UPSTREAM_AUTH(cause.provider ?? 'upstream', cause);
}
