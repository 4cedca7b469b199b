import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { definePlugin, type Plugin, type RequestContext, type Usage } from 'aisbf';
import { startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';
import OpenAI from 'openai';
import cache, { cacheLocals, isCachePlugin, type CacheLocals, type CachePlugin } from '../src/index.js';
import { eventually, post, streamChat, uniquePrompt } from './support.js';

type Upstream = Awaited<ReturnType<typeof startFakeOpenAI>>;

/** Records what observers see at the end of each request. */
function spyPlugin(seen: Array<{ cache?: string; locals?: CacheLocals; usage?: Usage; prompt: string }>): Plugin {
  return definePlugin({
    name: 'spy',
    observe: {
      response(ctx: RequestContext) {
        const body = ctx.body as { messages?: Array<{ content?: unknown }> };
        seen.push({ cache: ctx.cache, locals: cacheLocals(ctx), usage: ctx.usage as Usage, prompt: String(body.messages?.at(-1)?.content ?? '') });
      },
    },
  });
}

describe('cache (memory store) end to end, with the openai SDK', () => {
  let upstream: Upstream;
  let gw: TestGateway;
  let client: OpenAI;
  let plugin: CachePlugin;
  const seen: Array<{ cache?: string; locals?: CacheLocals; usage?: Usage; prompt: string }> = [];

  before(async () => {
    upstream = await startFakeOpenAI({
      chunks: 4,
      fail: (req) => JSON.stringify(req.body).includes('PLEASE FAIL')
        ? { status: 500, body: { error: { message: 'upstream broke', type: 'server_error', param: null, code: null } } }
        : undefined,
    });
    plugin = cache({ ttl: 600, maxEntryBytes: 4096 });
    gw = await startGateway({
      plugins: [plugin, spyPlugin(seen)],
      providers: {
        up: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-up', models: ['fake-1'] },
        mk: { type: 'mock', chunks: 3 },
        cut: { type: 'mock', chunks: 4, cutAfterChunks: 1 },
      },
      models: {
        smart: { candidates: ['up/fake-1'] },
        other: { candidates: ['up/fake-1'] },
        fresh: { candidates: ['up/fake-1'], cache: false },
        brief: { candidates: ['up/fake-1'], cache: { ttl: 0.2 } },
        embed: { candidates: ['mk/mock-embed-1'] },
      },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
  });

  const calls = () => upstream.requests.length;

  it('misses, then hits without calling the provider again; a hit carries x-aisbf-cache: hit and a numeric age', async () => {
    const prompt = uniquePrompt('hit');
    const before = calls();
    const first = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }).withResponse();
    assert.equal(first.response.headers.get('x-aisbf-cache'), 'miss');
    const second = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }).withResponse();
    assert.equal(second.response.headers.get('x-aisbf-cache'), 'hit');
    assert.match(second.response.headers.get('age') ?? '', /^\d+$/);
    assert.equal(calls() - before, 1, 'one upstream call for two identical requests');
    assert.deepEqual(second.data, first.data);
    assert.equal(second.data.choices[0].message.content, `Echo: ${prompt}`);
  });

  it('hits for the same request written with another key order and whitespace; misses for any parameter change', async () => {
    const prompt = uniquePrompt('equiv');
    const before = calls();
    const compact = `{"model":"smart","temperature":0.5,"max_tokens":50,"messages":[{"role":"user","content":${JSON.stringify(prompt)}}]}`;
    const spaced = `{\n  "messages" : [ { "content" : ${JSON.stringify(prompt)} , "role" : "user" } ],\n\t"max_tokens": 50, "temperature": 0.5,  "model": "smart", "user": "someone"\n}`;
    assert.equal((await post(gw.url, '/v1/chat/completions', compact)).headers.get('x-aisbf-cache'), 'miss');
    assert.equal((await post(gw.url, '/v1/chat/completions', spaced)).headers.get('x-aisbf-cache'), 'hit');
    assert.equal(calls() - before, 1);

    const changed: Array<Record<string, unknown>> = [
      { temperature: 0.6 },
      { max_tokens: 51 },
      { seed: 1 },
      { stop: ['x'] },
      { model: 'other' },
      { messages: [{ role: 'user', content: `${prompt}!` }] },
      { response_format: { type: 'json_object' } },
    ];
    for (const change of changed) {
      const body = { ...JSON.parse(compact), ...change };
      const r = await post(gw.url, '/v1/chat/completions', body);
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('x-aisbf-cache'), 'miss', `${JSON.stringify(change)} must miss`);
    }
    assert.equal(calls() - before, 1 + changed.length);
  });

  it('replays a streamed answer as SSE that the SDK reads exactly like the live stream', async () => {
    const prompt = uniquePrompt('stream replay with several words');
    const params = { model: 'smart', messages: [{ role: 'user' as const, content: prompt }], stream_options: { include_usage: true } };
    const before = calls();
    const live = await streamChat(client, params);
    const replay = await streamChat(client, params);
    assert.equal(live.cacheHeader, 'miss');
    assert.equal(replay.cacheHeader, 'hit');
    assert.match(replay.age ?? '', /^\d+$/);
    assert.equal(calls() - before, 1);
    assert.equal(live.content, `Echo: ${prompt}`);
    assert.deepEqual(
      { role: replay.role, content: replay.content, finish: replay.finish, toolCalls: replay.toolCalls, usage: replay.usage },
      { role: live.role, content: live.content, finish: live.finish, toolCalls: live.toolCalls, usage: live.usage },
    );
    assert.ok(live.usage, 'usage was asked for and sent');
  });

  it('replays tool-call deltas: the SDK assembles the same tool calls from the replay', async () => {
    const prompt = uniquePrompt('weather in paris');
    const params = {
      model: 'mk/mock-1',
      messages: [{ role: 'user' as const, content: prompt }],
      tools: [{ type: 'function' as const, function: { name: 'weather', parameters: { type: 'object', properties: { input: { type: 'string' } } } } }],
      tool_choice: 'required' as const,
    };
    const live = await streamChat(client, params);
    const replay = await streamChat(client, params);
    assert.equal(live.cacheHeader, 'miss');
    assert.equal(replay.cacheHeader, 'hit');
    assert.equal(live.finish, 'tool_calls');
    assert.equal(live.toolCalls.length, 1);
    assert.equal(live.toolCalls[0].name, 'weather');
    assert.deepEqual(JSON.parse(live.toolCalls[0].arguments), { input: prompt });
    assert.deepEqual(replay.toolCalls, live.toolCalls);
    assert.equal(replay.finish, live.finish);
    assert.equal(replay.usage, undefined, 'no usage chunk when the client did not ask for it');
  });

  it('serves a JSON client from an entry stored by a stream, and a streaming client from an entry stored by JSON', async () => {
    const p1 = uniquePrompt('stream then json');
    const before = calls();
    const live = await streamChat(client, { model: 'smart', messages: [{ role: 'user', content: p1 }] });
    const json = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: p1 }] }).withResponse();
    assert.equal(json.response.headers.get('x-aisbf-cache'), 'hit');
    assert.equal(json.data.choices[0].message.content, live.content);
    assert.equal(json.data.choices[0].finish_reason, 'stop');
    assert.ok(json.data.usage && json.data.usage.total_tokens > 0, 'the assembled entry kept the usage the provider reported');

    const p2 = uniquePrompt('json then stream');
    const stored = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: p2 }] });
    const replay = await streamChat(client, { model: 'smart', messages: [{ role: 'user', content: p2 }], stream_options: { include_usage: true } });
    assert.equal(replay.cacheHeader, 'hit');
    assert.equal(replay.content, stored.choices[0].message.content);
    assert.equal(replay.finish, 'stop');
    assert.equal(replay.role, 'assistant');
    assert.deepEqual(replay.usage, stored.usage);
    assert.equal(calls() - before, 2);
  });

  it('honours x-aisbf-cache and Cache-Control: no-cache refreshes the entry, no-store neither reads nor writes', async () => {
    const prompt = uniquePrompt('controls');
    const body = { model: 'smart', messages: [{ role: 'user', content: prompt }] };
    const before = calls();
    assert.equal((await post(gw.url, '/v1/chat/completions', body, { 'x-aisbf-cache': 'no-store' })).headers.get('x-aisbf-cache'), 'bypass');
    assert.equal((await post(gw.url, '/v1/chat/completions', body)).headers.get('x-aisbf-cache'), 'miss', 'no-store stored nothing');
    assert.equal((await post(gw.url, '/v1/chat/completions', body, { 'cache-control': 'no-cache' })).headers.get('x-aisbf-cache'), 'bypass');
    assert.equal((await post(gw.url, '/v1/chat/completions', body, { 'x-aisbf-cache': 'no-cache' })).headers.get('x-aisbf-cache'), 'bypass');
    assert.equal(calls() - before, 4, 'every bypass and the miss went upstream');
    assert.equal((await post(gw.url, '/v1/chat/completions', body, { 'cache-control': 'no-store' })).headers.get('x-aisbf-cache'), 'bypass');
    assert.equal(calls() - before, 5);
    assert.equal((await post(gw.url, '/v1/chat/completions', body)).headers.get('x-aisbf-cache'), 'hit');
    assert.equal(calls() - before, 5);

    // no-cache stores its fresh answer: a new prompt first seen with no-cache is a hit next time.
    const p2 = uniquePrompt('no-cache stores');
    const b2 = { model: 'smart', messages: [{ role: 'user', content: p2 }] };
    await post(gw.url, '/v1/chat/completions', b2, { 'x-aisbf-cache': 'no-cache' });
    assert.equal((await post(gw.url, '/v1/chat/completions', b2)).headers.get('x-aisbf-cache'), 'hit');
  });

  it('never stores errors or streams cut short', async () => {
    const prompt = uniquePrompt('PLEASE FAIL');
    const before = calls();
    for (let i = 0; i < 2; i++) {
      const r = await post(gw.url, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: prompt }] });
      assert.ok(r.status >= 500, `an upstream failure is an error (${r.status})`);
      assert.equal(typeof (r.body as { error?: { message?: string } }).error?.message, 'string');
    }
    assert.equal(calls() - before, 2, 'the error was not cached');

    const cutPrompt = uniquePrompt('cut stream of many words here');
    const s0 = plugin.stats();
    for (let i = 0; i < 2; i++) {
      await assert.rejects(streamChat(client, { model: 'cut/mock-1', messages: [{ role: 'user', content: cutPrompt }] }));
    }
    const s1 = plugin.stats();
    assert.equal(s1.misses - s0.misses, 2, 'the second cut stream was a miss too');
    assert.equal(s1.hits, s0.hits);
    assert.equal(s1.stores, s0.stores, 'nothing was stored');
  });

  it('bypasses routes with cache: false', async () => {
    const prompt = uniquePrompt('fresh');
    const before = calls();
    for (let i = 0; i < 2; i++) {
      const r = await client.chat.completions.create({ model: 'fresh', messages: [{ role: 'user', content: prompt }] }).withResponse();
      assert.equal(r.response.headers.get('x-aisbf-cache'), 'bypass');
    }
    assert.equal(calls() - before, 2);
  });

  it('expires entries after the TTL (a route may set its own)', async () => {
    const prompt = uniquePrompt('ttl');
    const body = { model: 'brief', messages: [{ role: 'user', content: prompt }] };
    const before = calls();
    assert.equal((await post(gw.url, '/v1/chat/completions', body)).headers.get('x-aisbf-cache'), 'miss');
    await sleep(300);
    assert.equal((await post(gw.url, '/v1/chat/completions', body)).headers.get('x-aisbf-cache'), 'miss', 'the 0.2 s entry expired');
    assert.equal(calls() - before, 2);
  });

  it('does not store answers over maxEntryBytes', async () => {
    const prompt = uniquePrompt('big') + ' ' + 'x'.repeat(5000);
    const before = calls();
    const tooLarge = plugin.stats().tooLarge;
    for (let i = 0; i < 2; i++) {
      const r = await post(gw.url, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: prompt }] });
      assert.equal(r.headers.get('x-aisbf-cache'), 'miss');
    }
    assert.equal(calls() - before, 2);
    assert.equal(plugin.stats().tooLarge, tooLarge + 2);
  });

  it('caches embeddings too', async () => {
    const input = uniquePrompt('embed me');
    const a = await client.embeddings.create({ model: 'embed', input }).withResponse();
    const b = await client.embeddings.create({ model: 'embed', input }).withResponse();
    assert.equal(a.response.headers.get('x-aisbf-cache'), 'miss');
    assert.equal(b.response.headers.get('x-aisbf-cache'), 'hit');
    assert.deepEqual(b.data.data, a.data.data);
    const floats = await post(gw.url, '/v1/embeddings', { model: 'embed', input, encoding_format: 'float' });
    assert.ok(Array.isArray((floats.body as { data: Array<{ embedding: unknown }> }).data[0].embedding), 'a float client gets floats');
  });

  it('leaves accounting for observers: a hit names the usage it saved and who produced it', async () => {
    const prompt = uniquePrompt('accounting');
    const body = { model: 'smart', messages: [{ role: 'user' as const, content: prompt }] };
    const first = await client.chat.completions.create(body);
    await client.chat.completions.create(body);
    assert.ok(await eventually(() => seen.filter((s) => s.prompt === prompt).length === 2), 'observers ran for both requests');
    const [miss, hit] = seen.filter((s) => s.prompt === prompt);
    assert.equal(miss.cache, 'miss');
    assert.deepEqual(miss.locals, { outcome: 'miss', hit: false });
    assert.equal(hit.cache, 'hit');
    assert.equal(hit.locals?.hit, true);
    assert.equal(hit.locals?.coalesced, false);
    assert.deepEqual(hit.locals?.savedUsage, first.usage);
    assert.deepEqual(hit.locals?.savedFrom, { provider: 'up', model: 'fake-1' });
    assert.equal(typeof hit.locals?.ageSeconds, 'number');
  });

  it('counts hits, misses and bypasses, readable from the plugin object', async () => {
    assert.ok(gw.gateway.config.plugins.some(isCachePlugin));
    const s0 = plugin.stats();
    const prompt = uniquePrompt('stats');
    const body = { model: 'smart', messages: [{ role: 'user', content: prompt }] };
    await post(gw.url, '/v1/chat/completions', body);
    await post(gw.url, '/v1/chat/completions', body);
    await post(gw.url, '/v1/chat/completions', body, { 'x-aisbf-cache': 'no-store' });
    const s1 = plugin.stats();
    assert.equal(s1.misses - s0.misses, 1);
    assert.equal(s1.hits - s0.hits, 1);
    assert.equal(s1.bypasses - s0.bypasses, 1);
    assert.equal(s1.stores - s0.stores, 1);
    assert.equal(s1.backend, 'memory');
    assert.ok(s1.entries > 0 && s1.bytes > 0);
  });
});

