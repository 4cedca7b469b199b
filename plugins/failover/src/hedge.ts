import type { Candidate } from 'aisbf';
import type { HedgeOptions } from './options.js';

const WINDOW_MS = 10_000;

/**
 * Caps the share of requests that hedge on this node: a hedge doubles the
 * upstream work of one request, so when a provider is slow for everyone,
 * hedging every request would double the load exactly when it hurts most.
 * Counts requests and hedges in two 10 s windows (current and previous,
 * weighted by overlap) — a cheap sliding window. Always allows one hedge per
 * window so a quiet node can still hedge.
 *
 * @example const budget = new HedgeBudget(0.2); budget.request(); if (budget.tryHedge()) startNext();
 */
export class HedgeBudget {
  readonly #share: number;
  readonly #now: () => number;
  #window = -1;
  #requests = [0, 0];
  #hedges = [0, 0];

  constructor(share: number, now: () => number = Date.now) {
    this.#share = share;
    this.#now = now;
  }

  /** Counts a request that could hedge. */
  request(): void {
    this.#roll();
    this.#requests[0]++;
  }

  /** Takes one hedge from the budget if there is room; false means "do not hedge". */
  tryHedge(): boolean {
    if (this.#share >= 1) return true;
    const weight = this.#roll();
    const requests = this.#requests[0] + this.#requests[1] * weight;
    const hedges = this.#hedges[0] + this.#hedges[1] * weight;
    if (hedges >= Math.max(1, this.#share * requests)) return false;
    this.#hedges[0]++;
    return true;
  }

  /** Moves to the current window; returns the weight of the previous one. */
  #roll(): number {
    const now = this.#now();
    const w = Math.floor(now / WINDOW_MS);
    if (w !== this.#window) {
      const keep = w === this.#window + 1;
      this.#requests = [0, keep ? this.#requests[0] : 0];
      this.#hedges = [0, keep ? this.#hedges[0] : 0];
      this.#window = w;
    }
    return 1 - (now % WINDOW_MS) / WINDOW_MS;
  }
}

const SAMPLES = 128;
const RECOMPUTE_EVERY = 16;
/** Below this many samples the p95 is noise; use `minMs` instead. */
const MIN_SAMPLES = 20;

/**
 * Observed time to first token (or to the whole JSON answer) per candidate on
 * this node, for `hedge: { afterMs: 'p95' }`: hedge only the slowest 5 % of
 * requests, whatever "slow" means for that provider today. Streams and JSON
 * answers are kept apart (a JSON answer's "first token" is the whole answer).
 * Keeps the last 128 samples per candidate and kind, and recomputes the
 * percentile every 16 samples, so a request never sorts.
 */
export class LatencyTracker {
  readonly #byCandidate = new Map<string, { samples: number[]; next: number; added: number; p95: number | undefined }>();

  record(c: Candidate, stream: boolean, ms: number): void {
    const key = keyOf(c, stream);
    let s = this.#byCandidate.get(key);
    if (!s) {
      s = { samples: [], next: 0, added: 0, p95: undefined };
      this.#byCandidate.set(key, s);
    }
    if (s.samples.length < SAMPLES) s.samples.push(ms);
    else s.samples[s.next] = ms;
    s.next = (s.next + 1) % SAMPLES;
    s.added++;
    if (s.samples.length >= MIN_SAMPLES && (s.p95 === undefined || s.added % RECOMPUTE_EVERY === 0)) {
      const sorted = [...s.samples].sort((a, b) => a - b);
      s.p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))];
    }
  }

  p95(c: Candidate, stream: boolean): number | undefined {
    return this.#byCandidate.get(keyOf(c, stream))?.p95;
  }
}

function keyOf(c: Candidate, stream: boolean): string {
  return `${c.provider}/${c.model}${stream ? ' stream' : ' json'}`;
}

/** The hedge delay for an attempt on `c`. */
export function hedgeDelay(o: Required<HedgeOptions>, c: Candidate, stream: boolean, latency: LatencyTracker): number {
  if (o.afterMs !== 'p95') return o.afterMs;
  return Math.max(o.minMs, latency.p95(c, stream) ?? o.minMs);
}
