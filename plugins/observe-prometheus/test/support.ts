import {
  AISBF_ERR_RATE_LIMITED, definePlugin, isGatewayError, type AttemptResult, type CacheEntry, type ChatRequest, type ChatResponse, type Plugin,
} from 'aisbf';

/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the text exposition format (enough of it for prom-client's output). */
export function parseExposition(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`unparseable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, '$1');
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sum(samples: Sample[], name: string, match: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v))
    .reduce((n, s) => n + s.value, 0);
}

/** Polls `check` until it returns a value (not undefined), at most `tries` times: observe events are asynchronous. */
export async function eventually<T>(check: () => Promise<T | undefined>, what: string, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
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

/** Refuses requests carrying `x-test-limit: rate` (rate limit) or `x-test-limit: budget` (budget), as the real limiters answer. */
export function testLimits(): Plugin {
  return definePlugin({
    name: 'test-limits',
    ratelimit: {
      admit(ctx) {
        const v = ctx.headers['x-test-limit'];
        if (v === 'rate') throw AISBF_ERR_RATE_LIMITED('Too many requests for this key.', 1000);
        if (v === 'budget') throw AISBF_ERR_RATE_LIMITED('The team budget is spent.', 60_000, 'insufficient_quota');
      },
    },
  });
}

/** Tries candidates in order until one answers; reports fixed breaker states like the failover plugin would. */
export function testFailover(breakers: Array<{ provider: string; model: string; state: 'closed' | 'open' | 'half-open' }> = []): Plugin {
  return definePlugin({
    name: 'test-failover',
    breakerStates: () => breakers,
    failover: {
      async run(candidates, attempt): Promise<AttemptResult> {
        let last: unknown;
        for (const c of candidates) {
          try {
            return await attempt(c);
          } catch (err) {
            if (!isGatewayError(err) || !err.retryable) throw err;
            last = err;
          }
        }
        throw last;
      },
    },
  });
}
