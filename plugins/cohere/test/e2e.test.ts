import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { startScriptedUpstream, type ScriptedUpstream } from 'aisbf/testing';
import { chatError, collect, streamToEnd } from '../../../test/support/sdk.js';

const fixture = (path: string) => readFileSync(new URL(`./fixtures/${path}`, import.meta.url));

describe('cohere: end to end through the gateway, with the official openai SDK', () => {
  let cohere: ScriptedUpstream;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    cohere = await startScriptedUpstream();
    gw = await startGateway({
      providers: { co: { type: 'cohere', baseURL: cohere.url, apiKey: 'k', inputType: 'search_query' } },
      models: { chat: { candidates: ['co/command-a'] }, embed: { candidates: ['co/embed-v4.0'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await cohere?.close();
  });

  it('answers a chat completion from /v2/chat', async () => {
    cohere.enqueue({ json: JSON.parse(fixture('plain-text/native-response.json').toString()) });
    const { data: res, response } = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Say hi' }], temperature: 0.3, user: 'ana', logit_bias: { '42': 1 } })
      .withResponse();
    assert.equal(response.headers.get('x-aisbf-dropped-params'), 'logit_bias, user');
    assert.equal(res.choices[0].message.content, 'Hi there!');
    assert.equal(res.choices[0].finish_reason, 'stop');
    assert.deepEqual(res.usage, { prompt_tokens: 70, completion_tokens: 4, total_tokens: 74 });
    const sent = cohere.requests.at(-1)!;
    assert.equal(sent.url, '/v2/chat');
    assert.equal(sent.headers.authorization, 'Bearer k');
    assert.deepEqual(sent.body, {
      model: 'command-a', temperature: 0.3, messages: [{ role: 'system', content: 'Be kind.' }, { role: 'user', content: 'Say hi' }],
    });
  });

  it('streams text with one usage chunk at the end', async () => {
    cohere.enqueue({ raw: fixture('stream-text-usage/native-stream.txt'), pieceSize: 3 });
    const stream = await client.chat.completions.create({
      model: 'chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }],
    });
    const { text, finish, usages } = await collect(stream);
    assert.equal(text, 'Héllo wörld 👋');
    assert.equal(finish, 'stop');
    assert.deepEqual(usages, [{ prompt_tokens: 70, completion_tokens: 3, total_tokens: 73 }]);
    assert.equal((cohere.requests.at(-1)!.body as { stream: boolean }).stream, true);
  });

  it('streams parallel tool calls whose arguments reassemble exactly', async () => {
    cohere.enqueue({ raw: fixture('stream-tool-calls/native-stream.txt'), pieceSize: 4 });
    const stream = client.chat.completions.stream({
      model: 'chat', stream: true, messages: [{ role: 'user', content: 'Oslo and Rome?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const final = await stream.finalChatCompletion();
    const choice = final.choices[0];
    assert.equal(choice.finish_reason, 'tool_calls');
    assert.deepEqual(choice.message.tool_calls?.map((t) => t.type === 'function' && [t.id, t.function.name, t.function.arguments]), [
      ['weather_a', 'weather', '{"city":"Oslo"}'],
      ['weather_b', 'weather', '{"city":"Rome"}'],
    ]);
  });

  it('sends a tool-result turn as Cohere tool messages', async () => {
    cohere.enqueue({ json: JSON.parse(fixture('tool-results-parallel/native-response.json').toString()) });
    const request = JSON.parse(fixture('tool-results-parallel/input.json').toString()) as OpenAI.ChatCompletionCreateParamsNonStreaming;
    const res = await client.chat.completions.create({ ...request, model: 'chat' });
    assert.equal(res.choices[0].message.content, 'Oslo 3°C, Rome 19°C.');
    const expected = JSON.parse(fixture('tool-results-parallel/native-request.json').toString()) as { body: unknown };
    assert.deepEqual(cohere.requests.at(-1)!.body, expected.body);
  });

  it('embeds a batch; the SDK asks base64 and decodes the float32 vectors', async () => {
    cohere.enqueue({ json: { id: 'e', response_type: 'embeddings_by_type', embeddings: { float: [[0.1, -0.2], [0.3, 0.4]] }, meta: { billed_units: { input_tokens: 4 } } } });
    const res = await client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    assert.deepEqual(res.data.map((d) => d.embedding), [[0.1, -0.2], [0.3, 0.4]].map((v) => Array.from(Float32Array.from(v))));
    assert.deepEqual(res.usage, { prompt_tokens: 4, total_tokens: 4 });
    const sent = cohere.requests.at(-1)!;
    assert.equal(sent.url, '/v2/embed');
    assert.deepEqual(sent.body, { model: 'embed-v4.0', texts: ['a', 'b'], input_type: 'search_query', embedding_types: ['float'] });
  });

  it('embeds with encoding_format float and the request’s own input_type', async () => {
    cohere.enqueue({ json: { embeddings: { float: [[0.5, 0.25]] }, meta: { billed_units: { input_tokens: 1 } } } });
    const res = await client.embeddings.create({ model: 'embed', input: 'q', encoding_format: 'float', input_type: 'search_document' } as OpenAI.EmbeddingCreateParams);
    assert.deepEqual(res.data[0].embedding, [0.5, 0.25]);
    assert.equal((cohere.requests.at(-1)!.body as { input_type: string }).input_type, 'search_document');
  });

  it('maps a 429 to a rate-limit error with retry-after', async () => {
    cohere.enqueue({ status: 429, headers: { 'retry-after': '7' }, json: { message: 'trial key limit reached' } });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.headers.get('retry-after'), '7');
    assert.deepEqual(err.error, { message: 'trial key limit reached', type: 'rate_limit_error', param: null, code: 'rate_limit_exceeded' });
  });

  it('maps a 500 to a 502 server error keeping the message', async () => {
    cohere.enqueue({ status: 500, json: { message: 'internal server error' } });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.InternalServerError);
    assert.equal(err.status, 502);
    assert.equal((err.error as { message: string }).message, 'internal server error');
  });

  it('maps "too many tokens" to context_length_exceeded', async () => {
    cohere.enqueue({ status: 400, json: { message: 'too many tokens: total number of tokens in the prompt cannot exceed 128000' } });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.BadRequestError);
    assert.equal((err.error as { code: string }).code, 'context_length_exceeded');
  });

  it('turns an error at message-end before any token into an error answer, not a half stream', async () => {
    cohere.enqueue({ raw: fixture('stream-mid-error/native-stream.txt') });
    const err = await chatError(client, 'chat', true);
    assert.ok(err instanceof OpenAI.APIError);
    assert.equal(err.status, 502);
    assert.match(err.message, /internal server error, please retry/);
  });

  it('rejects n > 1 with a 400 naming the parameter, without calling Cohere', async () => {
    const before = cohere.requests.length;
    await assert.rejects(client.chat.completions.create({ model: 'chat', n: 2, messages: [{ role: 'user', content: 'x' }] }), (err: unknown) => {
      assert.ok(err instanceof OpenAI.BadRequestError);
      assert.equal((err.error as { param: string }).param, 'n');
      return true;
    });
    assert.equal(cohere.requests.length, before);
  });
});
