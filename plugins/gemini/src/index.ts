import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';
import { chatRequest } from './chat-request.js';
import { chatResponse } from './chat-response.js';
import { embeddingsRequest, embeddingsResponse } from './embeddings.js';
import { geminiError } from './errors.js';
import { GeminiStream } from './stream.js';
import type { GeminiOptions } from './wire.js';

export { chatRequest, geminiHeaders, modelPath, type GeminiUpstreamRequest } from './chat-request.js';
export { chatResponse } from './chat-response.js';
export { GeminiStream } from './stream.js';
export { embeddingsRequest, embeddingsResponse } from './embeddings.js';
export { geminiError, geminiStreamError, blockedPromptError } from './errors.js';
export { geminiModels } from './models.js';
export { encodeCallId, decodeCallId } from './tool-call-id.js';
export { toUsage } from './usage.js';
export type { GeminiOptions } from './wire.js';

/** The official API; the SDK's convention: the base URL has no version, paths start with `/v1beta`. */
const OFFICIAL = 'https://generativelanguage.googleapis.com';

/**
 * The Google Gemini (Generative Language API) adapter: chat (JSON and
 * `alt=sse` streams), tools with thought signatures, images, JSON output,
 * embeddings (batched for arrays).
 *
 * @example
 * providers: { gemini: { type: 'gemini', apiKey: '${GEMINI_API_KEY}' } },
 * models: { fast: { candidates: ['gemini/gemini-2.5-flash'] } }
 */
export default function gemini(): Plugin {
  const adapter: HttpProviderAdapter<GeminiOptions> = {
    type: 'gemini',
    defaults: { baseURL: OFFICIAL },
    options: {
      properties: {
        apiVersion: { type: 'string', pattern: '^v1(alpha|beta)?$' },
        safetySettings: {
          type: 'array',
          items: { type: 'object', required: ['category', 'threshold'], properties: { category: { type: 'string' }, threshold: { type: 'string' } } },
        },
        schemaMode: { enum: ['json-schema', 'openapi'] },
        passImageUrls: { type: 'boolean' },
        embeddingTaskType: { type: 'string', minLength: 1 },
      },
    },
    validate(config) {
      if (config.baseURL?.replace(/\/+$/, '').startsWith(OFFICIAL) && !config.apiKey) {
        throw new Error("apiKey is required for generativelanguage.googleapis.com: write apiKey: '${GEMINI_API_KEY}'");
      }
    },
    chat: {
      request: chatRequest,
      response: chatResponse,
      stream: (target) => new GeminiStream(target),
    },
    embeddings: { request: embeddingsRequest, response: embeddingsResponse },
    error: (status, body, headers, target) => geminiError(status, body, headers, target.id),
  };
  return definePlugin({ name: 'gemini', provider: adapter as HttpProviderAdapter });
}
