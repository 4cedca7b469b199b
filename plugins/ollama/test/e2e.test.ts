import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { startScriptedUpstream, type ScriptedUpstream } from 'aisbf/testing';
import { chatError, collect, streamToEnd } from '../../../test/support/sdk.js';

const fixture = (path: string) => readFileSync(new URL(`./fixtures/${path}`, import.meta.url));
const NDJSON = 'application/x-ndjson';

describe('ollama: end to end through the gateway, with the official openai SDK', () => {
  let ollama: ScriptedUpstream;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    ollama = await startScriptedUpstream();
    gw = await startGateway({
      providers: { local: { type: 'ollama', baseURL: ollama.url, numCtx: 4096 } },
      models: { chat: { candidates: ['local/llama3.2'] }, embed: { candidates: ['local/nomic-embed-text'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await ollama?.close();
  });

  it('answers a chat completion from /api/chat with stream:false', async () => {
    ollama.enqueue({ json: JSON.parse(fixture('plain-text-options/native-response.json').toString()) });
    const { data: res, response } = await client.chat.completions
      .create({ model: 'chat', max_tokens: 20, messages: [{ role: 'user', content: 'Say hi' }] })
      .withResponse();
    assert.equal(response.headers.get('x-aisbf-dropped-params'), null);
    assert.equal(res.choices[0].message.content, 'Hi there!');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.deepEqual(res.usage, { prompt_tokens: 31, completion_tokens: 12, total_tokens: 43 });
    const sent = ollama.requests.at(-1)!;
    assert.equal(sent.url, '/api/chat');
    assert.equal(sent.headers.authorization, undefined);
    assert.deepEqual(sent.body, { model: 'llama3.2', stream: false, messages: [{ role: 'user', content: 'Say hi' }], options: { num_predict: 20, num_ctx: 4096 } });
  });

  it('streams NDJSON as SSE with one usage chunk from the done line', async () => {
    ollama.enqueue({ raw: fixture('stream-text-usage/native-stream.txt'), contentType: NDJSON, pieceSize: 3 });
    const stream = await client.chat.completions.create({
      model: 'chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }],
    });
    const { text, finish, usages } = await collect(stream);
    assert.equal(text, 'Héllo wörld 👋');
    assert.equal(finish, 'stop');
    assert.deepEqual(usages, [{ prompt_tokens: 31, completion_tokens: 3, total_tokens: 34 }]);
    assert.equal((ollama.requests.at(-1)!.body as { stream: boolean }).stream, true);
  });

  it('streams tool calls with JSON-string arguments, minted ids and finish_reason tool_calls', async () => {
    ollama.enqueue({ raw: fixture('stream-tool-calls-thinking/native-stream.txt'), contentType: NDJSON, pieceSize: 7 });
    const stream = client.chat.completions.stream({
      model: 'chat', stream: true, messages: [{ role: 'user', content: 'Oslo and Rome?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    const calls = (choice.message.tool_calls ?? []).flatMap((t) => (t.type === 'function' ? [t] : []));
    assert.deepEqual(calls.map((t) => [t.function.name, JSON.parse(t.function.arguments)]), [
      ['weather', { city: 'Oslo' }],
      ['weather', { city: 'Rome', units: { temp: 'C' } }],
    ]);
    assert.match(calls[0].id, /^call_[0-9a-f]{24}$/);
    assert.equal(calls[1].id, 'call_given');
  });

  it('sends a tool-result turn with tool_name and object arguments', async () => {
    ollama.enqueue({ json: JSON.parse(fixture('tool-results-parallel/native-response.json').toString()) });
    const request = JSON.parse(fixture('tool-results-parallel/input.json').toString()) as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const res = await client.chat.completions.create({ ...request, model: 'chat' });
    assert.equal(res.choices[0].message.content, 'Oslo 3°C, Rome 19°C.');
    const expected = JSON.parse(fixture('tool-results-parallel/native-request.json').toString()) as { body: Record<string, unknown> };
    assert.deepEqual(ollama.requests.at(-1)!.body, { ...expected.body, options: { num_ctx: 4096 } });
  });

  it('names dropped parameters in x-aisbf-dropped-params, streams included', async () => {
    ollama.enqueue({ raw: fixture('stream-text-usage/native-stream.txt'), contentType: NDJSON });
    const { data: stream, response } = await client.chat.completions
      .create({ model: 'chat', stream: true, logprobs: true, user: 'ana', messages: [{ role: 'user', content: 'hello' }] })
      .withResponse();
    assert.equal(response.headers.get('x-aisbf-dropped-params'), 'logprobs, user');
    assert.equal((await collect(stream)).text, 'Héllo wörld 👋');
    const sent = ollama.requests.at(-1)!.body as Record<string, unknown>;
    assert.equal('user' in sent || 'logprobs' in sent, false);
  });

  it('embeds a batch through /api/embed; the SDK asks base64 and decodes the float32 vectors', async () => {
    ollama.enqueue({ json: { model: 'nomic-embed-text', embeddings: [[0.1, -0.2], [0.3, 0.4]], prompt_eval_count: 4 } });
    const res = await client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    assert.deepEqual(res.data.map((d) => d.embedding), [[0.1, -0.2], [0.3, 0.4]].map((v) => Array.from(Float32Array.from(v))));
    assert.deepEqual(res.usage, { prompt_tokens: 4, total_tokens: 4 });
    const sent = ollama.requests.at(-1)!;
    assert.equal(sent.url, '/api/embed');
    assert.deepEqual(sent.body, { model: 'nomic-embed-text', input: ['a', 'b'], options: { num_ctx: 4096 } });
  });

  it('maps a 429 with retry-after', async () => {
    ollama.enqueue({ status: 429, headers: { 'retry-after': '2' }, json: { error: 'server busy, please try again.' } });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.headers.get('retry-after'), '2');
    assert.deepEqual(err.error, { message: 'server busy, please try again.', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' });
  });

  it('maps a 500 to a 502 server error', async () => {
    ollama.enqueue({ status: 500, json: { error: 'llama runner process has terminated' } });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.InternalServerError);
    assert.equal(err.status, 502);
    assert.equal((err.error as { message: string }).message, 'llama runner process has terminated');
  });

  it('maps a model that is not pulled to 404 model_not_found', async () => {
    ollama.enqueue({ status: 404, json: { error: "model 'llama3.2' not found, try pulling it first" } });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.NotFoundError);
    assert.equal((err.error as { code: string }).code, 'model_not_found');
  });

  it('answers an error line before the first token with an error status, not a stream', async () => {
    ollama.enqueue({ raw: fixture('stream-error-first-line/native-stream.txt'), contentType: NDJSON });
    const err = await chatError(client, 'chat', true);
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 502);
    assert.match(err.message, /more system memory/);
  });

  it('ends a stream with an error event when Ollama fails after the first token', async () => {
    ollama.enqueue({ raw: fixture('stream-error-after-text/native-stream.txt'), contentType: NDJSON });
    const stream = await client.chat.completions.create({ model: 'chat', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let text = '';
    await assert.rejects(
      (async () => {
        for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
      })(),
      (err: unknown) => err instanceof OpenAI.APIError && /unexpected EOF/.test(err.message),
    );
    assert.equal(text, 'Half');
  });

  it('rejects an https image URL with a 400 that says so, without calling Ollama', async () => {
    const before = ollama.requests.length;
    await assert.rejects(
      client.chat.completions.create({
        model: 'chat', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }],
      }),
      (err: unknown) => {
        assert.ok(err instanceof OpenAI.BadRequestError);
        assert.match(err.message, /cannot fetch image URLs/);
        assert.equal((err.error as { param: string }).param, 'messages[0].content[0].image_url.url');
        return true;
      },
    );
    assert.equal(ollama.requests.length, before);
  });
});
