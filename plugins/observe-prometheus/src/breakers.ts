import { Gauge, type Registry } from 'prom-client';
import type { Logger, Plugin } from 'aisbf';

/** One circuit breaker as a failover plugin reports it. */
export interface BreakerReport {
  provider: string;
  model: string;
  state: 'closed' | 'open' | 'half-open';
}

/**
 * What this plugin reads from the loaded failover plugin to expose breaker
 * state: a `breakerStates()` method on the plugin object, listing the
 * breakers of the configured candidates.
 *
 * @example
 * definePlugin({ name: 'failover', failover: { run }, breakerStates: async () => [{ provider: 'a', model: 'm', state: 'open' }] })
 */
export interface BreakerSource {
  breakerStates(): BreakerReport[] | Promise<BreakerReport[]>;
}

const STATES: ReadonlyArray<BreakerReport['state']> = ['closed', 'open', 'half-open'];

export function isBreakerSource(p: Plugin): p is Plugin & BreakerSource {
  return typeof (p as Partial<BreakerSource>).breakerStates === 'function';
}

/**
 * `aisbf_breaker_state{provider,model,state}`: 1 for the breaker's current
 * state, 0 for the others (the Prometheus state-set pattern), read from the
 * failover plugin at scrape time. Absent when no plugin reports breakers.
 */
export function registerBreakerGauge(registry: Registry, plugins: readonly Plugin[], logger: Logger): boolean {
  const source = plugins.find(isBreakerSource);
  if (!source) return false;
  new Gauge({
    name: 'aisbf_breaker_state',
    help: 'Circuit breaker state per provider and upstream model: 1 for the current state (closed, open, half-open).',
    labelNames: ['provider', 'model', 'state'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      let reports: BreakerReport[];
      try {
        reports = await source.breakerStates();
      } catch (err) {
        // A scrape must still answer with everything else when shared state is down.
        logger.warn({ err: String(err) }, 'could not read breaker states');
        return;
      }
      for (const r of reports) {
        for (const s of STATES) this.set({ provider: r.provider, model: r.model, state: s }, r.state === s ? 1 : 0);
      }
    },
  });
  return true;
}
