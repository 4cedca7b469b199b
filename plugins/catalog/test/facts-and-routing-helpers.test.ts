import assert from 'node:assert/strict';
import { resolveConfig, type Candidate } from 'aisbf';
import {
  Catalog, candidateTags, catalogFor, defaultQuality, matchesSelector, requestFacts, routeTrace, settle,
} from '@aisbf/plugin-catalog';
import { routeContext } from '@aisbf/plugin-catalog/testing';

describe('catalog: provider model entries, quality, capabilities', () => {
  it('reads facts from providers.<id>.models entries, over the list price', async () => {
    const config = await resolveConfig({
      providers: {
        gpt: {
          type: 'openai', apiKey: 'k',
          models: ['gpt-4o', { id: 'gpt-4o-mini', price: { input: 0.1 }, quality: 0.6, maxOutput: 16384, capabilities: ['tools', 'json'], tags: ['cheap'] }],
        },
      },
    }, { baseDir: process.cwd() });
    const c = catalogFor(config);
    const f = c.facts('gpt', 'gpt-4o-mini');
    assert.equal(f.inputPerMTok, 0.1, 'config price wins');
    assert.equal(f.outputPerMTok, 0.6, 'list price kept where config is silent');
    assert.equal(f.quality, 0.6);
    assert.equal(f.maxOutput, 16384);
    assert.deepEqual(f.tags, ['cheap']);
    assert.deepEqual(f.declaredCapabilities, { tools: true, vision: false, json: true, embeddings: false });
    assert.equal(f.capabilities.vision, false, 'a listed capability set is complete');
    assert.deepEqual(c.facts('gpt', 'gpt-4o').declaredCapabilities, {}, 'a plain string entry declares nothing');
  });

  it('a catalog override keyed provider/model wins over the provider entry', () => {
    const c = new Catalog(
      { p: { type: 'mock', models: [{ id: 'm', quality: 0.3, capabilities: ['tools'] }] } },
      { 'p/m': { quality: 0.9, capabilities: { vision: true } } },
    );
    assert.equal(c.facts('p', 'm').quality, 0.9);
    assert.deepEqual(c.facts('p', 'm').declaredCapabilities, { tools: true, vision: true, json: false, embeddings: false });
  });

  it('has rough default quality scores for known families and null for the rest', () => {
    assert.ok((defaultQuality('claude-sonnet-4-5') ?? 0) > (defaultQuality('gpt-4o-mini') ?? 1));
    assert.equal(defaultQuality('my-finetune-7b'), null);
    assert.equal(new Catalog({ l: { type: 'mock' } }).facts('l', 'my-finetune-7b').quality, null);
  });
});

describe('catalog: request facts', () => {
  it('spots images, tools, JSON mode and the output cap', () => {
    const f = requestFacts(routeContext({
      messages: [{ role: 'user', content: [{ type: 'text', text: 'what is this' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }],
      tools: [{ type: 'function', function: { name: 'f' } }],
      response_format: { type: 'json_object' },
      max_completion_tokens: 50,
      max_tokens: 99,
    }));
    assert.deepEqual([f.images, f.tools, f.json, f.embeddings, f.maxTokens], [true, true, true, false, 50]);
    const plain = requestFacts(routeContext({ messages: [{ role: 'user', content: 'hi' }] }));
    assert.deepEqual([plain.images, plain.tools, plain.json, plain.maxTokens], [false, false, false, undefined]);
  });

  it('its byte bound is never below the tokenizer count, and the count is computed once', () => {
    for (const text of ['hello', 'naïve café', '日本語のテキストです', '🙂🙃'.repeat(50), 'x'.repeat(40_000)]) {
      const ctx = routeContext({ messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: text }] });
      const f = requestFacts(ctx);
      assert.ok(f.inputTokensAtMost >= f.inputTokens(), `${text.slice(0, 10)}: ${f.inputTokensAtMost} < ${f.inputTokens()}`);
      assert.equal(requestFacts(ctx), f, 'kept per request');
    }
  });
});

describe('catalog: selectors and the route trace', () => {
  const cheap: Candidate = { provider: 'local', model: 'llama', tags: ['fast'] };
  const strong: Candidate = { provider: 'gpt', model: 'gpt-4o' };

  it('matches tags, provider models and whole providers', () => {
    const c = new Catalog({ local: { type: 'mock', models: [{ id: 'llama', tags: ['cheap'] }] } });
    assert.deepEqual(candidateTags(c, cheap), ['fast', 'cheap']);
    assert.ok(matchesSelector('cheap', cheap, candidateTags(c, cheap)));
    assert.ok(matchesSelector('local/*', cheap, []));
    assert.ok(matchesSelector('gpt/gpt-4o', strong, []));
    assert.ok(!matchesSelector('gpt/gpt-4o-mini', strong, []));
    assert.ok(!matchesSelector('cheap', strong, candidateTags(c, strong)));
  });

  it('records each decision, and sends reasons only when asked to explain', () => {
    const quiet = routeContext();
    settle('cost', quiet, [cheap, strong], { ranked: [strong], reasons: new Map([[cheap, 'price unknown']]) });
    settle('priority', quiet, [cheap, strong], { ranked: [strong, cheap] });
    assert.deepEqual(routeTrace(quiet), [{ policy: 'cost', in: [], out: [], removed: { 'local/llama': 'price unknown' } }], 'only removals are kept');
    assert.deepEqual(quiet.sentHeaders, {});
    const asked = routeContext({}, { headers: { 'x-aisbf-explain': '1' } });
    settle('task', asked, [cheap, strong], { ranked: [strong, cheap], note: 'rules: complex' });
    assert.deepEqual(JSON.parse(asked.sentHeaders['x-aisbf-explain-notes']), [{ policy: 'route-task', removed: {}, note: 'rules: complex' }]);
    assert.deepEqual(routeTrace(asked)[0].out, ['gpt/gpt-4o', 'local/llama']);
  });

  it('an emptied list is a 503 naming the policy, its reasons and what earlier policies removed', () => {
    const ctx = routeContext({}, { model: 'smart' });
    settle('capabilities', ctx, [cheap, strong], { ranked: [strong], reasons: new Map([[cheap, 'no vision']]) });
    assert.throws(
      () => settle('cost', ctx, [strong], { ranked: [], reasons: new Map([[strong, 'quality 0.85 < 0.9']]) }),
      (err: { status: number; message: string; plugin: string }) => {
        assert.equal(err.status, 503);
        assert.equal(err.plugin, 'route-cost');
        assert.match(err.message, /'smart'.*policy 'cost'.*gpt\/gpt-4o \(quality 0\.85 < 0\.9\).*'capabilities' removed local\/llama \(no vision\)/);
        return true;
      },
    );
  });
});
