import mock from '@aisbf/plugin-mock';
import openai from '@aisbf/plugin-openai';
import { definePreset, type ModelRouteConfig, type Preset, type ProviderConfig } from 'aisbf';

export interface StartupOptions {
  /** Environment to read keys from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Providers this preset enables when their key is in the environment, with the model `default` routes to. */
const FROM_ENV: Array<{ env: string; id: string; entry: ProviderConfig; model: string; models: string[] }> = [
  {
    env: 'OPENAI_API_KEY', id: 'openai', model: 'gpt-4o-mini',
    entry: { type: 'openai', apiKey: '${OPENAI_API_KEY}' },
    models: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'],
  },
];

/**
 * The preset for a first deployment: every provider whose API key is in the
 * environment (`OPENAI_API_KEY`, …), or — with none — the offline `mock`
 * provider, so the gateway answers out of the box. Public models: `default`
 * (chat) and, when a provider serves them, `embed` (embeddings).
 *
 * @example export default defineConfig({ presets: [startup()] });
 */
export default function startup(options: StartupOptions = {}): Preset {
  const env = options.env ?? process.env;
  const providers: Record<string, ProviderConfig> = {};
  const chat: string[] = [];
  let embed: ModelRouteConfig | undefined;
  for (const p of FROM_ENV) {
    if (!env[p.env]) continue;
    providers[p.id] = { ...p.entry, models: p.models };
    chat.push(`${p.id}/${p.model}`);
  }
  const notes: string[] = [];
  if (chat.length === 0) {
    providers.mock = { type: 'mock', models: ['mock-1'] };
    chat.push('mock/mock-1');
    embed = { candidates: ['mock/mock-embed-1'] };
    notes.push(
      'No provider keys found: serving the offline mock provider (answers "Echo: <prompt>").',
      'To use real models, export OPENAI_API_KEY, or write an aisbf.config.ts (npx aisbf init) with your providers.',
    );
  } else if (providers.openai) {
    embed = { candidates: ['openai/text-embedding-3-small'] };
  }
  const models: Record<string, ModelRouteConfig> = { default: { candidates: chat } };
  if (embed) models.embed = embed;
  return definePreset({ name: 'startup', plugins: [mock(), openai()], providers, models, notes });
}
