import { OpenAIStream } from '@aisbf/plugin-openai';
import type { ChatChunk, ChunkChoice, ProviderTarget, StreamEvent, StreamTranslator } from 'aisbf';
import type { AzureChunk, AzureOptions } from './wire.js';

/**
 * Azure chunks are OpenAI's plus content-safety noise: a preamble chunk with
 * `choices: []` and only `prompt_filter_results` (the openai translator drops
 * it), and, with asynchronous filtering, late choices with no `delta` at all
 * that only carry `content_filter_results`. Those choices are dropped, and the
 * annotations are removed from the rest.
 */
export class AzureStream implements StreamTranslator {
  readonly #inner: OpenAIStream;

  constructor(target: ProviderTarget<AzureOptions>) {
    this.#inner = new OpenAIStream(target);
  }

  event(ev: StreamEvent): ChatChunk[] | undefined {
    const raw = ev.data as AzureChunk;
    // Which choices had no delta must be read before the openai translator fills in `{}`.
    const noDelta = new Set(Array.isArray(raw?.choices) ? raw.choices.filter((c) => !c.delta).map((c) => c.index) : []);
    const out: ChatChunk[] = [];
    for (const chunk of this.#inner.event(ev) ?? []) {
      const { prompt_filter_results: _p, ...clean } = chunk as AzureChunk;
      const choices = clean.choices
        .filter((c) => !(noDelta.has(c.index) && !c.finish_reason))
        .map((c) => {
          const { content_filter_results: _c, ...choice } = c as ChunkChoice & { content_filter_results?: unknown };
          return choice;
        });
      if (choices.length === 0 && !clean.usage) continue;
      out.push({ ...clean, choices });
    }
    return out;
  }
}
