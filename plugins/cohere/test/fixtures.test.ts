import { fileURLToPath } from 'node:url';
import { goldenCases } from 'aisbf/testing';
import { cohereAdapter } from '../src/index.js';

describe('cohere: golden fixtures', () => {
  for (const c of goldenCases({
  adapter: cohereAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'cohere', baseURL: 'https://api.cohere.com', apiKey: 'k' },
  model: 'command-a',
  framing: 'sse',
})) it(c.name, c.run);
});
