import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Candidate } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import weighted, { SmoothWeighted, weightOf } from '@aisbf/plugin-route-weighted';

function tally(picks: Candidate[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of picks) out[c.provider] = (out[c.provider] ?? 0) + 1;
  return out;
}

describe('route-weighted', () => {
  const a: Candidate = { provider: 'a', model: 'm', weight: 1 };
  const b: Candidate = { provider: 'b', model: 'm', weight: 2 };
  const c: Candidate = { provider: 'c', model: 'm', weight: 7 };

  it('smooth mode: exactly the weights over 10,000 requests, and never a long run of one candidate', async () => {
    const plugin = weighted();
    const ctx = routeContext({}, { model: 'r' });
    const firsts: Candidate[] = [];
    for (let i = 0; i < 10_000; i++) firsts.push((await plugin.route!.select([a, b, c], ctx, undefined))[0]);
    assert.deepEqual(tally(firsts), { a: 1000, b: 2000, c: 7000 });
    let run = 1;
    let longest = 1;
    for (let i = 1; i < firsts.length; i++) {
      run = firsts[i] === firsts[i - 1] ? run + 1 : 1;
      longest = Math.max(longest, run);
    }
    assert.ok(longest <= 3, `c won ${longest} times in a row; smooth round-robin interleaves`);
  });

  it('smooth mode: the first ten picks of 1:2:7 are exact and interleaved', () => {
    const rr = new SmoothWeighted();
    const seq = Array.from({ length: 10 }, () => rr.pick('k', [1, 2, 7]));
    assert.deepEqual(seq, [2, 1, 2, 2, 0, 2, 2, 1, 2, 2]);
  });

  it('random mode with a seed: within 2% of the weights over 10,000 requests, and repeatable', async () => {
    const run = async () => {
      const plugin = weighted({ mode: 'random', seed: 42 });
      const picks: Candidate[] = [];
      for (let i = 0; i < 10_000; i++) picks.push((await plugin.route!.select([a, b, c], routeContext(), undefined))[0]);
      return picks;
    };
    const first = await run();
    const counts = tally(first);
    for (const [p, share] of [['a', 0.1], ['b', 0.2], ['c', 0.7]] as const) {
      assert.ok(Math.abs(counts[p] / 10_000 - share) <= 0.02, `${p}: ${counts[p]}`);
    }
    assert.deepEqual(await run(), first, 'same seed, same picks');
  });

  it('puts the rest after the pick by weight, keeps weight-0 candidates as fallbacks only', async () => {
    const zero: Candidate = { provider: 'z', model: 'm', weight: 0 };
    const plugin = weighted();
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const out = await plugin.route!.select([zero, a, c], routeContext(), undefined);
      seen.add(out[0].provider);
      assert.equal(out.at(-1), zero);
      assert.equal(out.length, 3);
    }
    assert.deepEqual([...seen].sort(), ['a', 'c']);
    assert.equal(weightOf({ provider: 'x', model: 'm' }), 1);
    assert.equal(weightOf({ provider: 'x', model: 'm', weight: -3 }), 0);
  });

  it('per-route options switch the mode', async () => {
    const plugin = weighted();
    const picks: Candidate[] = [];
    for (let i = 0; i < 2000; i++) picks.push((await plugin.route!.select([a, c], routeContext(), { mode: 'random', seed: 3 }))[0]);
    const counts = tally(picks);
    assert.ok(counts.a !== 250 || counts.c !== 1750, 'a random split is not the exact smooth one');
    assert.ok(Math.abs(counts.a / 2000 - 0.125) < 0.03, String(counts.a));
  });

  it('never invents a candidate (property test)', async () => {
    await neverInvents(weighted(), { seed: 5 });
    await neverInvents(weighted({ mode: 'random', seed: 9 }), { seed: 6 });
  });

  describe('end to end', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startGateway({
        providers: { big: { type: 'mock' }, small: { type: 'mock' } },
        models: {
          split: { candidates: [{ provider: 'big', model: 'm-big', weight: 2 }, { provider: 'small', model: 'm-small', weight: 1 }], policies: ['weighted'] },
        },
      });
    });
    after(async () => {
      await gw?.close();
    });

    it('the x-aisbf-provider header follows the weights exactly (30 requests at 2:1)', async () => {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const counts: Record<string, number> = {};
      for (let i = 0; i < 30; i++) {
        const { response } = await client.chat.completions.create({ model: 'split', messages: [{ role: 'user', content: `q${i}` }] }).withResponse();
        const p = response.headers.get('x-aisbf-provider') ?? '?';
        counts[p] = (counts[p] ?? 0) + 1;
      }
      assert.deepEqual(counts, { big: 20, small: 10 });
    });
  });
});
