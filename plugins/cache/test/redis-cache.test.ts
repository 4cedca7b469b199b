import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from '@redis/client';
import { requireService, startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';
import OpenAI from 'openai';
import cache, { type CacheOptions, type CachePlugin } from '../src/index.js';
import { startOwnRedis, type OwnRedis } from './redis-server.js';
import { eventually, post, streamChat, uniquePrompt } from './support.js';

type Upstream = Awaited<ReturnType<typeof startFakeOpenAI>>;
type Raw = ReturnType<typeof createClient>;

/** Deletes every key under `prefix` (each test run uses its own). */
async function dropPrefix(raw: Raw, prefix: string): Promise<void> {
  const keys: string[] = [];
  for await (const batch of raw.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
  if (keys.length) await raw.del(keys);
}

describe('cache on shared state: two gateways sharing one Redis', () => {
  let redisUrl: string;
  let raw: Raw;
  let upstream: Upstream;
  let a: TestGateway;
  let b: TestGateway;
  let pluginB: CachePlugin;
  const prefix = `aisbf-test:cache:${randomUUID()}:`;

  before(async function () {
    redisUrl = await requireService(this, 'redis');
    raw = createClient({ url: redisUrl });
    await raw.connect();
    upstream = await startFakeOpenAI({ chunks: 5 });
    // Two gateways in this process, each with its own Redis client (as two nodes would have).
    const config = (plugin: CachePlugin) => ({
      plugins: [plugin],
      state: { backend: 'redis', url: redisUrl, prefix },
      providers: { up: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-up' } },
      models: { smart: { candidates: ['up/fake-1'] }, brief: { candidates: ['up/fake-1'], cache: { ttl: 0.3 } } },
    });
    a = await startGateway(config(cache({ ttl: 120 })));
    pluginB = cache({ ttl: 120 });
    b = await startGateway(config(pluginB));
  });
  after(async () => {
    await a?.close();
    await b?.close();
    await upstream?.close();
    if (raw?.isOpen) {
      await dropPrefix(raw, prefix);
      await raw.quit();
    }
  });

  it('an answer stored by one node is a hit on the other', async () => {
    const prompt = uniquePrompt('two nodes');
    const body = { model: 'smart', messages: [{ role: 'user', content: prompt }] };
    const before = upstream.requests.length;
    const first = await post(a.url, '/v1/chat/completions', body);
    const second = await post(b.url, '/v1/chat/completions', body);
    assert.equal(first.headers.get('x-aisbf-cache'), 'miss');
    assert.equal(second.headers.get('x-aisbf-cache'), 'hit');
    assert.deepEqual(second.body, first.body);
    assert.equal(upstream.requests.length - before, 1);
    assert.equal(pluginB.stats().backend, 'state');
  });

  it('keys carry the state prefix exactly once, with the TTL set in Redis', async () => {
    await dropPrefix(raw, prefix);
    const prompt = uniquePrompt('key layout');
    await post(a.url, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: prompt }] });
    const keys: string[] = [];
    for await (const batch of raw.scanIterator({ MATCH: `${prefix}*`, COUNT: 100 })) keys.push(...batch);
    const cacheKeys = keys.filter((k) => k.includes('cache:v1:'));
    assert.equal(cacheKeys.length, 1, `keys: ${keys.join(', ')}`);
    const key = cacheKeys[0];
    assert.match(key, new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}cache:v1:[^:]+:[A-Za-z0-9_-]+$`));
    assert.equal(key.split(prefix).length, 2, 'the prefix appears once');
    const pttl = await raw.pTTL(key);
    assert.ok(pttl > 0 && pttl <= 120_000, `PTTL ${pttl} within the 120 s TTL`);
    const value = JSON.parse((await raw.get(key)) ?? 'null') as { v: number; response: { choices: Array<{ message: { content: string } }> }; servedBy: unknown };
    assert.equal(value.v, 1);
    assert.equal(value.response.choices[0].message.content, `Echo: ${prompt}`);
    assert.deepEqual(value.servedBy, { provider: 'up', model: 'fake-1' });
  });

  it('a stream stored on one node replays on the other as the same SSE content', async () => {
    const prompt = uniquePrompt('stream across nodes in words');
    const params = { model: 'smart', messages: [{ role: 'user' as const, content: prompt }], stream_options: { include_usage: true } };
    const live = await streamChat(new OpenAI({ baseURL: a.baseURL, apiKey: 'sk-test', maxRetries: 0 }), params);
    const replay = await streamChat(new OpenAI({ baseURL: b.baseURL, apiKey: 'sk-test', maxRetries: 0 }), params);
    assert.equal(live.cacheHeader, 'miss');
    assert.equal(replay.cacheHeader, 'hit');
    assert.deepEqual(
      { role: replay.role, content: replay.content, finish: replay.finish, usage: replay.usage },
      { role: live.role, content: live.content, finish: live.finish, usage: live.usage },
    );
  });

  it('entries expire with their TTL in Redis', async () => {
    const prompt = uniquePrompt('redis ttl');
    const body = { model: 'brief', messages: [{ role: 'user', content: prompt }] };
    assert.equal((await post(a.url, '/v1/chat/completions', body)).headers.get('x-aisbf-cache'), 'miss');
    await sleep(400);
    assert.equal((await post(b.url, '/v1/chat/completions', body)).headers.get('x-aisbf-cache'), 'miss');
  });

  it('tenants stay apart across nodes', async () => {
    const prompt = uniquePrompt('tenants across nodes');
    const body = { model: 'smart', messages: [{ role: 'user', content: prompt }] };
    assert.equal((await post(a.url, '/v1/chat/completions', body, { authorization: 'Bearer sk-one' })).headers.get('x-aisbf-cache'), 'miss');
    assert.equal((await post(b.url, '/v1/chat/completions', body, { authorization: 'Bearer sk-two' })).headers.get('x-aisbf-cache'), 'miss');
    assert.equal((await post(b.url, '/v1/chat/completions', body, { authorization: 'Bearer sk-one' })).headers.get('x-aisbf-cache'), 'hit');
  });
});

describe('cache when Redis is killed, paused and restarted (a redis-server of the test\'s own)', () => {
  let redis: OwnRedis;
  let upstream: Upstream;
  let gw: TestGateway;
  let plugin: CachePlugin;
  const options: CacheOptions = { stateTimeoutMs: 150, stateRetryMs: 100 };

  before(async function () {
    // The shared Redis is only checked to decide pending vs run; this suite never touches it.
    await requireService(this, 'redis');
    redis = await startOwnRedis();
    upstream = await startFakeOpenAI();
    plugin = cache(options);
    gw = await startGateway({
      plugins: [plugin],
      state: { backend: 'redis', url: redis.url, prefix: 'chaos:', commandTimeoutMs: 1000, connectTimeoutMs: 1000 },
      providers: { up: { type: 'openai', baseURL: upstream.baseURL, apiKey: 'sk-up' } },
      models: { smart: { candidates: ['up/fake-1'] } },
    });
  });
  after(async () => {
    await gw?.close();
    await upstream?.close();
    await redis?.stop();
  });

  const ask = async (prompt: string) => {
    const r = await post(gw.url, '/v1/chat/completions', { model: 'smart', messages: [{ role: 'user', content: prompt }] });
    assert.equal(r.status, 200, `request failed: ${JSON.stringify(r.body)}`);
    assert.equal((r.body as { choices: Array<{ message: { content: string } }> }).choices[0].message.content, `Echo: ${prompt}`);
    return r.headers.get('x-aisbf-cache');
  };

  it('killed: requests still succeed, bypassing the cache; restarted: the cache recovers by itself', async () => {
    const prompt = uniquePrompt('chaos');
    assert.equal(await ask(prompt), 'miss');
    assert.equal(await ask(prompt), 'hit');

    await redis.kill();
    const errors0 = plugin.stats().stateErrors;
    const before = upstream.requests.length;
    for (let i = 0; i < 5; i++) assert.equal(await ask(prompt), 'bypass');
    assert.equal(upstream.requests.length - before, 5, 'every request went to the provider');
    assert.ok(plugin.stats().stateErrors > errors0, 'the failures were counted');

    await redis.restart();
    // The restarted Redis is empty: the first answer that is not a bypass is a miss, then hits follow.
    const recovered = await eventually(async () => (await ask(prompt)) === 'miss', 100, 50);
    assert.ok(recovered, 'the cache came back without a restart of the gateway');
    assert.equal(await ask(prompt), 'hit');
  });

  it('paused (slow): requests succeed within the guard timeout as bypasses, and recover when it answers again', async () => {
    const prompt = uniquePrompt('slow');
    assert.equal(await ask(prompt), 'miss');
    redis.pause();
    try {
      for (let i = 0; i < 3; i++) assert.equal(await ask(prompt), 'bypass');
    } finally {
      redis.resume();
    }
    const back = await eventually(async () => (await ask(prompt)) === 'hit', 100, 50);
    assert.ok(back, 'the entry stored before the pause is served again');
  });
});
