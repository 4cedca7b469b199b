import type { RequestContext, RequestSummary } from 'aisbf';
import type { RequestOutcome } from '@aisbf/plugin-catalog';
import type { SecretScrubber } from './secret-scrubber.js';

/**
 * One access-log line (the JSON object pino writes, minus `level`, `time`
 * and `msg`). Field names are snake_case and stable: dashboards and log
 * queries depend on them.
 *
 * @example
 * { "request_id": "9b1…", "principal": { "id": "key_7f3a", "team": "search" }, "model": "smart",
 *   "provider": "claude", "upstream_model": "claude-sonnet-4-5", "attempts": 1, "status": 200,
 *   "latency_ms": 812.4, "ttft_ms": 201.7, "tokens": { "input": 12, "output": 40, "cached": 0 },
 *   "cost_usd": 0.000636, "cache": "miss" }
 */
export interface AccessLine {
  request_id: string;
  kind: 'chat' | 'embeddings';
  stream: boolean;
  /** Who called: ids and names only, never a credential. */
  principal?: { id: string; user?: string; team?: string; tier?: string };
  /** The public model the client asked for. */
  model: string;
  provider?: string;
  upstream_model?: string;
  attempts: number;
  /** Each attempt: provider, model, outcome, status, latency. Present when there was more than one. */
  attempt_log?: Array<{ provider: string; model: string; outcome: string; status?: number; latency_ms: number }>;
  status: number;
  cause: string;
  error_type?: string;
  error_code?: string | null;
  error_message?: string;
  /** The plugin that refused the request (limits, auth). */
  error_plugin?: string;
  cancelled?: boolean;
  latency_ms: number;
  ttft_ms?: number;
  upstream_ms: number;
  overhead_ms?: number;
  tokens?: { input: number | null; output: number | null; cached: number | null; estimated?: boolean };
  /** USD; `null` when the price is unknown. */
  cost_usd: number | null;
  saved_usd?: number | null;
  cache?: string;
  /** Only with `logBodies: true`. */
  request_body?: unknown;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/** Builds the access line of a finished request. */
export function accessLine(ctx: RequestContext, summary: RequestSummary, f: RequestOutcome, scrub: SecretScrubber, logBodies: boolean): AccessLine {
  const p = ctx.principal;
  const err = summary.error;
  const line: AccessLine = {
    request_id: ctx.id,
    kind: ctx.kind,
    stream: ctx.stream,
    // Picked field by field: a principal may carry other attributes (a key record) that must not leave.
    principal: p ? { id: p.id, user: p.user, team: p.team, tier: p.tier } : undefined,
    model: ctx.model,
    provider: f.provider,
    upstream_model: f.upstreamModel,
    attempts: ctx.attempts.length,
    status: summary.status,
    cause: f.cause,
    latency_ms: round(summary.durationMs),
    upstream_ms: round(f.upstreamMs),
    cost_usd: f.costUsd,
  };
  if (ctx.attempts.length > 1) {
    line.attempt_log = ctx.attempts.map((a) => ({ provider: a.provider, model: a.model, outcome: a.outcome, status: a.status, latency_ms: round(a.latencyMs) }));
  }
  if (err) {
    line.error_type = err.type;
    line.error_code = err.code;
    line.error_message = scrub.text(err.message);
    if (err.plugin) line.error_plugin = err.plugin;
  }
  if (f.cancelled) line.cancelled = true;
  const ttft = summary.ttftMs ?? ctx.ttftMs;
  if (ttft !== undefined) line.ttft_ms = round(ttft);
  if (f.overheadMs !== null) line.overhead_ms = round(f.overheadMs);
  if (f.inputTokens !== null || f.outputTokens !== null) {
    line.tokens = { input: f.inputTokens, output: f.outputTokens, cached: f.cachedTokens };
    if (f.usageEstimated) line.tokens.estimated = true;
  }
  if (f.cache) line.cache = f.cache;
  if (f.cache === 'hit') line.saved_usd = f.savedUsd;
  if (logBodies) line.request_body = scrub.value(ctx.body);
  return line;
}
