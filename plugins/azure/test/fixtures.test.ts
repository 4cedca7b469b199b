import { fileURLToPath } from 'node:url';
import { goldenCases } from 'aisbf/testing';
import { azureAdapter } from '../src/index.js';
// The golden runner is shared by the provider adapters (see its header).

describe('azure: golden fixtures', () => {
  for (const c of goldenCases({
  adapter: azureAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'azure', baseURL: 'https://acme.openai.azure.com', apiKey: 'k' },
  model: 'gpt-4o',
  framing: 'sse',
})) it(c.name, c.run);
});
