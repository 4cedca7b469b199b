import { setTimeout as sleep } from 'node:timers/promises';
import {
  AISBF_ERR_UPSTREAM_TIMEOUT, createLogger, responseToChunks, type AttemptFn, type AttemptResult, type Candidate, type ChatChunk, type ChatResponse, type ChatStream,
  type RequestContext,
} from 'aisbf';

/** A request context as core builds it, with the parts a failover strategy reads. */
export function fakeContext(stream = false): { ctx: RequestContext; client: AbortController; headers: Record<string, string> } {
  const client = new AbortController();
  const headers: Record<string, string> = {};
  const ctx: RequestContext = {
    id: 'req-test',
    kind: 'chat',
    body: { model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream },
    stream,
    headers: {},
    signal: client.signal,
    startedAt: performance.now(),
    model: 'smart',
    candidates: [],
    attempts: [],
    locals: {},
    setHeader: (n, v) => { headers[n] = v; },
  };
  return { ctx, client, headers };
}

export const logger = createLogger('silent');

export function answer(provider: string): ChatResponse {
  return {
    id: `chatcmpl-${provider}`, object: 'chat.completion', created: 0, model: provider,
    choices: [{ index: 0, message: { role: 'assistant', content: `from ${provider}` }, finish_reason: 'stop', logprobs: null }],
  };
}

/** What one scripted attempt does: resolve with a value, or throw, after an optional delay that honours the signal. */
export type Step = (signal: AbortSignal, candidate: Candidate) => Promise<AttemptResult['value']>;

export const ok = (delayMs = 0): Step => async (signal, c) => {
  if (delayMs) await sleep(delayMs, undefined, { signal });
  return answer(c.provider);
};
export const fail = (err: unknown, delayMs = 0): Step => async (signal) => {
  if (delayMs) await sleep(delayMs, undefined, { signal });
  throw err;
};
/** Never answers; rejects with the abort reason, like core's runtime does. */
export const hang = (): Step => (signal) => new Promise((_, reject) => {
  signal.addEventListener('abort', () => reject(signal.reason), { once: true });
});

/** A ChatStream over fixed chunks that records whether it was cancelled. */
export function fakeStream(provider: string, gapMs = 0): ChatStream & { cancelled: boolean } {
  const chunks: ChatChunk[] = responseToChunks(answer(provider), false);
  const s = {
    cancelled: false,
    cancel() { s.cancelled = true; },
    async *[Symbol.asyncIterator]() {
      for (const [i, c] of chunks.entries()) {
        if (i > 0 && gapMs) await sleep(gapMs);
        yield c;
      }
    },
  };
  return s;
}

/**
 * An AttemptFn following a script per provider: the n-th call to provider p
 * runs `script[p][min(n, last)]`. Records every call and every abort.
 */
export function scripted(script: Record<string, Step[]>) {
  const calls: string[] = [];
  const aborted: string[] = [];
  const count = new Map<string, number>();
  // Like core's attempt: the strategy's signal cancels it, and a first-byte limit aborts it with a 504.
  const attempt: AttemptFn = async (candidate, signal, limits) => {
    const p = candidate.provider;
    calls.push(p);
    const n = count.get(p) ?? 0;
    count.set(p, n + 1);
    const steps = script[p];
    const step = steps[Math.min(n, steps.length - 1)];
    const local = new AbortController();
    if (signal?.aborted) local.abort(signal.reason);
    else signal?.addEventListener('abort', () => local.abort(signal.reason), { once: true });
    local.signal.addEventListener('abort', () => aborted.push(p), { once: true });
    const limit = limits?.firstByteTimeoutMs;
    const timer = limit === undefined ? undefined : setTimeout(() => local.abort(AISBF_ERR_UPSTREAM_TIMEOUT(p, `no response within ${limit} ms`)), limit);
    try {
      return { candidate, value: await step(local.signal, candidate) };
    } catch (err) {
      // Core rejects an aborted call with the abort's reason (the 504, or the client's departure).
      throw local.signal.aborted ? local.signal.reason : err;
    } finally {
      clearTimeout(timer);
    }
  };
  return { attempt, calls, aborted };
}

export const cands = (...ids: string[]): Candidate[] => ids.map((provider) => ({ provider, model: 'm' }));
