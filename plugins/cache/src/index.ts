import {
  AISBF_ERR_CLIENT_CLOSED, definePlugin, isGatewayError,
  type CacheEntry, type ChatResponse, type EmbeddingsResponse, type Logger, type Plugin, type RequestContext,
} from 'aisbf';
import type { BypassReason, CacheLocals } from './accounting.js';
import { requestKey } from './cache-key.js';
import type { CacheStore, StoredEntry } from './cache-store.js';
import { Flights } from './coalesce.js';
import { directive } from './controls.js';
import { MemoryLru } from './memory-lru.js';
import { CacheCounters, type CacheStats } from './metrics.js';
import { DEFAULTS, optionsSchema, resolveOptions, routeSettings, type CacheOptions, type RouteCacheSetting } from './options.js';
import { StateGuard } from './state-guard.js';
import { StateStore } from './state-store.js';
import { tenantScope } from './tenant-scope.js';

export type { BypassReason, CacheLocals } from './accounting.js';
export { cacheLocals } from './accounting.js';
export { canonicalJson, requestKey } from './cache-key.js';
export type { ServedBy, StoredEntry } from './cache-store.js';
export type { CacheDirective } from './controls.js';
export type { CacheStats } from './metrics.js';
export type { CacheOptions } from './options.js';
export type { CacheScope } from './tenant-scope.js';

/** The plugin's name, also the key of its record in `ctx.locals`. */
const PLUGIN_NAME = 'cache';

/**
 * The cache plugin object: a `Plugin` with `stats()`, which observability
 * plugins read to export hit/miss/bypass counters.
 *
 * @example
 * const cache = api.config.plugins.find(isCachePlugin);
 * const { hits, misses, bypasses } = cache?.stats() ?? {};
 */
export interface CachePlugin extends Plugin {
  name: typeof PLUGIN_NAME;
  /** Counters since start, and the memory store's size. */
  stats(): CacheStats;
}

/** True for the plugin object this package makes (to find it in `api.config.plugins`). */
export function isCachePlugin(p: Plugin): p is CachePlugin {
  return p.name === PLUGIN_NAME && typeof (p as Partial<CachePlugin>).stats === 'function';
}

/** What `get` decided for a request that may store its answer, kept until `set` or the end of the request. */
interface Pending {
  key: string;
  ttlMs: number;
  /** True when this request leads a coalesced flight and must end it. */
  leads: boolean;
}

/**
 * Exact-match response cache (the `cache` stage). Identical requests — same
 * public model, messages, tools and parameters, whatever the JSON key order —
 * from the same tenant are answered from the cache instead of a provider;
 * identical requests in flight at the same time share one provider call.
 * Entries live in this process (a byte-bounded LRU) or, when the gateway's
 * state is Redis, in Redis where every node shares them.
 *
 * @example
 * export default defineConfig({
 *   plugins: [['cache', { ttl: 600, scope: 'team', maxEntryBytes: 262144 }]],
 *   models: { smart: { candidates: ['gpt/gpt-4o'] }, creative: { candidates: ['gpt/gpt-4o'], cache: false } },
 * });
 */
