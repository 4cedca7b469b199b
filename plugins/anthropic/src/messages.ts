import { AISBF_ERR_INVALID_REQUEST, AISBF_ERR_UNSUPPORTED, type ChatMessage } from 'aisbf';
import { textOf, toBlock } from './content.js';
import { fromThinkingBlocks } from './thinking-blocks.js';
import type { AnthropicMessage, ImageBlock, RequestBlock, TextBlock, ToolResultBlock, ToolUseBlock } from './wire.js';

/**
 * Put where a conversation starts with the assistant: the Messages API wants
 * the first turn to be the user's.
 */
export const LEADING_USER_PLACEHOLDER = '(continue)';

export interface AnthropicConversation {
  system?: TextBlock[];
  messages: AnthropicMessage[];
}

/**
 * OpenAI messages → Anthropic's top-level `system` plus alternating turns.
 *
 * - every system/developer message, wherever it sits, goes to `system`, in order;
 * - tool results become `tool_result` blocks of a user turn; consecutive ones
 *   (parallel calls) land in the same turn, as Anthropic requires;
 * - an assistant message's `thinking_blocks` (from an earlier answer) lead
 *   its turn, signatures and all;
 * - consecutive turns of the same role are merged into one;
 * - empty text blocks are left out (Anthropic rejects them).
 */
export function toConversation(messages: ChatMessage[]): AnthropicConversation {
  const system: TextBlock[] = [];
  const turns: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: RequestBlock[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };

  messages.forEach((msg, i) => {
    const param = `messages[${i}]`;
    switch (msg.role) {
      case 'system':
      case 'developer': {
        const text = textOf(msg, param);
        if (text) system.push({ type: 'text', text });
        return;
      }
      case 'user':
        push('user', userBlocks(msg, param));
        return;
      case 'assistant':
        push('assistant', assistantBlocks(msg, param));
        return;
      case 'tool':
        push('user', [toolResult(msg, param)]);
        return;
      default:
        throw AISBF_ERR_UNSUPPORTED(`${param}: the role '${msg.role}' is not supported by Anthropic; send tool results as role 'tool' with tool_call_id.`, `${param}.role`);
    }
  });

  if (turns.length === 0) {
    throw AISBF_ERR_INVALID_REQUEST('Anthropic needs at least one user or assistant message besides system messages.', 'messages');
  }
  if (turns[0].role !== 'user') turns.unshift({ role: 'user', content: [{ type: 'text', text: LEADING_USER_PLACEHOLDER }] });
  return system.length ? { system, messages: turns } : { messages: turns };
}

function userBlocks(msg: ChatMessage, param: string): RequestBlock[] {
  if (typeof msg.content === 'string') return msg.content ? [{ type: 'text', text: msg.content }] : [];
  if (msg.content == null) return [];
  const out: RequestBlock[] = [];
  msg.content.forEach((part, j) => {
    const block = toBlock(part, `${param}.content[${j}]`);
    if (block) out.push(block);
  });
  return out;
}

function assistantBlocks(msg: ChatMessage, param: string): RequestBlock[] {
  // Thinking comes first in an assistant turn, as Claude wrote it.
  const out: RequestBlock[] = fromThinkingBlocks(msg.thinking_blocks, `${param}.thinking_blocks`);
  if (typeof msg.content === 'string') {
    if (msg.content) out.push({ type: 'text', text: msg.content });
  } else if (Array.isArray(msg.content)) {
    msg.content.forEach((part, j) => {
      if (part.type !== 'text') throw AISBF_ERR_UNSUPPORTED(`${param}.content[${j}]: assistant messages may only hold text parts.`, param);
      if (part.text) out.push({ type: 'text', text: part.text });
    });
  }
  msg.tool_calls?.forEach((call, j) => out.push(toolUse(call, `${param}.tool_calls[${j}]`)));
  return out;
}

function toolUse(call: NonNullable<ChatMessage['tool_calls']>[number], param: string): ToolUseBlock {
  const raw = call.function?.arguments ?? '';
  let input: unknown = {};
  if (raw.trim() !== '') {
    try {
      input = JSON.parse(raw);
    } catch {
      throw AISBF_ERR_INVALID_REQUEST(`${param}.function.arguments is not valid JSON; Anthropic needs the arguments as an object.`, `${param}.function.arguments`);
    }
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw AISBF_ERR_INVALID_REQUEST(`${param}.function.arguments must encode a JSON object for Anthropic.`, `${param}.function.arguments`);
  }
  return { type: 'tool_use', id: call.id, name: call.function.name, input };
}

function toolResult(msg: ChatMessage, param: string): ToolResultBlock {
  if (typeof msg.tool_call_id !== 'string' || !msg.tool_call_id) {
    throw AISBF_ERR_INVALID_REQUEST(`${param}: a tool message needs tool_call_id (the id of the assistant's tool call it answers).`, `${param}.tool_call_id`);
  }
  if (!Array.isArray(msg.content)) return { type: 'tool_result', tool_use_id: msg.tool_call_id, content: msg.content ?? '' };
  const blocks: Array<TextBlock | ImageBlock> = [];
  msg.content.forEach((part, j) => {
    const block = toBlock(part, `${param}.content[${j}]`);
    if (block?.type === 'document') throw AISBF_ERR_UNSUPPORTED(`${param}.content[${j}]: a tool result may hold text and images only.`, param);
    if (block) blocks.push(block);
  });
  return { type: 'tool_result', tool_use_id: msg.tool_call_id, content: blocks };
}
