import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';
import { chatRequest, chatResponse } from './chat.js';
import { embeddingsRequest, embeddingsResponse } from './embeddings.js';
import { openAIError } from './errors.js';
import { OpenAIStream } from './stream.js';
import type { OpenAIOptions } from './wire.js';

export { openAIError, isErrorEvent } from './errors.js';
export { chatRequest, chatResponse, openAIHeaders } from './chat.js';
export { OpenAIStream } from './stream.js';
export { embeddingsRequest, embeddingsResponse } from './embeddings.js';
export type { OpenAIOptions } from './wire.js';

const OFFICIAL = 'https://api.openai.com/v1';

/**
 * The adapter for OpenAI's API and any server that speaks it. `type` and
 * `defaults` let compatible providers (vLLM, …) reuse it under their own name.
 */
export function openAICompatibleAdapter(type: string, defaults: Partial<OpenAIOptions> = {}): HttpProviderAdapter<OpenAIOptions> {
  return {
    type,
    defaults,
    options: {
      properties: {
        organization: { type: 'string' },
        project: { type: 'string' },
      },
    },
    validate(config) {
      if (config.baseURL === OFFICIAL && !config.apiKey) {
        throw new Error("apiKey is required for api.openai.com: write apiKey: '${OPENAI_API_KEY}'");
      }
    },
    chat: {
      request: chatRequest,
      response: chatResponse,
      stream: (target) => new OpenAIStream(target),
    },
    embeddings: { request: embeddingsRequest, response: embeddingsResponse },
    error: (status, body, headers, target) => openAIError(status, body, headers, target.id),
  };
}

/**
 * OpenAI, and any OpenAI-compatible server (`baseURL` includes `/v1`, as in the official SDK).
 *
 * @example
 * providers: {
 *   gpt:   { type: 'openai', apiKey: '${OPENAI_API_KEY}' },
 *   local: { type: 'openai', baseURL: 'http://127.0.0.1:8080/v1' },
 * }
 */
export default function openai(): Plugin {
  return definePlugin({ name: 'openai', provider: openAICompatibleAdapter('openai', { baseURL: OFFICIAL }) as HttpProviderAdapter });
}
