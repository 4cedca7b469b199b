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
  /** Releases connections and timers. */
  close(): Promise<void>;
}

/** Options from `state` in config, handed to the backend's `create`. */
export interface SharedStateOptions {
  url?: string;
  /** Global key prefix; default `aisbf:`. */
  prefix?: string;
  [option: string]: unknown;
}
