import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';
import { chatRequest, chatResponse } from './chat.js';
import { embeddingsRequest, embeddingsResponse } from './embeddings.js';
import { cohereError } from './errors.js';
import { CohereStream } from './stream.js';
import type { CohereOptions } from './wire.js';

export { chatRequest, chatResponse, toUsage, toFinishReason, type CohereUpstreamRequest } from './chat.js';
export { toCohereMessages } from './messages.js';
export { CohereStream } from './stream.js';
export { embeddingsRequest, embeddingsResponse } from './embeddings.js';
export { cohereError } from './errors.js';
export { cohereModels, type CohereModelList } from './models.js';
export type * from './wire.js';

const OFFICIAL = 'https://api.cohere.com';

/** The Cohere adapter (Chat v2, Embed v2). */
export const cohereAdapter: HttpProviderAdapter<CohereOptions> = {
  type: 'cohere',
  defaults: { baseURL: OFFICIAL },
  options: {
    properties: {
      inputType: { enum: ['search_document', 'search_query', 'classification', 'clustering', 'image'] },
      truncate: { enum: ['NONE', 'START', 'END'] },
    },
  },
  validate(config) {
    if (config.baseURL === OFFICIAL && !config.apiKey) {
      throw new Error("apiKey is required for api.cohere.com: write apiKey: '${COHERE_API_KEY}'");
    }
  },
  chat: {
    request: chatRequest,
    response: chatResponse,
    stream: (target) => new CohereStream(target),
  },
  embeddings: { request: embeddingsRequest, response: embeddingsResponse },
  error: (status, body, headers, target) => cohereError(status, body, headers, target.id),
};

/**
 * Cohere's Chat v2 and Embed v2 APIs. `baseURL` is the host without a path,
 * as in Cohere's SDK (default `https://api.cohere.com`).
 *
 * @example
 * providers: {
 *   co: { type: 'cohere', apiKey: '${COHERE_API_KEY}', inputType: 'search_query', models: ['command-a-03-2025'] },
 * }
 */
export default function cohere(): Plugin {
  return definePlugin({ name: 'cohere', provider: cohereAdapter as HttpProviderAdapter });
}
