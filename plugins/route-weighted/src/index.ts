import { candidateId, settle } from '@aisbf/plugin-catalog';
import { definePolicy, type Candidate, type Plugin } from 'aisbf';
import { drawWeighted, seededRandom } from './seeded-random.js';
import { SmoothWeighted } from './smooth-weighted.js';

export { SmoothWeighted } from './smooth-weighted.js';
export { seededRandom, drawWeighted } from './seeded-random.js';

/**
 * Options of the `weighted` policy (plugin-wide, or per route as
 * `['weighted', { … }]`).
 *
 * @example ['weighted', { mode: 'random', seed: 7 }]
 */
export interface WeightedOptions {
  /**
   * `smooth` (default): smooth weighted round-robin, exact over every
   * `sum(weights)` requests on each node. `random`: an independent weighted
   * draw per request (set `seed` to make it repeatable).
   */
  mode?: 'smooth' | 'random';
  /** Seed of the random mode; default: seeded from the clock at start. */
  seed?: number;
}

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: { mode: { enum: ['smooth', 'random'] }, seed: { type: 'integer' } },
};

/**
 * Routing policy `weighted`: splits traffic by each candidate's `weight`
 * (default 1; 0 = only a fallback). The pick goes first and the others follow
 * by weight, so failover still has somewhere to go.
 *
 * @example models: { chat: { candidates: [{ provider: 'a', model: 'm', weight: 3 }, { provider: 'b', model: 'm', weight: 1 }], policies: ['weighted'] } }
 */
export default function weighted(options: WeightedOptions = {}): Plugin {
  const rr = new SmoothWeighted();
  const randoms = new Map<number, () => number>();
  const randomFor = (seed: number) => {
    let r = randoms.get(seed);
    if (!r) randoms.set(seed, (r = seededRandom(seed)));
    return r;
  };
  const defaultSeed = options.seed ?? Date.now();

  return definePolicy<WeightedOptions | undefined>({
    name: 'route-weighted',
    options: schema,
    select(candidates, ctx, routeOptions) {
      if (candidates.length < 2) return settle('weighted', ctx, candidates, { ranked: candidates });
      const weights = candidates.map(weightOf);
      if (!weights.some((w) => w > 0)) return settle('weighted', ctx, candidates, { ranked: candidates, note: 'no positive weight: declared order' });
      const mode = routeOptions?.mode ?? options.mode ?? 'smooth';
      const picked = mode === 'random'
        ? drawWeighted(weights, randomFor(routeOptions?.seed ?? defaultSeed))
        : rr.pick(`${ctx.model}|${candidates.map(candidateId).join(',')}`, weights);
      return settle('weighted', ctx, candidates, { ranked: rankAfterPick(candidates, weights, picked), note: `${mode} pick` });
    },
  });
}

/** A candidate's weight: its `weight`, default 1, never negative. */
export function weightOf(c: Candidate): number {
  return typeof c.weight === 'number' && Number.isFinite(c.weight) ? Math.max(0, c.weight) : 1;
}

/** The picked candidate first, then the rest by descending weight (stable). */
function rankAfterPick(candidates: Candidate[], weights: number[], picked: number): Candidate[] {
  const rest = candidates.map((c, i) => ({ c, w: weights[i], i })).filter((x) => x.i !== picked).sort((a, b) => b.w - a.w);
  return [candidates[picked], ...rest.map((x) => x.c)];
}
