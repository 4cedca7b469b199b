import type { JSONSchema } from 'aisbf';

/**
 * Exponential backoff with full jitter between retries on the same candidate.
 *
 * @example { baseMs: 100, maxMs: 2000, maxRetryAfterMs: 5000 }
 */
export interface BackoffOptions {
  /** Upper bound of the first wait, in ms; doubles on every retry. Default 100. */
  baseMs?: number;
  /** Upper bound of any jittered wait, in ms. Default 2000. */
  maxMs?: number;
  /**
   * Longest `retry-after` / `retry-after-ms` the gateway waits out on the same
   * candidate, in ms. A longer ask moves on to the next candidate. Default 5000.
   */
  maxRetryAfterMs?: number;
}

/**
 * A circuit breaker per provider id + model, kept in shared state so every
 * node skips a broken candidate together.
 *
 * @example { failures: 5, windowMs: 30000, cooldownMs: 30000, halfOpenProbes: 1 }
 */
export interface BreakerOptions {
  /** Failures within `windowMs` that open the breaker. Default 5. */
  failures?: number;
  /** Sliding window over which failures are counted, in ms. Default 30000. */
  windowMs?: number;
  /** How long an open breaker refuses traffic before probing, in ms. Default 30000. */
  cooldownMs?: number;
  /** Trial requests let through after the cooldown; all must succeed to close. Default 1. */
  halfOpenProbes?: number;
  /**
   * When every candidate of a request is refused by its breaker: `true` tries
   * them anyway in rank order (panic routing, so a single-provider route does
   * not turn a short blip into an outage as long as the cooldown); `false`
   * answers 503 at once with `retry-after`. Default true.
   */
  panic?: boolean;
}

/**
 * Hedged requests: when the running attempt has not produced its first token
 * after `afterMs`, the next candidate is started in parallel; the first to
 * produce a token wins and the other is aborted.
 *
 * @example { afterMs: 800, max: 1, budget: 0.2 }
 * @example { afterMs: 'p95', minMs: 200 }
 */
export interface HedgeOptions {
  /** Ms without a first token before hedging, or `'p95'`: the candidate's observed p95 time to first token. */
  afterMs: number | 'p95';
  /** With `'p95'`: the delay used until enough samples exist, and the lowest delay ever used. Default 500. */
  minMs?: number;
  /** Hedges per request. Default 1. */
  max?: number;
  /** Largest share of requests (0–1) that may hedge on this node over the last 10 s, so a uniformly slow provider does not double the load. Default 0.25. */
  budget?: number;
}

/**
 * Time limits. All in ms; `0` turns one off.
 *
 * @example { connectMs: 3000, ttftMs: 20000, idleMs: 30000, totalMs: 60000 }
 */
export interface TimeoutOptions {
  /** TCP/TLS connect timeout, the default for providers that set no `connectTimeoutMs`. Default 5000. */
  connectMs?: number;
  /**
   * Time from the start of an attempt to its first token (streams) or its
   * whole answer (JSON), after which the attempt is aborted and counted as a
   * failure. Default 60000.
   */
  ttftMs?: number;
  /** Longest gap between two stream chunks after the first token; the stream then ends with an error event. Default 60000. */
  idleMs?: number;
  /** Deadline across every attempt of one request, until it is answered (the first token for streams). Default 120000. */
  totalMs?: number;
}

/**
 * Options of the failover plugin.
 *
 * @example
 * plugins: [['failover', { retries: 0, breaker: { failures: 5, windowMs: 30000, cooldownMs: 30000 }, hedge: false,
 *                          timeouts: { ttftMs: 20000, idleMs: 30000, totalMs: 60000 } }]]
 */
export interface FailoverOptions {
  /** Retries on the same candidate for a retryable failure, before moving on. Default 0 (immediate failover). */
  retries?: number;
  backoff?: BackoffOptions;
  /** `false` turns the breaker off. */
  breaker?: BreakerOptions | false;
  /** `false` (default) turns hedging off. */
  hedge?: HedgeOptions | false;
  timeouts?: TimeoutOptions;
  /** Prefix of the shared-state keys. Default `failover:`. */
  keyPrefix?: string;
}

/** Options with every default filled in. */
export interface Settings {
  retries: number;
  backoff: Required<BackoffOptions>;
  breaker: Required<BreakerOptions> | false;
  hedge: Required<HedgeOptions> | false;
  timeouts: Required<TimeoutOptions>;
  keyPrefix: string;
}

export function settings(o: FailoverOptions = {}): Settings {
  return {
    retries: o.retries ?? 0,
    backoff: { baseMs: 100, maxMs: 2000, maxRetryAfterMs: 5000, ...o.backoff },
    breaker: o.breaker === false ? false : { failures: 5, windowMs: 30_000, cooldownMs: 30_000, halfOpenProbes: 1, panic: true, ...o.breaker },
    hedge: !o.hedge ? false : { minMs: 500, max: 1, budget: 0.25, ...o.hedge },
    timeouts: { connectMs: 5000, ttftMs: 60_000, idleMs: 60_000, totalMs: 120_000, ...o.timeouts },
    keyPrefix: o.keyPrefix ?? 'failover:',
  };
}

const ms = { type: 'number', minimum: 0 } as const;
const positive = { type: 'number', exclusiveMinimum: 0 } as const;

/** The JSON Schema core checks the options against at load. */
export const optionsSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    retries: { type: 'integer', minimum: 0, maximum: 10 },
    backoff: {
      type: 'object',
      additionalProperties: false,
      properties: { baseMs: ms, maxMs: ms, maxRetryAfterMs: ms },
    },
    // `false` or an object; written without oneOf so a typo inside the object
    // is reported as such, not as "must be equal to constant".
    breaker: {
      type: ['object', 'boolean'],
      not: { const: true },
      additionalProperties: false,
      properties: {
        failures: { type: 'integer', minimum: 1 },
        windowMs: positive,
        cooldownMs: positive,
        halfOpenProbes: { type: 'integer', minimum: 1 },
        panic: { type: 'boolean' },
      },
    },
    hedge: {
      type: ['object', 'boolean'],
      not: { const: true },
      additionalProperties: false,
      required: ['afterMs'],
      properties: {
        // A number of ms, or the string 'p95' (pattern applies to strings only, minimum to numbers only).
        afterMs: { type: ['number', 'string'], minimum: 0, pattern: '^p95$' },
        minMs: ms,
        max: { type: 'integer', minimum: 1, maximum: 4 },
        budget: { type: 'number', minimum: 0, maximum: 1 },
      },
    },
    timeouts: {
      type: 'object',
      additionalProperties: false,
      properties: { connectMs: ms, ttftMs: ms, idleMs: ms, totalMs: ms },
    },
    keyPrefix: { type: 'string', minLength: 1 },
  },
};
