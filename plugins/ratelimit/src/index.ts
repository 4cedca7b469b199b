import { catalogFor, loadTokenizer, estimateInputTokens, type Catalog } from '@aisbf/plugin-catalog';
import { definePlugin, type Plugin, type RequestContext, type ResolvedConfig, type Usage } from 'aisbf';
import { RateLimiter, type Reservation } from './limiter.js';
import { optionsSchema, scopesFor, type RateLimitOptions } from './limits.js';
import { admissionCandidates, outputAllowance } from './request-size.js';

export { RateLimiter, type Admission, type Reservation } from './limiter.js';
export { limitsSchema, scopesFor, type Limits, type RateLimitOptions, type Scope, type ScopeKind } from './limits.js';
export { admissionCandidates, outputAllowance } from './request-size.js';
export { resetDuration } from './reset-duration.js';

const PLUGIN = 'ratelimit';

/** Tokens a request may use: the input estimate plus the largest output allowance among its candidates. */
function tokensNeeded(ctx: RequestContext, config: ResolvedConfig, catalog: Catalog, fallback: number): number {
  let output = 0;
  for (const c of admissionCandidates(config, ctx.model)) output = Math.max(output, outputAllowance(ctx, catalog, c, fallback));
  return Math.max(1, estimateInputTokens(ctx.body) + output);
}

/**
 * Rate limits per key, user, team and model: requests per minute, tokens per
 * minute and concurrent requests, in shared state (memory on one node, Redis
 * for a cluster). Admitted responses carry `x-ratelimit-{limit,remaining,reset}-{requests,tokens}`;
 * a refusal is 429 `rate_limit_exceeded` with `retry-after`.
 *
 * @example
 * plugins: [['ratelimit', { defaults: { key: { rpm: 60, tpm: 200000, concurrent: 8 }, team: { rpm: 1000 } } }]]
 */
export default function ratelimit(options: RateLimitOptions = {}): Plugin {
  let limiter: RateLimiter;
  let config: ResolvedConfig;
  let catalog: Catalog;
  const fallback = options.defaultMaxTokens ?? 4096;

  return definePlugin({
    name: PLUGIN,
    options: optionsSchema,
    async setup(api) {
      limiter = new RateLimiter(api.state, options.concurrencyLeaseMs);
      config = api.config;
      catalog = catalogFor(api.config);
      await loadTokenizer();
      if (api.state.volatile && api.state.backend === 'memory') {
        api.logger.debug('ratelimit: limits are kept in this process; set state.backend to redis to share them across nodes');
      }
    },
    ratelimit: {
      async admit(ctx) {
        const scopes = scopesFor(ctx, options);
        if (scopes.length === 0) return;
        // Tokenizing costs CPU: only when some scope of this request limits tokens.
        const tokens = scopes.some((s) => s.limits.tpm !== undefined) ? tokensNeeded(ctx, config, catalog, fallback) : 0;
        const { reservation, headers } = await limiter.admit(scopes, tokens);
        ctx.locals[PLUGIN] = reservation;
        for (const [k, v] of Object.entries(headers)) ctx.setHeader(k, v);
      },
      async settle(ctx, usage: Usage | undefined) {
        const reservation = ctx.locals[PLUGIN] as Reservation | undefined;
        if (!reservation) return;
        delete ctx.locals[PLUGIN];
        // A request refused later in admission (say, by a budget) never reached a provider: it costs no request.
        const reachedProvider = ctx.attempts.length > 0 || ctx.cache === 'hit';
        await limiter.settle(reservation, usage?.total_tokens, !reachedProvider && usage === undefined);
      },
    },
  });
}
