import { gcra, type RateLimitResult, type SharedState } from './shared-state.js';

interface Slot {
  value: unknown;
  /** ms since epoch; 0 = never. */
  expiresAt: number;
}

/**
 * The default backend: a Map in this process. Expired keys are dropped when
 * read and by a sweep every `sweepMs`, so memory stays bounded by live keys.
 */
export class MemoryState implements SharedState {
  readonly backend = 'memory';
  readonly volatile = true;
  readonly #slots = new Map<string, Slot>();
  readonly #sweeper: NodeJS.Timeout;

  constructor(sweepMs = 30_000) {
    this.#sweeper = setInterval(() => this.#sweep(), sweepMs);
    this.#sweeper.unref();
  }

  async get<T>(key: string): Promise<T | undefined> {
    return this.#live(key)?.value as T | undefined;
  }

  async set(key: string, value: unknown, ttlMs?: number): Promise<void> {
    this.#slots.set(key, { value, expiresAt: ttlMs ? Date.now() + ttlMs : 0 });
  }

  async delete(key: string): Promise<boolean> {
    return this.#slots.delete(key);
  }

  async incr(key: string, by = 1, ttlMs?: number): Promise<number> {
    const slot = this.#live(key);
    if (slot) {
      slot.value = Number(slot.value) + by;
      return slot.value as number;
    }
    this.#slots.set(key, { value: by, expiresAt: ttlMs ? Date.now() + ttlMs : 0 });
    return by;
  }

  async rateLimit(key: string, limit: number, windowMs: number, cost = 1, force = false): Promise<RateLimitResult> {
    const now = Date.now();
    const slot = this.#live(key);
    const { result, tat } = gcra(slot?.value as number | undefined, now, limit, windowMs, cost, force);
    if (tat !== undefined && tat !== slot?.value) this.#slots.set(key, { value: tat, expiresAt: Math.ceil(tat) + 1 });
    return result;
  }

  async close(): Promise<void> {
    clearInterval(this.#sweeper);
    this.#slots.clear();
  }

  #live(key: string): Slot | undefined {
    const slot = this.#slots.get(key);
    if (slot && slot.expiresAt !== 0 && slot.expiresAt <= Date.now()) {
      this.#slots.delete(key);
      return undefined;
    }
    return slot;
  }

  #sweep(): void {
    const now = Date.now();
    for (const [key, slot] of this.#slots) if (slot.expiresAt !== 0 && slot.expiresAt <= now) this.#slots.delete(key);
  }
}
