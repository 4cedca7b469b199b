import { upstreamError, type GatewayError } from 'aisbf';
import type { FlatErrorBody, OpenAIErrorEnvelope } from './wire.js';

/**
 * Maps an OpenAI-shaped error (either envelope, or the flat vLLM one, or plain
 * text) to the gateway's error, keeping the upstream message.
 */
export function openAIError(status: number, body: unknown, headers: Record<string, string | string[] | undefined>, provider?: string): GatewayError {
  const e = errorFields(body);
  const message = e.message ?? (typeof body === 'string' && body ? body.slice(0, 500) : `upstream answered HTTP ${status}`);
  return upstreamError({
    status,
    message,
    // An integer code (vLLM) only repeats the status: drop it.
    code: typeof e.code === 'string' && !/^\d+$/.test(e.code) ? e.code : (e.type === 'insufficient_quota' ? 'insufficient_quota' : null),
    param: e.param ?? null,
    headers,
    provider,
  });
}

function errorFields(body: unknown): { message?: string; type?: string | null; param?: string | null; code?: string | number | null } {
  if (typeof body !== 'object' || body === null) return {};
  const env = body as OpenAIErrorEnvelope;
  if (typeof env.error === 'object' && env.error !== null) return env.error;
  if (typeof env.error === 'string') return { message: env.error };
  const flat = body as FlatErrorBody;
  return { message: flat.message, type: flat.type, param: flat.param, code: flat.code };
}

/** True for a stream event that is an error (`data: {"error":…}`), as OpenAI and vLLM send mid-stream. */
export function isErrorEvent(data: unknown): boolean {
  return typeof data === 'object' && data !== null && 'error' in data && !('choices' in data);
}
