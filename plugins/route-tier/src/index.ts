import { candidateTags, catalogFor, matchesSelector, settle, type Catalog } from '@aisbf/plugin-catalog';
import { definePolicy, type Candidate, type Plugin } from 'aisbf';

/**
 * What one tier may use. Selectors are tags (`'cheap'`), provider models
 * (`'gpt/gpt-4o'`) or whole providers (`'local/*'`).
 *
 * @example { allow: ['cheap', 'local/*'], prefer: ['local/*'] }
 */
export interface TierRule {
  /** Only candidates matching one of these; omitted = every candidate. */
  allow?: string[];
  /** Candidates matching these go first, in the order of this list. */
  prefer?: string[];
}

/**
 * Options of the `tier` policy (plugin-wide, or per route as `['tier', { … }]`).
 *
 * @example ['tier', { tiers: { premium: { prefer: ['strong'] }, free: { allow: ['cheap'] } }, default: 'free' }]
 */
export interface TierOptions {
  /** Rules per tier name (the principal's `tier`, set by the auth stage). */
  tiers?: Record<string, TierRule>;
  /**
   * The tier of a caller without one, or with a tier that has no rules;
   * default `default`. When that tier has no rules either, the candidates pass unchanged.
   */
  default?: string;
}

const selectorList = { type: 'array', items: { type: 'string', minLength: 1 } };
const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    tiers: { type: 'object', additionalProperties: { type: 'object', additionalProperties: false, properties: { allow: selectorList, prefer: selectorList } } },
    default: { type: 'string', minLength: 1 },
  },
};

/**
 * Routing policy `tier`: the caller's tier (from `ctx.principal.tier`)
 * decides which candidates are allowed and which go first — premium users to
 * high-end models, free users to budget ones.
 *
 * @example models: { chat: { candidates: ['claude/claude-sonnet-4-5', 'gpt/gpt-4o-mini'], policies: [['tier', { tiers: { free: { allow: ['gpt/gpt-4o-mini'] } }, default: 'free' }]] } }
 */
export default function tier(options: TierOptions = {}): Plugin {
  let catalog: Catalog | undefined;
  return definePolicy<TierOptions | undefined>({
    name: 'route-tier',
    options: schema,
    setup(api) {
      catalog = catalogFor(api.config);
    },
    select(candidates, ctx, routeOptions) {
      if (!catalog) throw new Error('route-tier: setup() has not run (the gateway calls it at start).');
      const tiers = routeOptions?.tiers ?? options.tiers ?? {};
      const fallback = routeOptions?.default ?? options.default ?? 'default';
      const asked = typeof ctx.principal?.tier === 'string' ? ctx.principal.tier : undefined;
      const name = asked !== undefined && tiers[asked] ? asked : fallback;
      const rule = tiers[name];
      if (!rule) return settle('tier', ctx, candidates, { ranked: candidates, note: `tier ${asked ?? '(none)'}: no rules` });
      return settle('tier', ctx, candidates, { ...applyRule(rule, candidates, (c) => candidateTags(catalog!, c), name), note: `tier ${name}` });
    },
  });
}

/** Filters by `allow` and moves `prefer` matches first (stable within each group). */
export function applyRule(rule: TierRule, candidates: Candidate[], tagsOf: (c: Candidate) => string[], tierName: string): { ranked: Candidate[]; reasons: Map<Candidate, string> } {
  const reasons = new Map<Candidate, string>();
  const allowed: Candidate[] = [];
  for (const c of candidates) {
    if (!rule.allow || rule.allow.some((s) => matchesSelector(s, c, tagsOf(c)))) allowed.push(c);
    else reasons.set(c, `not allowed for tier ${tierName}`);
  }
  const prefer = rule.prefer;
  if (!prefer?.length) return { ranked: allowed, reasons };
  const rank = (c: Candidate) => {
    const tags = tagsOf(c);
    const i = prefer.findIndex((s) => matchesSelector(s, c, tags));
    return i === -1 ? prefer.length : i;
  };
  return { ranked: [...allowed].sort((a, b) => rank(a) - rank(b)), reasons };
}
