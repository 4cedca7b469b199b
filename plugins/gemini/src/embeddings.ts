import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, AISBF_ERR_UPSTREAM_PROTOCOL, type EmbeddingsRequest, type EmbeddingsResponse,
  type ProviderTarget, type UpstreamRequest,
} from 'aisbf';
import { geminiHeaders, modelPath } from './chat-request.js';
import type { BatchEmbedContentsResponse, EmbedContentRequest, EmbedContentResponse, GeminiOptions } from './wire.js';

/**
 * Embeddings: one string → `:embedContent`; an array → `:batchEmbedContents`
 * with one request per input (several parts in one embedContent would give a
 * single vector for the concatenation). Token-id input has no Gemini form.
 */
export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget<GeminiOptions>): UpstreamRequest {
  const texts = inputTexts(req.input);
  const one = (text: string): EmbedContentRequest => {
    const r: EmbedContentRequest = { content: { parts: [{ text }] } };
    if (target.config.embeddingTaskType) r.taskType = target.config.embeddingTaskType;
    if (req.dimensions != null) r.outputDimensionality = req.dimensions;
    return r;
  };
  const headers = geminiHeaders(target.config);
  if (typeof req.input === 'string') return { path: modelPath(target, 'embedContent'), headers, body: one(texts[0]) };
  const model = target.model.includes('/') ? target.model : `models/${target.model}`;
  return { path: modelPath(target, 'batchEmbedContents'), headers, body: { requests: texts.map((t) => ({ model, ...one(t) })) } };
}

function inputTexts(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input) && input.length > 0 && input.every((x) => typeof x === 'string')) return input as string[];
  if (Array.isArray(input) && input.length === 0) throw AISBF_ERR_INVALID_REQUEST('input must not be empty.', 'input');
  throw AISBF_ERR_UNSUPPORTED('Gemini embeds text only: send input as a string or an array of strings, not token ids.', 'input');
}

/** Float vectors in input order; Gemini reports no token counts, so usage is 0. */
export function embeddingsResponse(body: unknown, target: ProviderTarget<GeminiOptions>): EmbeddingsResponse {
  const single = (body as EmbedContentResponse)?.embedding;
  const batch = (body as BatchEmbedContentsResponse)?.embeddings;
  const vectors = single ? [single] : batch;
  if (!Array.isArray(vectors) || !vectors.every((v) => Array.isArray(v?.values))) {
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'an embeddings answer without embedding values');
  }
  return {
    object: 'list',
    model: target.model,
    data: vectors.map((v, index) => ({ object: 'embedding', index, embedding: v.values })),
    usage: { prompt_tokens: 0, total_tokens: 0 },
  };
}
