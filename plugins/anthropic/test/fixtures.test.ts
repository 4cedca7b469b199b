import { fileURLToPath } from 'node:url';
import { goldenCases } from 'aisbf/testing';
import type { HttpProviderAdapter } from 'aisbf';
import anthropic from '../src/index.js';

describe('anthropic golden fixtures', () => {
  for (const c of goldenCases({
  adapter: anthropic().provider as HttpProviderAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'anthropic', apiKey: 'test-key' },
  model: 'claude-test',
})) it(c.name, c.run);
});
