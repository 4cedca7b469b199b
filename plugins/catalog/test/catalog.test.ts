import assert from 'node:assert/strict';
import { resolveConfig } from 'aisbf';
import catalog, { Catalog, catalogFor, estimateInputTokens, loadTokenizer } from '@aisbf/plugin-catalog';

describe('catalog', () => {
  const providers = { gpt: { type: 'openai', apiKey: 'k' }, local: { type: 'mock' } };

  it('reads list prices and context windows from the bundled price catalogue', () => {
    const c = new Catalog(providers);
    const f = c.facts('gpt', 'gpt-4o-mini');
    assert.equal(f.inputPerMTok, 0.15);
    assert.equal(f.outputPerMTok, 0.6);
    assert.equal(f.contextWindow, 128000);
    const cost = c.cost('gpt', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 });
    assert.ok(cost !== null && Math.abs(cost - 0.00021) < 1e-12, String(cost));
  });

  it('prices cached input tokens at the cached rate', () => {
    const c = new Catalog(providers);
    const f = c.facts('gpt', 'gpt-4o-mini');
    assert.ok(f.cachedInputPerMTok !== null && f.cachedInputPerMTok < f.inputPerMTok!);
    const full = c.cost('gpt', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000 })!;
    const cached = c.cost('gpt', 'gpt-4o-mini', { prompt_tokens: 1000, completion_tokens: 0, total_tokens: 1000, prompt_tokens_details: { cached_tokens: 1000 } })!;
    assert.ok(cached < full);
  });

  it('reports an unknown price as null, never 0', () => {
    const c = new Catalog(providers);
    assert.equal(c.facts('local', 'mock-1').inputPerMTok, null);
    assert.equal(c.cost('local', 'mock-1', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 }), null);
    assert.equal(c.facts('gpt', 'no-such-model-xyz').inputPerMTok, null);
  });

  it('applies config overrides by provider/model and by model', async () => {
    const config = await resolveConfig({
      plugins: [catalog({ models: { 'local/mock-1': { inputPerMTok: 0, outputPerMTok: 0, quality: 0.4, tags: ['cheap'] }, 'gpt-4o': { quality: 0.9 } } })],
      providers: { ...providers, local: { type: 'mock' } },
    }, { baseDir: process.cwd() });
    const c = catalogFor(config);
    assert.equal(catalogFor(config), c, 'built once per config');
    assert.equal(c.cost('local', 'mock-1', { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 }), 0);
    assert.deepEqual(c.facts('local', 'mock-1').tags, ['cheap']);
    assert.equal(c.facts('gpt', 'gpt-4o').quality, 0.9);
    assert.equal(c.facts('gpt', 'gpt-4o').inputPerMTok, 2.5, 'list price kept where not overridden');
  });

  it('rejects a malformed override at load, naming the key', async () => {
    await assert.rejects(
      resolveConfig({ plugins: [['catalog', { models: { x: { inputPerMTok: 'cheap' } } }]] }, { baseDir: process.cwd() }),
      /plugins\[0\]\[1\]\.models\.x\.inputPerMTok.*plugin 'catalog'/,
    );
  });

  it('counts input tokens with a tokenizer, once loaded', async () => {
    await loadTokenizer();
    // "hello world" is two tokens in o200k; the 4-characters estimate would say 3.
    assert.equal(estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'hello world' }] }), 3 + 4 + 2);
    const one = estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'hello world' }] });
    const two = estimateInputTokens({ model: 'm', messages: [{ role: 'user', content: 'hello world '.repeat(100) }] });
    assert.ok(one > 2 && one < 12, String(one));
    assert.ok(two > one * 20, `${two} vs ${one}`);
    assert.equal(estimateInputTokens({ model: 'e', input: [1, 2, 3] }), 3);
  });
});
