import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import { MemoryState, type AttemptRecord, type Candidate, type Plugin, type SharedState } from 'aisbf';
import { requireService, startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';
import { configWith, eventually, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import latency, { LatencyStats, rankByLatency } from '@aisbf/plugin-route-latency';

const a: Candidate = { provider: 'a', model: 'm' };
const b: Candidate = { provider: 'b', model: 'm' };
const c: Candidate = { provider: 'c', model: 'm' };

async function ready(plugin: Plugin, state: SharedState = new MemoryState()): Promise<Plugin> {
  await plugin.setup!({ config: configWith({}), state } as never);
  return plugin;
}

function attempt(cand: Candidate, latencyMs: number, outcome: AttemptRecord['outcome'] = 'ok', status?: number): AttemptRecord {
  return { provider: cand.provider, model: cand.model, outcome, latencyMs, startedAt: 0, ...(status ? { status } : {}) };
}

describe('route-latency: ranking', () => {
  it('fastest first from recorded latencies; unmeasured first; ties keep the incoming order', () => {
    const s = (ms: number, at = 0) => ({ ms, n: 5, at });
    assert.deepEqual(rankByLatency([a, b, c], [s(300), s(100), s(200)], false), [b, c, a]);
    assert.deepEqual(rankByLatency([a, b, c], [s(300), undefined, s(200)], false), [b, c, a]);
    assert.deepEqual(rankByLatency([a, b, c], [s(100), s(100), s(50)], false), [c, a, b]);
  });

  it('exploring puts the least recently measured candidate (not the fastest) first', () => {
    const out = rankByLatency([a, b, c], [{ ms: 100, n: 5, at: 30 }, { ms: 900, n: 5, at: 10 }, { ms: 500, n: 5, at: 20 }], true);
    assert.deepEqual(out, [b, a, c]);
  });

  it('folds samples into an exponentially weighted average', async () => {
    const stats = new LatencyStats(new MemoryState(), 0.5, 60_000);
    await stats.record('total', 'a', 'm', 100);
    await stats.record('total', 'a', 'm', 300);
    const s = await stats.record('total', 'a', 'm', 300);
    assert.equal(s.ms, 250);
    assert.equal(s.n, 3);
    assert.equal(await stats.get('ttft', 'a', 'm'), undefined, 'streams are judged by their own samples');
  });
});

describe('route-latency: the policy, fed by its own observe hook', () => {
  it('shifts away within a few requests when a provider slows down, and back when it recovers', async () => {
    const plugin = await ready(latency({ explore: 0.25 }));
    const feed = async (cand: Candidate, ms: number) => plugin.observe!.attempt!(routeContext(), attempt(cand, ms));
    await feed(a, 50);
    await feed(b, 120);
    const first = async () => (await plugin.route!.select([a, b], routeContext({}, { model: 'r' }), undefined))[0];
    const picks: string[] = [];
    for (let i = 0; i < 4; i++) picks.push((await first()).provider);
    // every 4th request explores the stalest candidate (b, measured earlier)
    assert.deepEqual(picks, ['a', 'a', 'a', 'b']);
    await feed(a, 400); // a slows down: 50 → 0.3·400 + 0.7·50 = 155 > 120
    assert.equal((await first()).provider, 'b');
    // a recovers; only exploration sends it traffic, and one fast sample brings it back (0.3·40 + 0.7·155 = 120.5 … then lower)
    let back = -1;
    for (let i = 0; i < 12 && back === -1; i++) {
      const pick = await first();
      await feed(pick, pick === a ? 40 : 120);
      if (pick === a && (await first()) === a) back = i;
    }
    assert.ok(back !== -1, 'a recovered provider was noticed through exploration');
  });

  it('counts provider failures as slow, ignores client errors and cancels', async () => {
    const state = new MemoryState();
    const plugin = await ready(latency({ failureMs: 5000 }), state);
    await plugin.observe!.attempt!(routeContext(), attempt(a, 10, 'error', 503));
    await plugin.observe!.attempt!(routeContext(), attempt(b, 10, 'error', 400));
    await plugin.observe!.attempt!(routeContext(), attempt(c, 10, 'aborted'));
    const stats = new LatencyStats(state, 0.3, 60_000);
    assert.equal((await stats.get('total', 'a', 'm'))?.ms, 5000);
    assert.equal(await stats.get('total', 'b', 'm'), undefined);
    assert.equal(await stats.get('total', 'c', 'm'), undefined);
  });

  it('judges streams by time to first token, kept apart from total times', async () => {
    const plugin = await ready(latency({ explore: 0 }));
    await plugin.observe!.attempt!(routeContext({}, { stream: true }), attempt(a, 500));
    await plugin.observe!.attempt!(routeContext({}, { stream: true }), attempt(b, 50));
    await plugin.observe!.attempt!(routeContext(), attempt(a, 900));
    await plugin.observe!.attempt!(routeContext(), attempt(b, 2000));
    assert.deepEqual(await plugin.route!.select([a, b], routeContext({}, { stream: true }), undefined), [b, a]);
    assert.deepEqual(await plugin.route!.select([a, b], routeContext(), undefined), [a, b]);
  });

  it('explores exactly the configured share', async () => {
    const plugin = await ready(latency({ explore: 0.1 }));
    await plugin.observe!.attempt!(routeContext(), attempt(a, 10));
    await plugin.observe!.attempt!(routeContext(), attempt(b, 99));
    let explored = 0;
    for (let i = 0; i < 1000; i++) if ((await plugin.route!.select([a, b], routeContext(), undefined))[0] === b) explored++;
    assert.equal(explored, 100);
  });

  it('never invents a candidate (property test)', async () => {
    const plugin = await ready(latency());
    for (const cand of [a, b]) await plugin.observe!.attempt!(routeContext(), attempt(cand, 10));
    await neverInvents(plugin, { seed: 21 });
  });
});

describe('route-latency: end to end', () => {
  let fast: Awaited<ReturnType<typeof startFakeOpenAI>>;
  let slow: Awaited<ReturnType<typeof startFakeOpenAI>>;
  const fastOpts = { delayMs: 0 };
  before(async () => {
    fast = await startFakeOpenAI(fastOpts);
    // Far apart, so a loaded machine (a slow first connection to `fast`) cannot swap the ranking.
    slow = await startFakeOpenAI({ delayMs: 300 });
  });
  after(async () => {
    await fast?.close();
    await slow?.close();
  });
  const config = (extra: Record<string, unknown> = {}) => ({
    providers: {
      slow: { type: 'openai', baseURL: slow.baseURL, apiKey: 'k' },
      fast: { type: 'openai', baseURL: fast.baseURL, apiKey: 'k' },
    },
    models: { chat: { candidates: ['slow/s-1', 'fast/f-1'], policies: [['latency', { explore: 0.25 }]] as Array<[string, unknown]> } },
    ...extra,
  });
  /** One request: who served it, and whether the latency policy was exploring (its explain note says so). */
  const ask = async (client: OpenAI) => {
    const { response } = await client.chat.completions
      .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-aisbf-explain': '1' } })
      .withResponse();
    const notes = JSON.parse(response.headers.get('x-aisbf-explain-notes') ?? '[]') as Array<{ policy: string; note?: string }>;
    const exploring = /exploring/.test(notes.find((n) => n.policy === 'route-latency')?.note ?? '');
    return { provider: response.headers.get('x-aisbf-provider'), exploring };
  };

  describe('one node', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startGateway(config());
    });
    after(async () => {
      fastOpts.delayMs = 0;
      await gw?.close();
    });

    it('measures both, settles on the fast one, leaves it when it slows and returns when it recovers', async () => {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const key = LatencyStats.key('total', 'fast', 'f-1');
      const samples = async () => (await gw.gateway.state.get<{ n: number }>(key))?.n ?? 0;
      /** Asks until a request that was not exploring goes to `want`; returns how many non-exploring requests went elsewhere first. */
      const until = async (want: string): Promise<number> => {
        let wrong = 0;
        for (let i = 0; i < 20; i++) {
          const n = await samples();
          const r = await ask(client);
          if (r.provider === 'fast') await eventually(async () => (await samples()) > n);
          if (r.exploring) continue;
          if (r.provider === want) return wrong;
          wrong++;
        }
        return assert.fail(`no request went to ${want}`);
      };
      assert.equal((await ask(client)).provider, 'slow', 'unmeasured candidates go first, in declared order');
      await eventually(async () => (await gw.gateway.state.get(LatencyStats.key('total', 'slow', 's-1'))) !== undefined);
      assert.equal((await ask(client)).provider, 'fast');
      await eventually(async () => (await samples()) > 0);
      assert.equal(await until('fast'), 0, 'measured: the fast provider wins');

      fastOpts.delayMs = 900;
      assert.ok((await until('slow')) <= 2, 'left the slowed-down provider within a few requests');
      fastOpts.delayMs = 0;
      assert.ok((await until('fast')) <= 8, 'noticed the recovery within a few requests (through exploration)');
    });
  });

  describe('two nodes sharing Redis', () => {
    let url: string;
    let one: TestGateway;
    let two: TestGateway;
    const prefix = `t-latency-${randomUUID()}:`;
    before(async function () {
      url = await requireService(this, 'redis');
      one = await startGateway(config({ state: { backend: 'redis', url, prefix } }));
      two = await startGateway(config({ state: { backend: 'redis', url, prefix } }));
    });
    after(async () => {
      for (const k of [LatencyStats.key('total', 'slow', 's-1'), LatencyStats.key('total', 'fast', 'f-1')]) await one?.gateway.state.delete(k);
      await one?.close();
      await two?.close();
    });

    it('a node that served nothing yet ranks by what the other node measured', async () => {
      const c1 = new OpenAI({ baseURL: one.baseURL, apiKey: 'x', maxRetries: 0 });
      const c2 = new OpenAI({ baseURL: two.baseURL, apiKey: 'x', maxRetries: 0 });
      assert.equal((await ask(c1)).provider, 'slow');
      // Samples are written off the response path: wait for the first before asking again.
      await eventually(async () => (await one.gateway.state.get(LatencyStats.key('total', 'slow', 's-1'))) !== undefined);
      assert.equal((await ask(c1)).provider, 'fast');
      await eventually(async () => (await two.gateway.state.get(LatencyStats.key('total', 'slow', 's-1'))) !== undefined
        && (await two.gateway.state.get(LatencyStats.key('total', 'fast', 'f-1'))) !== undefined);
      // Alone, node two would start with the unmeasured, first-declared 'slow'.
      const key = LatencyStats.key('total', 'fast', 'f-1');
      const n = (await two.gateway.state.get<{ n: number }>(key))!.n;
      assert.equal((await ask(c2)).provider, 'fast');
      // Node two's own sample lands in the shared stats too (and before the keys are deleted).
      await eventually(async () => (await one.gateway.state.get<{ n: number }>(key))?.n === n + 1);
    });
  });
});
