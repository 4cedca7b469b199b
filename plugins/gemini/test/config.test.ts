import assert from 'node:assert/strict';
import { isGatewayError, resolveConfig } from 'aisbf';
import gemini from '../src/index.js';

describe('gemini provider entries', () => {
  const resolve = (entry: Record<string, unknown>) =>
    resolveConfig({ plugins: [gemini()], providers: { g: { type: 'gemini', ...entry } } }, { baseDir: process.cwd(), env: {} });

  it('defaults to the official base URL', async () => {
    const config = await resolve({ apiKey: 'k' });
    assert.equal(config.providers.g.baseURL, 'https://generativelanguage.googleapis.com');
  });

  it('refuses the official API without an apiKey, naming the variable to use', async () => {
    await assert.rejects(resolve({}), /apiKey is required.*GEMINI_API_KEY/);
  });

  it('refuses an unknown schemaMode and unknown keys', async () => {
    await assert.rejects(resolve({ apiKey: 'k', schemaMode: 'yaml' }), /schemaMode/);
    await assert.rejects(resolve({ apiKey: 'k', temprature: 1 }), /temprature/);
  });

  it('throws GatewayErrors (never plain errors) for requests it cannot translate', () => {
    const adapter = gemini().provider as { chat: { request(r: unknown, t: unknown): unknown } };
    const target = { id: 'g', config: { type: 'gemini', baseURL: 'http://x' }, model: 'm' };
    for (const messages of [[], [{ role: 'system', content: 'only system' }], [{ role: 'function', name: 'f', content: 'x' }]]) {
      assert.throws(() => adapter.chat.request({ model: 'm', messages }, target), (e: unknown) => isGatewayError(e) && e.status === 400);
    }
  });
});
