import type { JSONSchema, ResolvedConfig } from 'aisbf';
import type { CacheScope } from './tenant-scope.js';

/**
 * Options of the cache plugin, given as `plugins: [['cache', { … }]]`.
 *
 * @example ['cache', { ttl: 600, scope: 'team', maxEntryBytes: 262144, maxBytes: 134217728 }]
 */
export interface CacheOptions {
  /** Seconds an entry lives. Default 3600. A route may override it with `cache: { ttl }`. */
  ttl?: number;
  /** Who may share entries: `team` (default), `key` or `global`. See `CacheScope`. */
  scope?: CacheScope;
  /** Answers larger than this (bytes of JSON) are not stored. Default 1 MiB. */
  maxEntryBytes?: number;
  /** Memory store only: total bytes held before least-recently-used entries are dropped. Default 64 MiB. */
  maxBytes?: number;
  /**
   * `auto` (default): the memory store when the gateway's state is in memory,
   * the shared state (e.g. Redis) otherwise. `memory` or `state` force one.
   */
  backend?: 'auto' | 'memory' | 'state';
  /** Identical requests in flight wait for the first one instead of each calling the provider. Default true. */
  coalesce?: boolean;
  /** Longest a request waits for an identical one in flight, in ms; then it goes on by itself. Default 30000. */
  coalesceWaitMs?: number;
  /** Shared state: a call slower than this counts as a failure and the request bypasses the cache. Default 250 ms. */
  stateTimeoutMs?: number;
  /** Shared state: after a failure, how long the cache stays bypassed before trying again, in ms. Default 2000. */
  stateRetryMs?: number;
}

export type ResolvedCacheOptions = Required<CacheOptions>;

export const DEFAULTS: ResolvedCacheOptions = {
  ttl: 3600,
  scope: 'team',
  maxEntryBytes: 1024 * 1024,
  maxBytes: 64 * 1024 * 1024,
  backend: 'auto',
  coalesce: true,
  coalesceWaitMs: 30_000,
  stateTimeoutMs: 250,
  stateRetryMs: 2000,
};

/** JSON Schema of `CacheOptions`; core checks `[name, options]` entries against it at load. */
export const optionsSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ttl: { type: 'number', exclusiveMinimum: 0 },
    scope: { enum: ['team', 'key', 'global'] },
    maxEntryBytes: { type: 'integer', minimum: 1 },
    maxBytes: { type: 'integer', minimum: 1 },
    backend: { enum: ['auto', 'memory', 'state'] },
    coalesce: { type: 'boolean' },
    coalesceWaitMs: { type: 'integer', minimum: 1 },
    stateTimeoutMs: { type: 'integer', minimum: 1 },
    stateRetryMs: { type: 'integer', minimum: 0 },
  },
};

/**
 * Fills defaults and checks values. Core validates options given by name in a
 * config file; a plugin object built in a TypeScript config skips that check,
 * so the factory repeats the essentials with the same wording.
 */
export function resolveOptions(options: CacheOptions): ResolvedCacheOptions {
  const o: ResolvedCacheOptions = { ...DEFAULTS };
  for (const [k, v] of Object.entries(options ?? {})) {
    if (v === undefined) continue;
    if (!(k in DEFAULTS)) throw new TypeError(`cache: unknown option '${k}' (known: ${Object.keys(DEFAULTS).join(', ')}).`);
    (o as Record<string, unknown>)[k] = v;
  }
  const positive = ['ttl', 'maxEntryBytes', 'maxBytes', 'coalesceWaitMs', 'stateTimeoutMs'] as const;
  for (const k of positive) {
    if (typeof o[k] !== 'number' || !(o[k] > 0)) throw new TypeError(`cache: option '${k}' must be a positive number, got ${String(o[k])}.`);
  }
  if (typeof o.stateRetryMs !== 'number' || o.stateRetryMs < 0) throw new TypeError(`cache: option 'stateRetryMs' must be 0 or more, got ${String(o.stateRetryMs)}.`);
  if (!['team', 'key', 'global'].includes(o.scope)) throw new TypeError(`cache: option 'scope' must be 'team', 'key' or 'global', got '${String(o.scope)}'.`);
  if (!['auto', 'memory', 'state'].includes(o.backend)) throw new TypeError(`cache: option 'backend' must be 'auto', 'memory' or 'state', got '${String(o.backend)}'.`);
  return o;
}

/** A route's cache setting, read from `models.<name>.cache`. */
export interface RouteCacheSetting {
  enabled: boolean;
  ttlMs: number;
}

/**
 * Reads `models.<name>.cache` of every route once, at setup: `false` turns
 * the cache off for the route, `{ ttl: 60 }` changes its TTL, `true` or
 * nothing keeps the defaults. Anything else is a config error, reported with
 * its key path before the gateway listens.
 *
 * @example models: { chat: { candidates: ['gpt/gpt-4o'], cache: false }, faq: { candidates: ['gpt/gpt-4o-mini'], cache: { ttl: 86400 } } }
 */
export function routeSettings(config: ResolvedConfig, defaultTtlSeconds: number): Map<string, RouteCacheSetting> {
  const out = new Map<string, RouteCacheSetting>();
  for (const [name, route] of Object.entries(config.models)) {
    const setting = route.settings.cache;
    const path = `models.${name}.cache`;
    if (setting === undefined || setting === true) {
      out.set(name, { enabled: true, ttlMs: defaultTtlSeconds * 1000 });
    } else if (setting === false) {
      out.set(name, { enabled: false, ttlMs: 0 });
    } else if (typeof setting === 'object' && setting !== null && !Array.isArray(setting)) {
      const { ttl, ...rest } = setting as { ttl?: unknown };
      const unknown = Object.keys(rest);
      if (unknown.length > 0) throw new Error(`${path}: unknown key '${unknown[0]}' (the cache reads only 'ttl').`);
      if (ttl !== undefined && (typeof ttl !== 'number' || !(ttl > 0))) throw new Error(`${path}.ttl must be a positive number of seconds, got ${JSON.stringify(ttl)}.`);
      out.set(name, { enabled: true, ttlMs: (ttl ?? defaultTtlSeconds) * 1000 });
    } else {
      throw new Error(`${path} must be true, false or { ttl: <seconds> }, got ${JSON.stringify(setting)}.`);
    }
  }
  return out;
}
