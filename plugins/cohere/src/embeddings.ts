import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, AISBF_ERR_UPSTREAM_PROTOCOL,
  type EmbeddingsRequest, type EmbeddingsResponse, type ProviderTarget, type UpstreamRequest,
} from 'aisbf';
import { cohereHeaders } from './chat.js';
import type { CohereEmbedRequest, CohereEmbedResponse, CohereInputType, CohereOptions } from './wire.js';

const INPUT_TYPES: readonly CohereInputType[] = ['search_document', 'search_query', 'classification', 'clustering', 'image'];

/**
 * Canonical embeddings request → `POST /v2/embed`. `input_type` comes from the
 * request's own `input_type` field when sent (an extension OpenAI clients can
 * add), else the provider's `inputType`, else `search_document`. Floats are
 * always asked for; core encodes base64 when the client wants it.
 */
export function embeddingsRequest(req: EmbeddingsRequest, target: ProviderTarget<CohereOptions>): UpstreamRequest {
  const input = typeof req.input === 'string' ? [req.input] : req.input;
  if (!input.every((x): x is string => typeof x === 'string')) {
    throw AISBF_ERR_UNSUPPORTED('Cohere embeds text, not token arrays: send input as a string or an array of strings.', 'input');
  }
  const requested = req.input_type;
  if (requested !== undefined && !INPUT_TYPES.includes(requested as CohereInputType)) {
    throw AISBF_ERR_INVALID_REQUEST(`input_type must be one of ${INPUT_TYPES.join(', ')}.`, 'input_type');
  }
  const body: CohereEmbedRequest = {
    model: target.model,
    texts: input,
    input_type: (requested as CohereInputType | undefined) ?? target.config.inputType ?? 'search_document',
    embedding_types: ['float'],
  };
  if (req.dimensions !== undefined) body.output_dimension = req.dimensions;
  if (target.config.truncate) body.truncate = target.config.truncate;
  // Cohere has no end-user field; the client learns it was dropped from x-aisbf-dropped-params.
  return { path: '/v2/embed', headers: cohereHeaders(target.config), body, dropped: req.user === undefined ? [] : ['user'] };
}

/** `embeddings.float[i]` (or the older bare matrix) → `data[i]`, in input order. */
export function embeddingsResponse(body: unknown, target: ProviderTarget<CohereOptions>): EmbeddingsResponse {
  const res = body as CohereEmbedResponse;
  const e = typeof res === 'object' && res !== null ? res.embeddings : undefined;
  const vectors = Array.isArray(e) ? e : e?.float;
  if (!Array.isArray(vectors)) throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a Cohere embed answer without float embeddings');
  const tokens = res.meta?.billed_units?.input_tokens ?? res.meta?.tokens?.input_tokens ?? 0;
  return {
    object: 'list',
    model: target.model,
    data: vectors.map((embedding, index) => ({ object: 'embedding', index, embedding })),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
