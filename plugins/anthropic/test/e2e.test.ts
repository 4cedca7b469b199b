import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type LoopbackServer, type TestGateway } from 'aisbf/testing';
import { collect as collectStream } from '../../../test/support/sdk.js';
import { startFakeAnthropic } from './fake-anthropic.js';

interface SentBody {
  max_tokens: number;
  system?: Array<{ text: string }>;
  stream?: boolean;
  messages: Array<{ role: string; content: Array<Record<string, unknown>> }>;
}

describe('anthropic end to end: the openai SDK → gateway → a loopback Anthropic API', () => {
  let fake: LoopbackServer;
  let gw: TestGateway;
  let client: OpenAI;
  const sent = () => fake.requests.at(-1)!.body as SentBody;

  before(async () => {
    fake = await startFakeAnthropic();
    gw = await startGateway({
      providers: { a: { type: 'anthropic', baseURL: fake.url, apiKey: 'k', defaultMaxTokens: 1000 } },
      models: { claude: { candidates: ['a/claude-fake'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('answers a JSON chat: system moved to the top level, max_tokens defaulted, usage counts cached input', async () => {
    const { data, response } = await client.chat.completions.create({
      model: 'claude',
      messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'ping' }],
    }).withResponse();
    assert.equal(data.choices[0].message.content, 'You said: ping');
    assert.equal(data.choices[0].finish_reason, 'stop');
    assert.deepEqual(data.usage, { prompt_tokens: 100, completion_tokens: 9, total_tokens: 109, prompt_tokens_details: { cached_tokens: 80 } });
    assert.equal(response.headers.get('x-aisbf-provider'), 'a');
    assert.equal(sent().max_tokens, 1000);
    assert.deepEqual(sent().system, [{ type: 'text', text: 'Be brief.' }]);
  });

  it('streams text split mid-event and mid-character, with one usage chunk at the end', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'stream' }],
    });
    const { text, finish, usages } = await collectStream(stream);
    assert.equal(text, 'Héllo wörld 🙂');
    assert.equal(finish, 'stop');
    assert.deepEqual(usages, [{ prompt_tokens: 100, completion_tokens: 7, total_tokens: 107, prompt_tokens_details: { cached_tokens: 80 } }]);
    assert.equal(sent().stream, true);
  });

  it('streams two tool calls with indices 0 and 1 and reassembles their arguments exactly', async () => {
    const stream = await client.chat.completions.create({
      model: 'claude', stream: true, messages: [{ role: 'user', content: 'tools' }],
      tools: [{ type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    });
    const { text, finish, calls } = await collectStream(stream);
    assert.equal(text, 'Let me check.');
    assert.deepEqual(calls, [
      { id: 'toolu_a', name: 'weather', args: '{"city": "Bergen", "unit": "°C"}' },
      { id: 'toolu_b', name: 'weather', args: '{"city":"Tromsø"}' },
    ]);
    assert.equal(finish, 'tool_calls');
  });

  it('sends parallel tool results back as one user turn right after the tool_use turn', async () => {
    const data = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'user', content: 'Weather?' },
        {
          role: 'assistant', content: null, tool_calls: [
            { id: 'toolu_a', type: 'function', function: { name: 'weather', arguments: '{"city":"Bergen"}' } },
            { id: 'toolu_b', type: 'function', function: { name: 'weather', arguments: '{"city":"Tromsø"}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'toolu_a', content: '7°C' },
        { role: 'tool', tool_call_id: 'toolu_b', content: '-2°C' },
      ],
    });
    assert.equal(data.choices[0].message.content, 'Bergen 7°C, Tromsø -2°C.');
    const turns = sent().messages;
    assert.deepEqual(turns.map((t) => t.role), ['user', 'assistant', 'user']);
    assert.deepEqual(turns[1].content, [
      { type: 'tool_use', id: 'toolu_a', name: 'weather', input: { city: 'Bergen' } },
      { type: 'tool_use', id: 'toolu_b', name: 'weather', input: { city: 'Tromsø' } },
    ]);
    assert.deepEqual(turns[2].content, [
      { type: 'tool_result', tool_use_id: 'toolu_a', content: '7°C' },
      { type: 'tool_result', tool_use_id: 'toolu_b', content: '-2°C' },
    ]);
  });

  it('returns thinking blocks with their signatures and takes them back on the next turn, as extended thinking with tools needs', async () => {
    const thinking = { type: 'enabled', budget_tokens: 1024 };
    const tools = [{ type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const first = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'think-tools' }], tools, thinking } as never) as OpenAI.ChatCompletion;
    const answer = first.choices[0].message as OpenAI.ChatCompletionMessage & { thinking_blocks?: unknown[]; reasoning_content?: string };
    assert.equal(answer.reasoning_content, 'Bergen needs a lookup.');
    assert.deepEqual(answer.thinking_blocks, [{ type: 'thinking', thinking: 'Bergen needs a lookup.', signature: 'EqQBfake-signature' }]);
    assert.equal(answer.tool_calls?.[0].id, 'toolu_t');

    // The client sends the assistant message back as it came, thinking_blocks included.
    const next = (assistant: Record<string, unknown>) => client.chat.completions.create({
      model: 'claude', tools, thinking,
      messages: [{ role: 'user', content: 'think-tools' }, assistant, { role: 'tool', tool_call_id: 'toolu_t', content: '7°C' }],
    } as never) as Promise<OpenAI.ChatCompletion>;
    const second = await next({ role: 'assistant', content: answer.content, tool_calls: answer.tool_calls, thinking_blocks: answer.thinking_blocks });
    assert.equal(second.choices[0].message.content, 'Bergen 7°C, Tromsø -2°C.');
    assert.deepEqual(sent().messages[1].content, [
      { type: 'thinking', thinking: 'Bergen needs a lookup.', signature: 'EqQBfake-signature' },
      { type: 'tool_use', id: 'toolu_t', name: 'weather', input: { city: 'Bergen' } },
    ]);

    // Without them, Anthropic refuses the turn; the client hears why, as an OpenAI 400.
    const err = await apiError(next({ role: 'assistant', content: answer.content, tool_calls: answer.tool_calls }));
    assert.equal(err.status, 400);
    assert.match(err.message, /must start with a thinking block/);

    // A malformed block is refused by the gateway, naming it, before Anthropic is called.
    const calls = fake.requests.length;
    const bad = await apiError(next({ role: 'assistant', content: null, tool_calls: answer.tool_calls, thinking_blocks: [{ type: 'thinking', signature: 7 }] }));
    assert.equal(bad.status, 400);
    assert.equal((bad.error as { param?: string }).param, 'messages[1].thinking_blocks[0]');
    assert.equal(fake.requests.length, calls);
  });

  it("streams thinking blocks so that the openai SDK's stream helper ends with all of them, signatures included", async () => {
    const stream = client.chat.completions.stream({ model: 'claude', messages: [{ role: 'user', content: 'think-stream' }], thinking: { type: 'enabled', budget_tokens: 1024 } } as never);
    const final = await stream.finalChatCompletion();
    const message = final.choices[0].message as OpenAI.ChatCompletionMessage & { thinking_blocks?: unknown[] };
    assert.equal(message.content, 'Yes.');
    assert.deepEqual(message.thinking_blocks, [
      { type: 'redacted_thinking', data: 'EmwKAhgBredacted' },
      { type: 'thinking', thinking: 'Short answer.', signature: 'EqQBstream-signature' },
    ]);
  });

  async function apiError(p: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
    const err = await p.then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof OpenAI.APIError, `expected an APIError, got ${String(err)}`);
    return err;
  }

  it('maps a 429 to rate_limit_exceeded and keeps retry-after', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'rate-limit' }] }));
    assert.equal(err.status, 429);
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.equal(err.type, 'rate_limit_error');
    assert.equal(err.headers?.get('retry-after'), '17');
    assert.equal(err.message, '429 Number of requests has exceeded your rate limit');
  });

  it('maps 529 overloaded to 503 overloaded', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'overloaded' }] }));
    assert.equal(err.status, 503);
    assert.equal(err.code, 'overloaded');
    assert.equal(err.type, 'server_error');
  });

  it('maps "prompt is too long" to context_length_exceeded', async () => {
    const err = await apiError(client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'too-long' }] }));
    assert.equal(err.status, 400);
    assert.equal(err.code, 'context_length_exceeded');
    assert.equal(err.param, 'messages');
  });

  it('reports a refusal as finish_reason content_filter', async () => {
    const data = await client.chat.completions.create({ model: 'claude', messages: [{ role: 'user', content: 'refuse' }] });
    assert.equal(data.choices[0].finish_reason, 'content_filter');
  });

  it('turns an overloaded error event before the first token into an HTTP 503, not a half answer', async () => {
    const err = await apiError(client.chat.completions.create({
      model: 'claude', stream: true, messages: [{ role: 'user', content: 'overloaded-in-stream' }],
    }));
    assert.equal(err.status, 503);
    assert.equal(err.code, 'overloaded');
  });

  it('ends a stream that fails after its first token with an error event the SDK throws', async () => {
    const stream = await client.chat.completions.create({ model: 'claude', stream: true, messages: [{ role: 'user', content: 'fail-after-text' }] });
    let text = '';
    const err = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().then(() => undefined, (e: unknown) => e);
    assert.equal(text, 'Half');
    assert.ok(err instanceof OpenAI.APIError);
    assert.match(err.message, /Internal server error/);
  });

  it('rejects n > 1 with a 400 that names the parameter, without calling Anthropic', async () => {
    const before = fake.requests.length;
    const err = await apiError(client.chat.completions.create({ model: 'claude', n: 2, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(err.status, 400);
    assert.equal(err.param, 'n');
    assert.match(err.message, /n > 1 is not supported/);
    assert.equal(fake.requests.length, before);
  });

  it('answers embeddings with a 400: Anthropic has none', async () => {
    const err = await apiError(client.embeddings.create({ model: 'a/claude-fake', input: 'x' }));
    assert.equal(err.status, 400);
    assert.match(err.message, /does not serve embeddings/);
  });
});
