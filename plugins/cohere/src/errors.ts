import { upstreamError, type GatewayError } from 'aisbf';
import type { CohereErrorBody } from './wire.js';

/**
 * Cohere error (`{"message":…}`, or plain text) → client error per
 * WIRE-FORMATS §8.2. Cohere's own statuses: 498 (invalid token) is an auth
 * failure; 499 (request cancelled) did not come from our client, so it is
 * treated as an upstream failure another try may fix.
 */
export function cohereError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>, provider?: string): GatewayError {
  const b = (typeof body === 'object' && body !== null ? body : {}) as CohereErrorBody;
  const message = typeof b.message === 'string' && b.message
    ? b.message
    : typeof body === 'string' && body ? body.slice(0, 500) : `Cohere answered HTTP ${status}`;
  if (status === 498) return upstreamError({ status: 401, message, kind: 'auth', headers, provider });
  if (status === 499) return upstreamError({ status: 502, message, headers, provider });
  return upstreamError({ status, message, headers, provider });
}