describe('cache tenant isolation', () => {
  let upstream: Upstream;
  const gateways: TestGateway[] = [];

  before(async () => {
    upstream = await startFakeOpenAI();
  });
  after(async () => {
    for (const g of gateways) await g.close();
    await upstream?.close();
  });

  const providers = () => ({ up: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-up', models: ['fake-1'] } });
  const models = { smart: { candidates: ['up/fake-1'] } };

  /** Principals by bearer token, as an auth plugin would establish them. */
  const principals: Record<string, { id: string; team?: string }> = {
    'sk-a1': { id: 'a1', team: 'alpha' },
    'sk-a2': { id: 'a2', team: 'alpha' },
    'sk-b1': { id: 'b1', team: 'beta' },
    'sk-solo': { id: 'solo' },
  };
  const testAuth = () => definePlugin({
    name: 'test-auth',
    auth: (ctx: RequestContext) => {
      const token = String(ctx.headers.authorization ?? '').replace(/^Bearer /, '');
      return principals[token];
    },
  });

  async function ask(g: TestGateway, token: string, prompt: string): Promise<string | null> {
    const r = await post(g.url, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: prompt }] }, { authorization: `Bearer ${token}` });
    assert.equal(r.status, 200);
    return r.headers.get('x-aisbf-cache');
  }

  it('without an auth plugin, two bearer tokens never share an entry', async () => {
    const g = await startGateway({ plugins: [cache()], providers: providers(), models });
    gateways.push(g);
    const prompt = uniquePrompt('tenant');
    const before = upstream.requests.length;
    assert.equal(await ask(g, 'sk-one', prompt), 'miss');
    assert.equal(await ask(g, 'sk-two', prompt), 'miss', 'another key must not read the first key\'s answer');
    assert.equal(await ask(g, 'sk-one', prompt), 'hit');
    assert.equal(await ask(g, 'sk-two', prompt), 'hit');
    assert.equal(upstream.requests.length - before, 2);
  });

  it('with auth, scope team shares within a team only; a principal without team is its own tenant', async () => {
    const g = await startGateway({ plugins: [testAuth(), cache({ scope: 'team' })], providers: providers(), models });
    gateways.push(g);
    const prompt = uniquePrompt('team');
    assert.equal(await ask(g, 'sk-a1', prompt), 'miss');
    assert.equal(await ask(g, 'sk-a2', prompt), 'hit', 'same team');
    assert.equal(await ask(g, 'sk-b1', prompt), 'miss', 'other team');
    assert.equal(await ask(g, 'sk-solo', prompt), 'miss', 'no team: scoped by key');
  });

  it('with auth, scope key keeps even teammates apart', async () => {
    const g = await startGateway({ plugins: [testAuth(), cache({ scope: 'key' })], providers: providers(), models });
    gateways.push(g);
    const prompt = uniquePrompt('key');
    assert.equal(await ask(g, 'sk-a1', prompt), 'miss');
    assert.equal(await ask(g, 'sk-a2', prompt), 'miss');
    assert.equal(await ask(g, 'sk-a1', prompt), 'hit');
  });

  it('a failure inside the cache bypasses it instead of failing the request', async () => {
    // A faulty auth plugin hands out a principal whose id is not a string: the cache cannot scope it.
    const badAuth = definePlugin({ name: 'bad-auth', auth: () => ({ id: 42 as unknown as string }) });
    const g = await startGateway({ plugins: [badAuth, cache()], providers: providers(), models });
    gateways.push(g);
    const prompt = uniquePrompt('broken scope');
    const r = await post(g.url, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: prompt }] });
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('x-aisbf-cache'), 'bypass');
    assert.equal((r.body as { choices: Array<{ message: { content: string } }> }).choices[0].message.content, `Echo: ${prompt}`);
  });

  it('scope global shares between every caller (explicit opt-in)', async () => {
    const g = await startGateway({ plugins: [cache({ scope: 'global' })], providers: providers(), models });
    gateways.push(g);
    const prompt = uniquePrompt('global');
    assert.equal(await ask(g, 'sk-one', prompt), 'miss');
    assert.equal(await ask(g, 'sk-two', prompt), 'hit');
  });
});

describe('cache config checks', () => {
  it('refuses a malformed route setting at start, naming the key', async () => {
    await assert.rejects(
      startGateway({ plugins: [cache()], providers: { mk: { type: 'mock' } }, models: { m: { candidates: ['mk/mock-1'], cache: 'yes' } } }),
      /models\.m\.cache must be true, false or \{ ttl: <seconds> \}/,
    );
  });

  it('refuses unknown or invalid options at start', async () => {
    const mk = { mk: { type: 'mock' } };
    await assert.rejects(startGateway({ plugins: [cache({ ttl: -1 })], providers: mk }), /'ttl' must be a positive number/);
    await assert.rejects(startGateway({ plugins: [cache({ scope: 'world' as never })], providers: mk }), /'scope' must be/);
    await assert.rejects(startGateway({ plugins: [cache({ tll: 5 } as never)], providers: mk }), /unknown option 'tll'/);
  });

  it('validates options given by name in config against the schema, naming the key path', async () => {
    await assert.rejects(
      startGateway({ plugins: [['cache', { scope: 'world' }]], providers: { mk: { type: 'mock' } } }),
      (err: Error) => /plugins\[0\]\[1\]\.scope/.test(err.message) && /cache/.test(err.message),
    );
  });
});
