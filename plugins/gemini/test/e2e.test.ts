import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type LoopbackServer, type TestGateway } from 'aisbf/testing';
// Shared with the other providers' end-to-end tests.
import { collect as collectStream } from '../../../test/support/sdk.js';
import { SIGNATURE, startFakeGemini } from './fake-gemini.js';

const USAGE = {
  prompt_tokens: 12, completion_tokens: 35, total_tokens: 47,
  prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 30 },
};

describe('gemini end to end: the openai SDK → gateway → a loopback Gemini API', () => {
  let fake: LoopbackServer;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    fake = await startFakeGemini();
    gw = await startGateway({
      providers: { g: { type: 'gemini', baseURL: fake.url, apiKey: 'k' } },
      models: { fast: { candidates: ['g/gemini-fake'] }, embed: { candidates: ['g/embedding-fake'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fake?.close();
  });

  async function apiError(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
    const err = await p.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, `expected an APIError, got ${String(err)}`);
    return err;
  }

  it('answers a JSON chat: thoughts kept out of content, usage counts thinking as completion', async () => {
    const data = await client.chat.completions.create({
      model: 'fast', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'ping' }], max_tokens: 50,
    });
    assert.equal(data.choices[0].message.content, 'You said: ping');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.deepEqual(data.usage, USAGE);
    const sent = fake.requests.at(-1)!;
    assert.equal(sent.url, '/v1beta/models/gemini-fake:generateContent');
    assert.deepEqual((sent.body as { systemInstruction: unknown }).systemInstruction, { parts: [{ text: 'Be brief.' }] });
    assert.deepEqual((sent.body as { generationConfig: unknown }).generationConfig, { maxOutputTokens: 50 });
  });

  it('streams CRLF-framed alt=sse (no [DONE]) split mid-line and mid-character, ending with the last usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'fast', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream' }],
    });
    const { text, finish, usages } = await collectStream(stream);
    assert.equal(text, 'Héllo wörld 🙂!');
    assert.equal(finish, 'stop');
    assert.deepEqual(usages, [USAGE]);
    assert.equal(fake.requests.at(-1)!.url, '/v1beta/models/gemini-fake:streamGenerateContent?alt=sse');
  });

  it('streams tool calls with indices 0 and 1, reports tool_calls although Gemini said STOP, and round-trips the thought signature', async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
      { type: 'function', function: { name: 'time' } },
    ];
    const stream = await client.chat.completions.create({ model: 'fast', stream: true, tools, messages: [{ role: 'user', content: 'tools' }] });
    const { finish, calls } = await collectStream(stream);
    assert.equal(finish, 'tool_calls');
    assert.deepEqual(calls.map((c) => [c.name, c.args]), [['weather', '{"city":"Tromsø","unit":"°C"}'], ['time', '{}']]);
    assert.notEqual(calls[0].id, calls[1].id);

    // Next turn: the client echoes the calls and answers them; Gemini must get names and the signature back.
    const data = await client.chat.completions.create({
      model: 'fast', tools,
      messages: [
        { role: 'user', content: 'tools' },
        { role: 'assistant', content: null, tool_calls: calls.map((c) => ({ id: c.id, type: 'function' as const, function: { name: c.name, arguments: c.args } })) },
        { role: 'tool', tool_call_id: calls[0].id, content: '{"temp":-2}' },
        { role: 'tool', tool_call_id: calls[1].id, content: '10:45' },
      ],
    });
    const seen = JSON.parse(data.choices[0].message.content!) as { calls: unknown[]; results: unknown[] };
    assert.deepEqual(seen.calls, [
      { functionCall: { name: 'weather', args: { city: 'Tromsø', unit: '°C' } }, thoughtSignature: SIGNATURE },
      { functionCall: { name: 'time', args: {} } },
    ]);
    assert.deepEqual(seen.results, [
      { name: 'weather', response: { temp: -2 } },
      { name: 'time', response: { content: '10:45' } },
    ]);
  });

  it('maps RESOURCE_EXHAUSTED to 429 rate_limit_exceeded with retry-after from RetryInfo', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'rate-limit' }] }));
    assert.equal(err.status, 429);
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.equal(err.headers?.get('retry-after'), '21');
  });

  it('maps 503 UNAVAILABLE to 503 overloaded', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'unavailable' }] }));
    assert.equal(err.status, 503);
    assert.equal(err.code, 'overloaded');
  });

  it('maps the input-token-count message to context_length_exceeded', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'too-long' }] }));
    assert.equal(err.status, 400);
    assert.equal(err.code, 'context_length_exceeded');
  });

  it('answers a blocked prompt with 400 content_filter, streaming or not', async () => {
    for (const stream of [false, true]) {
      const err = await apiError(client.chat.completions.create({ model: 'fast', stream, messages: [{ role: 'user', content: 'blocked' }] }));
      assert.equal(err.status, 400, `stream: ${stream}`);
      assert.equal(err.code, 'content_filter');
      assert.match(err.message, /blockReason SAFETY/);
    }
  });

  it('reports a candidate stopped for SAFETY as finish_reason content_filter', async () => {
    const data = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'unsafe-answer' }] });
    assert.equal(data.choices[0].finish_reason, 'content_filter');
  });

  it('turns an error event before the first token into an HTTP error, not a half answer', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'error-in-stream' }] }));
    assert.equal(err.status, 503);
    assert.equal(err.code, 'overloaded');
  });

  it('refuses a plain https image URL with a 400 that says what to send instead', async () => {
    const before = fake.requests.length;
    const err = await apiError(client.chat.completions.create({
      model: 'fast', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] }],
    }));
    assert.equal(err.status, 400);
    assert.match(err.message, /base64 data URL/);
    assert.equal(fake.requests.length, before);
  });

  it('embeds one string with embedContent and an array with batchEmbedContents, decoded from base64 by the SDK', async () => {
    const one = await client.embeddings.create({ model: 'embed', input: 'hello' });
    assert.deepEqual(one.data.map((d) => d.embedding), [[0.5, -0.25, 1]]);
    assert.equal(fake.requests.at(-1)!.url, '/v1beta/models/embedding-fake:embedContent');

    const many = await client.embeddings.create({ model: 'embed', input: ['a', 'bb', 'ccc'] });
    assert.deepEqual(many.data.map((d) => [d.index, d.embedding]), [[0, [0, 1, -0.5]], [1, [1, 2, -0.5]], [2, [2, 3, -0.5]]]);
    assert.equal(fake.requests.at(-1)!.url, '/v1beta/models/embedding-fake:batchEmbedContents');
  });
});
