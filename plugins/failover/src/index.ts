import { definePlugin, type Candidate, type Logger, type Plugin, type ResolvedConfig } from 'aisbf';
import { Breaker, type BreakerState } from './breaker.js';
import { HedgeBudget, LatencyTracker } from './hedge.js';
import { optionsSchema, settings, type FailoverOptions } from './options.js';
import { runAttempts, type StrategyDeps } from './strategy.js';

export type { BackoffOptions, BreakerOptions, FailoverOptions, HedgeOptions, TimeoutOptions } from './options.js';
export type { FailoverLocals } from './strategy.js';
export { Breaker, type Admission, type BreakerLimits, type BreakerState, type ProbeTicket } from './breaker.js';
export { classify, type Outcome } from './classify.js';
export { backoffDelay } from './backoff.js';
export { idleGuard } from './timeouts.js';
export { HedgeBudget, LatencyTracker } from './hedge.js';

/**
 * The failover stage: drives the attempts of each request over the ranked
 * candidates — immediate failover or retries with backoff, a circuit breaker
 * per provider + model shared by every node through the state store, hedged
 * requests, and stream-safe timeouts with a total deadline.
 *
 * @example
 * // aisbf.config.ts
 * plugins: [['failover', { retries: 0, breaker: { failures: 5, windowMs: 30000, cooldownMs: 30000, halfOpenProbes: 1 },
 *                          hedge: { afterMs: 'p95', minMs: 300 }, timeouts: { ttftMs: 20000, idleMs: 30000, totalMs: 60000 } }]]
 */
/** One breaker as `breakerStates()` reports it. */
export interface BreakerReport {
  provider: string;
  model: string;
  state: BreakerState;
}

/**
 * The failover plugin object: a `Plugin` with `breakerStates()`, which the
 * metrics plugin reads to export each breaker's state.
 *
 * @example
 * const fo = api.config.plugins.find((p) => p.name === 'failover') as FailoverPlugin;
 * for (const b of await fo.breakerStates()) console.log(b.provider, b.model, b.state);
 */
export interface FailoverPlugin extends Plugin {
  /** The state of the breaker of every configured route candidate (from shared state: the cluster's view). */
  breakerStates(): Promise<BreakerReport[]>;
}

export default function failover(options: FailoverOptions = {}): FailoverPlugin {
  const s = settings(options);
  let deps: StrategyDeps | undefined;
  let config: ResolvedConfig | undefined;
  return definePlugin<FailoverPlugin>({
    name: 'failover',
    async breakerStates() {
      const breaker = deps?.breaker;
      if (!breaker || !config) return [];
      const seen = new Map<string, Candidate>();
      for (const route of Object.values(config.models)) for (const c of route.candidates) seen.set(`${c.provider}/${c.model}`, c);
      return Promise.all([...seen.values()].map(async (c) => ({ provider: c.provider, model: c.model, state: await breaker.state(c) })));
    },
    options: optionsSchema,
    setup(api) {
      deps = {
        settings: s,
        breaker: s.breaker ? new Breaker(api.state, s.breaker, s.keyPrefix) : undefined,
        budget: s.hedge ? new HedgeBudget(s.hedge.budget) : undefined,
        latency: new LatencyTracker(),
        warn: throttled(api.logger, 10_000),
      };
      config = api.config;
    },
    failover: {
      run(candidates, attempt, ctx) {
        if (!deps) throw new Error('failover: setup() was not called before the first request');
        return runAttempts(candidates, attempt, ctx, deps);
      },
    },
  });
}

/** A warn that says the same message at most once per `everyMs`, with how many were dropped. */
function throttled(logger: Logger, everyMs: number): (details: Record<string, unknown>, message: string) => void {
  const last = new Map<string, { at: number; dropped: number }>();
  return (details, message) => {
    const now = Date.now();
    const seen = last.get(message);
    if (seen && now - seen.at < everyMs) {
      seen.dropped++;
      return;
    }
    logger.warn({ ...details, repeated: seen?.dropped ?? 0 }, message);
    last.set(message, { at: now, dropped: 0 });
  };
}
