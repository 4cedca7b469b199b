import type { CacheStore, ServedBy, StoredEntry } from './cache-store.js';

interface Slot {
  /** The response as JSON text: its length is what the entry is counted as, and a JSON client gets it as is. */
  json: string;
  /** The same answer parsed once and frozen, shared by every hit. */
  response: StoredEntry['response'];
  storedAt: number;
  servedBy?: ServedBy;
  expiresAt: number;
  bytes: number;
}

/**
 * Rough per-entry bookkeeping (Map slot, key string, small object) added to
 * the JSON size, so a flood of tiny entries is bounded too.
 */
const SLOT_OVERHEAD_BYTES = 128;

/**
 * The in-process store: an LRU bounded by bytes. A `Map` keeps insertion
 * order, so re-inserting on every hit makes its first key the least recently
 * used one, and eviction is a walk from the front. Expired entries are dropped
 * when met; eviction also removes them first in practice, since they stopped
 * being read.
 *
 * @example const lru = new MemoryLru(64 * 1024 * 1024, (n) => stats.evictions += n);
 */
export class MemoryLru implements CacheStore {
  readonly kind = 'memory';
  readonly #slots = new Map<string, Slot>();
  readonly #maxBytes: number;
  readonly #onEvict: (count: number) => void;
  readonly #now: () => number;
  #bytes = 0;

  /** `now` is the clock used for expiry (tests pass their own). */
  constructor(maxBytes: number, onEvict: (count: number) => void = () => undefined, now: () => number = Date.now) {
    this.#maxBytes = maxBytes;
    this.#onEvict = onEvict;
    this.#now = now;
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    const slot = this.#slots.get(key);
    if (!slot) return undefined;
    if (slot.expiresAt <= this.#now()) {
      this.#remove(key, slot);
      return undefined;
    }
    // Most recently used goes to the back.
    this.#slots.delete(key);
    this.#slots.set(key, slot);
    return { response: slot.response, json: slot.json, storedAt: slot.storedAt, servedBy: slot.servedBy };
  }

  async set(key: string, entry: StoredEntry, json: string, ttlMs: number): Promise<void> {
    const bytes = Buffer.byteLength(json) + key.length + SLOT_OVERHEAD_BYTES;
    const old = this.#slots.get(key);
    if (old) this.#remove(key, old);
    if (bytes > this.#maxBytes) return;
    // A private, frozen copy: every hit shares it, and nothing can change a cached answer.
    const response = deepFreeze(JSON.parse(json) as StoredEntry['response']);
    this.#slots.set(key, { json, response, storedAt: entry.storedAt, servedBy: entry.servedBy, expiresAt: this.#now() + ttlMs, bytes });
    this.#bytes += bytes;
    let evicted = 0;
    for (const [k, slot] of this.#slots) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#remove(k, slot);
      evicted++;
    }
    if (evicted > 0) this.#onEvict(evicted);
  }

  size(): { entries: number; bytes: number } {
    return { entries: this.#slots.size, bytes: this.#bytes };
  }

  close(): void {
    this.#slots.clear();
    this.#bytes = 0;
  }

  #remove(key: string, slot: Slot): void {
    this.#slots.delete(key);
    this.#bytes -= slot.bytes;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
