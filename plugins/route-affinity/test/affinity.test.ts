import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { definePlugin, MemoryState, type AttemptResult, type Candidate, type ChatRequest, type Plugin } from 'aisbf';
import { requireService, startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';
import { configWith, eventually, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import affinity, { nextPin, sessionKey } from '@aisbf/plugin-route-affinity';

const a: Candidate = { provider: 'a', model: 'm' };
const b: Candidate = { provider: 'b', model: 'm' };
const turn = (...contents: string[]): Partial<ChatRequest> => ({
  messages: [{ role: 'system', content: 'be brief' }, ...contents.map((content, i) => ({ role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant', content }))],
});

/** Tries candidates in order until one answers: enough failover for these tests. */
const inOrder = definePlugin({
  name: 'test-failover',
  failover: {
    async run(candidates, attempt) {
      let last: unknown;
      for (const c of candidates) {
        try {
          return await attempt(c);
        } catch (err) {
          last = err;
        }
      }
      throw last;
    },
  },
}) as Plugin & { failover: { run(c: Candidate[], f: (c: Candidate) => Promise<AttemptResult>): Promise<AttemptResult> } };

describe('route-affinity: keys and pins', () => {
  it('keys a conversation by its prefix, stable across turns, scoped by route and caller', () => {
    const k1 = sessionKey(routeContext(turn('hello')), 'x-aisbf-session');
    const k2 = sessionKey(routeContext(turn('hello', 'hi!', 'and now?')), 'x-aisbf-session');
    const other = sessionKey(routeContext(turn('something else')), 'x-aisbf-session');
    const otherUser = sessionKey(routeContext(turn('hello'), { principal: { id: 'someone' } }), 'x-aisbf-session');
    const otherRoute = sessionKey(routeContext(turn('hello'), { model: 'other' }), 'x-aisbf-session');
    assert.equal(k1, k2);
    assert.equal(new Set([k1, other, otherUser, otherRoute]).size, 4);
    assert.ok(!k1!.includes('hello'), 'the key never carries the text');
  });

  it('prefers the session header when present', () => {
    const withHeader = (content: string) => sessionKey(routeContext(turn(content), { headers: { 'x-aisbf-session': 's-1' } }), 'x-aisbf-session');
    assert.equal(withHeader('one'), withHeader('two'));
  });

  it('pins what served a new session, renews the same provider, and re-pins only on failure', () => {
    const okOn = (c: Candidate) => ({ attempts: [{ provider: c.provider, model: c.model, outcome: 'ok' as const, latencyMs: 1, startedAt: 0 }] });
    assert.deepEqual(nextPin({ present: false }, a, okOn(a)), { provider: 'a', model: 'm' });
    assert.deepEqual(nextPin({ pin: { provider: 'a', model: 'm' }, present: true }, a, okOn(a)), { provider: 'a', model: 'm' });
    assert.equal(nextPin({ pin: { provider: 'a', model: 'm' }, present: true }, b, okOn(b)), undefined, 'a later policy chose b: the pin stays');
    const failedThenB = { attempts: [{ provider: 'a', model: 'm', outcome: 'error' as const, latencyMs: 1, startedAt: 0 }, ...okOn(b).attempts] };
    assert.deepEqual(nextPin({ pin: { provider: 'a', model: 'm' }, present: true }, b, failedThenB), { provider: 'b', model: 'm' });
    assert.deepEqual(nextPin({ pin: { provider: 'a', model: 'm' }, present: false }, b, okOn(b)), { provider: 'b', model: 'm' }, 'pinned one unroutable');
  });

  it('puts the pinned candidate first and leaves the rest in order', async () => {
    const state = new MemoryState();
    const plugin = affinity();
    await plugin.setup!({ config: configWith({}), state } as never);
    const ctx = routeContext(turn('hello'));
    await state.set(sessionKey(ctx, 'x-aisbf-session')!, { provider: 'b', model: 'm' });
    const c: Candidate = { provider: 'c', model: 'm' };
    assert.deepEqual(await plugin.route!.select([a, c, b], ctx, undefined), [b, a, c]);
    assert.deepEqual(await plugin.route!.select([a, c], routeContext(turn('hello')), undefined), [a, c], 'pinned one absent: unchanged');
  });

  it('never invents a candidate (property test)', async () => {
    const plugin = affinity();
    const state = new MemoryState();
    await plugin.setup!({ config: configWith({}), state } as never);
    await state.set(sessionKey(routeContext(turn('hi')), 'x-aisbf-session')!, { provider: 'b', model: 'm2' });
    await neverInvents(plugin, { seed: 31 });
  });
});

describe('route-affinity: end to end', () => {
  const down = { a: false, b: false };
  let upA: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let upB: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let gw: TestGateway;
  let client: OpenAI;
  const failWhen = (key: 'a' | 'b') => () => (down[key] ? { status: 503, body: { error: { message: 'down', type: 'server_error' } } } : undefined);

  before(async () => {
    upA = await startFakeOpenAI({ fail: failWhen('a') });
    upB = await startFakeOpenAI({ fail: failWhen('b') });
    gw = await startGateway({
      plugins: [inOrder],
      providers: { a: { type: 'openai', baseURL: upA.baseURL, apiKey: 'k' }, b: { type: 'openai', baseURL: upB.baseURL, apiKey: 'k' } },
      models: {
        chat: {
          candidates: [{ provider: 'a', model: 'm-a', weight: 1 }, { provider: 'b', model: 'm-b', weight: 1 }],
          policies: ['weighted', ['affinity', { header: 'x-session-id' }]],
        },
      },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await upA?.close();
    await upB?.close();
  });

  const ask = async (session: string, messages: ChatRequest['messages']) => {
    const { response } = await client.chat.completions
      .create({ model: 'chat', messages: messages as OpenAI.ChatCompletionMessageParam[] }, { headers: { 'x-session-id': session } })
      .withResponse();
    return response.headers.get('x-aisbf-provider');
  };
  const pinOf = (session: string) => {
    const ctx = routeContext(turn('x'), { model: 'chat', headers: { 'x-session-id': session } });
    return gw.gateway.state.get<{ provider: string }>(sessionKey(ctx, 'x-session-id')!);
  };

  it('keeps a session on its provider while weighted round-robin would alternate', async () => {
    const first = await ask('s-1', turn('hello').messages!);
    await eventually(async () => (await pinOf('s-1'))?.provider === first);
    const seen = new Set<string | null>();
    for (let i = 0; i < 6; i++) seen.add(await ask('s-1', turn('hello', 'hi', `turn ${i}`).messages!));
    assert.deepEqual([...seen], [first]);
    // Another session is free to land elsewhere: without affinity the 1:1 weights alternate.
    const others = new Set<string | null>();
    for (let i = 0; i < 4; i++) others.add(await ask(`other-${i}`, turn('hello').messages!));
    assert.equal(others.size, 2);
  });

  it('re-pins when the pinned provider fails, and stays on the new one after it recovers', async () => {
    const first = (await ask('s-2', turn('hello').messages!)) as 'a' | 'b';
    await eventually(async () => (await pinOf('s-2'))?.provider === first);
    const other = first === 'a' ? 'b' : 'a';
    down[first] = true;
    assert.equal(await ask('s-2', turn('hello', 'hi', 'next').messages!), other, 'failover served it');
    await eventually(async () => (await pinOf('s-2'))?.provider === other);
    down[first] = false;
    for (let i = 0; i < 4; i++) assert.equal(await ask('s-2', turn('hello', 'hi', `again ${i}`).messages!), other);
  });
});

describe('route-affinity: two nodes sharing Redis', () => {
  let one: TestGateway;
  let two: TestGateway;
  const prefix = `t-affinity-${randomUUID()}:`;
  const config = (url: string) => ({
    providers: { a: { type: 'mock' }, b: { type: 'mock' } },
    models: { chat: { candidates: ['a/m', 'b/m'], policies: ['weighted', 'affinity'] as string[] } },
    state: { backend: 'redis', url, prefix },
  });
  const key = () => sessionKey(routeContext(turn('x'), { model: 'chat', headers: { 'x-aisbf-session': 'shared-1' } }), 'x-aisbf-session')!;

  before(async function () {
    const url = await requireService(this, 'redis');
    one = await startGateway(config(url));
    two = await startGateway(config(url));
  });
  after(async () => {
    // Node two closes first, so a pin renewal still in flight cannot land after the delete.
    await two?.close();
    await one?.gateway.state.delete(key());
    await one?.close();
  });

  it('a conversation pinned on one node is honoured by the other', async () => {
    const ask = async (gw: TestGateway, session: string) => {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const { response } = await client.chat.completions
        .create({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }, { headers: { 'x-aisbf-session': session } })
        .withResponse();
      return response.headers.get('x-aisbf-provider');
    };
    // Node one: a throwaway session takes round-robin's first pick (a), so ours lands on b.
    const throwaway = `throwaway-${randomUUID()}`;
    assert.equal(await ask(one, throwaway), 'a');
    assert.equal(await ask(one, 'shared-1'), 'b');
    await eventually(async () => (await two.gateway.state.get<{ provider: string }>(key()))?.provider === 'b');
    // Node two's round-robin would start with a; the shared pin says b.
    assert.equal(await ask(two, 'shared-1'), 'b');
    await one.gateway.state.delete(sessionKey(routeContext(turn('x'), { model: 'chat', headers: { 'x-aisbf-session': throwaway } }), 'x-aisbf-session')!);
  });
});
