import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { definePlugin, type Candidate, type Plugin } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { configWith, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import tier, { type TierOptions } from '@aisbf/plugin-route-tier';

const tiers: TierOptions = {
  tiers: {
    premium: { prefer: ['strong', 'local/*'] },
    free: { allow: ['cheap', 'local/*'], prefer: ['local/*'] },
  },
  default: 'free',
};

describe('route-tier', () => {
  let plugin: Plugin;
  const strong: Candidate = { provider: 'claude', model: 'claude-sonnet-4-5', tags: ['strong'] };
  const mini: Candidate = { provider: 'gpt', model: 'gpt-4o-mini' };
  const local: Candidate = { provider: 'local', model: 'llama' };
  before(async () => {
    plugin = tier(tiers);
    await plugin.setup!({ config: configWith({ gpt: { type: 'openai', models: [{ id: 'gpt-4o-mini', tags: ['cheap'] }] }, claude: { type: 'anthropic' }, local: { type: 'mock' } }) } as never);
  });
  const as = (t: string | undefined) => routeContext({}, { principal: t === undefined ? undefined : { id: 'u', tier: t } });

  it('premium users prefer strong models, then local, keeping the rest', async () => {
    assert.deepEqual(await plugin.route!.select([mini, local, strong], as('premium'), undefined), [strong, local, mini]);
  });

  it('free users only get cheap or local models, local first (tags from the catalogue count)', async () => {
    assert.deepEqual(await plugin.route!.select([strong, mini, local], as('free'), undefined), [local, mini]);
  });

  it('a caller without a tier, or with an unknown one, gets the default tier', async () => {
    assert.deepEqual(await plugin.route!.select([strong, mini], as(undefined), undefined), [mini]);
    assert.deepEqual(await plugin.route!.select([strong, mini], as('gold'), undefined), [mini]);
  });

  it('without rules for the tier (and no default rules) the candidates pass unchanged', async () => {
    const open = tier({ tiers: { premium: { prefer: ['strong'] } } });
    await open.setup!({ config: configWith({}) } as never);
    assert.deepEqual(await open.route!.select([mini, strong], as('free'), undefined), [mini, strong]);
  });

  it('per-route tiers replace the plugin-wide ones', async () => {
    const out = await plugin.route!.select([mini, strong], as('free'), { tiers: { free: { allow: ['claude/*'] } } });
    assert.deepEqual(out, [strong]);
  });

  it('a tier left with nothing is a 503 naming the tier policy', async () => {
    await assert.rejects(
      Promise.resolve().then(() => plugin.route!.select([strong], as('free'), undefined)),
      /policy 'tier'.*claude\/claude-sonnet-4-5 \(not allowed for tier free\)/,
    );
  });

  it('never invents a candidate (property test)', async () => {
    await neverInvents(plugin, { seed: 8, tiers: ['free', 'premium', 'gold'] });
  });

  describe('end to end, with the tier from a test auth plugin', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startGateway({
        plugins: [definePlugin({ name: 'test-auth', auth: (ctx) => ({ id: 'u', tier: String(ctx.headers['x-tier'] ?? 'free') }) })],
        providers: { premium: { type: 'mock' }, budget: { type: 'mock' } },
        models: {
          chat: {
            candidates: [{ provider: 'premium', model: 'big', tags: ['strong'] }, { provider: 'budget', model: 'small', tags: ['cheap'] }],
            policies: [['tier', { tiers: { premium: { prefer: ['strong'] }, free: { allow: ['cheap'] } }, default: 'free' }]],
          },
        },
      });
    });
    after(async () => {
      await gw?.close();
    });

    it('premium users reach the strong model, free users the cheap one', async () => {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      for (const [t, provider] of [['premium', 'premium'], ['free', 'budget']]) {
        const { response } = await client.chat.completions
          .create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-tier': t } })
          .withResponse();
        assert.equal(response.headers.get('x-aisbf-provider'), provider, `tier ${t}`);
      }
    });
  });
});
