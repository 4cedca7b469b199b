import { fileURLToPath } from 'node:url';
import { goldenCases } from 'aisbf/testing';
import { ollamaAdapter } from '../src/index.js';
// The golden runner is shared by the provider adapters (see its header).

describe('ollama: golden fixtures', () => {
  for (const c of goldenCases({
  adapter: ollamaAdapter,
  dir: fileURLToPath(new URL('./fixtures', import.meta.url)),
  config: { type: 'ollama', baseURL: 'http://127.0.0.1:11434' },
  model: 'llama3.2',
  framing: 'ndjson',
})) it(c.name, c.run);
});
