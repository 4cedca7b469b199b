/**
 * State shared by every node of a gateway: in process memory on one node, in
 * Redis for a cluster (the `state-redis` plugin). Every plugin that keeps
 * state across requests (limits, budgets, breakers, latency stats, cache) goes
 * through this interface, so one config key (`state.backend`) moves the whole
 * gateway from one node to many.
 *
 * Values are JSON-serialisable. Keys are namespaced by the caller
 * (`ratelimit:key_1:rpm`); the backend adds its own global prefix.
 *
 * @example
 * const n = await api.state.incr(`rpm:${ctx.principal.id}:${minute}`, 1, 60_000);
 * if (n > limit) throw AISBF_ERR_RATE_LIMITED('…', msToNextMinute);
 */
export interface SharedState {
  /** `memory`, `redis`, … */
  readonly backend: string;
  /** False when the state outlives a restart of this process (e.g. Redis). */
  readonly volatile: boolean;
  get<T = unknown>(key: string): Promise<T | undefined>;
  /** Stores `value`; with `ttlMs` it expires after that many milliseconds. */
  set(key: string, value: unknown, ttlMs?: number): Promise<void>;
  delete(key: string): Promise<boolean>;
  /**
   * Atomically adds `by` (an integer, may be negative) and returns the new value.
   * With `ttlMs`, a key created by this call expires after that time (an existing
   * key keeps its expiry), so fixed windows reset by themselves.
   */
  incr(key: string, by?: number, ttlMs?: number): Promise<number>;
  /**
   * Atomic rate limiting (GCRA: a leaky bucket as one timestamp per key).
   * Admits `cost` units against `limit` units per `windowMs` (bursts up to the
   * full limit). With `force`, applies `cost` without checking — for settling a
   * reservation to actual usage; a negative cost gives units back. Every node
   * sharing the backend shares the bucket, so N nodes admit exactly `limit`.
   *
   * @example const r = await state.rateLimit(`rpm:${key}`, 60, 60_000); if (!r.allowed) throw AISBF_ERR_RATE_LIMITED('…', r.retryAfterMs);
   */
  rateLimit(key: string, limit: number, windowMs: number, cost?: number, force?: boolean): Promise<RateLimitResult>;
  /** Releases connections and timers. */
  close(): Promise<void>;
}

export interface RateLimitResult {
  allowed: boolean;
  /** Units still available right now. */
  remaining: number;
  /** When denied: ms until `cost` units would be admitted. 0 when allowed. */
  retryAfterMs: number;
  /** Ms until the bucket is full again. */
  resetMs: number;
}

/**
 * The GCRA step both backends implement (Redis runs the same arithmetic in
 * Lua): from the stored theoretical arrival time `tat` to the decision.
 */
export function gcra(tat: number | undefined, now: number, limit: number, windowMs: number, cost: number, force: boolean):
  { result: RateLimitResult; tat: number | undefined } {
  const interval = windowMs / limit;
  const base = Math.max(tat ?? now, now);
  const next = Math.max(base + cost * interval, now);
  const allowAt = next - windowMs;
  if (!force && allowAt > now) {
    return {
      result: { allowed: false, remaining: Math.max(0, Math.floor((now + windowMs - base) / interval)), retryAfterMs: Math.ceil(allowAt - now), resetMs: Math.ceil(base - now) },
      tat,
    };
  }
  return {
    result: { allowed: true, remaining: Math.max(0, Math.floor((now + windowMs - next) / interval)), retryAfterMs: 0, resetMs: Math.ceil(next - now) },
    tat: next,
  };
}

/** Options from `state` in config, handed to the backend's `create`. */
export interface SharedStateOptions {
  url?: string;
  /** Global key prefix; default `aisbf:`. */
  prefix?: string;
  [option: string]: unknown;
}
