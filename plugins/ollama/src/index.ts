import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';
import { chatRequest, chatResponse } from './chat.js';
import { embeddingsRequest, embeddingsResponse } from './embeddings.js';
import { ollamaError } from './errors.js';
import { OllamaStream } from './stream.js';
import type { OllamaOptions } from './wire.js';

export { chatRequest, chatResponse, toToolCall, toUsage, toFinishReason, type OllamaUpstreamRequest } from './chat.js';
export { toOllamaMessages } from './messages.js';
export { OllamaStream } from './stream.js';
export { embeddingsRequest, embeddingsResponse } from './embeddings.js';
export { ollamaError } from './errors.js';
export { ollamaModels, type OllamaTags } from './models.js';
export type * from './wire.js';

/** The Ollama adapter: native `/api/chat` (NDJSON streams) and `/api/embed`, not the `/v1` layer. */
export const ollamaAdapter: HttpProviderAdapter<OllamaOptions> = {
  type: 'ollama',
  defaults: { baseURL: 'http://127.0.0.1:11434' },
  options: {
    properties: {
      keepAlive: { type: ['string', 'number'] },
      numCtx: { type: 'integer', minimum: 1 },
      think: { anyOf: [{ type: 'boolean' }, { enum: ['low', 'medium', 'high'] }] },
    },
  },
  chat: {
    request: chatRequest,
    response: chatResponse,
    stream: (target) => new OllamaStream(target),
  },
  embeddings: { request: embeddingsRequest, response: embeddingsResponse },
  error: (status, body, headers, target) => ollamaError(status, body, headers, target.id),
};

/**
 * Ollama's native API. `baseURL` is the server without a path (default
 * `http://127.0.0.1:11434`); no key is needed locally.
 *
 * @example
 * providers: {
 *   local: { type: 'ollama', numCtx: 8192, keepAlive: '10m', models: ['llama3.2', 'nomic-embed-text'] },
 * }
 */
export default function ollama(): Plugin {
  return definePlugin({ name: 'ollama', provider: ollamaAdapter as HttpProviderAdapter });
}
