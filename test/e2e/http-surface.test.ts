import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';

type ErrorBody = { error: { message: string; type: string; param: string | null; code: string | null } };

describe('e2e: HTTP surface and bad input', () => {
  let gw: TestGateway;
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeOpenAI({ chunks: 50, chunkDelayMs: 20 });
    gw = await startGateway({
      server: { bodyLimit: 64 * 1024 },
      providers: {
        echo: { type: 'mock', models: ['mock-1'] },
        up: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'k' },
      },
      models: { fast: { candidates: ['echo/mock-1'] }, emb: { candidates: ['echo/embed-1'] }, slow: { candidates: ['up/fake-1'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  async function raw(path: string, init: RequestInit = {}) {
    const res = await fetch(gw.url + path, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as ErrorBody };
  }
  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    raw('/v1/chat/completions', { method: 'POST', headers, body });

  function isOpenAIError(body: ErrorBody, status: number, actual: number) {
    assert.equal(actual, status);
    assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message', 'param', 'type']);
    assert.ok(body.error.message.length > 10);
  }

  it('lists public model names and provider/model ids', async () => {
    const ids: string[] = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.deepEqual(ids.sort(), ['echo/mock-1', 'emb', 'fast', 'slow'].sort());
  });

  it('serves health and readiness', async () => {
    assert.equal((await raw('/healthz')).status, 200);
    const ready = await raw('/readyz');
    assert.equal(ready.status, 200);
    assert.match(ready.headers.get('x-request-id') ?? '', /.+/);
  });

  it('keeps a sane incoming x-request-id and replaces an unsafe one', async () => {
    const kept = await raw('/healthz', { headers: { 'x-request-id': 'trace-42.a_b' } });
    assert.equal(kept.headers.get('x-request-id'), 'trace-42.a_b');
    const replaced = await raw('/healthz', { headers: { 'x-request-id': 'bad id with spaces' } });
    assert.notEqual(replaced.headers.get('x-request-id'), 'bad id with spaces');
    // A generated id is a time-ordered UUID (version 7), so stores indexed by it append.
    assert.match(replaced.headers.get('x-request-id') ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('proxied endpoints send the request id on answers and errors, also when reached through the router', async () => {
    const body = JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'hi' }] });
    const ok = await post(body, { 'content-type': 'application/json', 'x-request-id': 'proxied-1' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('x-request-id'), 'proxied-1');
    assert.equal(ok.headers.get('x-aisbf-provider'), 'echo');
    const missing = await post(JSON.stringify({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }), { 'content-type': 'application/json', 'x-request-id': 'proxied-2' });
    isOpenAIError(missing.json(), 404, missing.status);
    assert.equal(missing.headers.get('x-request-id'), 'proxied-2');
    const bad = await post('{"model":', { 'content-type': 'application/json', 'x-request-id': 'proxied-3' });
    isOpenAIError(bad.json(), 400, bad.status);
    assert.equal(bad.headers.get('x-request-id'), 'proxied-3');
    // A trailing slash is not one of the exact paths matched first: the router serves it the same way.
    const slash = await raw('/v1/chat/completions/', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'proxied-4' }, body });
    assert.equal(slash.status, 200);
    assert.equal(slash.headers.get('x-request-id'), 'proxied-4');
    assert.equal(slash.headers.get('x-aisbf-provider'), 'echo');
  });

  it('a plugin that sets an invalid response header fails its own hook, not the answer', async () => {
    const g = await startGateway({
      plugins: [{ name: 'bad-header', auth: (ctx) => { ctx.setHeader('x-bad', 'line\nbreak'); return { id: 'k' }; } }],
      providers: { echo: { type: 'mock' } },
    });
    try {
      const res = await fetch(`${g.url}/v1/chat/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'echo/m', messages: [{ role: 'user', content: 'hi' }] }),
      });
      const body = await res.json() as ErrorBody;
      isOpenAIError(body, 500, res.status);
      assert.match(body.error.message, /bad-header/);
      assert.equal(res.headers.get('x-bad'), null);
      assert.ok(res.headers.get('x-request-id'));
    } finally {
      await g.close();
    }
  });

  it('embeddings: the SDK asks for base64 and decodes the float32 vectors', async () => {
    const res = await client.embeddings.create({ model: 'emb', input: ['alpha', 'beta'] });
    assert.equal(res.data.length, 2);
    assert.equal(res.data[0].embedding.length, 8);
    const floats = await client.embeddings.create({ model: 'emb', input: ['alpha', 'beta'], encoding_format: 'float' });
    for (let i = 0; i < 2; i++) {
      assert.deepEqual(res.data[i].embedding, floats.data[i].embedding, 'base64 decodes to the same floats');
    }
    assert.notDeepEqual(res.data[0].embedding, res.data[1].embedding);
  });

  it('malformed JSON → 400', async () => {
    const r = await post('{"model": "fast", ');
    isOpenAIError(r.json(), 400, r.status);
    assert.equal(r.json().error.type, 'invalid_request_error');
  });

  it('JSON without a content type is still read', async () => {
    const r = await post(JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'plain' }] }), {});
    assert.equal(r.status, 200);
  });

  it('a body that is not an object → 400', async () => {
    const r = await post('[1,2]');
    isOpenAIError(r.json(), 400, r.status);
  });

  it('missing model, missing messages, bad role, bad temperature → 400 naming the param', async () => {
    const cases: Array<[unknown, string]> = [
      [{ messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ model: 'fast' }, 'messages'],
      [{ model: 'fast', messages: [] }, 'messages'],
      [{ model: 7, messages: [{ role: 'user', content: 'x' }] }, 'model'],
      [{ model: 'fast', messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
      [{ model: 'fast', messages: [{ role: 'user', content: 'x' }], temperature: 9 }, 'temperature'],
      [{ model: 'fast', messages: [{ role: 'user', content: 'x' }], stream_options: { include_usage: true } }, 'stream_options'],
    ];
    for (const [body, param] of cases) {
      const r = await post(JSON.stringify(body));
      isOpenAIError(r.json(), 400, r.status);
      assert.equal(r.json().error.param, param, JSON.stringify(body));
    }
  });

  it('unknown model → 404 model_not_found, through the SDK', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'gpt-17', messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.NotFoundError);
      assert.equal(err.code, 'model_not_found');
      assert.match(err.message, /Use one of: .*fast/);
      return true;
    });
  });

  it('a body over the limit → 413', async () => {
    const big = JSON.stringify({ model: 'fast', messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] });
    const r = await post(big);
    isOpenAIError(r.json(), 413, r.status);
  });

  it('unknown path → 404, wrong method → 405 with Allow', async () => {
    const nf = await raw('/v2/chat');
    isOpenAIError(nf.json(), 404, nf.status);
    const na = await raw('/v1/chat/completions', { method: 'GET' });
    isOpenAIError(na.json(), 405, na.status);
    assert.equal(na.headers.get('allow'), 'POST');
    const na2 = await raw('/v1/models', { method: 'DELETE' });
    assert.equal(na2.status, 405);
  });

  it('a client that disconnects mid-stream aborts the upstream request', async () => {
    const controller = new AbortController();
    const aborted = upstream.nextAbort();
    const stream = await client.chat.completions.create(
      { model: 'slow', stream: true, messages: [{ role: 'user', content: 'a long answer please '.repeat(5) }] },
      { signal: controller.signal },
    );
    let got = 0;
    try {
      for await (const chunk of stream) {
        got += chunk.choices.length;
        if (got >= 2) controller.abort();
      }
    } catch {
      // The SDK may end the loop or throw an abort error: either way the client left.
    }
    assert.ok(got >= 2 && got < 50, `read ${got} chunks before leaving`);
    const rec = await aborted;
    assert.equal(rec.aborted, true);
    assert.equal(rec.url, '/v1/chat/completions');
    // And the gateway is still serving.
    const ok = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'still here?' }] });
    assert.equal(ok.choices[0].message.content, 'Echo: still here?');
  });

  it('survives a burst of garbage without crashing', async () => {
    const bodies = ['', 'null', '{}', '"x"', '{"model":null}', '{"model":"fast","messages":"no"}', '{"model":"fast","messages":[null]}', '\u0000\u0001'];
    const statuses = await Promise.all(bodies.map((b) => post(b).then((r) => r.status)));
    assert.ok(statuses.every((s) => s === 400), statuses.join(','));
    assert.equal((await raw('/healthz')).status, 200);
  });
});
