import { definePlugin, type CacheEntry, type ChatRequest, type ChatResponse, type Plugin } from 'aisbf';

/**
 * Helpers the observability plugins' tests share: observe events and ledger
 * batches land after the response, so tests poll; and a small cache that
 * leaves the record the cache plugin documents in `ctx.locals.cache`.
 */

/** Polls `check` until it returns a value (not undefined), at most `tries` times, every 20 ms. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, tries = 300): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up waiting for ${what}`);
}

function lastUser(req: ChatRequest): string {
  const m = req.messages.at(-1);
  return typeof m?.content === 'string' ? m.content : '';
}

/**
 * A cache for tests, keyed by the prompt, that leaves the record the cache
 * plugin documents in `ctx.locals.cache` (outcome, hit, savedUsage, savedFrom).
 */
export function testCache(): Plugin {
  const store = new Map<string, { entry: CacheEntry; from: { provider: string; model: string } }>();
  return definePlugin({
    name: 'test-cache',
    cache: {
      get(ctx) {
        const found = ctx.stream ? undefined : store.get(lastUser(ctx.body as ChatRequest));
        ctx.locals.cache = found
          ? { outcome: 'hit', hit: true, savedUsage: (found.entry.response as ChatResponse).usage, savedFrom: found.from }
          : { outcome: 'miss', hit: false };
        return found?.entry;
      },
      set(ctx, entry) {
        if (ctx.served) store.set(lastUser(ctx.body as ChatRequest), { entry, from: { provider: ctx.served.provider, model: ctx.served.model } });
      },
    },
  });
}
