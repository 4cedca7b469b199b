import {
  AISBF_ERR_RATE_LIMITED, definePlugin, isGatewayError, type AttemptResult, type Plugin,
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

export { eventually, testCache } from '../../../test/support/observers.js';
