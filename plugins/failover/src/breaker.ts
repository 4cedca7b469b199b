import type { Candidate, SharedState } from 'aisbf';
import type { BreakerOptions } from './options.js';

/** What the breaker says about sending a request to one candidate now. */
export type Admission =
  | { allowed: true; /** Set when this request is a half-open probe: report its outcome with it. */ probe?: ProbeTicket }
  | { allowed: false; /** Ms until the candidate will be probed again. */ retryInMs: number };

/** Identifies the open period a probe belongs to, so a late report cannot close a newer one. */
export interface ProbeTicket {
  openedAt: number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/** What the breaker itself needs (panic routing is the strategy's business). */
export type BreakerLimits = Required<Omit<BreakerOptions, 'panic'>>;

/**
 * A circuit breaker per provider id + model whose whole state lives in
 * shared state, so every node of a cluster opens, probes and closes together.
 *
 * Keys (under `<prefix>breaker:<provider>/<model>:`):
 * - `open`: when the breaker opened (ms since epoch); absent while closed.
 * - `fail:<n>`: failures in fixed window n; the count is a sliding estimate
 *   over the current and previous windows, so it needs two reads, no lists.
 * - `probe:<openedAt>:<period>`: probe slots taken in one cooldown period
 *   after the cooldown; a probe that never reports (its node died) frees its
 *   slot after one more cooldown instead of wedging the breaker half-open.
 * - `ok:<openedAt>`: probes that succeeded; `halfOpenProbes` of them close it.
 *
 * Only `get`, `set`, `incr` and `delete` are used: races between nodes can at
 * worst open a breaker twice at nearly the same time, which is harmless.
 *
 * @example
 * const breaker = new Breaker(api.state, { failures: 5, windowMs: 30_000, cooldownMs: 30_000, halfOpenProbes: 1 });
 * const a = await breaker.admit(candidate);
 * if (a.allowed) { try { await call(); await breaker.success(candidate, a.probe); } catch { await breaker.failure(candidate, a.probe); } }
 */
export class Breaker {
  readonly #state: SharedState;
  readonly #o: BreakerLimits;
  readonly #prefix: string;
  readonly #now: () => number;

  constructor(state: SharedState, options: BreakerLimits, prefix = 'failover:', now: () => number = Date.now) {
    this.#state = state;
    this.#o = options;
    this.#prefix = `${prefix}breaker:`;
    this.#now = now;
  }

  /** Decides whether `c` may be tried now; in half-open state, takes a probe slot. */
  async admit(c: Candidate): Promise<Admission> {
    const openedAt = await this.#state.get<number>(this.#key(c, 'open'));
    if (openedAt === undefined) return { allowed: true };
    const { cooldownMs, halfOpenProbes } = this.#o;
    const elapsed = this.#now() - openedAt;
    if (elapsed < cooldownMs) return { allowed: false, retryInMs: cooldownMs - elapsed };
    const sinceCooldown = elapsed - cooldownMs;
    const period = Math.floor(sinceCooldown / cooldownMs);
    const taken = await this.#state.incr(this.#key(c, `probe:${openedAt}:${period}`), 1, 2 * cooldownMs);
    if (taken <= halfOpenProbes) return { allowed: true, probe: { openedAt } };
    return { allowed: false, retryInMs: cooldownMs - (sinceCooldown % cooldownMs) };
  }

  /** Reports a success; a probe's success (the last one needed) closes the breaker. */
  async success(c: Candidate, probe?: ProbeTicket): Promise<void> {
    if (!probe) return;
    const ok = await this.#state.incr(this.#key(c, `ok:${probe.openedAt}`), 1, this.#ttl());
    if (ok < this.#o.halfOpenProbes) return;
    // Only the open period this probe was admitted in may be closed by it.
    if ((await this.#state.get<number>(this.#key(c, 'open'))) !== probe.openedAt) return;
    await this.reset(c);
  }

  /**
   * Reports a failure that is the provider's fault. A failed probe re-opens
   * the breaker for another cooldown; otherwise the failure is counted and
   * the breaker opens once `failures` fall within `windowMs`.
   */
  async failure(c: Candidate, probe?: ProbeTicket): Promise<void> {
    const openKey = this.#key(c, 'open');
    if (probe) {
      await this.#state.set(openKey, this.#now(), this.#ttl());
      return;
    }
    if (this.#count(await this.#addFailure(c)) < this.#o.failures) return;
    // Failures of requests already in flight when it opened must not push the cooldown further out.
    if ((await this.#state.get<number>(openKey)) !== undefined) return;
    await this.#state.set(openKey, this.#now(), this.#ttl());
  }

  /** The state as other nodes see it, without taking a probe slot (for tests and admin views). */
  async state(c: Candidate): Promise<BreakerState> {
    const openedAt = await this.#state.get<number>(this.#key(c, 'open'));
    if (openedAt === undefined) return 'closed';
    return this.#now() - openedAt < this.#o.cooldownMs ? 'open' : 'half-open';
  }

  /** Closes the breaker of `c` and forgets its failures. */
  async reset(c: Candidate): Promise<void> {
    const bucket = this.#bucket();
    await Promise.all([
      this.#state.delete(this.#key(c, 'open')),
      this.#state.delete(this.#key(c, `fail:${bucket}`)),
      this.#state.delete(this.#key(c, `fail:${bucket - 1}`)),
    ]);
  }

  /** Adds one failure to the current window; returns [current, previous] counts. */
  async #addFailure(c: Candidate): Promise<[number, number]> {
    const bucket = this.#bucket();
    const [current, previous] = await Promise.all([
      this.#state.incr(this.#key(c, `fail:${bucket}`), 1, 2 * this.#o.windowMs),
      this.#state.get<number>(this.#key(c, `fail:${bucket - 1}`)),
    ]);
    return [current, previous ?? 0];
  }

  /** Sliding-window estimate: the previous window weighted by how much of it still overlaps. */
  #count([current, previous]: [number, number]): number {
    const { windowMs } = this.#o;
    const into = (this.#now() % windowMs) / windowMs;
    return current + previous * (1 - into);
  }

  #bucket(): number {
    return Math.floor(this.#now() / this.#o.windowMs);
  }

  /** Keeps an idle open breaker from living forever: long after the cooldown nobody probed, it is closed. */
  #ttl(): number {
    return 10 * this.#o.cooldownMs + this.#o.windowMs;
  }

  #key(c: Candidate, what: string): string {
    return `${this.#prefix}${c.provider}/${c.model}:${what}`;
  }
}
