/**
 * Smooth weighted round-robin (as nginx balances upstreams): every pick adds
 * each weight to its running score, takes the highest score and subtracts the
 * total from it. Over any run of `sum(weights)` picks with integer weights,
 * each index is picked exactly `weight` times, and picks are interleaved
 * (1,2,7 → never seven in a row). No randomness, so tests are exact.
 *
 * @example const rr = new SmoothWeighted(); rr.pick('k', [1, 3]) // → 1, then 1, 0, 1 …
 */
export class SmoothWeighted {
  readonly #scores = new Map<string, number[]>();
  /** Bounds memory when candidate sets keep changing (each distinct set has its own scores). */
  readonly #maxKeys: number;

  constructor(maxKeys = 10_000) {
    this.#maxKeys = maxKeys;
  }

  /** Index of the next pick among `weights` (all ≥ 0, at least one > 0) for the sequence named `key`. */
  pick(key: string, weights: readonly number[]): number {
    let scores = this.#scores.get(key);
    if (!scores || scores.length !== weights.length) {
      if (this.#scores.size >= this.#maxKeys) this.#scores.clear();
      scores = new Array<number>(weights.length).fill(0);
      this.#scores.set(key, scores);
    }
    let total = 0;
    let best = -1;
    for (let i = 0; i < weights.length; i++) {
      scores[i] += weights[i];
      total += weights[i];
      if (weights[i] > 0 && (best === -1 || scores[i] > scores[best])) best = i;
    }
    scores[best] -= total;
    return best;
  }
}
