import { fileURLToPath } from 'node:url';
import type { HttpProviderAdapter } from 'aisbf';
import anthropic from '../src/index.js';
import { describeGolden } from './golden-runner.js';

describeGolden('anthropic golden fixtures', {
  adapter: anthropic().provider as HttpProviderAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'anthropic', apiKey: 'test-key' },
  model: 'claude-test',
});
