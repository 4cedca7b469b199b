import type { Usage } from 'aisbf';
import type { UsageMetadata } from './wire.js';

/**
 * Gemini `usageMetadata` → OpenAI usage. Thinking tokens are billed as output
 * but not counted in `candidatesTokenCount`: add them to `completion_tokens`
 * and report them as `reasoning_tokens`.
 *
 * @example toUsage({ promptTokenCount: 40, candidatesTokenCount: 7, thoughtsTokenCount: 120, totalTokenCount: 167 })
 * // → { prompt_tokens: 40, completion_tokens: 127, total_tokens: 167, … reasoning_tokens: 120 }
 */
export function toUsage(u: UsageMetadata): Usage {
  const prompt = (u.promptTokenCount ?? 0) + (u.toolUsePromptTokenCount ?? 0);
  const thoughts = u.thoughtsTokenCount ?? 0;
  const completion = (u.candidatesTokenCount ?? 0) + thoughts;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u.totalTokenCount ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: u.cachedContentTokenCount ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts },
  };
}
