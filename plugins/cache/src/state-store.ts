import type { SharedState } from 'aisbf';
import type { CacheStore, ServedBy, StoredEntry } from './cache-store.js';
import type { StateGuard } from './state-guard.js';

/** The value written to shared state; `v` lets a later format tell old entries apart. */
interface StateValue {
  v: 1;
  response: StoredEntry['response'];
  storedAt: number;
  servedBy?: ServedBy;
}

/**
 * Entries in the gateway's shared state (`api.state`): with `state.backend:
 * redis` every gateway node pointing at the same Redis shares them, and they
 * survive restarts. Keys go in as `cache:v1:…`; the backend adds its own
 * prefix once (the state-redis plugin writes `<prefix>cache:v1:…`), so the
 * cache never prefixes a second time. Expiry is the backend's TTL.
 *
 * Every call goes through the guard: bounded in time, and skipped entirely
 * while the backend is known to be down.
 */
export class StateStore implements CacheStore {
  readonly kind = 'state';
  readonly #state: SharedState;
  readonly #guard: StateGuard;

  constructor(state: SharedState, guard: StateGuard) {
    this.#state = state;
    this.#guard = guard;
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    const value = await this.#guard.run('get', () => this.#state.get<unknown>(key));
    // Anything else under the key (a foreign writer, an older format) is a miss, not a crash.
    if (!isStateValue(value)) return undefined;
    return { response: value.response, storedAt: value.storedAt, servedBy: value.servedBy };
  }

  async set(key: string, entry: StoredEntry, _json: string, ttlMs: number): Promise<void> {
    const value: StateValue = { v: 1, response: entry.response, storedAt: entry.storedAt, servedBy: entry.servedBy };
    await this.#guard.run('set', () => this.#state.set(key, value, ttlMs));
  }

  close(): void {
    // The shared state belongs to the gateway, which closes it.
  }
}

function isStateValue(v: unknown): v is StateValue {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Partial<StateValue>;
  return o.v === 1 && typeof o.storedAt === 'number' && typeof o.response === 'object' && o.response !== null;
}
