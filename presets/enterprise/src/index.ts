import authKeys from '@aisbf/plugin-auth-keys';
import budget from '@aisbf/plugin-budget';
import cache from '@aisbf/plugin-cache';
import catalog from '@aisbf/plugin-catalog';
import failover from '@aisbf/plugin-failover';
import observeLog from '@aisbf/plugin-observe-log';
import observePrometheus from '@aisbf/plugin-observe-prometheus';
import ratelimit from '@aisbf/plugin-ratelimit';
import capabilities from '@aisbf/plugin-route-capabilities';
import stateRedis from '@aisbf/plugin-state-redis';
import usageLedger from '@aisbf/plugin-usage-ledger';
import { definePreset, type PluginEntry, type PluginFactory, type Preset } from 'aisbf';

/**
 * Options of the enterprise preset. Strings may be `${VAR}` references: they
 * are read from the environment when the config loads, like any config value.
 *
 * @example enterprise({ limits: { key: { rpm: 120, tpm: 200000, concurrent: 8 } }, budgets: { team: { usd: 500, period: 'month' } } })
 */
export interface EnterpriseOptions {
  /** Key of the admin API (`/admin/keys`, `/admin/usage`). Default `${AISBF_ADMIN_KEY}`. */
  adminKey?: string;
  /** PostgreSQL for API keys and the usage ledger. Default `${DATABASE_URL}`. */
  databaseUrl?: string;
  /** Redis shared by every node (limits, budgets, breakers, cache, latency). Default `${REDIS_URL}`. */
  redisUrl?: string;
  /** Rate-limit defaults per scope (`ratelimit`'s `defaults`). Default: per key 600 rpm, 1M tpm, 32 concurrent. */
  limits?: Record<string, { rpm?: number; tpm?: number; concurrent?: number }>;
  /** Budget defaults per scope (`budget`'s `defaults`), e.g. `{ team: { usd: 1000, period: 'month' } }`. Default none (per-key budgets only). */
  budgets?: Record<string, { usd: number; period: 'day' | 'month' }>;
}

// A factory with its options: core reads `${VAR}` in the options and checks them against the plugin's schema.
const entry = (factory: PluginFactory, options: object): PluginEntry => [factory, options];
const as = <T>(f: (o: T) => unknown) => f as unknown as PluginFactory;

/**
 * One gateway for many teams on a cluster of nodes: every request needs an
 * API key (hashed, managed through `/admin/keys`, kept in PostgreSQL); rate
 * limits and budgets hold across nodes through Redis; failover with shared
 * circuit breakers and hedging after the p95; a team-scoped response cache;
 * capability filtering; Prometheus metrics, JSON access logs and a durable
 * usage ledger (`/admin/usage`).
 *
 * Needs: `AISBF_ADMIN_KEY`, `DATABASE_URL` (postgres://), `REDIS_URL` (redis://),
 * and the providers you add in your config.
 *
 * @example export default defineConfig({ presets: [enterprise()], providers: { gpt: { type: 'openai', apiKey: '${OPENAI_API_KEY}' } } });
 */
export default function enterprise(options: EnterpriseOptions = {}): Preset {
  const adminKey = options.adminKey ?? '${AISBF_ADMIN_KEY}';
  const databaseUrl = options.databaseUrl ?? '${DATABASE_URL}';
  return definePreset({
    name: 'enterprise',
    plugins: [
      stateRedis(),
      catalog(),
      // Auth first, then limits before budgets: a refused request never reserves money.
      entry(as(authKeys), { adminKey, store: { url: databaseUrl } }),
      entry(as(ratelimit), { defaults: options.limits ?? { key: { rpm: 600, tpm: 1_000_000, concurrent: 32 } } }),
      entry(as(budget), { ...(options.budgets ? { defaults: options.budgets } : {}), unpriced: 'refuse' }),
      entry(as(cache), { scope: 'team' }),
      capabilities(),
      entry(as(failover), {
        retries: 1,
        backoff: { baseMs: 100, maxMs: 2000, maxRetryAfterMs: 5000 },
        breaker: { failures: 20, windowMs: 30_000, cooldownMs: 30_000, halfOpenProbes: 2 },
        hedge: { afterMs: 'p95', minMs: 300, max: 1, budget: 0.1 },
        timeouts: { ttftMs: 30_000, idleMs: 30_000, totalMs: 90_000 },
      }),
      entry(as(observeLog), { level: 'info', logBodies: false }),
      observePrometheus(),
      entry(as(usageLedger), { databaseUrl }),
    ],
    state: { backend: 'redis', url: options.redisUrl ?? '${REDIS_URL}' },
    notes: ['enterprise: API keys required (create them with POST /admin/keys and the admin key); metrics at /metrics; usage at /admin/usage.'],
  });
}
