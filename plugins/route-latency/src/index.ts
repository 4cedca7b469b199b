import { candidateId, settle } from '@aisbf/plugin-catalog';
import { definePlugin, type AttemptRecord, type Plugin, type RequestContext } from 'aisbf';
import { LatencyStats, type LatencyMode } from './latency-stats.js';
import { rankByLatency } from './rank.js';

export { LatencyStats, type LatencyStat, type LatencyMode } from './latency-stats.js';
export { rankByLatency } from './rank.js';

/**
 * Options of the `latency` policy. `explore` may also be set per route.
 *
 * @example ['latency', { explore: 0.1 }]
 */
export interface LatencyOptions {
  /** Weight of each new sample in the average (0–1); default 0.3: a slowdown shows within a few requests. */
  alpha?: number;
  /**
   * Share of requests (0–1) that try the least recently measured candidate
   * first instead of the fastest; default 0.05 (every 20th request). Taken by
   * a counter, not a die, so it is exact and repeatable.
   */
  explore?: number;
  /** Forget a model's average after this long without samples; default 1 h. */
  ttlMs?: number;
  /** A failed attempt (5xx, 429, network) counts as a sample of this many ms; default 10000. */
  failureMs?: number;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    alpha: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
    explore: { type: 'number', minimum: 0, maximum: 1 },
    ttlMs: { type: 'integer', minimum: 1 },
    failureMs: { type: 'number', minimum: 0 },
  },
};

function modeOf(ctx: RequestContext): LatencyMode {
  return ctx.stream ? 'ttft' : 'total';
}

/** A failure worth counting against the model: not the client's fault, not a cancel. */
function isProviderFailure(a: AttemptRecord): boolean {
  if (a.outcome !== 'error') return false;
  return a.status === undefined || a.status >= 500 || a.status === 429 || a.status === 408;
}

/**
 * Routing policy `latency`: fastest first, by an exponentially weighted
 * average of observed latency per provider model — time to first token for
 * streams, total time otherwise — kept in shared state so every node sees
 * every node's samples. It measures every attempt of every route (its own
 * `observe.attempt` hook), tries unmeasured candidates first, and sends a
 * small share of requests to the least recently measured one so a recovered
 * provider is noticed.
 *
 * @example models: { chat: { candidates: ['a/model-x', 'b/model-x'], policies: [['latency', { explore: 0.1 }]] } }
 */
export default function latency(options: LatencyOptions = {}): Plugin {
  let stats: LatencyStats | undefined;
  const counters = new Map<string, number>();

  /** Exact share: request n explores when floor(n·share) steps up. */
  function exploreNow(route: string, share: number): boolean {
    if (share <= 0) return false;
    const n = (counters.get(route) ?? 0) + 1;
    counters.set(route, n);
    return Math.floor(n * share) > Math.floor((n - 1) * share);
  }

  return definePlugin({
    name: 'route-latency',
    options: schema,
    setup(api) {
      stats = new LatencyStats(api.state, options.alpha ?? 0.3, options.ttlMs ?? 3_600_000);
    },
    route: {
      async select(candidates, ctx, routeOptions) {
        if (!stats) throw new Error('route-latency: setup() has not run (the gateway calls it at start).');
        if (candidates.length < 2) return settle('latency', ctx, candidates, { ranked: candidates });
        const mode = modeOf(ctx);
        const seen = await Promise.all(candidates.map((c) => stats!.get(mode, c.provider, c.model)));
        const share = (routeOptions as LatencyOptions | undefined)?.explore ?? options.explore ?? 0.05;
        const explore = exploreNow(ctx.model, share);
        const ranked = rankByLatency(candidates, seen, explore);
        const note = `${mode}${explore ? ' (exploring)' : ''}: ${candidates.map((c, i) => `${candidateId(c)} ${seen[i] ? `${Math.round(seen[i]!.ms)}ms` : 'unmeasured'}`).join(', ')}`;
        return settle('latency', ctx, candidates, { ranked, note });
      },
    },
    observe: {
      async attempt(ctx, attempt) {
        if (!stats) return;
        if (attempt.outcome === 'ok') await stats.record(modeOf(ctx), attempt.provider, attempt.model, attempt.latencyMs);
        else if (isProviderFailure(attempt)) {
          await stats.record(modeOf(ctx), attempt.provider, attempt.model, Math.max(attempt.latencyMs, options.failureMs ?? 10_000));
        }
      },
    },
  });
}
