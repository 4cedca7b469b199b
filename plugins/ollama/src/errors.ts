import { upstreamError, type GatewayError } from 'aisbf';
import type { OllamaChatResponse } from './wire.js';

/** "model 'x' not found, try pulling it first": a missing model, whatever the status. */
const MODEL_NOT_FOUND = /model\s+["']?[^"']*["']?\s+not found/i;

/**
 * Ollama error (`{"error":"…"}`, or plain text) → client error per
 * WIRE-FORMATS §8.2. Also used for `{"error":…}` lines inside a stream,
 * which arrive under HTTP 200 and are passed here as a 500.
 */
export function ollamaError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>, provider?: string): GatewayError {
  const e = typeof body === 'object' && body !== null ? (body as OllamaChatResponse).error : undefined;
  const message = typeof e === 'string' && e ? e
    : typeof e === 'object' && e !== null && typeof e.message === 'string' ? e.message
    : typeof body === 'string' && body ? body.slice(0, 500) : `Ollama answered HTTP ${status}`;
  return upstreamError({ status, message, headers, provider, kind: MODEL_NOT_FOUND.test(message) ? 'not_found' : undefined });
}
