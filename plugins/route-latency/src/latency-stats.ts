import type { SharedState } from 'aisbf';

/**
 * One provider model's observed latency, as kept in shared state.
 *
 * @example { ms: 412.5, n: 37, at: 1767225600000 }
 */
export interface LatencyStat {
  /** Exponentially weighted average, ms. */
  ms: number;
  /** Samples seen (capped; tells a fresh average from a settled one). */
  n: number;
  /** When the last sample arrived (ms since epoch): exploration revisits the stalest. */
  at: number;
}

/** Which latency a request is judged by: time to first token for streams, total time otherwise. */
export type LatencyMode = 'ttft' | 'total';

/**
 * Latency averages per provider model in shared state, so every node ranks by
 * what every node saw. Updates read, average and write back: two nodes
 * writing the same key at once may drop one sample, which an average shrugs off
 * (an atomic script would cost a round trip per request for no visible gain).
 */
export class LatencyStats {
  readonly #state: SharedState;
  readonly #alpha: number;
  readonly #ttlMs: number;

  /**
   * @param alpha weight of a new sample (0–1); higher reacts faster.
   * @param ttlMs a model not measured for this long is forgotten, then explored again.
   */
  constructor(state: SharedState, alpha: number, ttlMs: number) {
    this.#state = state;
    this.#alpha = alpha;
    this.#ttlMs = ttlMs;
  }

  static key(mode: LatencyMode, provider: string, model: string): string {
    return `route-latency:${mode}:${provider}/${model}`;
  }

  get(mode: LatencyMode, provider: string, model: string): Promise<LatencyStat | undefined> {
    return this.#state.get<LatencyStat>(LatencyStats.key(mode, provider, model));
  }

  /** Folds one sample into the average and returns the new stat. */
  async record(mode: LatencyMode, provider: string, model: string, ms: number, now = Date.now()): Promise<LatencyStat> {
    const key = LatencyStats.key(mode, provider, model);
    const prev = await this.#state.get<LatencyStat>(key);
    const next: LatencyStat = prev
      ? { ms: prev.ms + this.#alpha * (ms - prev.ms), n: Math.min(prev.n + 1, 1_000_000), at: now }
      : { ms, n: 1, at: now };
    await this.#state.set(key, next, this.#ttlMs);
    return next;
  }
}
