import { catalogFor } from '@aisbf/plugin-catalog';
import { definePlugin, type Plugin } from 'aisbf';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { registerBreakerGauge } from './breakers.js';
import { registerLedgerGauge } from './ledger-metrics.js';
import { createMetrics, type BucketOptions } from './metrics.js';
import { Recorder } from './recorder.js';

export type { BreakerReport, BreakerSource } from './breakers.js';
export type { BucketOptions } from './metrics.js';
export { causeOf, requestOutcome, type RequestCause, type RequestOutcome } from '@aisbf/plugin-catalog';

/**
 * Options of `observe-prometheus`.
 *
 * @example plugins: [['observe-prometheus', { path: '/metrics', defaultMetrics: true, maxLabelValues: 200 }]]
 */
export interface PrometheusOptions {
  /** Where the exposition is served. Default `/metrics`. */
  path?: string;
  /** Also expose Node process metrics (CPU, memory, event-loop lag). Default true. */
  defaultMetrics?: boolean;
  /** Distinct values kept per model/provider label before folding into `other`. Default 200. */
  maxLabelValues?: number;
  /** Histogram boundaries (seconds; tokens for `tokens`). */
  buckets?: BucketOptions;
}

const bucketList = { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1 };

/** A plugin object that also hands out its registry (for embedding and tests). */
export interface PrometheusPlugin extends Plugin {
  /** The registry this plugin's metrics live in (not prom-client's global one). */
  readonly registry: Registry;
}

/**
 * Prometheus metrics at `GET /metrics`: traffic, latency (gateway overhead
 * apart from the provider's time), errors by cause, tokens, cost, cache
 * savings, attempts, limit rejections and breaker states, with OpenTelemetry
 * GenAI names where the spec has them.
 *
 * @example plugins: ['observe-prometheus']
 */
export default function observePrometheus(options: PrometheusOptions = {}): PrometheusPlugin {
  const registry = new Registry();
  const metrics = createMetrics(registry, options.buckets);
  let recorder: Recorder | undefined;

  return definePlugin<PrometheusPlugin>({
    name: 'observe-prometheus',
    registry,
    options: {
      type: 'object',
      additionalProperties: false,
      properties: {
        path: { type: 'string', pattern: '^/' },
        defaultMetrics: { type: 'boolean' },
        maxLabelValues: { type: 'integer', minimum: 1 },
        buckets: {
          type: 'object',
          additionalProperties: false,
          properties: { duration: bucketList, ttft: bucketList, overhead: bucketList, tokens: bucketList },
        },
      },
    },
    setup(api) {
      recorder = new Recorder(metrics, catalogFor(api.config), api.config, options.maxLabelValues ?? 200);
      if (options.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
      registerBreakerGauge(registry, api.config.plugins, api.logger);
      registerLedgerGauge(registry, api.config.plugins);
      api.router.get(options.path ?? '/metrics', async (ctx) => {
        ctx.set('content-type', registry.contentType);
        ctx.body = await registry.metrics();
      });
    },
    close() {
      registry.clear();
    },
    observe: {
      request: () => recorder?.request(),
      attempt: (_ctx, attempt) => recorder?.attempt(attempt),
      response: (ctx, summary) => recorder?.finished(ctx, summary),
      error: (ctx, summary) => recorder?.finished(ctx, summary),
    },
  });
}
