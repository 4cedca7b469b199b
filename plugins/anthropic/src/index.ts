import { definePlugin, type HttpProviderAdapter, type Plugin } from 'aisbf';
import { chatRequest } from './chat-request.js';
import { chatResponse } from './chat-response.js';
import { anthropicError } from './errors.js';
import { AnthropicStream } from './stream.js';
import type { AnthropicOptions } from './wire.js';

export { chatRequest, anthropicHeaders, DEFAULT_MAX_TOKENS, DEFAULT_VERSION, type AnthropicUpstreamRequest } from './chat-request.js';
export { chatResponse } from './chat-response.js';
export { AnthropicStream } from './stream.js';
export { anthropicError, anthropicStreamError } from './errors.js';
export { anthropicModels } from './models.js';
export { toUsage } from './usage.js';
export type { AnthropicOptions } from './wire.js';

/** The official API; the SDK's convention: the base URL has no version, paths start with `/v1`. */
const OFFICIAL = 'https://api.anthropic.com';

/**
 * The Anthropic Messages API adapter: chat (JSON and SSE streams), tools,
 * images, JSON output; no embeddings (Anthropic has none).
 *
 * @example
 * providers: {
 *   claude: { type: 'anthropic', apiKey: '${ANTHROPIC_API_KEY}', defaultMaxTokens: 8192 },
 * },
 * models: { smart: { candidates: ['claude/claude-sonnet-4-5'] } }
 */
export default function anthropic(): Plugin {
  const adapter: HttpProviderAdapter<AnthropicOptions> = {
    type: 'anthropic',
    defaults: { baseURL: OFFICIAL },
    options: {
      properties: {
        anthropicVersion: { type: 'string', minLength: 1 },
        beta: { type: 'array', items: { type: 'string', minLength: 1 } },
        defaultMaxTokens: { type: 'integer', minimum: 1 },
      },
    },
    validate(config) {
      if (config.baseURL?.replace(/\/+$/, '').startsWith(OFFICIAL) && !config.apiKey) {
        throw new Error("apiKey is required for api.anthropic.com: write apiKey: '${ANTHROPIC_API_KEY}'");
      }
    },
    chat: {
      request: chatRequest,
      response: chatResponse,
      stream: (target, req) => new AnthropicStream(target, req),
    },
    error: (status, body, headers, target) => anthropicError(status, body, headers, target.id),
  };
  return definePlugin({ name: 'anthropic', provider: adapter as HttpProviderAdapter });
}
