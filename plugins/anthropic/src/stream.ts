import { randomUUID } from 'node:crypto';
import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type ChatChunk, type ChatRequest, type ChunkChoice, type FinishReason, type ProviderTarget,
  type StreamEvent, type StreamTranslator,
} from 'aisbf';
import { anthropicStreamError } from './errors.js';
import { toFinishReason } from './finish-reason.js';
import { JSON_TOOL_NAME, usesJsonTool } from './json-tool.js';
import type { ThinkingBlockOut } from './thinking-blocks.js';
import { toUsage } from './usage.js';
import type { AnthropicOptions, AnthropicUsage, MessagesStreamEvent } from './wire.js';

/** What a content block of the stream turns into on the OpenAI side. */
type BlockRole = { kind: 'text' } | { kind: 'tool'; index: number } | { kind: 'json' } | { kind: 'thinking'; text: string } | { kind: 'ignored' };

/**
 * One Messages stream → OpenAI chunks. Anthropic numbers content blocks
 * (text, thinking and tool_use alike); OpenAI numbers tool calls only, so
 * tool_use blocks get their own counter. Usage comes in two halves (input at
 * `message_start`, cumulative output at `message_delta`) and is sent as one
 * usage chunk at `message_stop`. Thinking text streams as `reasoning_content`;
 * each thinking block is also sent whole, with its signature, once its
 * signature arrives (redacted ones at their start), in a `thinking_blocks`
 * list of every block so far. An `error` event throws, so an overload before
 * the first token is still seen by failover.
 */
export class AnthropicStream implements StreamTranslator {
  #id = `chatcmpl-${randomUUID()}`;
  #model: string;
  readonly #created = Math.floor(Date.now() / 1000);
  readonly #jsonMode: boolean;
  readonly #provider: string;
  readonly #blocks = new Map<number, BlockRole>();
  #tools = 0;
  /** Thinking blocks so far: each `thinking_blocks` delta carries them all (see `#thinkingChunk`). */
  readonly #thinking: ThinkingBlockOut[] = [];
  #usage: AnthropicUsage = {};
  #finish: FinishReason | undefined;
  #stopped = false;

  constructor(target: ProviderTarget<AnthropicOptions>, req: ChatRequest) {
    this.#model = target.model;
    this.#provider = target.id;
    this.#jsonMode = usesJsonTool(req);
  }

  event(ev: StreamEvent): ChatChunk[] | undefined {
    const data = ev.data as MessagesStreamEvent;
    if (ev.event === 'error' || data?.type === 'error') throw anthropicStreamError(data, this.#provider);
    switch (data?.type) {
      case 'message_start':
        this.#id = data.message.id ?? this.#id;
        this.#model = data.message.model ?? this.#model;
        this.#usage = { ...data.message.usage };
        return [this.#chunk({ role: 'assistant', content: '' })];
      case 'content_block_start':
        return this.#blockStart(data.index, data.content_block);
      case 'content_block_delta':
        return this.#blockDelta(data.index, data.delta);
      case 'message_delta':
        // Later API versions repeat the whole usage here: take whatever fields it carries.
        if (data.usage) this.#usage = { ...this.#usage, ...definedFields(data.usage) };
        if (data.delta?.stop_reason === undefined) return undefined;
        this.#finish = toFinishReason(data.delta.stop_reason, this.#jsonMode);
        return [this.#chunk({}, this.#finish)];
      case 'message_stop':
        this.#stopped = true;
        return [this.#usageChunk()];
      default:
        return undefined; // ping, content_block_stop, and event types newer than this adapter
    }
  }

  end(): ChatChunk[] | undefined {
    if (this.#stopped) return undefined;
    // A cut connection before the finish is an error, not a short answer.
    if (!this.#finish) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.#provider, 'the Anthropic stream ended before message_stop');
    return [this.#usageChunk()];
  }

  #blockStart(index: number, block: Extract<MessagesStreamEvent, { type: 'content_block_start' }>['content_block']): ChatChunk[] | undefined {
    if (block.type === 'text') {
      this.#blocks.set(index, { kind: 'text' });
      return block.text ? [this.#chunk({ content: block.text })] : undefined;
    }
    if (block.type === 'tool_use') {
      if (this.#jsonMode && block.name === JSON_TOOL_NAME) {
        this.#blocks.set(index, { kind: 'json' });
        return undefined;
      }
      const tool = this.#tools++;
      this.#blocks.set(index, { kind: 'tool', index: tool });
      // The block's `input` is always `{}` here; the arguments follow as input_json_delta fragments.
      return [this.#chunk({ tool_calls: [{ index: tool, id: block.id, type: 'function', function: { name: block.name, arguments: '' } }] })];
    }
    if (block.type === 'redacted_thinking') {
      this.#blocks.set(index, { kind: 'ignored' });
      return [this.#thinkingChunk({ type: 'redacted_thinking', data: block.data })];
    }
    this.#blocks.set(index, block.type === 'thinking' ? { kind: 'thinking', text: block.thinking ?? '' } : { kind: 'ignored' });
    return block.type === 'thinking' && block.thinking ? [this.#chunk({ reasoning_content: block.thinking })] : undefined;
  }

  #blockDelta(index: number, delta: Extract<MessagesStreamEvent, { type: 'content_block_delta' }>['delta']): ChatChunk[] | undefined {
    const role = this.#blocks.get(index);
    if (delta.type === 'text_delta') return delta.text ? [this.#chunk({ content: delta.text })] : undefined;
    if (delta.type === 'thinking_delta') {
      if (role?.kind === 'thinking') role.text += delta.thinking ?? '';
      return delta.thinking ? [this.#chunk({ reasoning_content: delta.thinking })] : undefined;
    }
    if (delta.type === 'signature_delta') {
      // The signature closes its thinking block: the client gets the block whole, to send back next turn.
      if (role?.kind !== 'thinking') throw AISBF_ERR_UPSTREAM_PROTOCOL(this.#provider, `signature_delta for content block ${index}, which is not a thinking block`);
      return [this.#thinkingChunk({ type: 'thinking', thinking: role.text, signature: delta.signature })];
    }
    if (delta.type !== 'input_json_delta' || !delta.partial_json) return undefined;
    if (role?.kind === 'json') return [this.#chunk({ content: delta.partial_json })];
    if (role?.kind === 'tool') return [this.#chunk({ tool_calls: [{ index: role.index, function: { arguments: delta.partial_json } }] })];
    throw AISBF_ERR_UPSTREAM_PROTOCOL(this.#provider, `input_json_delta for content block ${index}, which is not a tool_use block`);
  }

  /**
   * A chunk with every thinking block so far, the new one last. A field that
   * is not OpenAI's has no rule for adding deltas up, and the openai SDK's
   * stream helper keeps the last value it saw: the last such chunk then holds
   * the whole list, ready to send back.
   */
  #thinkingChunk(block: ThinkingBlockOut): ChatChunk {
    this.#thinking.push(block);
    return this.#chunk({ thinking_blocks: [...this.#thinking] });
  }

  #chunk(delta: ChunkChoice['delta'], finish: FinishReason | null = null): ChatChunk {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [{ index: 0, delta, finish_reason: finish }] };
  }

  #usageChunk(): ChatChunk {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: [], usage: toUsage(this.#usage) };
  }
}

function definedFields(u: AnthropicUsage): AnthropicUsage {
  return Object.fromEntries(Object.entries(u).filter(([, v]) => v != null)) as AnthropicUsage;
}
