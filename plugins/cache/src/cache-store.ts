import type { ChatResponse, EmbeddingsResponse } from 'aisbf';

/** The provider and upstream model that produced a stored answer. */
export interface ServedBy {
  provider: string;
  model: string;
}

/**
 * One cached answer as the stores keep it: the response, when it was stored
 * (for the `age` header), and who produced it (so observers can price what a
 * hit saved, since on a hit no provider serves the request).
 *
 * @example { response: { object: 'chat.completion', … }, storedAt: 1767225600000, servedBy: { provider: 'gpt', model: 'gpt-4o' } }
 */
export interface StoredEntry {
  response: ChatResponse | EmbeddingsResponse;
  storedAt: number;
  servedBy?: ServedBy;
  /** The response serialized, when the store keeps it that way (sent to JSON clients as is). */
  json?: string;
}

/**
 * Where entries live. `get` and `set` may throw when the backend is in
 * trouble; the plugin turns that into a bypass, never into a failed request.
 */
export interface CacheStore {
  /** `memory` (this process, bounded LRU) or `state` (the gateway's shared state, e.g. Redis). */
  readonly kind: 'memory' | 'state';
  get(key: string): Promise<StoredEntry | undefined>;
  /**
   * Stores `entry` for `ttlMs`. `json` is `JSON.stringify(entry.response)`,
   * already computed by the caller to measure the entry.
   */
  set(key: string, entry: StoredEntry, json: string, ttlMs: number): Promise<void>;
  /** Entries and bytes held, when the store knows (memory only). */
  size?(): { entries: number; bytes: number };
  close(): void;
}
