import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { sendEvent, sendJson, startGateway, startLoopbackServer, startSse, type LoopbackServer, type TestGateway } from 'aisbf/testing';
import acme from '../src/index.js';

describe('example: custom provider adapter (acme)', () => {
  let up: LoopbackServer;
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    up = await startLoopbackServer((req, res) => {
      const body = req.body as { prompt: string; stream: boolean; max_new_tokens?: number };
      if (req.url.includes('busy')) return sendJson(res, 429, { detail: 'too many requests' }, { 'retry-after': '2' });
      const output = `heard: ${body.prompt}`;
      if (!body.stream) return sendJson(res, 200, { id: 'a1', output, stop: body.max_new_tokens ? 'length' : 'eos', tokens: { in: 4, out: 3 } });
      startSse(res);
      for (const piece of ['heard: ', body.prompt]) sendEvent(res, { text: piece }, 'token');
      sendEvent(res, { stop: 'eos', tokens: { in: 4, out: 3 } }, 'done');
      res.end();
    });
    gw = await startGateway({ plugins: [acme()], providers: { acme: { type: 'acme', baseURL: up.url, apiKey: 'k' } } });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });

  it('translates a chat request and its answer', async () => {
    const { data, response } = await client.chat.completions.create({
      model: 'acme/a-1', max_tokens: 5, seed: 1, messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: 'hello' }],
    }).withResponse();
    assert.equal(data.choices[0].message.content, 'heard: user: hello');
    assert.equal(data.choices[0].finish_reason, 'length');
    assert.equal(data.usage?.total_tokens, 7);
    assert.equal(response.headers.get('x-aisbf-dropped-params'), 'seed');
    const sent = up.requests.at(-1)!;
    assert.equal(sent.url, '/models/a-1/generate');
    assert.deepEqual(sent.body, { prompt: 'user: hello', stream: false, system: 'be brief', max_new_tokens: 5 });
  });

  it('translates a stream, with usage when asked', async () => {
    const s = await client.chat.completions.create({ model: 'acme/a-1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    let out = '';
    let usage = 0;
    for await (const c of s) {
      out += c.choices[0]?.delta.content ?? '';
      usage += c.usage?.total_tokens ?? 0;
    }
    assert.equal(out, 'heard: user: hi');
    assert.equal(usage, 7);
  });

  it('refuses tools with a 400 naming the param, and maps a 429', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'acme/a-1', tools: [{ type: 'function', function: { name: 'f' } }], messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.BadRequestError && e.param === 'tools',
    );
    await assert.rejects(
      client.chat.completions.create({ model: 'acme/busy', messages: [{ role: 'user', content: 'x' }] }),
      (e: unknown) => e instanceof OpenAI.RateLimitError && e.headers?.get('retry-after') === '2' && /too many requests/.test(e.message),
    );
  });
});
