import { upstreamError, type GatewayError, type UpstreamErrorFacts } from 'aisbf';
import type { AnthropicErrorBody } from './wire.js';

/**
 * The HTTP status that goes with each Anthropic error type, for errors that
 * arrive as `event: error` inside a stream answered with 200.
 */
const STATUS_OF_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const KIND_OF_TYPE: Record<string, UpstreamErrorFacts['kind']> = {
  overloaded_error: 'overloaded',
  rate_limit_error: 'rate_limit',
  authentication_error: 'auth',
  not_found_error: 'not_found',
  timeout_error: 'timeout',
};

/**
 * An Anthropic error answer (or stream error event) → the gateway's error
 * (WIRE-FORMATS §8.2): 529/`overloaded_error` → 503 `overloaded`, 429 keeps
 * `retry-after`, a spend-limit 429 is `insufficient_quota` (not retried),
 * context-length messages → `context_length_exceeded`. The upstream message
 * is kept verbatim.
 *
 * @example anthropicError(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, {})
 * // → GatewayError 503 { type: 'server_error', code: 'overloaded', message: 'Overloaded' }
 */
export function anthropicError(
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  provider?: string,
): GatewayError {
  const e = errorOf(body);
  const type = e?.type ?? '';
  const message = e?.message
    ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : `Anthropic answered HTTP ${status}`);
  const spendLimit = e?.details?.error_code === 'enforced_spend_limit_reached';
  return upstreamError({
    status,
    message,
    kind: spendLimit ? 'quota' : KIND_OF_TYPE[type],
    code: type === 'request_too_large' ? 'request_too_large' : null,
    headers,
    provider,
  });
}

/** A stream's `event: error` (after HTTP 200) → the same error an HTTP answer of that type would give. */
export function anthropicStreamError(data: unknown, provider?: string): GatewayError {
  const type = errorOf(data)?.type ?? 'api_error';
  return anthropicError(STATUS_OF_TYPE[type] ?? 500, data, {}, provider);
}

function errorOf(body: unknown): AnthropicErrorBody['error'] | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const e = (body as Partial<AnthropicErrorBody>).error;
  return typeof e === 'object' && e !== null ? e : undefined;
}
