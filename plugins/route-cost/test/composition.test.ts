import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { definePlugin } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import capabilities from '@aisbf/plugin-route-capabilities';

/** Policies combined per route, a gateway-wide default list, and the explain trace, through a real gateway. */
describe('route-cost: composed with other policies', () => {
  let gw: TestGateway;
  let client: OpenAI;
  const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA' } };

  before(async () => {
    gw = await startGateway({
      plugins: [
        definePlugin({ name: 'test-auth', auth: (ctx) => ({ id: 'u', tier: String(ctx.headers['x-tier'] ?? 'free') }) }),
        capabilities(),
      ],
      providers: {
        premium: { type: 'mock', models: [{ id: 'big', price: { input: 3, output: 15 }, quality: 0.9, capabilities: ['tools', 'json', 'vision'], tags: ['strong'] }] },
        budget: { type: 'mock', models: [{ id: 'small', price: { input: 0.15, output: 0.6 }, quality: 0.7, capabilities: ['tools', 'json'], tags: ['cheap'] }] },
        local: { type: 'mock', models: [{ id: 'tiny', price: { input: 0, output: 0 }, quality: 0.4, tags: ['cheap'] }] },
      },
      routing: { policies: ['cost'] },
      models: {
        plain: { candidates: ['premium/big', 'budget/small', 'local/tiny'] },
        smart: {
          candidates: ['premium/big', 'budget/small', 'local/tiny'],
          policies: [['tier', { tiers: { premium: { allow: ['strong'] }, free: { allow: ['cheap'] } }, default: 'free' }], ['cost', { minQuality: 0.5 }]],
        },
      },
    });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
  });

  const ask = async (model: string, tier: string, content: OpenAI.ChatCompletionUserMessageParam['content'] = 'hi') => {
    const { response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content }] }, { headers: { 'x-tier': tier, 'x-aisbf-explain': '1' } })
      .withResponse();
    return { provider: response.headers.get('x-aisbf-provider'), explain: JSON.parse(response.headers.get('x-aisbf-explain') ?? '[]') as Array<{ policy: string; in: string[]; out: string[] }> };
  };

  it('a route without policies uses the gateway-wide default (cost: the free local model)', async () => {
    assert.equal((await ask('plain', 'free')).provider, 'local');
  });

  it('tier then cost: free users get the cheapest good-enough cheap model, premium users the strong one', async () => {
    const free = await ask('smart', 'free');
    assert.equal(free.provider, 'budget');
    assert.deepEqual(free.explain.map((s) => [s.policy, s.out]), [
      ['route-capabilities', ['premium/big', 'budget/small', 'local/tiny']],
      ['route-tier', ['budget/small', 'local/tiny']],
      ['route-cost', ['budget/small']],
    ]);
    assert.equal((await ask('smart', 'premium')).provider, 'premium');
  });

  it('an image from a free user: 503 naming cost, and that capabilities and tier removed the others', async () => {
    await assert.rejects(
      ask('smart', 'free', [{ type: 'text', text: 'what is this?' }, image]),
      (err: InstanceType<typeof OpenAI.APIError>) => {
        assert.equal(err.status, 503);
        assert.match(err.message, /policy 'cost'.*local\/tiny \(quality 0\.4 < 0\.5\)/);
        assert.match(err.message, /'capabilities' removed budget\/small \(no vision\)/);
        assert.match(err.message, /'tier' removed premium\/big \(not allowed for tier free\)/);
        return true;
      },
    );
  });
});
