import {
  AISBF_ERR_UPSTREAM_PROTOCOL, type ChatChunk, type ChunkChoice, type FinishReason, type ProviderTarget, type StreamEvent,
  type StreamTranslator, type Usage,
} from 'aisbf';
import { readParts } from './candidate-parts.js';
import { completionId } from './chat-response.js';
import { blockedPromptError, geminiStreamError, isErrorEvent } from './errors.js';
import { toFinishReason } from './finish-reason.js';
import { toUsage } from './usage.js';
import type { GeminiOptions, GenerateContentResponse, UsageMetadata } from './wire.js';

interface CandidateState {
  /** Tool calls sent so far: the next call's OpenAI `index`. */
  calls: number;
  finish?: FinishReason;
}

/**
 * One `alt=sse` stream → OpenAI chunks. Every event is a whole
 * GenerateContentResponse; a function call arrives complete in one event, so
 * it is sent as one delta (id, name, full arguments) with the next tool index.
 * `usageMetadata` may repeat: the last one is the usage chunk, sent when the
 * stream ends (Gemini sends no `[DONE]`).
 */
export class GeminiStream implements StreamTranslator {
  #id: string | undefined;
  #responseId: string | undefined;
  #model: string;
  readonly #created = Math.floor(Date.now() / 1000);
  readonly #provider: string;
  readonly #candidates = new Map<number, CandidateState>();
  #usage: UsageMetadata | undefined;

  constructor(target: ProviderTarget<GeminiOptions>) {
    this.#model = target.model;
    this.#provider = target.id;
  }

  event(ev: StreamEvent): ChatChunk[] | undefined {
    if (isErrorEvent(ev.data)) throw geminiStreamError(ev.data, this.#provider);
    const res = ev.data as GenerateContentResponse;
    if (typeof res !== 'object' || res === null) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.#provider, 'a stream event that is not an object');
    this.#id ??= completionId(res);
    this.#responseId ??= res.responseId;
    if (res.modelVersion) this.#model = res.modelVersion;
    if (res.usageMetadata) this.#usage = res.usageMetadata;
    if (!res.candidates?.length && res.promptFeedback?.blockReason) throw blockedPromptError(res.promptFeedback, this.#provider);

    const out: ChatChunk[] = [];
    (res.candidates ?? []).forEach((c, i) => {
      const index = c.index ?? i;
      let state = this.#candidates.get(index);
      if (!state) {
        state = { calls: 0 };
        this.#candidates.set(index, state);
        out.push(this.#chunk({ index, delta: { role: 'assistant', content: '' }, finish_reason: null }));
      }
      const parts = readParts(c.content?.parts, this.#responseId, index, state.calls);
      if (parts.reasoning) out.push(this.#chunk({ index, delta: { reasoning_content: parts.reasoning }, finish_reason: null }));
      if (parts.text) out.push(this.#chunk({ index, delta: { content: parts.text }, finish_reason: null }));
      for (const call of parts.calls) {
        out.push(this.#chunk({ index, delta: { tool_calls: [{ index: state.calls++, ...call }] }, finish_reason: null }));
      }
      if (c.finishReason && !state.finish) {
        state.finish = toFinishReason(c.finishReason, state.calls > 0, this.#provider);
        out.push(this.#chunk({ index, delta: {}, finish_reason: state.finish }));
      }
    });
    return out;
  }

  end(): ChatChunk[] | undefined {
    // With no `[DONE]`, a missing finishReason is the only sign the connection was cut mid-answer.
    if (this.#candidates.size === 0) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.#provider, 'the Gemini stream ended without a candidate');
    for (const [index, state] of this.#candidates) {
      if (!state.finish) throw AISBF_ERR_UPSTREAM_PROTOCOL(this.#provider, `the Gemini stream ended before candidate ${index} finished`);
    }
    return this.#usage ? [this.#chunk(undefined, toUsage(this.#usage))] : undefined;
  }

  /** A chunk with one choice, or the usage chunk (`choices: []`). */
  #chunk(choice: ChunkChoice | undefined, usage?: Usage): ChatChunk {
    const chunk: ChatChunk = {
      id: this.#id ?? 'chatcmpl-gemini', object: 'chat.completion.chunk', created: this.#created, model: this.#model, choices: choice ? [choice] : [],
    };
    if (usage) chunk.usage = usage;
    return chunk;
  }
}
