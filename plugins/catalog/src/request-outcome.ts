// One reading of a finished request for every observer (metrics, logs, the ledger), so they
// agree on cost, savings and causes.
import type { Catalog } from './catalog.js';
import { estimateInputTokens } from './tokens.js';
import type { Candidate, GatewayError, RequestContext, RequestSummary, ResolvedConfig, Usage } from 'aisbf';

/**
 * Why a request ended the way it did, as one bounded word: safe as a metric
 * label, a log field or a ledger column.
 */
export type RequestCause =
  | 'ok' | 'cancelled' | 'rate_limit' | 'budget' | 'auth' | 'forbidden' | 'invalid_request' | 'not_found'
  | 'upstream_rate_limit' | 'upstream_quota' | 'upstream' | 'timeout' | 'no_route' | 'internal';

/**
 * What observers need to know about one finished request, derived once from
 * the context and the summary core hands to `observe.response` / `observe.error`.
 *
 * @example
 * const f = requestOutcome(ctx, summary, catalog, config);
 * // { provider: 'claude', cache: 'miss', inputTokens: 12, outputTokens: 5, costUsd: 0.00011, cause: 'ok', … }
 */
export interface RequestOutcome {
  /** The provider id that answered (or, on a cache hit, produced the cached answer). */
  provider?: string;
  /** The upstream model name on that provider. */
  upstreamModel?: string;
  cache?: 'hit' | 'miss' | 'bypass';
  /** The client went away before the end (status 499). */
  cancelled: boolean;
  /** True when the tokens are estimated (a cancelled stream without a usage report). */
  usageEstimated: boolean;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  /** USD paid for the request; `null` when the price is unknown. A cache hit costs 0. */
  costUsd: number | null;
  /** USD a cache hit did not pay; `null` when unknown; 0 for anything but a hit. */
  savedUsd: number | null;
  /** Sum of the attempts' latencies (to the full answer, or to the first token of a stream). */
  upstreamMs: number;
  /** Gateway time outside upstream calls, up to the same point (answer or first token). */
  overheadMs: number | null;
  cause: RequestCause;
}

/** The shape the cache plugin leaves in `ctx.locals.cache` (see its README). */
interface CacheLocalsView {
  hit?: boolean;
  savedUsage?: Partial<Usage>;
  savedFrom?: { provider: string; model: string };
}

function cacheLocals(ctx: RequestContext): CacheLocalsView | undefined {
  const v = ctx.locals.cache;
  return typeof v === 'object' && v !== null ? (v as CacheLocalsView) : undefined;
}

/** The candidate a request would have gone to: the route's first, or `<provider>/<model>`. */
function firstCandidate(ctx: RequestContext, config: ResolvedConfig): Candidate | undefined {
  if (ctx.candidates.length > 0) return ctx.candidates[0];
  const route = config.models[ctx.model];
  if (route) return route.candidates[0];
  const slash = ctx.model.indexOf('/');
  if (slash > 0 && config.providers[ctx.model.slice(0, slash)]) return { provider: ctx.model.slice(0, slash), model: ctx.model.slice(slash + 1) };
  return undefined;
}

function price(catalog: Catalog, c: { provider: string; model: string } | undefined, usage: Partial<Usage> | undefined): number | null {
  if (!c || !usage) return null;
  const full: Usage = {
    prompt_tokens: usage.prompt_tokens ?? 0,
    completion_tokens: usage.completion_tokens ?? 0,
    total_tokens: usage.total_tokens ?? 0,
    prompt_tokens_details: usage.prompt_tokens_details,
  };
  return catalog.cost(c.provider, c.model, full);
}

/**
 * Classifies an error. Our own limiters answer 429 from a plugin
 * (`error.plugin` set): `rate_limit_exceeded` is a rate limit, `insufficient_quota`
 * a budget. A 429 without a plugin came from a provider.
 */
