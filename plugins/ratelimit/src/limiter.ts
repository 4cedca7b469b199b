import { AISBF_ERR_RATE_LIMITED, type GatewayError, type SharedState } from 'aisbf';
import type { Scope } from './limits.js';
import { resetDuration } from './reset-duration.js';

const MINUTE = 60_000;

type Dimension = 'requests' | 'tokens' | 'concurrent';

const LABEL: Record<Dimension, string> = { requests: 'requests per minute', tokens: 'tokens per minute', concurrent: 'concurrent requests' };

interface Check {
  scope: Scope;
  dim: Dimension;
  key: string;
  limit: number;
  cost: number;
}

interface Outcome {
  allowed: boolean;
  remaining: number;
  retryAfterMs: number;
  resetMs: number;
}

/** What an admitted request holds until it is settled. */
export interface Reservation {
  /** Tokens reserved in each `tokens` bucket. */
  tokens: number;
  requestBuckets: Array<{ key: string; limit: number }>;
  tokenBuckets: Array<{ key: string; limit: number }>;
  /** Concurrency counters to release. */
  slots: string[];
}

export interface Admission {
  reservation: Reservation;
  /** `x-ratelimit-*` headers for the response. */
  headers: Record<string, string>;
}

/** State keys are `ratelimit:<scope>:<id>:<dimension>`; ids are escaped so a `:` in a name cannot collide. */
function stateKey(scope: Scope, dim: Dimension): string {
  return `ratelimit:${scope.kind}:${encodeURIComponent(scope.id)}:${dim}`;
}

function describe(scope: Scope): string {
  return `${scope.kind} '${scope.id}'`;
}

/**
 * Requests and tokens per minute (GCRA buckets in shared state, atomic on
 * every backend, so N nodes admit the configured total), and concurrency
 * (a shared counter). A request is admitted only if every scope admits it;
 * when one refuses, what the others took is given back at once.
 */
export class RateLimiter {
  readonly #state: SharedState;
  readonly #leaseMs: number;

  constructor(state: SharedState, leaseMs = 300_000) {
    this.#state = state;
    this.#leaseMs = leaseMs;
  }

