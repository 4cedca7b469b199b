import { setTimeout as sleep } from 'node:timers/promises';
import {
  AISBF_ERR_UPSTREAM_UNREACHABLE, definePlugin, upstreamError, type ChatChunk, type DirectProviderAdapter, type Plugin, type ProviderTarget,
} from 'aisbf';
import { mockAnswer, mockChunks } from './chat.js';
import { mockEmbeddings } from './embeddings.js';
import type { MockOptions } from './wire.js';

export type { MockOptions } from './wire.js';
export { mockAnswer, mockChunks } from './chat.js';

/**
 * A deterministic offline provider for demos, tests and benchmarks. Any model
 * name works (`echo/mock-1` when the provider id is `echo`); it answers with
 * `Echo: <last user message>`, or calls the tool that `tool_choice` demands.
 * Latency, chunking and failures are set per provider entry.
 *
 * @example providers: { echo: { type: 'mock', ttftMs: 20, chunks: 8, failRate: 0.25, failStatus: 503 } }
 */
export default function mock(): Plugin {
  const counters = new Map<string, number>();

  /** Failure n of a provider happens when floor(n·rate) steps up: exactly `rate` of requests, evenly spread. */
  function shouldFail(target: ProviderTarget<MockOptions>): boolean {
    const rate = target.config.failRate ?? 0;
    if (rate <= 0) return false;
    const n = counters.get(target.id) ?? 0;
    counters.set(target.id, n + 1);
    return Math.floor((n + 1) * rate) > Math.floor(n * rate);
  }

  function injected(target: ProviderTarget<MockOptions>) {
    const status = target.config.failStatus ?? 500;
    return upstreamError({ status, message: `mock provider '${target.id}': injected failure (HTTP ${status})`, provider: target.id });
  }

  const adapter: DirectProviderAdapter<MockOptions> = {
    type: 'mock',
    options: {
      properties: {
        latencyMs: { type: 'number', minimum: 0 },
        ttftMs: { type: 'number', minimum: 0 },
        chunkDelayMs: { type: 'number', minimum: 0 },
        chunks: { type: 'integer', minimum: 1 },
        failRate: { type: 'number', minimum: 0, maximum: 1 },
        failStatus: { type: 'integer', minimum: 400, maximum: 599 },
        cutAfterChunks: { type: 'integer', minimum: 0 },
        dimensions: { type: 'integer', minimum: 1, maximum: 4096 },
      },
    },
    invoke: {
      async chat(req, target, signal) {
        const o = target.config;
        const fail = shouldFail(target);
        const answer = mockAnswer(req, target.model);
        if (!req.stream) {
          if (o.latencyMs) await sleep(o.latencyMs, undefined, { signal });
          if (fail) throw injected(target);
          return answer;
        }
        const wait = o.ttftMs ?? o.latencyMs ?? 0;
        if (wait) await sleep(wait, undefined, { signal });
        if (fail) throw injected(target);
        return stream(mockChunks(answer, o.chunks ?? 4), o, target.id, signal);
      },
      async embeddings(req, target, signal) {
        const o = target.config;
        const fail = shouldFail(target);
        if (o.latencyMs) await sleep(o.latencyMs, undefined, { signal });
        if (fail) throw injected(target);
        return mockEmbeddings(req, target.model, o.dimensions ?? 8);
      },
    },
  };
  return definePlugin({ name: 'mock', provider: adapter as DirectProviderAdapter });
}

async function* stream(chunks: ChatChunk[], o: MockOptions, id: string, signal: AbortSignal): AsyncGenerator<ChatChunk> {
  let content = 0;
  for (const chunk of chunks) {
    const isContent = chunk.choices.some((c) => c.delta.content || c.delta.tool_calls);
    if (isContent && o.cutAfterChunks !== undefined && content >= o.cutAfterChunks) {
      throw AISBF_ERR_UPSTREAM_UNREACHABLE(id, new Error('mock: connection cut mid-stream (cutAfterChunks)'));
    }
    if (isContent) {
      if (content > 0 && o.chunkDelayMs) await sleep(o.chunkDelayMs, undefined, { signal });
      content++;
    }
    yield chunk;
  }
}
