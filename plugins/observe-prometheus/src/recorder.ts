import { requestOutcome, type Catalog } from '@aisbf/plugin-catalog';
import type { AttemptRecord, RequestContext, RequestSummary, ResolvedConfig } from 'aisbf';
import { LabelGuard } from './label-guard.js';
import type { Metrics } from './metrics.js';
import { ATTR_ERROR_TYPE, ATTR_OPERATION, ATTR_PROVIDER, ATTR_REQUEST_MODEL, ATTR_RESPONSE_MODEL, ATTR_TOKEN_TYPE } from './semconv.js';

/** Label value for a model the gateway does not serve (404): never the client's string. */
const UNKNOWN_MODEL = 'unknown';
/** Joins label values into a series key (a control character: not part of any model or provider name we label with). */
const SEP = '\u0001';

/**
 * Turns observe events into metric updates. Label values go through guards:
 * public and upstream model names and provider ids are capped at
 * `maxLabelValues` distinct values each. Each update names its series by a
 * string key built from the same values as its labels.
 */
export class Recorder {
  readonly #m: Metrics;
  readonly #catalog: Catalog;
  readonly #config: ResolvedConfig;
  readonly #models: LabelGuard;
  readonly #upstreamModels: LabelGuard;
  readonly #providers: LabelGuard;

  constructor(metrics: Metrics, catalog: Catalog, config: ResolvedConfig, maxLabelValues: number) {
    this.#m = metrics;
    this.#catalog = catalog;
    this.#config = config;
    this.#models = new LabelGuard(maxLabelValues);
    this.#upstreamModels = new LabelGuard(maxLabelValues);
    this.#providers = new LabelGuard(maxLabelValues);
  }

  request(): void {
    this.#m.inFlight.inc();
  }

  attempt(attempt: AttemptRecord): void {
    const provider = this.#providers.value(attempt.provider);
    const upstreamModel = this.#upstreamModels.value(attempt.model);
    const key = provider + SEP + upstreamModel + SEP + attempt.outcome;
    const labels = () => ({ provider, upstream_model: upstreamModel, outcome: attempt.outcome });
    this.#m.attempts.at(key, labels).inc();
    this.#m.upstream.at(key, labels).observe(attempt.latencyMs / 1000);
  }

  finished(ctx: RequestContext, summary: RequestSummary): void {
    const m = this.#m;
    m.inFlight.dec();
    const f = requestOutcome(ctx, summary, this.#catalog, this.#config);
    const model = f.cause === 'not_found' && summary.error?.code === 'model_not_found' ? UNKNOWN_MODEL : this.#models.value(ctx.model);
    const provider = this.#providers.value(f.provider);
    const upstreamModel = this.#upstreamModels.value(f.upstreamModel);
    const statusClass = `${Math.floor(summary.status / 100)}xx`;
    const cache = f.cache ?? '';
    const errorType = f.cause === 'ok' ? '' : f.cause;

    const mp = model + SEP + provider;
    const mpLabels = () => ({ model, provider });
    const gk = ctx.kind + SEP + mp + SEP + upstreamModel;
    const genAi = () => ({ [ATTR_OPERATION]: ctx.kind, [ATTR_REQUEST_MODEL]: model, [ATTR_PROVIDER]: provider, [ATTR_RESPONSE_MODEL]: upstreamModel });

    m.requests.at(mp + SEP + statusClass + SEP + cache + SEP + f.cause, () => ({ model, provider, status_class: statusClass, cache, cause: f.cause })).inc();
    m.duration.at(gk + SEP + errorType, () => ({ ...genAi(), [ATTR_ERROR_TYPE]: errorType })).observe(summary.durationMs / 1000);
    const ttft = summary.ttftMs ?? ctx.ttftMs;
    if (ctx.stream && ttft !== undefined) m.ttft.at(gk, genAi).observe(ttft / 1000);
    if (f.overheadMs !== null) m.overhead.at(model, () => ({ model })).observe(f.overheadMs / 1000);

    // A cache hit used no provider tokens: its usage shows up as savings instead.
    if (f.cache !== 'hit') {
      if (f.inputTokens !== null) {
        m.tokenUsage.at(gk + SEP + 'input', () => ({ ...genAi(), [ATTR_TOKEN_TYPE]: 'input' })).observe(f.inputTokens);
        m.tokens.at(mp + SEP + 'input', () => ({ model, provider, type: 'input' })).inc(f.inputTokens);
      }
      if (f.outputTokens !== null) {
        m.tokenUsage.at(gk + SEP + 'output', () => ({ ...genAi(), [ATTR_TOKEN_TYPE]: 'output' })).observe(f.outputTokens);
        m.tokens.at(mp + SEP + 'output', () => ({ model, provider, type: 'output' })).inc(f.outputTokens);
      }
      if (f.cachedTokens) m.tokens.at(mp + SEP + 'cached', () => ({ model, provider, type: 'cached' })).inc(f.cachedTokens);
    }

    if (f.costUsd === null) m.costUnknown.at(mp, mpLabels).inc();
    else if (f.costUsd > 0) m.cost.at(mp, mpLabels).inc(f.costUsd);
    if (f.savedUsd) m.savings.at(mp, mpLabels).inc(f.savedUsd);

    if (ctx.attempts.length > 1) m.failovers.at(model, () => ({ model })).inc(ctx.attempts.length - 1);
    if (f.cause === 'rate_limit' || f.cause === 'budget') {
      const plugin = summary.error?.plugin ?? '';
      m.rejections.at(f.cause + SEP + plugin, () => ({ reason: f.cause, plugin })).inc();
    }
  }
}
