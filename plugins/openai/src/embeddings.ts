import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type EmbeddingsRequest, type EmbeddingsResponse, type ProviderTarget, type UpstreamRequest,
} from 'aisbf';
import { openAIHeaders } from './chat.js';
import type { OpenAIOptions } from './wire.js';

export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget<OpenAIOptions>): UpstreamRequest {
  return { path: '/embeddings', headers: openAIHeaders(target.config), body: { ...req, model: target.model } };
}

export function embeddingsResponse(body: unknown, target: ProviderTarget<OpenAIOptions>): EmbeddingsResponse {
  const res = body as EmbeddingsResponse;
  if (typeof res !== 'object' || res === null || !Array.isArray(res.data)) {
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'an embeddings answer without a data array');
  }
  res.usage ??= { prompt_tokens: 0, total_tokens: 0 };
  return res;
}
