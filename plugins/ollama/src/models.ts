import { AISBF_ERR_UPSTREAM_PROTOCOL, type ModelInfo, type ProviderTarget, type UpstreamRequest } from 'aisbf';
import { createdAt, ollamaHeaders } from './chat.js';
import type { OllamaOptions } from './wire.js';

/** `GET /api/tags` answer: the models pulled on the server. */
export interface OllamaTags {
  models?: Array<{ name: string; model?: string; modified_at?: string }>;
}

/**
 * Ollama's model listing (`/api/tags`) as a pure request/response pair, ready
 * for a `/v1/models` that asks providers (core does not call it yet: it lists
 * the `models` of each provider entry). `created` is when the model was pulled.
 */
export const ollamaModels = {
  request(target: ProviderTarget<OllamaOptions>): UpstreamRequest {
    return { method: 'GET', path: '/api/tags', headers: ollamaHeaders(target.config) };
  },
  response(body: unknown, target: ProviderTarget<OllamaOptions>): ModelInfo[] {
    const tags = body as OllamaTags;
    if (typeof tags !== 'object' || tags === null || !Array.isArray(tags.models)) {
      throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'an Ollama tag list without models');
    }
    return tags.models.map((m) => ({ id: m.name, object: 'model', created: createdAt(m.modified_at), owned_by: 'ollama' }));
  },
};
