import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type ChatChunk, type ChunkChoice, type ProviderTarget, type StreamEvent, type StreamTranslator,
} from 'aisbf';
import { newCompletionId, toFinishReason, toUsage } from './chat.js';
import { cohereError } from './errors.js';
import type { CohereOptions, CohereStreamEvent } from './wire.js';

/**
 * Cohere v2 SSE (kebab-case events) → canonical chunks.
 *
 * Tool-call events carry one call as an object with the event's `index`;
 * they are wrapped into `tool_calls: [{ index, … }]` with our own count
 * (first call 0, next 1…), so the numbering is right whatever Cohere's index
 * counts. `message-end` gives the finish chunk and the usage chunk; a stream
 * that stops before it is an error, not a short answer.
 */
export class CohereStream implements StreamTranslator {
  #id = '';
  #created = Math.floor(Date.now() / 1000);
  #started = false;
  #ended = false;
  /** Cohere's event index → our tool-call index. */
  readonly #calls = new Map<number, number>();

  constructor(private readonly target: ProviderTarget<CohereOptions>) {}

  event(ev: StreamEvent): ChatChunk[] | undefined {
    const data = ev.data as CohereStreamEvent;
    if (typeof data !== 'object' || data === null) return undefined;
    const type = data.type ?? ev.event;
    if (type === undefined || ev.event === 'error') {
      // An error body (`{"message":…}`) in place of an event.
      throw cohereError(500, data, {}, this.target.id);
    }
    const out: ChatChunk[] = [];
    switch (type) {
      case 'message-start':
        if (data.id) this.#id = data.id;
        this.#start(out);
        break;
      case 'content-delta': {
        const c = data.delta?.message?.content;
        this.#start(out);
        if (c?.text) out.push(this.#chunk({ content: c.text }));
        else if (c?.thinking) out.push(this.#chunk({ reasoning_content: c.thinking }));
        break;
      }
      case 'tool-call-start': {
        const call = data.delta?.message?.tool_calls;
        this.#start(out);
        const index = this.#calls.size;
        this.#calls.set(data.index ?? index, index);
        out.push(this.#chunk({
          tool_calls: [{
            index,
            id: call?.id ?? `call_${this.#idOrNew()}_${index}`,
            type: 'function',
            function: { name: call?.function?.name ?? '', arguments: call?.function?.arguments ?? '' },
          }],
        }));
        break;
      }
      case 'tool-call-delta': {
        const fragment = data.delta?.message?.tool_calls?.function?.arguments;
        const index = this.#calls.get(data.index ?? this.#calls.size - 1);
        if (index === undefined) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.target.id, `tool-call-delta for index ${data.index} before its tool-call-start`);
        if (fragment) out.push(this.#chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }));
        break;
      }
      case 'message-end': {
        const d = data.delta ?? {};
        if (d.error) throw cohereError(500, { message: d.error }, {}, this.target.id);
        this.#start(out);
        this.#ended = true;
        const finish = toFinishReason(d.finish_reason, this.#calls.size > 0, this.target.id);
        out.push({ ...this.#base(), choices: [{ index: 0, delta: {}, finish_reason: finish }] });
        out.push({ ...this.#base(), choices: [], usage: toUsage(d.usage) });
        break;
      }
      // content-start/-end, tool-plan-delta (the model's plan, not the answer),
      // tool-call-end, citation-*, debug: nothing for the client.
      default:
        break;
    }
    return out;
  }

  end(): ChatChunk[] | undefined {
    if (!this.#ended) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.target.id, 'the Cohere stream ended before message-end');
    return undefined;
  }

  #idOrNew(): string {
    if (!this.#id) this.#id = newCompletionId();
    return this.#id;
  }

  #base(): Pick<ChatChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.#idOrNew(), object: 'chat.completion.chunk', created: this.#created, model: this.target.model };
  }

  #chunk(delta: ChunkChoice['delta']): ChatChunk {
    return { ...this.#base(), choices: [{ index: 0, delta, finish_reason: null }] };
  }

  /** The role chunk, once, before anything else. */
  #start(out: ChatChunk[]): void {
    if (this.#started) return;
    this.#started = true;
    out.push(this.#chunk({ role: 'assistant', content: '' }));
  }
}
