import assert from 'node:assert/strict';
import OpenAI from 'openai';
import type { Candidate, ChatRequest, Plugin } from 'aisbf';
import { startFakeOpenAI, startGateway, type TestGateway } from 'aisbf/testing';
import { configWith, neverInvents, routeContext } from '@aisbf/plugin-catalog/testing';
import task, { modelClassifier, rulesClassifier, type TaskClassifier } from '@aisbf/plugin-route-task';

const rules = rulesClassifier();
const classify = (body: Partial<ChatRequest>) => rules.classify(routeContext(body));
const say = (content: string): Partial<ChatRequest> => ({ messages: [{ role: 'user', content }] });

describe('route-task: the rules classifier', () => {
  it('tells simple, complex and code requests apart', () => {
    assert.deepEqual(classify(say('Is this review positive or negative? "Loved it"')), ['simple']);
    assert.deepEqual(classify(say('Translate "good morning" to French')), ['simple']);
    assert.deepEqual(classify(say('Prove step by step that there are infinitely many primes.')), ['complex']);
    assert.deepEqual(classify(say('Compare the trade-offs of these two database designs.')), ['complex']);
    assert.deepEqual(classify(say('Fix this Python traceback: KeyError in line 3')), ['code']);
    assert.deepEqual(classify(say('```\nconst x = 1;\n```\nwhy is this wrong?')), ['code', 'complex']);
  });

  it('reads structure: images, tools, long prompts, long conversations', () => {
    const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AA' } };
    assert.deepEqual(classify({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this?' }, image] }] }), ['vision', 'simple']);
    assert.deepEqual(classify({ ...say('weather in Paris?'), tools: [{ type: 'function', function: { name: 'weather' } }] }), ['tools', 'simple']);
    assert.deepEqual(rulesClassifier({ longContextTokens: 1000 }).classify(routeContext(say('lorem ipsum '.repeat(1000)))), ['long-context', 'complex']);
    assert.deepEqual(classify(say('x'.repeat(2500))), ['complex']);
    const chatty = Array.from({ length: 12 }, (_, i) => ({ role: (i % 2 ? 'assistant' : 'user') as 'user' | 'assistant', content: 'ok' }));
    assert.deepEqual(classify({ messages: chatty }), ['complex']);
  });

  it('is deterministic: the same request, the same classes', () => {
    const req = say('Design a caching strategy for a read-heavy API');
    assert.deepEqual(classify(req), classify(req));
  });
});

describe('route-task: the policy', () => {
  const strong: Candidate = { provider: 'big', model: 'm', tags: ['strong', 'code'] };
  const small: Candidate = { provider: 'small', model: 'm', tags: ['cheap'] };
  const eyes: Candidate = { provider: 'eyes', model: 'm', tags: ['vision'] };
  let plugin: Plugin;
  before(async () => {
    plugin = task();
    await plugin.setup!({ config: configWith({}) } as never);
  });

  it('sends complex and code to strong models and simple to cheap ones, keeping the rest as fallbacks', async () => {
    assert.deepEqual(await plugin.route!.select([small, strong], routeContext(say('Analyze the proof in depth')), undefined), [strong, small]);
    assert.deepEqual(await plugin.route!.select([small, strong], routeContext(say('Write a regex for emails')), undefined), [strong, small]);
    assert.deepEqual(await plugin.route!.select([strong, small], routeContext(say('Yes or no: is water wet?')), undefined), [small, strong]);
  });

  it('the first class some candidate serves decides (vision before simple)', async () => {
    const image = { type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AA' } };
    const ctx = routeContext({ messages: [{ role: 'user', content: [{ type: 'text', text: 'what is it?' }, image] }] });
    assert.deepEqual(await plugin.route!.select([small, strong, eyes], ctx, undefined), [eyes, small, strong]);
  });

  it('require mode removes candidates not tagged for the class; per-route classes replace the defaults', async () => {
    const ctx = routeContext(say('hello there'));
    assert.deepEqual(await plugin.route!.select([strong, small], ctx, { mode: 'require' }), [small]);
    assert.deepEqual(await plugin.route!.select([small, strong], routeContext(say('hello there')), { classes: { simple: ['big/*'] } }), [strong, small]);
  });

  it('a swapped-in classifier decides instead of the rules', async () => {
    const byTeam: TaskClassifier = { name: 'team', classify: (ctx) => [ctx.principal?.team === 'research' ? 'complex' : 'simple'] };
    const custom = task({ classifier: byTeam });
    await custom.setup!({ config: configWith({}) } as never);
    const ctx = routeContext(say('hi'), { principal: { id: 'u', team: 'research' } });
    assert.deepEqual(await custom.route!.select([small, strong], ctx, undefined), [strong, small]);
    assert.deepEqual(ctx.locals['route-task'], ['complex']);
  });

  it('never invents a candidate (property test)', async () => {
    await neverInvents(plugin, { seed: 12 });
    await neverInvents(plugin, { seed: 13, options: { mode: 'require' } });
  });
});

describe('route-task: the model classifier', () => {
  let label = 'code';
  let failing = false;
  let upstream: Awaited<ReturnType<typeof startFakeOpenAI>>;
  before(async () => {
    upstream = await startFakeOpenAI({
      reply: () => label,
      fail: () => (failing ? { status: 500, body: { error: { message: 'down', type: 'server_error' } } } : undefined),
    });
  });
  after(async () => {
    await upstream?.close();
  });

  it('asks the configured model and keeps the structural classes from the rules', async () => {
    const c = modelClassifier({ baseURL: upstream.baseURL, model: 'tiny', apiKey: 'k' }, rulesClassifier());
    label = 'Complex.';
    assert.deepEqual(await c.classify(routeContext(say('hello'))), ['complex']);
    const sent = upstream.requests.at(-1)!;
    assert.equal((sent.body as { model: string }).model, 'tiny');
    assert.equal(sent.headers.authorization, 'Bearer k');
    assert.match(JSON.stringify(sent.body), /hello/);
    label = 'code';
    const withTools = routeContext({ ...say('weather?'), tools: [{ type: 'function', function: { name: 'w' } }] });
    assert.deepEqual(await c.classify(withTools), ['tools', 'code']);
  });

  it('falls back to the rules when the model fails or answers something else', async () => {
    const c = modelClassifier({ baseURL: upstream.baseURL, model: 'tiny' }, rulesClassifier());
    failing = true;
    assert.deepEqual(await c.classify(routeContext(say('Prove it step by step'))), ['complex']);
    failing = false;
    label = 'banana';
    assert.deepEqual(await c.classify(routeContext(say('hi'))), ['simple']);
  });

  describe('end to end through a gateway', () => {
    let gw: TestGateway;
    before(async () => {
      gw = await startGateway({
        plugins: [task({ model: { baseURL: upstream.baseURL, model: 'tiny' } })],
        providers: { strong: { type: 'mock' }, cheap: { type: 'mock' } },
        models: {
          auto: {
            candidates: [{ provider: 'cheap', model: 'small', tags: ['cheap'] }, { provider: 'strong', model: 'big', tags: ['strong', 'code'] }],
            policies: ['task'],
          },
        },
      });
    });
    after(async () => {
      await gw?.close();
    });

    it('the classifier model’s answer picks the provider', async () => {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      for (const [answer, provider] of [['code', 'strong'], ['simple', 'cheap']]) {
        label = answer;
        const { response } = await client.chat.completions
          .create({ model: 'auto', messages: [{ role: 'user', content: 'something' }] }, { headers: { 'x-aisbf-explain': '1' } })
          .withResponse();
        assert.equal(response.headers.get('x-aisbf-provider'), provider, `classifier said ${answer}`);
        assert.match(response.headers.get('x-aisbf-explain-notes') ?? '', new RegExp(`model:tiny: ${answer}`));
      }
    });
  });
});