export function causeOf(error: GatewayError | undefined, status: number, cancelled: boolean | undefined): RequestCause {
  if (cancelled || status === 499) return 'cancelled';
  if (!error) return status < 400 ? 'ok' : status >= 500 ? 'internal' : 'invalid_request';
  const fromPlugin = error.plugin !== undefined && error.provider === undefined;
  if (error.status === 429) {
    if (error.code === 'insufficient_quota') return fromPlugin ? 'budget' : 'upstream_quota';
    return fromPlugin ? 'rate_limit' : 'upstream_rate_limit';
  }
  if (error.status === 401) return 'auth';
  if (error.status === 403) return 'forbidden';
  if (error.status === 404) return 'not_found';
  if (error.code === 'no_route') return 'no_route';
  if (error.status === 504 || error.code === 'timeout') return 'timeout';
  if (error.status >= 500 && error.provider !== undefined) return 'upstream';
  if (error.status >= 500) return 'internal';
  return 'invalid_request';
}

/**
 * One reading per finished request, shared by every observer that asks
 * (metrics, logs and the ledger all do), kept on the summary under a symbol:
 * a WeakMap entry per request would cost every young-generation collection.
 */
const OUTCOME = Symbol('aisbf.requestOutcome');

/** Derives the facts of a finished request (see `RequestOutcome`), once per summary. Safe to call from every observer. */
export function requestOutcome(ctx: RequestContext, summary: RequestSummary, catalog: Catalog, config: ResolvedConfig): RequestOutcome {
  const held = summary as RequestSummary & { [OUTCOME]?: RequestOutcome };
  return (held[OUTCOME] ??= Object.freeze(readOutcome(ctx, summary, catalog, config)));
}

function readOutcome(ctx: RequestContext, summary: RequestSummary, catalog: Catalog, config: ResolvedConfig): RequestOutcome {
  const cached = cacheLocals(ctx);
  const hit = ctx.cache === 'hit' || cached?.hit === true;
  const served = ctx.served ?? (hit ? cached?.savedFrom ?? firstCandidate(ctx, config) : undefined);
  // A failed request is attributed to the provider of its last attempt: errors by provider.
  const blamed = served ?? ctx.attempts.at(-1);
  // Core reports a client that left mid-stream either as `cancelled` or as the 499 error the abort carried.
  const cancelled = summary.cancelled === true || summary.status === 499;
  let usage: Partial<Usage> | undefined = summary.usage ?? ctx.usage;
  let usageEstimated = false;
  if (!usage && cancelled && ctx.served && ctx.kind === 'chat') {
    // The stream ended before the provider's usage report: the prompt was sent,
    // and what reached the client is estimated from its characters (4 a token).
    const out = ctx.delivered ? Math.ceil(ctx.delivered.chars / 4) : undefined;
    usage = { prompt_tokens: estimateInputTokens(ctx.body), ...(out === undefined ? {} : { completion_tokens: out }) };
    usageEstimated = true;
  }

  let costUsd: number | null;
  let savedUsd: number | null = 0;
  if (hit) {
    costUsd = 0;
    savedUsd = price(catalog, cached?.savedFrom ?? served, cached?.savedUsage ?? usage);
  } else if (!usage) {
    // Nothing reached a provider (or it answered with an error): nothing was billed.
    costUsd = 0;
  } else {
    costUsd = price(catalog, served, usage);
  }

  let upstreamMs = 0;
  for (const a of ctx.attempts) upstreamMs += a.latencyMs;
  // Attempt latencies stop at the first token of a stream; so does the overhead.
  const until = ctx.stream && !hit ? summary.ttftMs ?? ctx.ttftMs : summary.durationMs;
  const overheadMs = until === undefined ? null : Math.max(0, until - upstreamMs);

  return {
    provider: blamed?.provider,
    upstreamModel: blamed?.model,
    cache: ctx.cache ?? (cached ? (hit ? 'hit' : undefined) : undefined),
    cancelled,
    usageEstimated,
    inputTokens: usage?.prompt_tokens ?? null,
    outputTokens: usage?.completion_tokens ?? null,
    cachedTokens: usage ? usage.prompt_tokens_details?.cached_tokens ?? 0 : null,
    costUsd,
    savedUsd: hit ? savedUsd : 0,
    upstreamMs,
    overheadMs,
    cause: causeOf(summary.error, summary.status, cancelled),
  };
}
