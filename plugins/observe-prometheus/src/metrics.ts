import { Gauge, type Registry } from 'prom-client';
import { FastCounter, FastHistogram } from './fast-metrics.js';
import { GEN_AI_CLIENT_TOKEN_USAGE, GEN_AI_SERVER_REQUEST_DURATION, GEN_AI_SERVER_TIME_TO_FIRST_TOKEN } from './semconv.js';

/** Histogram bucket boundaries, in seconds (tokens for `tokens`). */
export interface BucketOptions {
  duration?: number[];
  ttft?: number[];
  overhead?: number[];
  tokens?: number[];
}

// The GenAI spec's advised boundaries for durations and token counts.
const DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
// The gateway's own time is sub-millisecond when healthy: finer buckets than the provider's.
const OVERHEAD_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

/** A count kept as a plain number and copied into the gauge at scrape time. */
function inFlightGauge(registry: Registry) {
  const counter = { value: 0, inc() { this.value++; }, dec() { this.value--; } };
  new Gauge({
    name: 'aisbf_requests_in_flight',
    help: 'Requests received and not yet finished (streams count until their end).',
    registers: [registry],
    collect() {
      this.set(counter.value);
    },
  });
  return counter;
}

/**
 * Every metric the plugin exposes, registered on one registry. Label names
 * per metric are listed in the README; the recorder passes them.
 */
export function createMetrics(registry: Registry, buckets: BucketOptions = {}) {
  const registers = [registry];
  return {
    requests: new FastCounter({
      name: 'aisbf_requests_total',
      help: 'Requests finished, by public model, provider that answered, HTTP status class, cache result and cause.',
      registers,
    }),
    inFlight: inFlightGauge(registry),
    duration: new FastHistogram({
      name: GEN_AI_SERVER_REQUEST_DURATION,
      help: 'gen_ai.server.request.duration: time from request arrival to the end of the answer, in seconds.',
      buckets: buckets.duration ?? DURATION_BUCKETS,
      registers,
    }),
    ttft: new FastHistogram({
      name: GEN_AI_SERVER_TIME_TO_FIRST_TOKEN,
      help: 'gen_ai.server.time_to_first_token: time from request arrival to the first streamed token, in seconds.',
      buckets: buckets.ttft ?? TTFT_BUCKETS,
      registers,
    }),
    tokenUsage: new FastHistogram({
      name: GEN_AI_CLIENT_TOKEN_USAGE,
      help: 'gen_ai.client.token.usage: tokens per request, by token type (input, output).',
      buckets: buckets.tokens ?? TOKEN_BUCKETS,
      registers,
    }),
    tokens: new FastCounter({
      name: 'aisbf_tokens_total',
      help: 'Tokens by type: input, output, and cached (input tokens the provider served from its prompt cache).',
      registers,
    }),
    upstream: new FastHistogram({
      name: 'aisbf_upstream_duration_seconds',
      help: 'One upstream attempt: time to the full answer, or to the first token of a stream, in seconds.',
      buckets: buckets.duration ?? DURATION_BUCKETS,
      registers,
    }),
    overhead: new FastHistogram({
      name: 'aisbf_gateway_overhead_seconds',
      help: 'Gateway time outside upstream attempts (total or time to first token, minus attempt latencies; includes failover backoff), in seconds.',
      buckets: buckets.overhead ?? OVERHEAD_BUCKETS,
      registers,
    }),
    cost: new FastCounter({
      name: 'aisbf_cost_usd_total',
      help: 'Cost in USD at catalogue prices, of requests whose price is known.',
      registers,
    }),
    costUnknown: new FastCounter({
      name: 'aisbf_cost_unknown_requests_total',
      help: 'Requests that used tokens on a model without a known price (not counted in aisbf_cost_usd_total).',
      registers,
    }),
    savings: new FastCounter({
      name: 'aisbf_cache_savings_usd_total',
      help: 'USD not spent because the cache answered: the cached usage at the producing model\'s prices.',
      registers,
    }),
    attempts: new FastCounter({
      name: 'aisbf_attempts_total',
      help: 'Upstream attempts, by provider, upstream model and outcome (ok, error, aborted).',
      registers,
    }),
    failovers: new FastCounter({
      name: 'aisbf_failovers_total',
      help: 'Attempts beyond the first one of a request (retries, failovers and hedges).',
      registers,
    }),
    rejections: new FastCounter({
      name: 'aisbf_rejections_total',
      help: 'Requests refused by the gateway\'s own limits: reason rate_limit (429 rate_limit_exceeded) or budget (429 insufficient_quota).',
      registers,
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
