import type { ServedBy } from './cache-store.js';

/** What the first request hands to identical requests that waited for it. */
export interface Handoff {
  /** The answer as JSON: each waiter parses its own copy. */
  json: string;
  storedAt: number;
  servedBy?: ServedBy;
}

interface Flight {
  owner: object;
  done: Promise<Handoff | undefined>;
  resolve(h: Handoff | undefined): void;
  timer: NodeJS.Timeout;
}

/**
 * Request coalescing inside one gateway process. The first request for a key
 * leads: it goes to the provider. Identical requests arriving while it is in
 * flight join it and wait for its answer instead of calling the provider too.
 *
 * A flight ends when the leader's answer is stored (`finish` with the answer),
 * when the leader ends without one — an error, a cut stream, a client that
 * left (`finish` with `undefined`) — or after `maxWaitMs`, whichever comes
 * first. Waiters released without an answer go on by themselves, so a failing
 * or slow leader never takes its followers down with it.
 *
 * @example
 * const waiting = flights.join(key, ctx.signal);
 * if (waiting) answer = await waiting; else flights.lead(key, ctx);
 */
export class Flights {
  readonly #flights = new Map<string, Flight>();
  readonly #maxWaitMs: number;
  #waiting = 0;

  constructor(maxWaitMs: number) {
    this.#maxWaitMs = maxWaitMs;
  }

  /** Number of keys in flight (for stats and tests). */
  get size(): number {
    return this.#flights.size;
  }

  /** Number of requests waiting for a leader right now. */
  get waiting(): number {
    return this.#waiting;
  }

  /**
   * Makes `owner` the leader of `key` unless someone already leads it.
   * Returns true when `owner` now leads (and must `finish` the flight).
   */
  lead(key: string, owner: object): boolean {
    if (this.#flights.has(key)) return false;
    let resolve!: (h: Handoff | undefined) => void;
    const done = new Promise<Handoff | undefined>((r) => { resolve = r; });
    const timer = setTimeout(() => this.#end(key, owner, undefined), this.#maxWaitMs);
    timer.unref();
    this.#flights.set(key, { owner, done, resolve, timer });
    return true;
  }

  /**
   * Joins the flight of `key`, if there is one: resolves with the leader's
   * answer, or `undefined` when the leader ended without one, the wait bound
   * passed, or `signal` aborted (the waiting client left).
   */
  join(key: string, signal?: AbortSignal): Promise<Handoff | undefined> | undefined {
    const flight = this.#flights.get(key);
    if (!flight) return undefined;
    if (signal?.aborted) return Promise.resolve(undefined);
    this.#waiting++;
    return new Promise<Handoff | undefined>((resolve) => {
      let settled = false;
      const done = (h: Handoff | undefined) => {
        if (settled) return;
        settled = true;
        this.#waiting--;
        signal?.removeEventListener('abort', onAbort);
        resolve(h);
      };
      const onAbort = () => done(undefined);
      signal?.addEventListener('abort', onAbort, { once: true });
      void flight.done.then(done);
    });
  }

  /** Ends the flight `owner` leads for `key` (a no-op if it already ended or someone else leads it now). */
  finish(key: string, owner: object, handoff: Handoff | undefined): void {
    this.#end(key, owner, handoff);
  }

  /** Releases every waiter (at shutdown). */
  clear(): void {
    for (const [key, f] of this.#flights) this.#end(key, f.owner, undefined);
  }

  #end(key: string, owner: object, handoff: Handoff | undefined): void {
    const flight = this.#flights.get(key);
    if (!flight || flight.owner !== owner) return;
    this.#flights.delete(key);
    clearTimeout(flight.timer);
    flight.resolve(handoff);
  }
}
