import assert from 'node:assert/strict';
import type { ChatRequest } from 'aisbf';
import { sendEvent, sendJson, startGateway, startLoopbackServer, startSse, type LoopbackServer, type TestGateway } from 'aisbf/testing';
import OpenAI from 'openai';
import cache, { type CachePlugin } from '../src/index.js';
import { eventually, streamChat, uniquePrompt } from './support.js';

/** A promise the test opens by hand: the fake upstream holds every answer until then. */
function gate(): { wait: Promise<void>; open(): void } {
  let open!: () => void;
  const wait = new Promise<void>((resolve) => { open = resolve; });
  return { wait, open };
}

describe('cache coalescing: identical requests in flight share one provider call', () => {
  let upstream: LoopbackServer;
  let gw: TestGateway;
  let client: OpenAI;
  let plugin: CachePlugin;
  let held = gate();
  /** Prompts containing FAIL fail on their first upstream call only. */
  const failedOnce = new Set<string>();

  before(async () => {
    upstream = await startLoopbackServer(async (req, res) => {
      const body = req.body as ChatRequest;
      const prompt = String(body.messages.at(-1)?.content ?? '');
      await held.wait;
      if (prompt.includes('FAIL') && !failedOnce.has(prompt)) {
        failedOnce.add(prompt);
        return sendJson(res, 500, { error: { message: 'the first call fails', type: 'server_error', param: null, code: null } });
      }
      const text = `Echo: ${prompt}`;
      const usage = { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 };
      const head = { id: 'chatcmpl-gated', created: 1767225600, model: body.model };
      if (!body.stream) {
        return sendJson(res, 200, { ...head, object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }], usage });
      }
      startSse(res);
      const chunk = { ...head, object: 'chat.completion.chunk' };
      sendEvent(res, { ...chunk, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
      for (const word of text.split(/(?= )/)) sendEvent(res, { ...chunk, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] });
      sendEvent(res, { ...chunk, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
      sendEvent(res, { ...chunk, choices: [], usage });
      sendEvent(res, '[DONE]');
      res.end();
    });
    plugin = cache();
    gw = await startGateway({
      plugins: [plugin],
      providers: { up: { type: 'openai', baseURL: `${upstream.url}/v1`, apiKey: 'sk-up' } },
      models: { smart: { candidates: ['up/fake-1'] } },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-client', maxRetries: 0 });
  });
  after(async () => {
    held.open();
    await gw?.close();
    await upstream?.close();
  });

  it('N concurrent identical requests make one upstream call and all get the same answer', async () => {
    held = gate();
    const prompt = uniquePrompt('coalesce');
    const n = 6;
    const before = upstream.requests.length;
    const s0 = plugin.stats();
    const answers = Array.from({ length: n }, () =>
      client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }).withResponse());
    assert.ok(await eventually(() => plugin.stats().waiting === n - 1), `expected ${n - 1} requests waiting, saw ${plugin.stats().waiting}`);
    held.open();
    const done = await Promise.all(answers);
    assert.equal(upstream.requests.length - before, 1);
    for (const d of done) assert.equal(d.data.choices[0].message.content, `Echo: ${prompt}`);
    const headers = done.map((d) => d.response.headers.get('x-aisbf-cache')).sort();
    assert.deepEqual(headers, ['hit', 'hit', 'hit', 'hit', 'hit', 'miss']);
    const s1 = plugin.stats();
    assert.equal(s1.coalesced - s0.coalesced, n - 1);
    assert.equal(s1.waiting, 0);
  });

  it('streaming and JSON clients wait for a streaming leader alike', async () => {
    held = gate();
    const prompt = uniquePrompt('coalesce a stream');
    const before = upstream.requests.length;
    const leader = streamChat(client, { model: 'smart', messages: [{ role: 'user', content: prompt }] });
    assert.ok(await eventually(() => upstream.requests.length - before === 1), 'the leader reached the upstream');
    const streamer = streamChat(client, { model: 'smart', messages: [{ role: 'user', content: prompt }] });
    const json = client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }).withResponse();
    assert.ok(await eventually(() => plugin.stats().waiting === 2));
    held.open();
    const [l, s, j] = await Promise.all([leader, streamer, json]);
    assert.equal(upstream.requests.length - before, 1);
    assert.equal(l.cacheHeader, 'miss');
    assert.equal(s.cacheHeader, 'hit');
    assert.equal(j.response.headers.get('x-aisbf-cache'), 'hit');
    assert.equal(s.content, l.content);
    assert.equal(s.finish, 'stop');
    assert.equal(j.data.choices[0].message.content, l.content);
  });

  it('when the first request fails, the waiters go on by themselves and succeed', async () => {
    held = gate();
    const prompt = uniquePrompt('FAIL first');
    const n = 4;
    const before = upstream.requests.length;
    const results = Array.from({ length: n }, () =>
      client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }).then(
        (r) => ({ ok: true as const, content: r.choices[0].message.content }),
        (err: unknown) => ({ ok: false as const, status: (err as { status?: number }).status }),
      ));
    assert.ok(await eventually(() => plugin.stats().waiting === n - 1));
    held.open();
    const out = await Promise.all(results);
    const failed = out.filter((r) => !r.ok);
    assert.equal(failed.length, 1, 'only the leader saw the upstream error');
    assert.ok(((failed[0] as { status?: number }).status ?? 0) >= 500);
    for (const r of out.filter((x) => x.ok)) assert.equal((r as { content: string }).content, `Echo: ${prompt}`);
    assert.equal(upstream.requests.length - before, n, 'the failed call plus one per waiter that went on alone');
    assert.equal(plugin.stats().waiting, 0);
  });

  it('a waiting client that leaves does not disturb the others', async () => {
    held = gate();
    const prompt = uniquePrompt('leaver');
    const before = upstream.requests.length;
    const first = client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] });
    assert.ok(await eventually(() => upstream.requests.length - before === 1));
    const ac = new AbortController();
    const leaver = client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] }, { signal: ac.signal });
    const stayer = client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: prompt }] });
    assert.ok(await eventually(() => plugin.stats().waiting === 2));
    ac.abort();
    await assert.rejects(leaver);
    assert.ok(await eventually(() => plugin.stats().waiting === 1), 'the leaver stopped waiting');
    held.open();
    const [a, b] = await Promise.all([first, stayer]);
    assert.equal(b.choices[0].message.content, a.choices[0].message.content);
    assert.equal(upstream.requests.length - before, 1);
  });
});
