/**
 * A small seeded random generator (mulberry32): the same seed gives the same
 * sequence, so a weighted-random route replays exactly in tests.
 *
 * @example const next = seededRandom(42); next() // → 0.6011… every time
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Index drawn with probability proportional to its weight (at least one weight > 0). */
export function drawWeighted(weights: readonly number[], random: () => number): number {
  let total = 0;
  for (const w of weights) total += w;
  let r = random() * total;
  let last = -1;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    last = i;
    if (r < weights[i]) return i;
    r -= weights[i];
  }
  return last; // rounding at the very top of the range
}
