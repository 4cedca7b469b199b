import { requestOutcome, type Catalog } from '@aisbf/plugin-catalog';
import type { RequestContext, RequestSummary, ResolvedConfig } from 'aisbf';

/**
 * One request as the ledger records it (one row of `aisbf_usage`).
 *
 * @example
 * { requestId: '9b1…', ts: 1795514400000, kind: 'chat', model: 'smart', provider: 'claude', upstreamModel: 'claude-sonnet-4-5',
 *   principalId: 'key_7f3a', userId: 'ana', team: 'search', status: 200, cause: 'ok', cancelled: false, cache: 'miss',
 *   attempts: 1, inputTokens: 12, outputTokens: 40, cachedTokens: 0, tokensEstimated: false, costUsd: 0.000636, savedUsd: 0,
 *   durationMs: 812.4, ttftMs: null }
 */
export interface LedgerRow {
  requestId: string;
  /** When the request arrived, in epoch milliseconds (a number is cheaper to keep and to write than a Date). */
  ts: number;
  kind: 'chat' | 'embeddings';
  /** The public model name (or `<provider>/<model>`) the client asked for. */
  model: string;
  provider: string | null;
  upstreamModel: string | null;
  /** The credential's id from the auth stage (never the secret). */
  principalId: string | null;
  userId: string | null;
  team: string | null;
  status: number;
  cause: string;
  /** The client went away before the end (a cancelled stream). */
  cancelled: boolean;
  cache: string | null;
  attempts: number;
  inputTokens: number | null;
  outputTokens: number | null;
  cachedTokens: number | null;
  /** Input tokens estimated from the prompt (a stream cancelled before the provider's usage report). */
  tokensEstimated: boolean;
  /** USD; `null` when the price is unknown (never 0 for unknown). */
  costUsd: number | null;
  /** USD a cache hit saved; 0 otherwise, `null` when unknown. */
  savedUsd: number | null;
  durationMs: number;
  ttftMs: number | null;
}

/**
 * Text as PostgreSQL can store it: without U+0000, which text columns refuse
 * (one such value would fail a whole batch). Model names come from clients.
 */
function storable<T extends string | null | undefined>(v: T): T {
  return (typeof v === 'string' && v.includes('\u0000') ? v.replaceAll('\u0000', '') : v) as T;
}

/** The row of a finished request. */
export function ledgerRow(ctx: RequestContext, summary: RequestSummary, catalog: Catalog, config: ResolvedConfig): LedgerRow {
  const f = requestOutcome(ctx, summary, catalog, config);
  const p = ctx.principal;
  const ttft = summary.ttftMs ?? ctx.ttftMs;
  return {
    requestId: ctx.id, // checked by core: [A-Za-z0-9._:-]
    // Wall-clock arrival: `startedAt` is a monotonic stamp, so step back by the duration.
    ts: Date.now() - summary.durationMs,
    kind: ctx.kind,
    model: storable(ctx.model),
    provider: f.provider ?? null,
    upstreamModel: storable(f.upstreamModel ?? null),
    principalId: storable(p?.id ?? null),
    userId: storable(p?.user ?? null),
    team: storable(p?.team ?? null),
    status: summary.status,
    cause: f.cause,
    cancelled: f.cancelled,
    cache: f.cache ?? null,
    attempts: ctx.attempts.length,
    inputTokens: f.inputTokens,
    outputTokens: f.outputTokens,
    cachedTokens: f.cachedTokens,
    tokensEstimated: f.usageEstimated,
    costUsd: f.costUsd,
    savedUsd: f.savedUsd,
    durationMs: summary.durationMs,
    ttftMs: ttft ?? null,
  };
}
