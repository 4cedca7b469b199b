import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Candidate, Plugin } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import catalog from '@aisbf/plugin-catalog';
import { configWith, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import cost, { expectedOutputTokens } from '@aisbf/plugin-route-cost';

const providers = {
  gpt: { type: 'openai', apiKey: 'k' },
  claude: { type: 'anthropic', apiKey: 'k' },
  local: { type: 'mock', models: [{ id: 'llama', price: { input: 0, output: 0 }, quality: 0.5 }] },
  odd: { type: 'mock' },
};

async function ready(plugin: Plugin): Promise<Plugin> {
  await plugin.setup!({ config: configWith(providers) } as never);
  return plugin;
}

describe('route-cost', () => {
  const mini: Candidate = { provider: 'gpt', model: 'gpt-4o-mini' };
  const big: Candidate = { provider: 'gpt', model: 'gpt-4o' };
  const sonnet: Candidate = { provider: 'claude', model: 'claude-sonnet-4-5' };
  const llama: Candidate = { provider: 'local', model: 'llama' };
  const unknown: Candidate = { provider: 'odd', model: 'mystery-1' };
  const ask = routeContext({ messages: [{ role: 'user', content: 'Summarise the plot of Hamlet in two sentences.' }] });

  it('ranks cheapest first by list prices, an unknown price last', async () => {
    const p = await ready(cost());
    assert.deepEqual(await p.route!.select([unknown, sonnet, big, mini, llama], ask, undefined), [llama, mini, big, sonnet, unknown]);
  });

  it('keeps only candidates of at least minQuality (unknown quality skipped by default)', async () => {
    const p = await ready(cost());
    const ctx = routeContext({ messages: [{ role: 'user', content: 'hi' }] });
    assert.deepEqual(await p.route!.select([unknown, sonnet, big, mini, llama], ctx, { minQuality: 0.8 }), [big, sonnet]);
    assert.deepEqual(await p.route!.select([unknown, llama, mini], routeContext(), { minQuality: 0.7, unknownQuality: 'allow' }), [mini, unknown]);
  });

  it('skips unknown prices when told to', async () => {
    const p = await ready(cost({ unknownPrice: 'skip' }));
    assert.deepEqual(await p.route!.select([unknown, mini], routeContext(), undefined), [mini]);
  });

  it('an emptied route is a 503 naming cost and why each candidate went', async () => {
    const p = await ready(cost());
    await assert.rejects(
      Promise.resolve().then(() => p.route!.select([mini, llama], routeContext({}, { model: 'smart' }), { minQuality: 0.99 })),
      (err: { status: number; message: string }) => {
        assert.equal(err.status, 503);
        assert.match(err.message, /policy 'cost'.*gpt\/gpt-4o-mini \(quality 0\.72 < 0\.99\).*local\/llama \(quality 0\.5 < 0\.99\)/);
        return true;
      },
    );
  });

  it('weighs output by the request: a long answer favours cheap output, a long prompt cheap input', async () => {
    const p = cost();
    await p.setup!({
      config: configWith({
        x: { type: 'mock', models: [{ id: 'cheap-in', price: { input: 0.1, output: 10 } }, { id: 'cheap-out', price: { input: 5, output: 0.2 } }] },
      }),
    } as never);
    const inModel: Candidate = { provider: 'x', model: 'cheap-in' };
    const outModel: Candidate = { provider: 'x', model: 'cheap-out' };
    const longPrompt = routeContext({ messages: [{ role: 'user', content: 'word '.repeat(5000) }], max_tokens: 10 });
    const longAnswer = routeContext({ messages: [{ role: 'user', content: 'write' }], max_tokens: 4000 }, {});
    assert.deepEqual(await p.route!.select([outModel, inModel], longPrompt, undefined), [inModel, outModel]);
    assert.deepEqual(await p.route!.select([inModel, outModel], longAnswer, { minOutputTokens: 4000 }), [outModel, inModel]);
  });

  it('guesses output from the input, bounded by max_tokens', () => {
    const guess = { outputRatio: 0.5, minOutputTokens: 256 };
    assert.equal(expectedOutputTokens({ maxTokens: undefined } as never, 10_000, guess), 5000);
    assert.equal(expectedOutputTokens({ maxTokens: undefined } as never, 10, guess), 256);
    assert.equal(expectedOutputTokens({ maxTokens: 100 } as never, 10_000, guess), 100);
  });

  it('never invents a candidate (property test)', async () => {
    await neverInvents(await ready(cost()), { seed: 2 });
    await neverInvents(await ready(cost({ minQuality: 0.8, unknownPrice: 'skip' })), { seed: 3 });
  });

  describe('end to end', () => {
    let gw: TestGateway;
    let client: OpenAI;
    before(async () => {
      gw = await startGateway({
        plugins: [catalog({ models: { 'pricey/m-big': { inputPerMTok: 3, outputPerMTok: 15, quality: 0.9 } } })],
        providers: {
          pricey: { type: 'mock' },
          budget: { type: 'mock', models: [{ id: 'm-small', price: { input: 0.1, output: 0.4 }, quality: 0.6 }] },
        },
        models: {
          cheap: { candidates: ['pricey/m-big', 'budget/m-small'], policies: ['cost'] },
          good: { candidates: ['budget/m-small', 'pricey/m-big'], policies: [['cost', { minQuality: 0.8 }]] },
          impossible: { candidates: ['budget/m-small', 'pricey/m-big'], policies: [['cost', { minQuality: 0.95 }]] },
        },
      });
      client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    });
    after(async () => {
      await gw?.close();
    });

    it('routes to the cheapest candidate, or the cheapest good enough one', async () => {
      const one = await client.chat.completions.create({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      assert.equal(one.response.headers.get('x-aisbf-provider'), 'budget');
      const two = await client.chat.completions.create({ model: 'good', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
      assert.equal(two.response.headers.get('x-aisbf-provider'), 'pricey');
      assert.equal(two.response.headers.get('x-aisbf-model'), 'm-big');
    });

    it('explains the estimate when asked', async () => {
      const { response } = await client.chat.completions
        .create({ model: 'cheap', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-aisbf-explain': '1' } })
        .withResponse();
      const notes = JSON.parse(response.headers.get('x-aisbf-explain-notes') ?? '[]') as Array<{ policy: string; note?: string }>;
      assert.match(notes.find((n) => n.policy === 'route-cost')?.note ?? '', /budget\/m-small \$[0-9.e-]+, pricey\/m-big \$/);
    });

    it('answers 503 naming the cost policy when no candidate is good enough', async () => {
      await assert.rejects(
        client.chat.completions.create({ model: 'impossible', messages: [{ role: 'user', content: 'hi' }] }),
        (err: InstanceType<typeof OpenAI.APIError>) => {
          assert.equal(err.status, 503);
          assert.match(err.message, /policy 'cost'.*budget\/m-small \(quality 0\.6 < 0\.95\).*pricey\/m-big \(quality 0\.9 < 0\.95\)/);
          return true;
        },
      );
    });
  });
});
