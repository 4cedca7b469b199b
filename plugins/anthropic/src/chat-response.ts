import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type AssistantMessage, type ChatRequest, type ChatResponse, type ProviderTarget, type ToolCall,
} from 'aisbf';
import { toFinishReason } from './finish-reason.js';
import { JSON_TOOL_NAME, usesJsonTool } from './json-tool.js';
import { toUsage } from './usage.js';
import { toThinkingBlock, type ThinkingBlockOut } from './thinking-blocks.js';
import type { AnthropicOptions, MessagesResponse } from './wire.js';

/**
 * A Messages answer → a chat completion: text blocks joined into `content`,
 * `tool_use` blocks as tool calls (input stringified), thinking text as the
 * non-standard `reasoning_content`, thinking blocks whole (with their
 * signatures, to send back next turn) as `thinking_blocks`, and in JSON mode
 * the forced tool's input as the content.
 */
export function chatResponse(body: unknown, target: ProviderTarget<AnthropicOptions>, req: ChatRequest): ChatResponse {
  const res = body as MessagesResponse;
  if (typeof res !== 'object' || res === null || !Array.isArray(res.content)) {
    throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'a Messages answer without a content array');
  }
  const jsonMode = usesJsonTool(req);
  let text = '';
  let reasoning = '';
  const thinking: ThinkingBlockOut[] = [];
  const calls: ToolCall[] = [];
  for (const block of res.content) {
    if (block.type === 'text') text += block.text;
    else if (block.type === 'thinking' || block.type === 'redacted_thinking') {
      if (block.type === 'thinking') reasoning += block.thinking;
      thinking.push(toThinkingBlock(block));
    } else if (block.type === 'tool_use') {
      const args = JSON.stringify(block.input ?? {});
      if (jsonMode && block.name === JSON_TOOL_NAME) text += args;
      else calls.push({ id: block.id, type: 'function', function: { name: block.name, arguments: args } });
    }
  }
  const message: AssistantMessage = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) message.tool_calls = calls;
  if (reasoning) message.reasoning_content = reasoning;
  if (thinking.length) message.thinking_blocks = thinking;
  return {
    id: res.id,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: res.model ?? target.model,
    choices: [{ index: 0, message, finish_reason: toFinishReason(res.stop_reason, jsonMode), logprobs: null }],
    usage: toUsage(res.usage ?? {}),
  };
}
