import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { loadConfigFile } from 'aisbf';
import { startGateway, type TestGateway } from 'aisbf/testing';

describe('example: quickstart', () => {
  let gw: TestGateway;
  before(async () => {
    const dir = fileURLToPath(new URL('..', import.meta.url));
    const loaded = await loadConfigFile({ cwd: dir });
    assert.ok(loaded?.file?.endsWith('aisbf.config.ts'), 'the example config file is found');
    gw = await startGateway(loaded!.config, { baseDir: dir });
  });
  after(() => gw?.close());

  it('answers on the public model it declares', async () => {
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    const { data, response } = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
    assert.equal(data.choices[0].message.content, 'Echo: hi');
    assert.equal(response.headers.get('x-aisbf-provider'), 'slow');
    assert.equal(response.headers.get('x-aisbf-model'), 'mock-slow');
  });

  it('lists the preset default model beside its own', async () => {
    const res = await fetch(`${gw.url}/v1/models`);
    const ids = ((await res.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id);
    assert.ok(ids.includes('chat') && ids.includes('default') && ids.includes('slow/mock-slow'), ids.join(','));
  });
});
