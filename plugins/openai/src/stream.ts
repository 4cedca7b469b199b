import type { ChatChunk, ProviderTarget, StreamEvent, StreamTranslator } from 'aisbf';
import { isErrorEvent, openAIError } from './errors.js';
import type { OpenAIOptions } from './wire.js';

/**
 * OpenAI chunks are canonical already. What needs care: an error event after
 * HTTP 200 becomes a GatewayError (so failover sees it before the first
 * byte), Azure-style preamble chunks (`choices: []`, no usage) are dropped,
 * and a choice without `delta` (late content-filter notes) gets an empty one.
 */
export class OpenAIStream implements StreamTranslator {
  constructor(private readonly target: ProviderTarget<OpenAIOptions>) {}

  event(ev: StreamEvent): ChatChunk[] | undefined {
    const data = ev.data;
    if (isErrorEvent(data) || ev.event === 'error') {
      const err = openAIError(500, data, {}, this.target.id);
      throw err;
    }
    const chunk = data as ChatChunk;
    if (!Array.isArray(chunk.choices)) return undefined;
    if (chunk.choices.length === 0 && !chunk.usage) return undefined;
    for (const c of chunk.choices) if (!c.delta) c.delta = {};
    return [chunk];
  }
}
