import { requestOutcome, type Catalog } from '@aisbf/plugin-catalog';
import type { AttemptRecord, RequestContext, RequestSummary, ResolvedConfig } from 'aisbf';
import { LabelGuard } from './label-guard.js';
import type { CounterSeries, HistogramSeries } from './fast-metrics.js';
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
  /** Series by label tuple; bounded as the label values are (see LabelGuard). */
  readonly #bundles = new Map<string, Bundle>();
  readonly #attemptSeries = new Map<string, AttemptBundle>();
  /**
   * The last bundles used. Traffic comes in runs of the same label tuple, and
   * comparing seven values costs a few nanoseconds where building the key and
   * hashing it (a string of many pieces, flattened first) costs about 250.
   */
  #lastBundle: Bundle | undefined;
  #lastAttempt: AttemptBundle | undefined;

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
    const outcome = attempt.outcome;
    let b = this.#lastAttempt;
    if (!b || b.provider !== provider || b.upstreamModel !== upstreamModel || b.outcome !== outcome) {
      const key = provider + SEP + upstreamModel + SEP + outcome;
      b = this.#attemptSeries.get(key);
      if (!b) {
        const labels = () => ({ provider, upstream_model: upstreamModel, outcome });
        b = { provider, upstreamModel, outcome, count: this.#m.attempts.seriesFor(key, labels), latency: this.#m.upstream.seriesFor(key, labels) };
        this.#attemptSeries.set(key, b);
      }
      this.#lastAttempt = b;
    }
    b.count.value++;
    this.#m.upstream.observe(b.latency, attempt.latencyMs / 1000);
  }

  finished(ctx: RequestContext, summary: RequestSummary): void {
    const m = this.#m;
    m.inFlight.dec();
    const f = requestOutcome(ctx, summary, this.#catalog, this.#config);
    const model = f.cause === 'not_found' && summary.error?.code === 'model_not_found' ? UNKNOWN_MODEL : this.#models.value(ctx.model);
    const provider = this.#providers.value(f.provider);
    const upstreamModel = this.#upstreamModels.value(f.upstreamModel);
    const cache = f.cache ?? '';
    const { kind } = ctx;
    const { status } = summary;
    const { cause } = f;
    // One lookup finds every series this request updates.
    let b = this.#lastBundle;
    if (!b || b.kind !== kind || b.model !== model || b.provider !== provider || b.upstreamModel !== upstreamModel
      || b.status !== status || b.cache !== cache || b.cause !== cause) {
      const key = kind + SEP + model + SEP + provider + SEP + upstreamModel + SEP + status + SEP + cache + SEP + cause;
      b = this.#bundles.get(key);
      if (!b) {
        b = this.#bundle(kind, model, provider, upstreamModel, status, cache, cause);
        this.#bundles.set(key, b);
      }
      this.#lastBundle = b;
    }

    b.requests.value++;
    m.duration.observe(b.duration, summary.durationMs / 1000);
    const ttft = summary.ttftMs ?? ctx.ttftMs;
    if (ctx.stream && ttft !== undefined) m.ttft.observe((b.ttft ??= m.ttft.seriesFor(b.gk, b.genAi)), ttft / 1000);
    if (f.overheadMs !== null) m.overhead.observe((b.overhead ??= m.overhead.seriesFor(model, () => ({ model }))), f.overheadMs / 1000);

    // A cache hit used no provider tokens: its usage shows up as savings instead.
    if (f.cache !== 'hit') {
      if (f.inputTokens !== null) {
        m.tokenUsage.observe((b.usageIn ??= m.tokenUsage.seriesFor(b.gk + SEP + 'input', () => ({ ...b.genAi(), [ATTR_TOKEN_TYPE]: 'input' }))), f.inputTokens);
        (b.tokensIn ??= m.tokens.seriesFor(b.mp + SEP + 'input', () => ({ model, provider, type: 'input' }))).value += f.inputTokens;
      }
      if (f.outputTokens !== null) {
        m.tokenUsage.observe((b.usageOut ??= m.tokenUsage.seriesFor(b.gk + SEP + 'output', () => ({ ...b.genAi(), [ATTR_TOKEN_TYPE]: 'output' }))), f.outputTokens);
        (b.tokensOut ??= m.tokens.seriesFor(b.mp + SEP + 'output', () => ({ model, provider, type: 'output' }))).value += f.outputTokens;
      }
      if (f.cachedTokens) (b.tokensCached ??= m.tokens.seriesFor(b.mp + SEP + 'cached', () => ({ model, provider, type: 'cached' }))).value += f.cachedTokens;
    }

    if (f.costUsd === null) (b.costUnknown ??= m.costUnknown.seriesFor(b.mp, b.mpLabels)).value++;
    else if (f.costUsd > 0) (b.cost ??= m.cost.seriesFor(b.mp, b.mpLabels)).value += f.costUsd;
    if (f.savedUsd) (b.savings ??= m.savings.seriesFor(b.mp, b.mpLabels)).value += f.savedUsd;

    if (ctx.attempts.length > 1) m.failovers.at(model, () => ({ model })).inc(ctx.attempts.length - 1);
    if (f.cause === 'rate_limit' || f.cause === 'budget') {
      const plugin = summary.error?.plugin ?? '';
      m.rejections.at(f.cause + SEP + plugin, () => ({ reason: f.cause, plugin })).inc();
    }
  }

  /** The series of one label tuple: the two every request updates now, the others when first needed. */
  #bundle(kind: string, model: string, provider: string, upstreamModel: string, status: number, cache: string, cause: string): Bundle {
    const m = this.#m;
    const statusClass = `${Math.floor(status / 100)}xx`;
    const errorType = cause === 'ok' ? '' : cause;
    const mp = model + SEP + provider;
    const gk = kind + SEP + mp + SEP + upstreamModel;
    const genAi = () => ({ [ATTR_OPERATION]: kind, [ATTR_REQUEST_MODEL]: model, [ATTR_PROVIDER]: provider, [ATTR_RESPONSE_MODEL]: upstreamModel });
    return {
      kind,
      model,
      provider,
      upstreamModel,
      status,
      cache,
      cause,
      mp,
      gk,
      genAi,
      mpLabels: () => ({ model, provider }),
      requests: m.requests.seriesFor(mp + SEP + statusClass + SEP + cache + SEP + cause, () => ({ model, provider, status_class: statusClass, cache, cause })),
      duration: m.duration.seriesFor(gk + SEP + errorType, () => ({ ...genAi(), [ATTR_ERROR_TYPE]: errorType })),
    };
  }
}

/** The series one label tuple (kind, model, provider, upstream model, status, cache, cause) updates. */
interface Bundle {
  /** The label tuple. */
  kind: string;
  model: string;
  provider: string;
  upstreamModel: string;
  status: number;
  cache: string;
  cause: string;
  /** Series keys, as the metrics know them. */
  mp: string;
  gk: string;
  genAi: () => Record<string, string>;
  mpLabels: () => Record<string, string>;
  requests: CounterSeries;
  duration: HistogramSeries;
  ttft?: HistogramSeries;
  overhead?: HistogramSeries;
  usageIn?: HistogramSeries;
  usageOut?: HistogramSeries;
  tokensIn?: CounterSeries;
  tokensOut?: CounterSeries;
  tokensCached?: CounterSeries;
  cost?: CounterSeries;
  costUnknown?: CounterSeries;
  savings?: CounterSeries;
}

/** The series one attempt tuple (provider, upstream model, outcome) updates. */
interface AttemptBundle {
  provider: string;
  upstreamModel: string;
  outcome: string;
  count: CounterSeries;
  latency: HistogramSeries;
}
