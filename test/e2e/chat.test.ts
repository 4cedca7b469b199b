import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';

describe('e2e: chat through the openai provider, with the official SDK', () => {
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let gw: TestGateway;
  let client: OpenAI;

  before(async () => {
    upstream = await startFakeOpenAI({ chunks: 4 });
    gw = await startGateway({
      providers: { up: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-test', models: ['fake-1'] } },
      models: { smart: { candidates: ['up/fake-1'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'unused', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  it('answers a JSON chat completion and names the provider and model in headers', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: 'smart', messages: [{ role: 'user', content: 'bonjour' }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, 'Echo: bonjour');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.equal(data.usage?.prompt_tokens, 10);
    assert.equal(response.headers.get('x-aisbf-provider'), 'up');
    assert.equal(response.headers.get('x-aisbf-model'), 'fake-1');
    assert.equal(response.headers.get('x-aisbf-attempts'), '1');
    assert.match(response.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
    const sent = upstream.requests.at(-1)!;
    assert.equal(sent.headers.authorization, 'Bearer sk-test');
    assert.equal((sent.body as { model: string }).model, 'fake-1');
  });

  it('streams with include_usage: content, finish, then one usage chunk', async () => {
    const stream = await client.chat.completions.create({
      model: 'up/fake-1', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream me' }],
    });
    let text = '';
    let finish: string | null = null;
    const usages: unknown[] = [];
    for await (const chunk of stream) {
      for (const c of chunk.choices) {
        text += c.delta.content ?? '';
        finish = c.finish_reason ?? finish;
      }
      if (chunk.usage) usages.push(chunk.usage);
    }
    assert.equal(text, 'Echo: stream me');
    assert.equal(finish, 'stop');
    assert.equal(usages.length, 1);
  });

  it('asks the upstream for usage but strips it when the client did not', async () => {
    const stream = await client.chat.completions.create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'x' }] });
    let sawUsage = false;
    for await (const chunk of stream) if (chunk.usage) sawUsage = true;
    assert.equal(sawUsage, false);
    const sent = upstream.requests.at(-1)!.body as { stream_options?: { include_usage?: boolean } };
    assert.equal(sent.stream_options?.include_usage, true);
  });
});
