import { defineConfig } from 'aisbf';
import startup from '@aisbf/preset-startup';

// Run from this folder: npx aisbf start   (then: npx aisbf check   to see the pipeline)
export default defineConfig({
  server: { host: '127.0.0.1', port: 8787 },
  // Providers whose keys are in the environment (OPENAI_API_KEY, …), or the offline mock.
  presets: [startup()],
  providers: {
    // A second, deliberately slow mock: watch `x-aisbf-provider` to see which one answered.
    slow: { type: 'mock', latencyMs: 200, models: ['mock-slow'] },
    // Uncomment to add OpenAI explicitly (the key is read from the environment, never written here):
    // gpt: { type: 'openai', apiKey: '${OPENAI_API_KEY}', models: ['gpt-4o-mini'] },
  },
  models: {
    // A public name clients send as "model", over candidates in priority order.
    chat: { candidates: ['slow/mock-slow'] },
  },
});
