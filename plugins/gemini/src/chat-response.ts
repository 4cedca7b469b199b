import { randomUUID } from 'node:crypto';
import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type AssistantMessage, type ChatChoice, type ChatResponse, type ProviderTarget,
} from 'aisbf';
import { readParts } from './candidate-parts.js';
import { blockedPromptError, isErrorEvent, geminiStreamError } from './errors.js';
import { toFinishReason } from './finish-reason.js';
import { toUsage } from './usage.js';
import type { GeminiOptions, GenerateContentResponse } from './wire.js';

/** The completion id: Gemini's `responseId` when it sent one. */
export function completionId(res: GenerateContentResponse): string {
  return `chatcmpl-${res.responseId ?? randomUUID()}`;
}

/**
 * A `generateContent` answer → a chat completion, one choice per candidate.
 * A blocked prompt (no candidates, `promptFeedback.blockReason`) is a 400
 * `content_filter` error; a blocked candidate is `finish_reason: content_filter`.
 */
export function chatResponse(body: unknown, target: ProviderTarget<GeminiOptions>): ChatResponse {
  if (isErrorEvent(body)) throw geminiStreamError(body, target.id);
  const res = body as GenerateContentResponse;
  if (typeof res !== 'object' || res === null || Array.isArray(res)) throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a generateContent answer that is not an object');
  if (!res.candidates?.length) {
    if (res.promptFeedback?.blockReason) throw blockedPromptError(res.promptFeedback, target.id);
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a generateContent answer without candidates');
  }
  const choices: ChatChoice[] = res.candidates.map((c, i) => {
    const index = c.index ?? i;
    const out = readParts(c.content?.parts, res.responseId, index);
    const message: AssistantMessage = { role: 'assistant', content: out.text || (out.calls.length ? null : '') };
    if (out.calls.length) message.tool_calls = out.calls;
    if (out.reasoning) message.reasoning_content = out.reasoning;
    return { index, message, finish_reason: toFinishReason(c.finishReason, out.calls.length > 0, target.id), logprobs: null };
  });
  const answer: ChatResponse = {
    id: completionId(res),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: res.modelVersion ?? target.model,
    choices,
  };
  if (res.usageMetadata) answer.usage = toUsage(res.usageMetadata);
  return answer;
}