  /** Admits or throws a 429 `rate_limit_exceeded` carrying `retry-after` and `x-ratelimit-*` headers. */
  async admit(scopes: Scope[], tokens: number): Promise<Admission> {
    const checks: Check[] = [];
    for (const scope of scopes) {
      const l = scope.limits;
      if (l.rpm !== undefined) checks.push({ scope, dim: 'requests', key: stateKey(scope, 'requests'), limit: l.rpm, cost: 1 });
      if (l.tpm !== undefined) {
        if (tokens > l.tpm) {
          // No wait would help: say so rather than refusing forever with a retry-after.
          throw AISBF_ERR_RATE_LIMITED(
            `Request too large for ${describe(scope)}: it may use ${tokens} tokens (input estimate plus max output) but the limit is ${l.tpm} tokens per minute. Send less input or a lower max_tokens.`,
            MINUTE,
          );
        }
        checks.push({ scope, dim: 'tokens', key: stateKey(scope, 'tokens'), limit: l.tpm, cost: tokens });
      }
      if (l.concurrent !== undefined) checks.push({ scope, dim: 'concurrent', key: stateKey(scope, 'concurrent'), limit: l.concurrent, cost: 1 });
    }

    const settled = await Promise.allSettled(checks.map((c) => this.#take(c)));
    const outcomes = settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined));
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    const refusedAt = outcomes.findIndex((o) => o !== undefined && !o.allowed);

    if (failed || refusedAt >= 0) {
      // Give back everything this request took, so a refusal costs nothing.
      await Promise.allSettled(checks.map((c, i) => (outcomes[i]?.allowed ? this.#giveBack(c) : undefined)));
      if (failed) throw failed.reason;
      const c = checks[refusedAt];
      const o = outcomes[refusedAt]!;
      const wait = c.dim === 'concurrent' ? 1000 : o.retryAfterMs;
      const err = AISBF_ERR_RATE_LIMITED(
        `Rate limit reached for ${describe(c.scope)}: ${c.limit} ${LABEL[c.dim]}. Retry after ${resetDuration(wait)}.`,
        wait,
      );
      const given = outcomes.map((x, i) => (x && x.allowed ? { ...x, remaining: x.remaining + checks[i].cost } : x));
      given[refusedAt] = { ...o, remaining: 0 };
      addHeaders(err, headersFor(checks, given));
      throw err;
    }

    return {
      reservation: {
        tokens,
        requestBuckets: checks.filter((c) => c.dim === 'requests').map(({ key, limit }) => ({ key, limit })),
        tokenBuckets: checks.filter((c) => c.dim === 'tokens').map(({ key, limit }) => ({ key, limit })),
        slots: checks.filter((c) => c.dim === 'concurrent').map((c) => c.key),
      },
      headers: headersFor(checks, outcomes),
    };
  }

  /**
   * Replaces the token reservation by `actualTokens` (undefined: nothing was
   * used, all tokens come back), gives the request back when it never reached
   * a provider, and frees the concurrency slots.
   */
  async settle(r: Reservation, actualTokens: number | undefined, refundRequest: boolean): Promise<void> {
    const delta = (actualTokens ?? 0) - r.tokens;
    const jobs: Array<Promise<unknown>> = [];
    if (delta !== 0) for (const b of r.tokenBuckets) jobs.push(this.#state.rateLimit(b.key, b.limit, MINUTE, delta, true));
    if (refundRequest) for (const b of r.requestBuckets) jobs.push(this.#state.rateLimit(b.key, b.limit, MINUTE, -1, true));
    for (const slot of r.slots) jobs.push(this.#release(slot));
    const results = await Promise.allSettled(jobs);
    const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async #take(c: Check): Promise<Outcome> {
    if (c.dim !== 'concurrent') return this.#state.rateLimit(c.key, c.limit, MINUTE, c.cost);
    const n = await this.#state.incr(c.key, 1, this.#leaseMs);
    if (n > c.limit) {
      await this.#release(c.key);
      return { allowed: false, remaining: 0, retryAfterMs: 1000, resetMs: 1000 };
    }
    return { allowed: true, remaining: c.limit - n, retryAfterMs: 0, resetMs: 0 };
  }

  async #giveBack(c: Check): Promise<void> {
    if (c.dim === 'concurrent') await this.#release(c.key);
    else await this.#state.rateLimit(c.key, c.limit, MINUTE, -c.cost, true);
  }

  async #release(key: string): Promise<void> {
    const n = await this.#state.incr(key, -1);
    // The counter expired (lease) while requests were in flight: do not let it go below zero.
    if (n < 0) await this.#state.incr(key, -n);
  }
}

/** The tightest bucket of each kind names the numbers, as OpenAI reports one limit per kind. */
function headersFor(checks: Check[], outcomes: Array<Outcome | undefined>): Record<string, string> {
  const h: Record<string, string> = {};
  for (const dim of ['requests', 'tokens'] as const) {
    let best: { c: Check; o: Outcome } | undefined;
    checks.forEach((c, i) => {
      const o = outcomes[i];
      if (c.dim !== dim || !o) return;
      if (!best || o.remaining < best.o.remaining || (o.remaining === best.o.remaining && c.limit < best.c.limit)) best = { c, o };
    });
    if (best) {
      h[`x-ratelimit-limit-${dim}`] = String(best.c.limit);
      h[`x-ratelimit-remaining-${dim}`] = String(Math.max(0, Math.min(best.c.limit, best.o.remaining)));
      h[`x-ratelimit-reset-${dim}`] = resetDuration(best.o.resetMs);
    }
  }
  return h;
}

function addHeaders(err: GatewayError, headers: Record<string, string>): void {
  Object.assign(err.headers, headers);
}
