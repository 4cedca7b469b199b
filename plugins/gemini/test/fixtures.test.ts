import { fileURLToPath } from 'node:url';
import { goldenCases } from 'aisbf/testing';
import type { HttpProviderAdapter } from 'aisbf';
import gemini from '../src/index.js';
// One runner for every provider's fixtures; it lives beside the first adapter that used it.

describe('gemini golden fixtures', () => {
  for (const c of goldenCases({
  adapter: gemini().provider as HttpProviderAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'gemini', apiKey: 'test-key' },
  model: 'gemini-test',
})) it(c.name, c.run);
});
