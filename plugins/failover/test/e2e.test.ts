import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { definePlugin, type AttemptRecord } from 'aisbf';
import { startGateway, startLoopbackServer, type TestGateway } from 'aisbf/testing';
import failover, { type FailoverOptions } from '../src/index.js';
import { startFaultServer, type FaultServer } from '../../../test/support/fault-server.js';

describe('failover end to end (openai SDK → gateway → loopback upstreams)', () => {
  let up: FaultServer;
  let gw: TestGateway | undefined;

  before(async () => { up = await startFaultServer({}); });
  after(async () => { await up.close(); });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    for (const k of Object.keys(up.behaviour)) delete up.behaviour[k];
    up.requests.length = 0;
  });

  /** A gateway with providers a, b, c (type openai) on the fault server and route `smart` over `names`. */
  async function start(options: FailoverOptions, names = ['a', 'b']): Promise<OpenAI> {
    const providers = Object.fromEntries(['a', 'b', 'c'].map((n) => [n, { type: 'openai', baseURL: up.baseURL(n), apiKey: 'sk-test' }]));
    gw = await startGateway({
      plugins: [failover(options)],
      providers,
      models: { smart: { candidates: names.map((n) => `${n}/m`) } },
    });
    return new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  }

  const ask = (client: OpenAI, content = 'hello there') =>
    client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content }] }).withResponse();

  async function streamText(client: OpenAI, content = 'stream me please') {
    const { data, response } = await client.chat.completions
      .create({ model: 'smart', stream: true, messages: [{ role: 'user', content }] }).withResponse();
    let text = '';
    for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
    return { text, response };
  }

  it('serves a JSON request from the second candidate when the first answers 500', async () => {
    up.behaviour.a = { mode: '500' };
    const client = await start({});
    const { data, response } = await ask(client);
    assert.equal(data.choices[0].message.content, 'Echo: hello there');
    assert.equal(response.headers.get('x-aisbf-provider'), 'b');
    assert.equal(response.headers.get('x-aisbf-attempts'), '2');
    assert.equal(up.hits('a'), 1);
  });

  for (const mode of ['429', '529', 'reset', 'cut'] as const) {
    it(`fails a stream over before its first token when the first candidate answers ${mode}`, async () => {
      up.behaviour.a = { mode };
      const client = await start({});
      const { text, response } = await streamText(client);
      assert.equal(text, 'Echo: stream me please');
      assert.equal(response.headers.get('x-aisbf-provider'), 'b');
      assert.equal(up.hits('a'), 1);
    });
  }

  it('after the first token a cut stream ends with an error event, not a silent switch', async () => {
    up.behaviour.a = { mode: 'cut-after' };
    const client = await start({});
    await assert.rejects(streamText(client), (e: Error) => e instanceof OpenAI.APIError);
    assert.equal(up.hits('b'), 0);
  });

  it('ends a stream that goes idle after the first token with a timeout error event', async () => {
    up.behaviour.a = { mode: 'stall-after' };
    const client = await start({ timeouts: { idleMs: 60 } });
    await assert.rejects(streamText(client), (e: Error) => e instanceof OpenAI.APIError && /no stream chunk for 60 ms/.test(e.message));
    await sleep(20);
    assert.equal(up.aborted('a'), 1, 'the stalled upstream socket was closed');
  });

  it('returns a 400 from the upstream as is, with an OpenAI error body, and tries nobody else', async () => {
    up.behaviour.a = { mode: '400' };
    const client = await start({ retries: 2 });
    await assert.rejects(ask(client), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 400);
      assert.equal(e.type, 'invalid_request_error');
      assert.match(e.message, /Invalid value for temperature/);
      return true;
    });
    assert.equal(up.hits('b'), 0);
  });

  it('skips a provider answering 401 without retrying it', async () => {
    up.behaviour.a = { mode: '401' };
    const client = await start({ retries: 2, backoff: { baseMs: 1, maxMs: 2 } });
    const { response } = await ask(client);
    assert.equal(response.headers.get('x-aisbf-provider'), 'b');
    assert.equal(up.hits('a'), 1);
  });

  it('retries 429 with retry-after on the same provider when it is the only one', async () => {
    up.behaviour.a = { mode: '429', retryAfterMs: 15, times: 2, then: { mode: 'ok' } };
    const client = await start({ retries: 2, backoff: { baseMs: 1, maxMs: 5, maxRetryAfterMs: 100 } }, ['a']);
    const { response } = await ask(client);
    assert.equal(response.headers.get('x-aisbf-provider'), 'a');
    assert.equal(response.headers.get('x-aisbf-attempts'), '3');
    assert.equal(up.hits('a'), 3);
  });

  it('aborts a hanging upstream after ttftMs (the socket is closed) and serves from the next', async () => {
    up.behaviour.a = { mode: 'hang' };
    const client = await start({ timeouts: { ttftMs: 80 } });
    const { response } = await streamText(client);
    assert.equal(response.headers.get('x-aisbf-provider'), 'b');
    await sleep(20);
    assert.equal(up.aborted('a'), 1);
  });

  it('bounds a non-streamed attempt by ttftMs too', async () => {
    up.behaviour.a = { mode: 'hang' };
    const client = await start({ timeouts: { ttftMs: 80 } });
    const { response } = await ask(client);
    assert.equal(response.headers.get('x-aisbf-provider'), 'b');
  });

  it('answers 504 with an OpenAI error body when the total deadline passes', async () => {
    up.behaviour.a = { mode: 'hang' };
    up.behaviour.b = { mode: 'hang' };
    const client = await start({ timeouts: { ttftMs: 0, totalMs: 120 } });
    await assert.rejects(ask(client), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 504);
      assert.equal(e.code, 'timeout');
      assert.match(e.message, /total deadline of 120 ms/);
      return true;
    });
    await sleep(20);
    assert.equal(up.aborted('a'), 1);
  });

  it('answers with the last upstream error when every candidate fails', async () => {
    up.behaviour.a = { mode: '500' };
    up.behaviour.b = { mode: '529' };
    const client = await start({});
    await assert.rejects(ask(client), (e: InstanceType<typeof OpenAI.APIError>) => {
      assert.equal(e.status, 503);
      assert.equal(e.code, 'overloaded');
      assert.equal(e.headers?.get('x-aisbf-attempts'), '2');
      return true;
    });
  });

  it('hedges a slow first token: the fast candidate serves, the slow upstream is aborted', async () => {
    up.behaviour.a = { mode: 'ok', delayMs: 1000 };
    const client = await start({ hedge: { afterMs: 40, budget: 1 } });
    const { text, response } = await streamText(client);
    assert.equal(text, 'Echo: stream me please');
    assert.equal(response.headers.get('x-aisbf-provider'), 'b');
    assert.equal(response.headers.get('x-aisbf-hedges'), '1');
    assert.equal(response.headers.get('x-aisbf-attempts'), '2');
    await sleep(20);
    assert.equal(up.aborted('a'), 1, 'the losing request was cancelled upstream, not left to finish');
  });

  it('lets observers see every attempt: provider, model, outcome, status, latency', async () => {
    const seen: AttemptRecord[] = [];
    const spy = definePlugin({ name: 'spy', observe: { attempt: (_ctx, rec) => { seen.push(rec); } } });
    up.behaviour.a = { mode: '500' };
    const providers = Object.fromEntries(['a', 'b'].map((n) => [n, { type: 'openai', baseURL: up.baseURL(n), apiKey: 'sk-test' }]));
    gw = await startGateway({ plugins: [failover({}), spy], providers, models: { smart: { candidates: ['a/m', 'b/m'] } } });
    await ask(new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 }));
    await sleep(10); // observers run off the response path
    assert.deepEqual(seen.map((r) => [r.provider, r.model, r.outcome, r.status]), [['a', 'm', 'error', 502], ['b', 'm', 'ok', undefined]]);
    assert.ok(seen.every((r) => r.latencyMs >= 0));
  });

  it('fails embeddings over too', async () => {
    gw = await startGateway({
      plugins: [failover({})],
      providers: { broken: { type: 'mock', failRate: 1, failStatus: 503 }, fine: { type: 'mock' } },
      models: { embed: { candidates: ['broken/e1', 'fine/e1'] } },
    });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.embeddings.create({ model: 'embed', input: ['one', 'two'] }).withResponse();
    assert.equal(data.data.length, 2);
    assert.equal(response.headers.get('x-aisbf-provider'), 'fine');
    assert.equal(response.headers.get('x-aisbf-attempts'), '2');
  });

  it('opens the breaker, stops traffic, probes after the cooldown and gives traffic back on recovery', async () => {
    up.behaviour.a = { mode: '500' };
    const client = await start({ breaker: { failures: 3, windowMs: 10_000, cooldownMs: 150, halfOpenProbes: 1 } });
    for (let i = 0; i < 6; i++) {
      const { response } = await ask(client);
      assert.equal(response.headers.get('x-aisbf-provider'), 'b');
      await sleep(2);
    }
    assert.equal(up.hits('a'), 3, 'no traffic once the breaker opened');
    await sleep(170);
    await ask(client);
    assert.equal(up.hits('a'), 4, 'one probe after the cooldown');
    await ask(client);
    assert.equal(up.hits('a'), 4, 'the failed probe re-opened the breaker');
    up.behaviour.a = { mode: 'ok' };
    await sleep(170);
    const probe = await ask(client);
    assert.equal(probe.response.headers.get('x-aisbf-provider'), 'a', 'the probe succeeded');
    await sleep(2);
    for (let i = 0; i < 3; i++) {
      const { response } = await ask(client);
      assert.equal(response.headers.get('x-aisbf-provider'), 'a');
    }
  });
});

