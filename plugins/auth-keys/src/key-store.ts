import type { KeyRecord } from './key-record.js';

/**
 * Where keys created through the admin API live: a durable store every
 * gateway node reads, so a key created or revoked on one node holds on all.
 * Records are stored whole (JSON); the hash is unique.
 */
export interface KeyStore {
  /** `postgres` or `redis`. */
  readonly kind: string;
  /** Creates the table (or nothing, for Redis); safe to run from many nodes at once. */
  init(): Promise<void>;
  findByHash(hash: string): Promise<KeyRecord | undefined>;
  get(id: string): Promise<KeyRecord | undefined>;
  list(): Promise<KeyRecord[]>;
  /** Inserts or replaces the record with this id. */
  put(record: KeyRecord): Promise<void>;
  delete(id: string): Promise<boolean>;
  close(): Promise<void>;
}

/** `store` options of the plugin. */
export interface KeyStoreOptions {
  /** `postgres://…` or `redis://…` (also `postgresql:`, `rediss:`). */
  url: string;
  /** PostgreSQL table; default `aisbf_api_keys`. */
  table?: string;
  /** Redis key prefix; default `aisbf:apikeys:`. */
  prefix?: string;
}

/** Opens the store a URL names; the driver is imported only when used. */
export async function openKeyStore(options: KeyStoreOptions): Promise<KeyStore> {
  const scheme = options.url.slice(0, options.url.indexOf(':')).toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    const { PostgresKeyStore } = await import('./postgres-store.js');
    return new PostgresKeyStore(options.url, options.table ?? 'aisbf_api_keys');
  }
  if (scheme === 'redis' || scheme === 'rediss') {
    const { RedisKeyStore } = await import('./redis-store.js');
    return RedisKeyStore.connect(options.url, options.prefix ?? 'aisbf:apikeys:');
  }
  throw new Error(`store.url must be a postgres:// or redis:// URL (got a '${scheme}:' URL).`);
}

/** Strips what is not stored (the source is implied by the store). */
export function toStored(r: KeyRecord): Omit<KeyRecord, 'source'> {
  const { source: _s, ...rest } = r;
  return rest;
}

export function fromStored(raw: unknown): KeyRecord {
  return { ...(raw as Omit<KeyRecord, 'source'>), source: 'store' };
}
