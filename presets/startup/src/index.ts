import anthropic from '@aisbf/plugin-anthropic';
import azure from '@aisbf/plugin-azure';
import cache from '@aisbf/plugin-cache';
import cohere from '@aisbf/plugin-cohere';
import gemini from '@aisbf/plugin-gemini';
import failover from '@aisbf/plugin-failover';
import mock from '@aisbf/plugin-mock';
import observeLog from '@aisbf/plugin-observe-log';
import observePrometheus from '@aisbf/plugin-observe-prometheus';
import openai from '@aisbf/plugin-openai';
import capabilities from '@aisbf/plugin-route-capabilities';
import { definePreset, type ModelRouteConfig, type Plugin, type Preset, type ProviderConfig } from 'aisbf';

export interface StartupOptions {
  /** Environment to read keys from; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Answer repeated identical requests from memory; default true. */
  cache?: boolean;
  /** One JSON access-log line per request on stdout, and Prometheus metrics at /metrics; default true. */
  observe?: boolean;
}

/** A provider the preset enables when its environment is set, with its default chat and embedding models. */
interface EnvProvider {
  id: string;
  /** Every one of these must be set. */
  env: string[];
  plugin: () => Plugin;
  entry: ProviderConfig;
  chat: string;
  embed?: string;
}

const FROM_ENV: EnvProvider[] = [
  {
    id: 'openai', env: ['OPENAI_API_KEY'], plugin: openai, chat: 'gpt-4o-mini', embed: 'text-embedding-3-small',
    entry: { type: 'openai', apiKey: '${OPENAI_API_KEY}', models: ['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small'] },
  },
  {
    id: 'anthropic', env: ['ANTHROPIC_API_KEY'], plugin: anthropic, chat: 'claude-haiku-4-5',
    entry: { type: 'anthropic', apiKey: '${ANTHROPIC_API_KEY}', models: ['claude-haiku-4-5', 'claude-sonnet-4-5'] },
  },
  {
    id: 'gemini', env: ['GEMINI_API_KEY'], plugin: gemini, chat: 'gemini-2.5-flash', embed: 'gemini-embedding-001',
    entry: { type: 'gemini', apiKey: '${GEMINI_API_KEY}', models: ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-embedding-001'] },
  },
  {
    id: 'cohere', env: ['COHERE_API_KEY'], plugin: cohere, chat: 'command-a-03-2025', embed: 'embed-v4.0',
    entry: { type: 'cohere', apiKey: '${COHERE_API_KEY}', models: ['command-a-03-2025', 'embed-v4.0'] },
  },
  {
    id: 'azure', env: ['AZURE_OPENAI_API_KEY', 'AZURE_OPENAI_ENDPOINT'], plugin: azure, chat: 'gpt-4o-mini',
    entry: {
      type: 'azure', apiKey: '${AZURE_OPENAI_API_KEY}', baseURL: '${AZURE_OPENAI_ENDPOINT}',
      deployment: '${AZURE_OPENAI_DEPLOYMENT:-gpt-4o-mini}', models: ['gpt-4o-mini'],
    },
  },
];

/**
 * The preset for a first deployment. It enables every provider whose key is
 * in the environment (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`, `GEMINI_API_KEY`,
 * `COHERE_API_KEY`, `AZURE_OPENAI_API_KEY` + `AZURE_OPENAI_ENDPOINT`), or —
 * with none — the offline `mock` provider, so the gateway answers out of the
 * box. Public models: `default` (chat, over every enabled provider in that
 * order) and `embed` (embeddings), capability filtering on every route, an
 * in-memory response cache, immediate failover with circuit breakers, access
 * logs and Prometheus metrics.
 *
 * @example export default defineConfig({ presets: [startup()] });
 */
export default function startup(options: StartupOptions = {}): Preset {
  const env = options.env ?? process.env;
  const providers: Record<string, ProviderConfig> = {};
  const plugins: Plugin[] = [];
  const chat: string[] = [];
  const embed: string[] = [];
  for (const p of FROM_ENV) {
    if (!p.env.every((name) => env[name])) continue;
    providers[p.id] = p.entry;
    plugins.push(p.plugin());
    chat.push(`${p.id}/${p.chat}`);
    if (p.embed) embed.push(`${p.id}/${p.embed}`);
  }
  const notes: string[] = [];
  if (chat.length === 0) {
    providers.mock = { type: 'mock', models: ['mock-1'] };
    plugins.push(mock());
    chat.push('mock/mock-1');
    embed.push('mock/mock-embed-1');
    notes.push(
      'No provider keys found: serving the offline mock provider (answers "Echo: <prompt>").',
      'To use real models, export OPENAI_API_KEY (or ANTHROPIC_API_KEY, GEMINI_API_KEY, COHERE_API_KEY), or write an aisbf.config.ts (npx aisbf init).',
    );
  }
  // Never send images to a model without vision, tools to one without tools, or a prompt past its context window.
  plugins.push(capabilities());
  if (options.cache !== false) plugins.push(cache());
  // A failing provider is skipped for the next candidate at once, and its breaker keeps traffic off it while it is down.
  plugins.push(failover({ retries: 0, breaker: { failures: 5, windowMs: 30_000, cooldownMs: 30_000, halfOpenProbes: 1 }, hedge: false }));
  if (options.observe !== false) plugins.push(observeLog({ level: 'info' }), observePrometheus());
  const models: Record<string, ModelRouteConfig> = { default: { candidates: chat } };
  if (embed.length) models.embed = { candidates: embed };
  return definePreset({ name: 'startup', plugins, providers, models, notes });
}
