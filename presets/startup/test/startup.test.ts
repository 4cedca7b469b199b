import assert from 'node:assert/strict';
import OpenAI from 'openai';
import startup from '@aisbf/preset-startup';
import { resolveConfig } from 'aisbf';
import { startGateway } from 'aisbf/testing';

describe('startup preset', () => {
  it('serves the offline mock provider when no keys are set', async () => {
    const preset = startup({ env: {} });
    assert.deepEqual(Object.keys(preset.providers!), ['mock']);
    const gw = await startGateway({ presets: [preset] });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const r = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hello' }] });
      assert.equal(r.choices[0].message.content, 'Echo: hello');
      const e = await client.embeddings.create({ model: 'embed', input: 'hello' });
      assert.equal(e.data.length, 1);
    } finally {
      await gw.close();
    }
  });

  it('enables OpenAI when OPENAI_API_KEY is set, reading the key from the environment', async () => {
    const env = { OPENAI_API_KEY: 'sk-test-123' };
    const preset = startup({ env });
    assert.deepEqual(Object.keys(preset.providers!), ['openai']);
    assert.equal(preset.providers!.openai.apiKey, '${OPENAI_API_KEY}', 'the preset holds a reference, not the secret');
    const config = await resolveConfig({ presets: [preset] }, { baseDir: process.cwd(), env });
    assert.equal(config.providers.openai.apiKey, 'sk-test-123');
    assert.deepEqual(config.models.default.candidates, [{ provider: 'openai', model: 'gpt-4o-mini' }]);
    assert.ok(!('mock' in config.providers));
  });
});

describe('startup preset: providers from the environment', () => {
  it('enables each provider whose keys are all set, in a fixed order, with a cache', async () => {
    const env = { ANTHROPIC_API_KEY: 'a', COHERE_API_KEY: 'c', AZURE_OPENAI_API_KEY: 'z' /* endpoint missing: Azure stays off */ };
    const preset = startup({ env });
    assert.deepEqual(Object.keys(preset.providers!), ['anthropic', 'cohere']);
    assert.deepEqual(preset.models!.default.candidates, ['anthropic/claude-haiku-4-5', 'cohere/command-a-03-2025']);
    assert.deepEqual(preset.models!.embed.candidates, ['cohere/embed-v4.0']);
    const names = (preset.plugins as Array<{ name: string }>).map((p) => p.name);
    assert.deepEqual(names, ['anthropic', 'cohere', 'route-capabilities', 'cache', 'failover', 'observe-log', 'observe-prometheus']);
    const config = await resolveConfig({ presets: [preset] }, { baseDir: process.cwd(), env });
    assert.equal(config.providers.anthropic.apiKey, 'a');
  });

  it('leaves the cache and the observers out on request', () => {
    const names = (startup({ env: {}, cache: false, observe: false }).plugins as Array<{ name: string }>).map((p) => p.name);
    assert.deepEqual(names, ['mock', 'route-capabilities', 'failover']);
  });
});
