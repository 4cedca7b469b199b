import { catalogFor, loadTokenizer, candidateId, requestFacts, settle, type Catalog } from '@aisbf/plugin-catalog';
import { definePolicy, type Candidate, type Plugin } from 'aisbf';
import { estimateCost, expectedOutputTokens } from './estimate.js';

export { estimateCost, expectedOutputTokens, type OutputGuess } from './estimate.js';

/**
 * Options of the `cost` policy (plugin-wide, or per route as `['cost', { … }]`).
 *
 * @example ['cost', { minQuality: 0.8, unknownPrice: 'skip' }]
 */
export interface CostOptions {
  /** Keep only candidates whose catalogue quality (0–1) is at least this. */
  minQuality?: number;
  /** A candidate without a quality score when `minQuality` is set: `skip` it (default) or `allow` it. */
  unknownQuality?: 'skip' | 'allow';
  /** A candidate whose price is unknown: rank it `last` (default) or `skip` it. */
  unknownPrice?: 'last' | 'skip';
  /** Expected output tokens per input token when the request does not bound it; default 0.5. */
  outputRatio?: number;
  /** Floor of the output guess; default 256. */
  minOutputTokens?: number;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    minQuality: { type: 'number', minimum: 0, maximum: 1 },
    unknownQuality: { enum: ['skip', 'allow'] },
    unknownPrice: { enum: ['last', 'skip'] },
    outputRatio: { type: 'number', minimum: 0 },
    minOutputTokens: { type: 'integer', minimum: 0 },
  },
};

/**
 * Routing policy `cost`: the cheapest candidate that is good enough. Each
 * candidate's cost for this very request is estimated from catalogue prices
 * (input counted with a tokenizer, output guessed and bounded by
 * `max_tokens`); candidates below `minQuality` are removed; the rest are
 * ranked cheapest first, unknown prices last (or removed).
 *
 * @example models: { smart: { candidates: ['claude/claude-sonnet-4-5', 'gpt/gpt-4o', 'gpt/gpt-4o-mini'], policies: [['cost', { minQuality: 0.8 }]] } }
 */
export default function cost(options: CostOptions = {}): Plugin {
  let catalog: Catalog | undefined;
  return definePolicy<CostOptions | undefined>({
    name: 'route-cost',
    options: schema,
    async setup(api) {
      catalog = catalogFor(api.config);
      await loadTokenizer();
    },
    select(candidates, ctx, routeOptions) {
      if (!catalog) throw new Error('route-cost: setup() has not run (the gateway calls it at start).');
      const o = { ...options, ...routeOptions };
      const facts = requestFacts(ctx);
      const input = facts.inputTokens();
      const output = expectedOutputTokens(facts, input, { outputRatio: o.outputRatio ?? 0.5, minOutputTokens: o.minOutputTokens ?? 256 });
      const reasons = new Map<Candidate, string>();
      const priced: Array<{ c: Candidate; usd: number }> = [];
      const unpriced: Candidate[] = [];
      for (const c of candidates) {
        if (o.minQuality !== undefined) {
          const q = catalog.facts(c.provider, c.model).quality;
          if (q === null && o.unknownQuality !== 'allow') {
            reasons.set(c, `quality unknown, minQuality ${o.minQuality}`);
            continue;
          }
          if (q !== null && q < o.minQuality) {
            reasons.set(c, `quality ${q} < ${o.minQuality}`);
            continue;
          }
        }
        const usd = estimateCost(catalog, c, input, output);
        if (usd !== null) priced.push({ c, usd });
        else if (o.unknownPrice === 'skip') reasons.set(c, 'price unknown');
        else unpriced.push(c);
      }
      priced.sort((a, b) => a.usd - b.usd); // stable: equal costs keep the incoming order
      const note = `~${input} in / ${output} out tokens: ${[...priced.map((p) => `${candidateId(p.c)} $${p.usd.toPrecision(3)}`), ...unpriced.map((c) => `${candidateId(c)} price unknown`)].join(', ')}`;
      return settle('cost', ctx, candidates, { ranked: [...priced.map((p) => p.c), ...unpriced], reasons, note });
    },
  });
}
