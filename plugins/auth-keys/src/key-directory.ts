import type { KeyRecord } from './key-record.js';
import type { KeyStore } from './key-store.js';

interface Cached {
  record: KeyRecord | undefined;
  until: number;
}

/** Bounds the lookup cache; a flood of random keys cannot grow memory past this. */
const MAX_CACHED = 10_000;

/**
 * Finds the key record for a hash: config keys first (in memory), then the
 * durable store through a short local cache. The cache TTL is what bounds how
 * long another node may still honour a key revoked elsewhere, so it is capped
 * at one second; misses are cached as briefly, so unknown keys do not hammer
 * the store.
 */
export class KeyDirectory {
  readonly #config: Map<string, KeyRecord>;
  readonly #store: KeyStore | undefined;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, Cached>();
  readonly #now: () => number;

  constructor(configKeys: KeyRecord[], store: KeyStore | undefined, ttlMs: number, now: () => number = Date.now) {
    this.#config = new Map(configKeys.map((r) => [r.hash, r]));
    this.#store = store;
    this.#ttlMs = Math.min(ttlMs, 1000);
    this.#now = now;
  }

  get store(): KeyStore | undefined {
    return this.#store;
  }

  get configKeys(): KeyRecord[] {
    return [...this.#config.values()];
  }

  configKey(id: string): KeyRecord | undefined {
    for (const r of this.#config.values()) if (r.id === id) return r;
    return undefined;
  }

  async findByHash(hash: string): Promise<KeyRecord | undefined> {
    const fromConfig = this.#config.get(hash);
    if (fromConfig) return fromConfig;
    if (!this.#store) return undefined;
    const now = this.#now();
    const hit = this.#cache.get(hash);
    if (hit && hit.until > now) return hit.record;
    const record = await this.#store.findByHash(hash);
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(hash, { record, until: now + this.#ttlMs });
    return record;
  }

  /** Drops a cached lookup at once (this node changed or revoked the key). */
  forget(hash: string): void {
    this.#cache.delete(hash);
  }
}
