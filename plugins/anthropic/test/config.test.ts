import assert from 'node:assert/strict';
import { isGatewayError, resolveConfig } from 'aisbf';
import anthropic from '../src/index.js';

describe('anthropic provider entries', () => {
  const resolve = (entry: Record<string, unknown>) =>
    resolveConfig({ plugins: [anthropic()], providers: { a: { type: 'anthropic', ...entry } } }, { baseDir: process.cwd(), env: {} });

  it('defaults to the official base URL, without a version (the SDK convention)', async () => {
    const config = await resolve({ apiKey: 'k' });
    assert.equal(config.providers.a.baseURL, 'https://api.anthropic.com');
  });

  it('refuses the official API without an apiKey, naming the variable to use', async () => {
    await assert.rejects(resolve({}), /apiKey is required.*ANTHROPIC_API_KEY/);
  });

  it('refuses a non-integer defaultMaxTokens and unknown keys', async () => {
    await assert.rejects(resolve({ apiKey: 'k', defaultMaxTokens: 'lots' }), /defaultMaxTokens/);
    await assert.rejects(resolve({ apiKey: 'k', maxTokenz: 5 }), /maxTokenz/);
  });

  it('accepts a base URL that already ends in /v1', () => {
    const adapter = anthropic().provider as { chat: { request(r: unknown, t: unknown): { path: string } } };
    const up = adapter.chat.request({ model: 'm', messages: [{ role: 'user', content: 'x' }] }, { id: 'a', config: { type: 'anthropic', baseURL: 'https://proxy.example/v1' }, model: 'm' });
    assert.equal(up.path, '/messages');
  });

  it('throws GatewayErrors (never plain errors) for requests it cannot translate', () => {
    const adapter = anthropic().provider as { chat: { request(r: unknown, t: unknown): unknown } };
    const target = { id: 'a', config: { type: 'anthropic', baseURL: 'http://x' }, model: 'm' };
    const bad = [
      { messages: [] },
      { messages: [{ role: 'system', content: 'only system' }] },
      { messages: [{ role: 'tool', content: 'no id' }] },
      { messages: [{ role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }] }] },
      { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] }] },
      { messages: [{ role: 'user', content: 'x' }], response_format: { type: 'json_object' }, tools: [{ type: 'function', function: { name: 'f' } }] },
      { messages: [{ role: 'user', content: 'x' }], tool_choice: 'sometimes', tools: [{ type: 'function', function: { name: 'f' } }] },
    ];
    for (const req of bad) {
      assert.throws(() => adapter.chat.request({ model: 'm', ...req }, target), (e: unknown) => isGatewayError(e) && e.status === 400, JSON.stringify(req));
    }
  });
});
