import {
  AISBF_ERR_UNSUPPORTED, AISBF_ERR_UPSTREAM_PROTOCOL,
  type EmbeddingsRequest, type EmbeddingsResponse, type ProviderTarget, type UpstreamRequest,
} from 'aisbf';
import { ollamaHeaders } from './chat.js';
import type { OllamaEmbedRequest, OllamaEmbedResponse, OllamaOptions } from './wire.js';

/** Canonical embeddings request → `POST /api/embed` (one call for a whole batch). */
export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget<OllamaOptions>): UpstreamRequest {
  const input = req.input;
  if (typeof input !== 'string' && !input.every((x): x is string => typeof x === 'string')) {
    throw AISBF_ERR_UNSUPPORTED('Ollama embeds text, not token arrays: send input as a string or an array of strings.', 'input');
  }
  const body: OllamaEmbedRequest = { model: target.model, input };
  if (req.dimensions !== undefined) body.dimensions = req.dimensions;
  if (target.config.numCtx !== undefined) body.options = { num_ctx: target.config.numCtx };
  if (target.config.keepAlive !== undefined) body.keep_alive = target.config.keepAlive;
  // Ollama has no end-user field; the client learns it was dropped from x-aisbf-dropped-params.
  return { path: '/api/embed', headers: ollamaHeaders(target.config), body, dropped: req.user === undefined ? [] : ['user'] };
}

export function embeddingsResponse(body: unknown, target: ProviderTarget<OllamaOptions>): EmbeddingsResponse {
  const res = body as OllamaEmbedResponse;
  if (typeof res !== 'object' || res === null || !Array.isArray(res.embeddings)) {
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'an Ollama embed answer without embeddings');
  }
  const tokens = res.prompt_eval_count ?? 0;
  return {
    object: 'list',
    model: target.model,
    data: res.embeddings.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
