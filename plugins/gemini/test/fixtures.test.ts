import { fileURLToPath } from 'node:url';
import type { HttpProviderAdapter } from 'aisbf';
import gemini from '../src/index.js';
// One runner for every provider's fixtures; it lives beside the first adapter that used it.
import { describeGolden } from '../../anthropic/test/golden-runner.js';

describeGolden('gemini golden fixtures', {
  adapter: gemini().provider as HttpProviderAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'gemini', apiKey: 'test-key' },
  model: 'gemini-test',
});