export default function cache(options: CacheOptions = {}): CachePlugin {
  // Options are checked in setup: core validates named entries against the
  // schema only after calling the factory, and its message names the key path.
  let o = DEFAULTS;
  const counters = new CacheCounters();
  let flights = new Flights(o.coalesceWaitMs);
  const pending = new WeakMap<RequestContext, Pending>();
  let store: CacheStore | undefined;
  let routes = new Map<string, RouteCacheSetting>();
  let logger: Logger | undefined;

  function record(ctx: RequestContext, locals: CacheLocals): void {
    ctx.locals[PLUGIN_NAME] = locals;
  }

  function bypass(ctx: RequestContext, reason: BypassReason): undefined {
    counters.bypasses++;
    ctx.cache = 'bypass';
    record(ctx, { outcome: 'bypass', hit: false, reason });
    return undefined;
  }

  function hit(ctx: RequestContext, entry: StoredEntry, coalesced: boolean): CacheEntry {
    counters.hits++;
    if (coalesced) counters.coalesced++;
    ctx.cache = 'hit';
    record(ctx, {
      outcome: 'hit',
      hit: true,
      coalesced,
      ageSeconds: Math.max(0, Math.floor((Date.now() - entry.storedAt) / 1000)),
      savedUsage: entry.response.usage,
      savedFrom: entry.servedBy,
    });
    return { response: entry.response, storedAt: entry.storedAt, json: entry.json };
  }

  async function lookup(ctx: RequestContext): Promise<CacheEntry | undefined> {
    if (!store) return undefined;
    const route = routes.get(ctx.model);
    if (route && !route.enabled) return bypass(ctx, 'route-disabled');
    const wanted = directive(ctx);
    if (wanted === 'no-store') return bypass(ctx, 'no-store');

    const key = requestKey(ctx, tenantScope(ctx, o.scope));
    const p: Pending = { key, ttlMs: route?.ttlMs ?? o.ttl * 1000, leads: false };
    pending.set(ctx, p);
    if (wanted === 'no-cache') {
      // Asks the provider whatever happens, but identical requests may still wait for its fresh answer.
      if (o.coalesce) p.leads = flights.lead(key, ctx);
      return bypass(ctx, 'no-cache');
    }

    let stateDown = false;
    try {
      const entry = await store.get(key);
      if (entry) {
        pending.delete(ctx);
        return hit(ctx, entry, false);
      }
    } catch {
      // The guard logged it once; this request goes on without the store.
      stateDown = true;
    }

    if (o.coalesce) {
      const waiting = flights.join(key, ctx.signal);
      if (waiting) {
        const handoff = await waiting;
        if (ctx.signal.aborted) throw AISBF_ERR_CLIENT_CLOSED();
        if (handoff) {
          pending.delete(ctx);
          const response = JSON.parse(handoff.json) as StoredEntry['response'];
          return hit(ctx, { response, storedAt: handoff.storedAt, servedBy: handoff.servedBy, json: handoff.json }, true);
        }
        // The leader ended without an answer (error, cut stream, timeout): go on alone.
      }
      p.leads = flights.lead(key, ctx);
    }
    if (stateDown) return bypass(ctx, 'state-unavailable');
    counters.misses++;
    ctx.cache = 'miss';
    record(ctx, { outcome: 'miss', hit: false });
    return undefined;
  }

  async function save(ctx: RequestContext, entry: CacheEntry): Promise<void> {
    const p = pending.get(ctx);
    if (!p || !store) return;
    pending.delete(ctx);
    if (!storable(entry.response)) {
      if (p.leads) flights.finish(p.key, ctx, undefined);
      return;
    }
    const json = JSON.stringify(entry.response);
    const servedBy = ctx.served ? { provider: ctx.served.provider, model: ctx.served.model } : undefined;
    if (p.leads) flights.finish(p.key, ctx, { json, storedAt: entry.storedAt, servedBy });
    if (Buffer.byteLength(json) > o.maxEntryBytes) {
      counters.tooLarge++;
      return;
    }
    try {
      await store.set(p.key, { response: entry.response, storedAt: entry.storedAt, servedBy }, json, p.ttlMs);
      counters.stores++;
    } catch {
      // Shared state trouble, logged by the guard: the client has its answer, only the entry is lost.
    }
  }

  /** The request ended: if it led a flight that `set` did not end (an error, a cut stream), release the waiters. */
  function release(ctx: RequestContext): void {
    const p = pending.get(ctx);
    if (!p) return;
    pending.delete(ctx);
    if (p.leads) flights.finish(p.key, ctx, undefined);
  }

  return definePlugin({
    name: PLUGIN_NAME,
    options: optionsSchema,
    setup(api) {
      o = resolveOptions(options);
      flights = new Flights(o.coalesceWaitMs);
      logger = api.logger;
      routes = routeSettings(api.config, o.ttl);
      const shared = o.backend === 'state' || (o.backend === 'auto' && api.state.backend !== 'memory');
      store = shared
        ? new StateStore(api.state, new StateGuard(api.logger, o.stateTimeoutMs, o.stateRetryMs, () => { counters.stateErrors++; }))
        : new MemoryLru(o.maxBytes, (n) => { counters.evictions += n; });
      logger.debug({ backend: shared ? `state (${api.state.backend})` : 'memory', ttl: o.ttl, scope: o.scope }, 'cache ready');
    },
    close() {
      flights.clear();
      store?.close();
    },
    cache: {
      async get(ctx) {
        try {
          return await lookup(ctx);
        } catch (err) {
          if (isGatewayError(err)) throw err; // the waiting client left: answered as 499
          // A cache bug must not fail the request: answer it from the provider instead.
          logger?.warn({ err: err instanceof Error ? err.message : String(err), requestId: ctx.id }, 'cache: lookup failed; bypassing');
          release(ctx);
          return bypass(ctx, 'error');
        }
      },
      set: save,
      // A leader that failed or whose stream was cut releases its waiters, so they go on alone.
      release,
    },
    stats: () => counters.snapshot(store?.kind ?? 'memory', flights.waiting, store?.size?.() ?? { entries: 0, bytes: 0 }),
  });
}

/** An answer worth keeping: a chat completion with at least one choice, or embeddings. */
function storable(r: ChatResponse | EmbeddingsResponse): boolean {
  if ('choices' in r) return Array.isArray(r.choices) && r.choices.length > 0;
  return Array.isArray(r.data) && r.data.length > 0;
}
