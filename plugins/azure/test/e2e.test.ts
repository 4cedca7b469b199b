import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { startScriptedUpstream, type ScriptedUpstream } from 'aisbf/testing';
import { chatError, collect, streamToEnd } from '../../../test/support/sdk.js';

const fixture = (path: string) => readFileSync(new URL(`./fixtures/${path}`, import.meta.url));
const json = (path: string) => JSON.parse(fixture(path).toString()) as unknown;

describe('azure: end to end through the gateway, with the official openai SDK', () => {
  let azure: ScriptedUpstream;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    azure = await startScriptedUpstream();
    gw = await startGateway({
      providers: {
        classic: { type: 'azure', baseURL: azure.url, apiKey: 'az-key', deployment: { 'gpt-4o': 'gpt4o-prod', 'text-embedding-3-small': 'emb' }, apiVersion: '2024-10-21' },
        v1: { type: 'azure', baseURL: azure.url, apiKey: 'az-key' },
      },
      models: { chat: { candidates: ['classic/gpt-4o'] }, embed: { candidates: ['classic/text-embedding-3-small'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await azure?.close();
  });

  it('calls the classic deployment route with api-key and strips filter annotations', async () => {
    azure.enqueue({ json: json('classic-deployment-map/native-response.json') });
    const res = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(res.choices[0].message.content, '{"hi":true}');
    assert.equal('prompt_filter_results' in res, false);
    assert.equal('content_filter_results' in res.choices[0], false);
    const sent = azure.requests.at(-1)!;
    assert.equal(sent.url, '/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21');
    assert.equal(sent.headers['api-key'], 'az-key');
    assert.equal(sent.headers.authorization, undefined);
  });

  it('calls the v1 route with the deployment as model when no deployment/apiVersion is configured', async () => {
    azure.enqueue({ json: json('classic-deployment-map/native-response.json') });
    await client.chat.completions.create({ model: 'v1/my-deployment', messages: [{ role: 'user', content: 'hi' }] });
    const sent = azure.requests.at(-1)!;
    assert.equal(sent.url, '/openai/v1/chat/completions');
    assert.equal((sent.body as { model: string }).model, 'my-deployment');
  });

  it('streams past the content-filter preamble and late filter chunks, with usage', async () => {
    azure.enqueue({ raw: fixture('stream-preamble-and-late-filter-chunks/native-stream.txt'), pieceSize: 6 });
    const stream = await client.chat.completions.create({
      model: 'chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hello' }],
    });
    const { text, finish, usages, chunks } = await collect(stream);
    assert.equal(text, 'Héllo wörld 👋');
    assert.equal(finish, 'stop');
    assert.equal(chunks, 5);
    assert.deepEqual(usages, [{ prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 }]);
    assert.deepEqual((azure.requests.at(-1)!.body as { stream_options: unknown }).stream_options, { include_usage: true });
  });

  it('streams tool-call fragments that reassemble exactly', async () => {
    azure.enqueue({ raw: fixture('stream-tool-call-fragments/native-stream.txt'), pieceSize: 4 });
    const final = await client.chat.completions.stream({
      model: 'chat', stream: true, messages: [{ role: 'user', content: 'Oslo?' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: {} } } }],
    }).finalChatCompletion();
    const call = final.choices[0].message.tool_calls?.[0];
    assert.equal(final.choices[0].finish_reason, 'tool_calls');
    assert.ok(call?.type === 'function');
    assert.deepEqual([call.id, call.function.name, call.function.arguments], ['call_a1', 'weather', '{"city":"Oslo"}']);
  });

  it('forwards a tool-result turn unchanged', async () => {
    azure.enqueue({ json: json('classic-deployment-map/native-response.json') });
    const messages: OpenAI.ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Weather in Oslo and Rome?' },
      { role: 'assistant', content: null, tool_calls: [
        { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Oslo"}' } },
        { id: 'call_2', type: 'function', function: { name: 'weather', arguments: '{"city":"Rome"}' } }] },
      { role: 'tool', tool_call_id: 'call_1', content: '{"temp":3}' },
      { role: 'tool', tool_call_id: 'call_2', content: '{"temp":19}' },
    ];
    await client.chat.completions.create({ model: 'chat', messages });
    assert.deepEqual((azure.requests.at(-1)!.body as { messages: unknown }).messages, messages);
  });

  it('embeds on the deployment route; the SDK asks base64 and gets it back', async () => {
    const b64 = (v: number[]) => Buffer.from(Float32Array.from(v).buffer).toString('base64');
    azure.enqueue({ json: { object: 'list', model: 'text-embedding-3-small', data: [{ object: 'embedding', index: 0, embedding: b64([0.1, 0.2]) }, { object: 'embedding', index: 1, embedding: b64([0.3, -1]) }], usage: { prompt_tokens: 2, total_tokens: 2 } } });
    const res = await client.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    assert.deepEqual(res.data.map((d) => d.embedding), [[0.1, 0.2], [0.3, -1]].map((v) => Array.from(Float32Array.from(v))));
    const sent = azure.requests.at(-1)!;
    assert.equal(sent.url, '/openai/deployments/emb/embeddings?api-version=2024-10-21');
    assert.equal((sent.body as { encoding_format: string }).encoding_format, 'base64');
  });

  it('maps the 429 with string code "429" and retry-after-ms', async () => {
    const e = json('error-429-string-code/native-error.json') as { body: unknown };
    azure.enqueue({ status: 429, headers: { 'retry-after-ms': '4500' }, json: e.body });
    const err = await chatError(client);
    assert.ok(err instanceof OpenAI.RateLimitError);
    assert.equal(err.headers.get('retry-after'), '5');
    assert.equal((err.error as { code: string }).code, 'rate_limit_exceeded');
    assert.equal((err.error as { type: string }).type, 'rate_limit_error');
  });

  it('maps a filtered prompt to 400 content_filter, a context overflow to context_length_exceeded, a 500 to 502', async () => {
    for (const [name, check] of [
      ['error-content-filter-prompt', (err: unknown) => err instanceof OpenAI.BadRequestError && (err.error as { code: string }).code === 'content_filter'],
      ['error-context-length', (err: unknown) => err instanceof OpenAI.BadRequestError && (err.error as { code: string }).code === 'context_length_exceeded'],
      ['error-500', (err: unknown) => err instanceof OpenAI.InternalServerError && err.status === 502],
    ] as const) {
      const e = json(`${name}/native-error.json`) as { status: number; body: unknown };
      azure.enqueue({ status: e.status, json: e.body });
      await assert.rejects(client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }), check, name);
    }
  });

  it('turns an error event before the first token into an error answer', async () => {
    azure.enqueue({ raw: fixture('stream-mid-error/native-stream.txt') });
    await assert.rejects(
      streamToEnd(client, { model: 'chat', messages: [{ role: 'user', content: 'x' }] }),
      (err: unknown) => err instanceof OpenAI.APIError && err.status === 502 && /error while processing/.test(err.message),
    );
  });

  it('lists the deployment map in /v1/models', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m.id);
    assert.ok(ids.includes('classic/gpt-4o') && ids.includes('classic/text-embedding-3-small'), ids.join(','));
  });
});

describe('azure: provider entry checks at load', () => {
  it('builds baseURL from resource', async () => {
    const gw = await startGateway({ providers: { az: { type: 'azure', resource: 'acme-eu', apiKey: 'k' } } });
    try {
      assert.equal(gw.gateway.config.providers.az.baseURL, 'https://acme-eu.openai.azure.com');
    } finally {
      await gw.close();
    }
  });

  it('refuses an entry without a key or an endpoint, saying what to write', async () => {
    await assert.rejects(startGateway({ providers: { az: { type: 'azure', baseURL: 'https://x.openai.azure.com' } } }), /apiKey is required/);
    await assert.rejects(startGateway({ providers: { az: { type: 'azure', apiKey: 'k' } } }), /resource: '<resource>'/);
  });
});
