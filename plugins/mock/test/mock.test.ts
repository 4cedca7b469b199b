import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';

describe('mock provider', () => {
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    gw = await startGateway({
      providers: {
        echo: { type: 'mock', chunks: 3 },
        flaky: { type: 'mock', failRate: 0.25, failStatus: 503 },
        cut: { type: 'mock', chunks: 4, cutAfterChunks: 1 },
      },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(() => gw?.close());

  it('echoes the prompt under any model name, with usage', async () => {
    const r = await client.chat.completions.create({ model: 'echo/whatever-7b', messages: [{ role: 'system', content: 's' }, { role: 'user', content: 'say this back' }] });
    assert.equal(r.choices[0].message.content, 'Echo: say this back');
    assert.equal(r.model, 'whatever-7b');
    assert.ok(r.usage!.prompt_tokens > 0 && r.usage!.completion_tokens > 0);
    assert.equal(r.usage!.total_tokens, r.usage!.prompt_tokens + r.usage!.completion_tokens);
  });

  it('streams in the configured number of content chunks', async () => {
    const s = await client.chat.completions.create({ model: 'echo/m', stream: true, messages: [{ role: 'user', content: 'one two three four five six' }] });
    const pieces: string[] = [];
    for await (const c of s) if (c.choices[0]?.delta.content) pieces.push(c.choices[0].delta.content);
    assert.equal(pieces.length, 3);
    assert.equal(pieces.join(''), 'Echo: one two three four five six');
  });

  it('calls the tool that tool_choice demands, arguments intact through the stream', async () => {
    const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object', properties: { input: { type: 'string' } } } } }];
    const s = await client.chat.completions.create({ model: 'echo/m', stream: true, tools, tool_choice: 'required', messages: [{ role: 'user', content: 'find "paris"' }] });
    let args = '';
    let finish = '';
    for await (const c of s) {
      args += c.choices[0]?.delta.tool_calls?.[0]?.function?.arguments ?? '';
      finish = c.choices[0]?.finish_reason ?? finish;
    }
    assert.deepEqual(JSON.parse(args), { input: 'find "paris"' });
    assert.equal(finish, 'tool_calls');
  });

  it('fails exactly failRate of requests, evenly and repeatably', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'flaky/m', messages: [{ role: 'user', content: 'x' }] }) });
      statuses.push(r.status);
      await r.arrayBuffer();
    }
    assert.deepEqual(statuses, [200, 200, 200, 503, 200, 200, 200, 503]);
  });

  it('cuts a stream mid-way: the client gets an error event after the first content', async () => {
    const s = await client.chat.completions.create({ model: 'cut/m', stream: true, messages: [{ role: 'user', content: 'a b c d e f g h' }] });
    let text = '';
    await assert.rejects(async () => {
      for await (const c of s) text += c.choices[0]?.delta.content ?? '';
    }, /connection cut mid-stream/);
    assert.ok(text.length > 0, 'the first chunk arrived before the cut');
  });

  it('embeds deterministically: equal inputs give equal vectors', async () => {
    const r = await client.embeddings.create({ model: 'echo/e', input: ['same', 'same', 'other'], encoding_format: 'float' });
    assert.deepEqual(r.data[0].embedding, r.data[1].embedding);
    assert.notDeepEqual(r.data[0].embedding, r.data[2].embedding);
    const norm = Math.hypot(...r.data[0].embedding);
    assert.ok(Math.abs(norm - 1) < 1e-5);
  });
});
