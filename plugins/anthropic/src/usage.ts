import type { Usage } from 'aisbf';
import type { AnthropicUsage } from './wire.js';

/**
 * Anthropic usage → OpenAI usage. Anthropic's `input_tokens` leaves out the
 * cached input, OpenAI's `prompt_tokens` includes it: add cache writes and
 * reads back in, and report the reads as `cached_tokens`.
 *
 * @example toUsage({ input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 })
 * // → { prompt_tokens: 100, completion_tokens: 5, total_tokens: 105, prompt_tokens_details: { cached_tokens: 90 } }
 */
export function toUsage(u: AnthropicUsage): Usage {
  const cacheRead = u.cache_read_input_tokens ?? 0;
  const prompt = (u.input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0) + cacheRead;
  const completion = u.output_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead },
  };
}
