import { upstreamError, type GatewayError, type UpstreamErrorFacts } from 'aisbf';
import type { GeminiErrorBody } from './wire.js';

const KIND_OF_STATUS: Record<string, UpstreamErrorFacts['kind']> = {
  RESOURCE_EXHAUSTED: 'rate_limit',
  UNAVAILABLE: 'overloaded',
  DEADLINE_EXCEEDED: 'timeout',
  UNAUTHENTICATED: 'auth',
  NOT_FOUND: 'not_found',
};

/** `"37s"` / `"1.5s"` (a protobuf Duration in JSON) → whole seconds, rounded up. */
const DURATION = /^(\d+(?:\.\d+)?)s$/;

/**
 * A Gemini error answer (or stream error event) → the gateway's error
 * (WIRE-FORMATS §8.2): `RESOURCE_EXHAUSTED` → 429 with `retry-after` (from the
 * header, or from the body's `RetryInfo.retryDelay`), `UNAVAILABLE` → 503
 * `overloaded`, `DEADLINE_EXCEEDED` → 504, an invalid API key (which Gemini
 * answers with 400) → 401, the input-token-count message → `context_length_exceeded`.
 *
 * @example geminiError(429, { error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded',
 *   details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '37s' }] } }, {})
 * // → GatewayError 429 rate_limit_exceeded, headers { 'retry-after': '37' }
 */
export function geminiError(
  status: number,
  body: unknown,
  headers: Record<string, string | string[] | undefined>,
  provider?: string,
): GatewayError {
  const e = errorOf(body);
  const message = e?.message
    ?? (typeof body === 'string' && body.trim() ? body.trim().slice(0, 500) : `Gemini answered HTTP ${status}`);
  const keyInvalid = e?.details?.some((d) => d.reason === 'API_KEY_INVALID');
  const delay = e?.details?.map((d) => DURATION.exec(d.retryDelay ?? '')).find(Boolean);
  const withRetry = delay && headers['retry-after'] === undefined
    ? { ...headers, 'retry-after': String(Math.ceil(Number(delay[1]))) }
    : headers;
  return upstreamError({
    status,
    message,
    kind: keyInvalid ? 'auth' : KIND_OF_STATUS[e?.status ?? ''],
    headers: withRetry,
    provider,
  });
}

/** An `{"error":…}` event inside a stream answered with 200 → the error an HTTP answer with that code would give. */
export function geminiStreamError(data: unknown, provider?: string): GatewayError {
  const code = errorOf(data)?.code;
  return geminiError(typeof code === 'number' && code >= 400 ? code : 500, data, {}, provider);
}

/** True for a stream event that is an error rather than a response. */
export function isErrorEvent(data: unknown): boolean {
  return errorOf(data) !== undefined;
}

/** The error object of either shape Gemini uses: `{error}` or `[{error}]`. */
function errorOf(body: unknown): GeminiErrorBody['error'] | undefined {
  const one = Array.isArray(body) ? body[0] : body;
  if (typeof one !== 'object' || one === null) return undefined;
  const e = (one as Partial<GeminiErrorBody>).error;
  return typeof e === 'object' && e !== null ? e : undefined;
}

/**
 * A prompt Gemini refused (HTTP 200, no candidates, `promptFeedback.blockReason`)
 * → 400 `content_filter`, so clients see a clear refusal instead of an empty answer.
 */
export function blockedPromptError(feedback: { blockReason?: string; blockReasonMessage?: string }, provider?: string): GatewayError {
  const detail = feedback.blockReasonMessage ? `: ${feedback.blockReasonMessage}` : '';
  return upstreamError({ status: 400, kind: 'content_filter', message: `Gemini blocked the prompt (blockReason ${feedback.blockReason})${detail}`, provider });
}
