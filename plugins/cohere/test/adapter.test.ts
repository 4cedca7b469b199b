import assert from 'node:assert/strict';
import { startGateway } from 'aisbf/testing';
import { cohereModels } from '../src/index.js';
import type { CohereOptions } from '../src/index.js';

const target = { id: 'co', model: 'command-a', config: { type: 'cohere', baseURL: 'https://api.cohere.com', apiKey: 'k' } as CohereOptions };

describe('cohere: model listing', () => {
  it('asks /v1/models with the key', () => {
    assert.deepEqual(cohereModels.request(target), { method: 'GET', path: '/v1/models?page_size=1000', headers: { authorization: 'Bearer k' } });
  });

  it('keeps chat and embed models that are not deprecated', () => {
    const body = { models: [
      { name: 'command-a-03-2025', endpoints: ['generate', 'chat', 'summarize'] },
      { name: 'embed-v4.0', endpoints: ['embed'] },
      { name: 'rerank-v3.5', endpoints: ['rerank'] },
      { name: 'command-r', endpoints: ['chat'], is_deprecated: true },
    ] };
    assert.deepEqual(cohereModels.response(body, target).map((m) => [m.id, m.owned_by]), [['command-a-03-2025', 'cohere'], ['embed-v4.0', 'cohere']]);
  });

  it('rejects a body without models as a protocol error', () => {
    assert.throws(() => cohereModels.response({ message: 'nope' }, target), (e: { status?: number; code?: string }) => e.status === 502 && e.code === 'bad_upstream_response');
  });
});

describe('cohere: provider entry checks at load', () => {
  it('needs an apiKey for api.cohere.com and says how to give it', async () => {
    await assert.rejects(startGateway({ providers: { co: { type: 'cohere' } } }), /apiKey is required for api\.cohere\.com/);
  });

  it('refuses an unknown inputType, naming the key', async () => {
    await assert.rejects(startGateway({ providers: { co: { type: 'cohere', apiKey: 'k', inputType: 'documents' } } }), /providers\.co\.inputType/);
  });
});
