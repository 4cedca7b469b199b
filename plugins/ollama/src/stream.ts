import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type ChatChunk, type ChunkChoice, type ProviderTarget, type StreamEvent, type StreamTranslator,
} from 'aisbf';
import { createdAt, newCompletionId, toFinishReason, toToolCall, toUsage } from './chat.js';
import { ollamaError } from './errors.js';
import type { OllamaChatResponse, OllamaOptions } from './wire.js';

/**
 * Ollama NDJSON lines → canonical chunks. Every line is checked for `error`
 * first (Ollama reports failures as a line under HTTP 200). Tool calls come
 * whole in one line, so each is one delta with its id, name and full
 * arguments. The `done: true` line gives the finish chunk and the usage
 * chunk; a stream that stops before it is an error, not a short answer.
 */
export class OllamaStream implements StreamTranslator {
  readonly #id = newCompletionId();
  #created: number | undefined;
  #calls = 0;
  #ended = false;

  constructor(private readonly target: ProviderTarget<OllamaOptions>) {}

  event(ev: StreamEvent): ChatChunk[] | undefined {
    const line = ev.data as OllamaChatResponse;
    if (typeof line !== 'object' || line === null) return undefined;
    if (line.error !== undefined) throw ollamaError(500, line, {}, this.target.id);
    const out: ChatChunk[] = [];
    if (this.#created === undefined) {
      this.#created = createdAt(line.created_at);
      out.push(this.#chunk({ role: 'assistant', content: '' }));
    }
    const m = line.message;
    if (m?.thinking) out.push(this.#chunk({ reasoning_content: m.thinking }));
    if (m?.content) out.push(this.#chunk({ content: m.content }));
    if (m?.tool_calls?.length) {
      out.push(this.#chunk({
        tool_calls: m.tool_calls.map((t) => {
          const call = toToolCall(t);
          return { index: this.#calls++, id: call.id, type: 'function' as const, function: call.function };
        }),
      }));
    }
    if (line.done) {
      this.#ended = true;
      out.push({ ...this.#base(), choices: [{ index: 0, delta: {}, finish_reason: toFinishReason(line.done_reason, this.#calls > 0) }] });
      out.push({ ...this.#base(), choices: [], usage: toUsage(line) });
    }
    return out;
  }

  end(): ChatChunk[] | undefined {
    if (!this.#ended) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.target.id, 'the Ollama stream ended before its done line');
    return undefined;
  }

  #base(): Pick<ChatChunk, 'id' | 'object' | 'created' | 'model'> {
    return { id: this.#id, object: 'chat.completion.chunk', created: this.#created ?? Math.floor(Date.now() / 1000), model: this.target.model };
  }

  #chunk(delta: ChunkChoice['delta']): ChatChunk {
    return { ...this.#base(), choices: [{ index: 0, delta, finish_reason: null }] };
  }
}
