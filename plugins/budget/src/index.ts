import { admissionCandidates, outputAllowance } from '@aisbf/plugin-ratelimit';
import { catalogFor, loadTokenizer, estimateInputTokens, type Catalog } from '@aisbf/plugin-catalog';
import {
  AISBF_ERR_FORBIDDEN, definePlugin, type Plugin, type RequestContext, type ResolvedConfig, type Usage,
} from 'aisbf';
import { BudgetKeeper, type BudgetReservation, type BudgetScope } from './budget-keeper.js';
import { optionsSchema, type BudgetLimit, type BudgetOptions } from './options.js';
import { BudgetPricing } from './pricing.js';

export { BudgetKeeper, type BudgetReservation, type BudgetScope } from './budget-keeper.js';
export { periodWindow, type Period, type PeriodWindow } from './period.js';
export { BudgetPricing, type Price } from './pricing.js';
export type { BudgetLimit, BudgetOptions, BudgetScopeKind } from './options.js';

const PLUGIN = 'budget';

function isLimit(v: unknown): v is BudgetLimit {
  return typeof v === 'object' && v !== null && typeof (v as BudgetLimit).usd === 'number' && ((v as BudgetLimit).period === 'day' || (v as BudgetLimit).period === 'month');
}

/**
 * The budgets that apply to a request, from the principal (never the request
 * body): the key's own budget or `defaults.key`, then user and team.
 */
export function budgetScopes(ctx: RequestContext, options: BudgetOptions): BudgetScope[] {
  const p = ctx.principal;
  const d = options.defaults ?? {};
  const o = options.overrides ?? {};
  const out: BudgetScope[] = [];
  const keyLimit = isLimit(p?.budget) ? p.budget : d.key;
  if (keyLimit) out.push({ kind: 'key', id: p?.id ?? 'anonymous', limit: keyLimit });
  if (typeof p?.user === 'string') {
    const l = o.user?.[p.user] ?? d.user;
    if (l) out.push({ kind: 'user', id: p.user, limit: l });
  }
  if (typeof p?.team === 'string') {
    const l = o.team?.[p.team] ?? d.team;
    if (l) out.push({ kind: 'team', id: p.team, limit: l });
  }
  return out;
}

/**
 * Spend budgets in USD per key, user or team and day or month. At admission
 * the worst-case cost (input estimate plus the output allowance, at the
 * dearest candidate of the route) is reserved atomically; on settle it is
 * replaced by the real cost of the candidate that answered. Over budget:
 * 429 `insufficient_quota`.
 *
 * @example
 * plugins: ['catalog', ['budget', { defaults: { team: { usd: 500, period: 'month' } } }]]
 */
export default function budget(options: BudgetOptions = {}): Plugin {
  let keeper: BudgetKeeper;
  let pricing: BudgetPricing;
  let catalog: Catalog;
  let config: ResolvedConfig;
  const fallback = options.defaultMaxTokens ?? 4096;
  const free = options.unpriced === 'free';

  /** The dearest candidate's worst case, in USD. */
  function worstCase(ctx: RequestContext, scopes: BudgetScope[]): number {
    const input = estimateInputTokens(ctx.body);
    let worst = 0;
    for (const c of admissionCandidates(config, ctx.model)) {
      const usd = pricing.estimate(c, input, outputAllowance(ctx, catalog, c, fallback));
      if (usd === undefined) {
        if (free) continue;
        const s = scopes[0];
        throw AISBF_ERR_FORBIDDEN(
          `No price is known for '${c.provider}/${c.model}', so the budget of ${s.kind} '${s.id}' cannot be enforced on '${ctx.model}'. `
          + "The operator can set its price (budget 'prices' or catalog 'models') or set budget 'unpriced' to 'free'.",
        );
      }
      worst = Math.max(worst, usd);
    }
    return worst;
  }

  return definePlugin({
    name: PLUGIN,
    options: optionsSchema,
    async setup(api) {
      config = api.config;
      catalog = catalogFor(api.config);
      await loadTokenizer();
      pricing = new BudgetPricing(catalog, options.prices);
      keeper = new BudgetKeeper(api.state);
      if (api.state.backend === 'memory') {
        api.logger.warn('budget: spend is kept in process memory and is lost on restart; use state.backend redis to keep it and share it across nodes');
      }
    },
    ratelimit: {
      async admit(ctx) {
        const scopes = budgetScopes(ctx, options);
        if (scopes.length === 0) return;
        const reservation = await keeper.reserve(scopes, worstCase(ctx, scopes));
        ctx.locals[PLUGIN] = reservation;
      },
      async settle(ctx, usage: Usage | undefined) {
        const reservation = ctx.locals[PLUGIN] as BudgetReservation | undefined;
        if (!reservation) return;
        delete ctx.locals[PLUGIN];
        let actual = 0;
        if (usage && ctx.cache !== 'hit' && ctx.served) actual = pricing.actual(ctx.served, usage) ?? 0;
        await keeper.settle(reservation, actual);
      },
    },
  });
}
