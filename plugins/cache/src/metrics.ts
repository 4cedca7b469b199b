/**
 * A snapshot of one cache plugin's counters since start. Counters only grow;
 * `waiting` is a gauge; `entries` and `bytes` are gauges of the memory store (0 with shared state,
 * whose size lives in Redis).
 *
 * The observability plugin reads it from the loaded plugin object, e.g. in a
 * prom-client collect callback:
 *
 * @example
 * const cache = api.config.plugins.find(isCachePlugin);
 * new Counter({ name: 'aisbf_cache_hits_total', help: '…', collect() { this.reset(); this.inc(cache?.stats().hits ?? 0); } });
 */
export interface CacheStats {
  /** `memory` or `state` (the gateway's shared state, e.g. Redis). */
  backend: 'memory' | 'state';
  /** Requests answered from the cache (including `coalesced`). */
  hits: number;
  /** Requests looked up and not found: they went to a provider. */
  misses: number;
  /** Requests the cache stayed out of: client controls, routes with `cache: false`, shared state down. */
  bypasses: number;
  /** Hits that waited for an identical request in flight instead of calling the provider. */
  coalesced: number;
  /** Answers written to the store. */
  stores: number;
  /** Answers not stored because they exceeded `maxEntryBytes`. */
  tooLarge: number;
  /** Entries the memory store dropped to stay under `maxBytes`. */
  evictions: number;
  /** Shared-state calls that failed or timed out. */
  stateErrors: number;
  /** Requests waiting right now for an identical request in flight (a gauge). */
  waiting: number;
  entries: number;
  bytes: number;
}

/** The counters, kept by the plugin and copied out by `stats()`. */
export class CacheCounters {
  hits = 0;
  misses = 0;
  bypasses = 0;
  coalesced = 0;
  stores = 0;
  tooLarge = 0;
  evictions = 0;
  stateErrors = 0;

  snapshot(backend: CacheStats['backend'], waiting: number, size: { entries: number; bytes: number }): CacheStats {
    return {
      backend,
      hits: this.hits,
      misses: this.misses,
      bypasses: this.bypasses,
      coalesced: this.coalesced,
      stores: this.stores,
      tooLarge: this.tooLarge,
      evictions: this.evictions,
      stateErrors: this.stateErrors,
      waiting,
      entries: size.entries,
      bytes: size.bytes,
    };
  }
}
