import assert from 'node:assert/strict';
import { startGateway } from 'aisbf/testing';
import { chatResponse, OllamaStream, ollamaModels, type OllamaOptions } from '../src/index.js';

const target = { id: 'local', model: 'llama3.2', config: { type: 'ollama', baseURL: 'http://127.0.0.1:11434' } as OllamaOptions };

describe('ollama: model listing', () => {
  it('asks /api/tags, without auth for a local server', () => {
    assert.deepEqual(ollamaModels.request(target), { method: 'GET', path: '/api/tags', headers: {} });
  });

  it('maps every pulled model, created = when it was pulled', () => {
    const body = { models: [
      { name: 'llama3.2:latest', model: 'llama3.2:latest', modified_at: '2026-01-05T10:00:00Z', size: 2019393189 },
      { name: 'nomic-embed-text:latest', model: 'nomic-embed-text:latest', modified_at: 'not a date' },
    ] };
    const models = ollamaModels.response(body, target);
    assert.deepEqual(models[0], { id: 'llama3.2:latest', object: 'model', created: 1767607200, owned_by: 'ollama' });
    assert.equal(models[1].id, 'nomic-embed-text:latest');
    assert.ok(Number.isInteger(models[1].created) && models[1].created > 1767607200);
  });
});

describe('ollama: created timestamps', () => {
  // The golden fixtures compare `created` as 0, so where it comes from is checked here.
  it('takes created from created_at, in seconds, for answers and every chunk', () => {
    const line = { model: 'llama3.2', created_at: '2026-01-05T10:00:00Z', message: { role: 'assistant', content: 'hi' }, done: true, done_reason: 'stop' };
    assert.equal(chatResponse(line, target).created, 1767607200);
    const chunks = new OllamaStream(target).event({ data: line }) ?? [];
    assert.equal(chunks.length, 4);
    assert.deepEqual(new Set(chunks.map((c) => c.created)), new Set([1767607200]));
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1);
  });
});

describe('ollama: provider entry checks at load', () => {
  it('defaults baseURL to the local server', async () => {
    const gw = await startGateway({ providers: { local: { type: 'ollama' } } });
    try {
      assert.equal(gw.gateway.config.providers.local.baseURL, 'http://127.0.0.1:11434');
    } finally {
      await gw.close();
    }
  });

  it('refuses a bad numCtx, naming the key', async () => {
    await assert.rejects(startGateway({ providers: { local: { type: 'ollama', numCtx: 0 } } }), /providers\.local\.numCtx/);
  });
});
