import assert from 'node:assert/strict';
import catalog from '@aisbf/plugin-catalog';
import mock from '@aisbf/plugin-mock';
import { definePlugin } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import OpenAI, { APIError } from 'openai';
import observePrometheus from '../src/index.js';
import { LabelGuard, OVERFLOW_VALUE } from '../src/label-guard.js';
import { eventually, parseExposition, sum, testCache, testFailover, testLimits, type Sample } from './support.js';

const PRICE = { inputPerMTok: 1, outputPerMTok: 2 };
const costOf = (u: { prompt_tokens: number; completion_tokens: number }) => (u.prompt_tokens * PRICE.inputPerMTok + u.completion_tokens * PRICE.outputPerMTok) / 1e6;

describe('observe-prometheus: /metrics after a scripted mix of requests', () => {
  let gw: TestGateway;
  let client: OpenAI;
  let samples: Sample[];
  let exposition: string;
  const requestIds: string[] = [];
  const expected = { requests: 0, smartInput: 0, smartOutput: 0, smartCost: 0, saved: 0 };

  async function create(body: OpenAI.ChatCompletionCreateParamsNonStreaming, headers: Record<string, string> = {}) {
    expected.requests++;
    try {
      const { data, response } = await client.chat.completions.create(body, { headers }).withResponse();
      requestIds.push(response.headers.get('x-request-id') ?? '');
      return data;
    } catch (err) {
      if (err instanceof APIError) {
        requestIds.push(err.headers?.get('x-request-id') ?? '');
        return err;
      }
      throw err;
    }
  }

  before(async () => {
    gw = await startGateway({
      plugins: [
        mock(),
        catalog({ models: { 'echo/echo-1': PRICE } }),
        testLimits(),
        testCache(),
        testFailover([{ provider: 'flaky', model: 'f-1', state: 'open' }, { provider: 'echo', model: 'echo-1', state: 'closed' }]),
        // Stands in for the usage ledger: its queue counters are read at scrape time.
        definePlugin({ name: 'usage-ledger', stats: () => ({ queued: 1, written: 40, dropped: 3, failedBatches: 1 }) }),
        observePrometheus({ defaultMetrics: false }),
      ],
      providers: {
        echo: { type: 'mock', apiKey: 'sk-provider-secret-1' },
        flaky: { type: 'mock', failRate: 1, failStatus: 500 },
      },
      models: {
        smart: { candidates: ['echo/echo-1'] },
        broken: { candidates: ['flaky/f-1'] },
        resilient: { candidates: ['flaky/f-1', 'echo/echo-1'] },
      },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client-secret-2', maxRetries: 0 });

    // Misses then hits: the first answer is stored, the next two come from the cache.
    for (let i = 0; i < 3; i++) {
      const r = await create({ model: 'smart', messages: [{ role: 'user', content: 'cache me' }] });
      assert.ok(!(r instanceof Error));
      if (i === 0) {
        expected.smartInput += r.usage!.prompt_tokens;
        expected.smartOutput += r.usage!.completion_tokens;
        expected.smartCost += costOf(r.usage!);
      } else expected.saved += costOf(r.usage!);
    }
    // A stream, read to the end with usage.
    expected.requests++;
    const stream = await client.chat.completions.create({
      model: 'smart', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream this please' }],
    });
    for await (const chunk of stream) {
      if (chunk.usage) {
        expected.smartInput += chunk.usage.prompt_tokens;
        expected.smartOutput += chunk.usage.completion_tokens;
        expected.smartCost += costOf(chunk.usage);
      }
    }
    // Failures: the provider answers 500 (the client sees 502).
    for (let i = 0; i < 2; i++) assert.equal((await create({ model: 'broken', messages: [{ role: 'user', content: 'x' }] }) as APIError).status, 502);
    // Failover: first candidate fails, second answers.
    assert.ok(!((await create({ model: 'resilient', messages: [{ role: 'user', content: 'y' }] })) instanceof Error));
    // Our own limits.
    assert.equal((await create({ model: 'smart', messages: [{ role: 'user', content: 'z' }] }, { 'x-test-limit': 'rate' }) as APIError).status, 429);
    assert.equal((await create({ model: 'smart', messages: [{ role: 'user', content: 'z' }] }, { 'x-test-limit': 'budget' }) as APIError).status, 429);
    // A model nobody serves, and a model without a price.
    assert.equal((await create({ model: 'no-such-model-9f3c', messages: [{ role: 'user', content: 'z' }] }) as APIError).status, 404);
    assert.ok(!((await create({ model: 'echo/unpriced-1', messages: [{ role: 'user', content: 'z' }] })) instanceof Error));

    samples = await eventually(async () => {
      const res = await fetch(`${gw.url}/metrics`);
      exposition = await res.text();
      const s = parseExposition(exposition);
      return sum(s, 'aisbf_requests_total') === expected.requests ? s : undefined;
    }, `aisbf_requests_total to reach ${expected.requests}`);
  });
  after(async () => {
    await gw?.close();
  });

  it('counts requests by model, provider, status class, cache result and cause', () => {
    assert.equal(sum(samples, 'aisbf_requests_total', { model: 'smart', provider: 'echo', status_class: '2xx', cache: 'hit' }), 2);
    assert.equal(sum(samples, 'aisbf_requests_total', { model: 'smart', provider: 'echo', status_class: '2xx', cache: 'miss' }), 2);
    assert.equal(sum(samples, 'aisbf_requests_total', { model: 'broken', provider: 'flaky', status_class: '5xx', cause: 'upstream' }), 2);
    assert.equal(sum(samples, 'aisbf_requests_total', { model: 'resilient', provider: 'echo', status_class: '2xx' }), 1);
    assert.equal(sum(samples, 'aisbf_requests_total', { model: 'unknown', status_class: '4xx', cause: 'not_found' }), 1);
    assert.equal(sum(samples, 'aisbf_requests_in_flight'), 0);
  });

  it('counts rate-limit and budget rejections apart, with the refusing plugin', () => {
    assert.equal(sum(samples, 'aisbf_rejections_total', { reason: 'rate_limit', plugin: 'test-limits' }), 1);
    assert.equal(sum(samples, 'aisbf_rejections_total', { reason: 'budget', plugin: 'test-limits' }), 1);
    assert.equal(sum(samples, 'aisbf_requests_total', { cause: 'rate_limit', status_class: '4xx' }), 1);
    assert.equal(sum(samples, 'aisbf_requests_total', { cause: 'budget', status_class: '4xx' }), 1);
  });

  it('exposes GenAI histograms: request duration, time to first token, token usage', () => {
    const smart = { gen_ai_request_model: 'smart' };
    // 4 answers and 2 refusals by the limits.
    assert.equal(sum(samples, 'gen_ai_server_request_duration_seconds_count', smart), 6);
    assert.equal(sum(samples, 'gen_ai_server_request_duration_seconds_count', { ...smart, error_type: 'budget' }), 1);
    assert.equal(sum(samples, 'gen_ai_server_request_duration_seconds_count', { gen_ai_request_model: 'broken', error_type: 'upstream' }), 2);
    assert.equal(sum(samples, 'gen_ai_server_time_to_first_token_seconds_count', { ...smart, gen_ai_provider_name: 'echo', gen_ai_operation_name: 'chat' }), 1);
    assert.equal(sum(samples, 'gen_ai_client_token_usage_sum', { ...smart, gen_ai_token_type: 'input' }), expected.smartInput);
    assert.equal(sum(samples, 'gen_ai_client_token_usage_sum', { ...smart, gen_ai_token_type: 'output' }), expected.smartOutput);
    assert.equal(sum(samples, 'gen_ai_client_token_usage_count', { ...smart, gen_ai_token_type: 'input' }), 2, 'cache hits used no provider tokens');
    assert.equal(sum(samples, 'aisbf_tokens_total', { model: 'smart', type: 'input' }), expected.smartInput);
    assert.equal(sum(samples, 'aisbf_tokens_total', { model: 'smart', type: 'output' }), expected.smartOutput);
  });

  it('separates upstream time from gateway overhead', () => {
    // Every attempt is timed: 2 broken + 2 in the failover + the smart misses + the unpriced call.
    assert.equal(sum(samples, 'aisbf_upstream_duration_seconds_count'), 7);
    assert.equal(sum(samples, 'aisbf_upstream_duration_seconds_count', { provider: 'flaky', outcome: 'error' }), 3);
    // Overhead is known for every request that finished with a time reference.
    assert.equal(sum(samples, 'aisbf_gateway_overhead_seconds_count'), expected.requests);
    const overhead = sum(samples, 'aisbf_gateway_overhead_seconds_sum');
    const total = sum(samples, 'gen_ai_server_request_duration_seconds_sum');
    assert.ok(overhead >= 0 && overhead <= total, `overhead ${overhead} within total ${total}`);
  });

  it('adds cost at catalogue prices, cache savings, and unknown prices apart', () => {
    const cost = sum(samples, 'aisbf_cost_usd_total', { model: 'smart', provider: 'echo' });
    assert.ok(Math.abs(cost - expected.smartCost) < 1e-12, `cost ${cost} vs ${expected.smartCost}`);
    const saved = sum(samples, 'aisbf_cache_savings_usd_total', { model: 'smart' });
    assert.ok(expected.saved > 0 && Math.abs(saved - expected.saved) < 1e-12, `saved ${saved} vs ${expected.saved}`);
    assert.equal(sum(samples, 'aisbf_cost_unknown_requests_total', { model: 'echo/unpriced-1' }), 1);
    assert.equal(sum(samples, 'aisbf_cost_usd_total', { model: 'echo/unpriced-1' }), 0);
  });

  it('counts attempts and failovers', () => {
    assert.equal(sum(samples, 'aisbf_attempts_total', { provider: 'echo', upstream_model: 'echo-1', outcome: 'ok' }), 3);
    assert.equal(sum(samples, 'aisbf_attempts_total', { provider: 'flaky', outcome: 'error' }), 3);
    assert.equal(sum(samples, 'aisbf_failovers_total', { model: 'resilient' }), 1);
    assert.equal(sum(samples, 'aisbf_failovers_total'), 1);
  });

  it('reports breaker state per provider from the failover plugin', () => {
    assert.equal(sum(samples, 'aisbf_breaker_state', { provider: 'flaky', model: 'f-1', state: 'open' }), 1);
    assert.equal(sum(samples, 'aisbf_breaker_state', { provider: 'flaky', model: 'f-1', state: 'closed' }), 0);
    assert.equal(sum(samples, 'aisbf_breaker_state', { provider: 'echo', model: 'echo-1', state: 'closed' }), 1);
  });

  it('exposes the usage ledger queue, drops included', () => {
    assert.equal(sum(samples, 'aisbf_ledger_records', { state: 'written' }), 40);
    assert.equal(sum(samples, 'aisbf_ledger_records', { state: 'dropped' }), 3);
    assert.equal(sum(samples, 'aisbf_ledger_records', { state: 'failed_batches' }), 1);
  });

  it('keeps secrets, request ids and unknown model names out of the exposition', () => {
    assert.equal(requestIds.length, expected.requests - 1);
    for (const id of requestIds) {
      assert.ok(id.length > 0);
      assert.ok(!exposition.includes(id), `request id ${id} in /metrics`);
    }
    for (const secret of ['sk-provider-secret-1', 'sk-client-secret-2', 'no-such-model-9f3c']) assert.ok(!exposition.includes(secret), secret);
  });
});

describe('observe-prometheus: label cardinality', () => {
  it('folds label values beyond the limit into "other"', () => {
    const g = new LabelGuard(2);
    assert.deepEqual(['a', 'b', 'c', 'a', 'd', 'b'].map((v) => g.value(v)), ['a', 'b', OVERFLOW_VALUE, 'a', OVERFLOW_VALUE, 'b']);
  });

  it('bounds the model label under client-chosen direct model names', async () => {
    const gw = await startGateway({
      plugins: [mock(), observePrometheus({ defaultMetrics: false, maxLabelValues: 3 })],
      providers: { echo: { type: 'mock' } },
    });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      for (let i = 0; i < 8; i++) await client.chat.completions.create({ model: `echo/m-${i}`, messages: [{ role: 'user', content: 'hi' }] });
      const s = await eventually(async () => {
        const parsed = parseExposition(await (await fetch(`${gw.url}/metrics`)).text());
        return sum(parsed, 'aisbf_requests_total') === 8 ? parsed : undefined;
      }, '8 requests counted');
      const models = new Set(s.filter((x) => x.name === 'aisbf_requests_total').map((x) => x.labels.model));
      assert.deepEqual([...models].sort(), ['echo/m-0', 'echo/m-1', 'echo/m-2', OVERFLOW_VALUE].sort());
      assert.equal(sum(s, 'aisbf_requests_total', { model: OVERFLOW_VALUE }), 5);
    } finally {
      await gw.close();
    }
  });
});

describe('observe-prometheus: registry reset', () => {
  it('resetMetrics() zeroes the request series, and counting goes on from zero', async () => {
    const prom = observePrometheus({ defaultMetrics: false });
    const gw = await startGateway({ plugins: [mock(), prom], providers: { echo: { type: 'mock' } } });
    const scrape = async () => parseExposition(await (await fetch(`${gw.url}/metrics`)).text());
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const ask = () => client.chat.completions.create({ model: 'echo/m', messages: [{ role: 'user', content: 'hi' }] });
      await ask();
      await ask();
      await eventually(async () => (sum(await scrape(), 'aisbf_requests_total') === 2 ? true : undefined), '2 requests counted');
      prom.registry.resetMetrics();
      assert.equal(sum(await scrape(), 'aisbf_requests_total'), 0);
      await ask();
      const after = await eventually(async () => {
        const parsed = await scrape();
        return sum(parsed, 'aisbf_requests_total') === 1 ? parsed : undefined;
      }, 'the request after the reset counted');
      assert.equal(sum(after, 'gen_ai_server_request_duration_seconds_count'), 1);
    } finally {
      await gw.close();
    }
  });
});
