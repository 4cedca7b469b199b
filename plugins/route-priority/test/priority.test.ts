import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Candidate } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { configWith, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import priority, { declaredOrder } from '@aisbf/plugin-route-priority';

describe('route-priority', () => {
  const a: Candidate = { provider: 'a', model: 'm' };
  const b: Candidate = { provider: 'b', model: 'm' };
  const c: Candidate = { provider: 'c', model: 'm' };

  it('restores the route’s declared order, whatever order it is given', async () => {
    const plugin = priority();
    await plugin.setup!({ config: configWith({}, [], { r: { name: 'r', candidates: [a, b, c], settings: {} } }) } as never);
    const out = await plugin.route!.select([c, a, b], routeContext({}, { model: 'r' }), undefined);
    assert.deepEqual(out, [a, b, c]);
  });

  it('keeps candidates it does not know in their relative order, after the known ones', () => {
    const x: Candidate = { provider: 'x', model: 'm' };
    const y: Candidate = { provider: 'y', model: 'm' };
    assert.deepEqual(declaredOrder([y, b, x, a], [a, b]), [a, b, y, x]);
    assert.deepEqual(declaredOrder([b, a], undefined), [b, a]);
  });

  it('never invents a candidate (property test)', async () => {
    const plugin = priority();
    await plugin.setup!({ config: configWith({}) } as never);
    await neverInvents(plugin, { seed: 11 });
  });

  describe('end to end', () => {
    let gw: TestGateway;
    let client: OpenAI;
    before(async () => {
      gw = await startGateway({
        providers: { first: { type: 'mock' }, second: { type: 'mock' } },
        models: {
          plain: { candidates: ['first/m1', 'second/m2'] },
          ordered: { candidates: ['second/m2', 'first/m1'], policies: ['priority'] },
        },
      });
      client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    });
    after(async () => {
      await gw?.close();
    });

    it('answers from the first declared candidate, with or without the policy named', async () => {
      for (const [model, provider, upstream] of [['plain', 'first', 'm1'], ['ordered', 'second', 'm2']]) {
        const { response } = await client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        assert.equal(response.headers.get('x-aisbf-provider'), provider);
        assert.equal(response.headers.get('x-aisbf-model'), upstream);
      }
    });

    it('explains the step when asked', async () => {
      const { response } = await client.chat.completions
        .create({ model: 'ordered', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-aisbf-explain': '1' } })
        .withResponse();
      const steps = JSON.parse(response.headers.get('x-aisbf-explain') ?? '[]') as Array<{ policy: string; out: string[] }>;
      assert.deepEqual(steps.find((s) => s.policy === 'route-priority')?.out, ['second/m2', 'first/m1']);
    });
  });
});

