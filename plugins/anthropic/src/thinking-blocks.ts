import { AISBF_ERR_INVALID_REQUEST } from 'aisbf';
import type { RedactedThinkingBlock, ThinkingBlock } from './wire.js';

/**
 * A thinking block as clients see it, in the assistant message's
 * non-standard `thinking_blocks` (the name other OpenAI-compatible gateways
 * use). With extended thinking and tools, Anthropic wants the last assistant
 * turn's thinking blocks back unchanged, signature included: a client that
 * copies `thinking_blocks` into the assistant message it sends next gets
 * them to Claude as they came.
 *
 * @example
 * { role: 'assistant', content: null, tool_calls: [...],
 *   thinking_blocks: [{ type: 'thinking', thinking: 'Two cities.', signature: 'EqQB…' }] }
 */
export type ThinkingBlockOut = { type: 'thinking'; thinking: string; signature?: string } | { type: 'redacted_thinking'; data: string };

/** An answer's thinking block → what the client gets. */
export function toThinkingBlock(block: ThinkingBlock | RedactedThinkingBlock): ThinkingBlockOut {
  if (block.type === 'redacted_thinking') return { type: 'redacted_thinking', data: block.data };
  return block.signature === undefined ? { type: 'thinking', thinking: block.thinking } : { type: 'thinking', thinking: block.thinking, signature: block.signature };
}

/**
 * An assistant message's `thinking_blocks` → the Messages API's blocks, in
 * order, checked field by field (they go to Anthropic as they are, so
 * nothing else rides along).
 */
export function fromThinkingBlocks(value: unknown, param: string): Array<ThinkingBlock | RedactedThinkingBlock> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw AISBF_ERR_INVALID_REQUEST(`${param} must be an array of thinking blocks, as an earlier answer returned them.`, param);
  return value.map((b: unknown, i) => {
    const at = `${param}[${i}]`;
    const block = b as Record<string, unknown> | null;
    if (block?.type === 'thinking' && typeof block.thinking === 'string') {
      if (block.signature !== undefined && typeof block.signature !== 'string') throw AISBF_ERR_INVALID_REQUEST(`${at}.signature must be a string.`, `${at}.signature`);
      return block.signature === undefined ? { type: 'thinking', thinking: block.thinking } : { type: 'thinking', thinking: block.thinking, signature: block.signature };
    }
    if (block?.type === 'redacted_thinking' && typeof block.data === 'string') return { type: 'redacted_thinking', data: block.data };
    throw AISBF_ERR_INVALID_REQUEST(`${at} must be {type:'thinking', thinking, signature} or {type:'redacted_thinking', data}, copied from an earlier answer's thinking_blocks.`, at);
  });
}