describe('failover: ttftMs on a JSON request bounds the first response byte', () => {
  it('keeps an attempt whose headers came in time while its body is slow, and fails over one that sends nothing', async () => {
    const answer = (model: string) => JSON.stringify({ id: 'c', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: model }, finish_reason: 'stop' }] });
    const up = await startLoopbackServer(async (req, res) => {
      const model = (req.body as { model: string }).model;
      if (model === 'silent') return; // never answers: the client's limit must cut it
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      await sleep(model === 'slow-body' ? 150 : 0);
      res.end(answer(model));
    });
    const gw = await startGateway({
      plugins: [['failover', { breaker: false, timeouts: { ttftMs: 50, totalMs: 5000 } }]],
      providers: { up: { type: 'openai', baseURL: `${up.url}/v1`, apiKey: 'k' }, backup: { type: 'openai', baseURL: `${up.url}/v1`, apiKey: 'k' } },
      models: { slowbody: { candidates: ['up/slow-body', 'backup/fast'] }, silent: { candidates: ['up/silent', 'backup/fast'] } },
    });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const kept = await client.chat.completions.create({ model: 'slowbody', messages: [{ role: 'user', content: 'x' }] }).withResponse();
      assert.equal(kept.data.choices[0].message.content, 'slow-body', 'headers in time: the slow body is waited for');
      assert.equal(kept.response.headers.get('x-aisbf-attempts'), '1');
      const moved = await client.chat.completions.create({ model: 'silent', messages: [{ role: 'user', content: 'x' }] }).withResponse();
      assert.equal(moved.data.choices[0].message.content, 'fast', 'no first byte within ttftMs: the next candidate answers');
      assert.equal(moved.response.headers.get('x-aisbf-attempts'), '2');
    } finally {
      await gw.close();
      await up.close();
    }
  });
});
