import cache from '@aisbf/plugin-cache';
import ollama from '@aisbf/plugin-ollama';
import vllm from '@aisbf/plugin-vllm';
import capabilities from '@aisbf/plugin-route-capabilities';
import { definePlugin, definePreset, type ModelRouteConfig, type Plugin, type Preset, type ProviderConfig } from 'aisbf';
import { isLocalURL } from './local-address.js';

export { isLocalURL } from './local-address.js';

export interface LocalOnlyOptions {
  /** Ollama server; default `http://127.0.0.1:11434` (or `OLLAMA_HOST`). `false` leaves Ollama out. */
  ollama?: { baseURL?: string; models?: string[] } | false;
  /** vLLM server (with `/v1`); default `http://127.0.0.1:8000/v1` (or `VLLM_BASE_URL`). `false` leaves vLLM out. */
  vllm?: { baseURL?: string; models?: string[] } | false;
  /** Refuse to start when any provider points outside this machine or a private network; default true. */
  enforce?: boolean;
  env?: NodeJS.ProcessEnv;
}

/**
 * A guard that makes "local only" hold: at start it refuses any provider whose
 * `baseURL` is not on this machine or a private network, so no prompt can leave.
 */
function localOnlyGuard(): Plugin {
  return definePlugin({
    name: 'local-only-guard',
    setup(api) {
      for (const [id, p] of Object.entries(api.config.providers)) {
        if (p.baseURL && !isLocalURL(p.baseURL)) {
          throw new Error(`local-only: provider '${id}' points at ${new URL(p.baseURL).host}, outside this machine and private networks. Remove it, or pass enforce: false to the local-only preset.`);
        }
      }
    },
  });
}

/**
 * Self-hosted models only: Ollama (native API) and vLLM on local addresses, an
 * in-memory response cache, shared state in process memory, and a guard that
 * refuses providers outside the machine or private network. Public models:
 * `default` (Ollama first, then vLLM) and `embed` (Ollama).
 *
 * @example export default defineConfig({ presets: [localOnly({ ollama: { models: ['llama3.1:8b'] }, vllm: false })] });
 */
export default function localOnly(options: LocalOnlyOptions = {}): Preset {
  const env = options.env ?? process.env;
  const providers: Record<string, ProviderConfig> = {};
  const plugins: Plugin[] = [];
  const chat: string[] = [];
  const models: Record<string, ModelRouteConfig> = {};
  if (options.ollama !== false) {
    const o = options.ollama ?? {};
    const list = o.models ?? ['llama3.1'];
    providers.ollama = { type: 'ollama', baseURL: o.baseURL ?? env.OLLAMA_HOST ?? 'http://127.0.0.1:11434', models: [...list, 'nomic-embed-text'] };
    plugins.push(ollama());
    chat.push(`ollama/${list[0]}`);
    models.embed = { candidates: ['ollama/nomic-embed-text'] };
  }
  if (options.vllm !== false) {
    const v = options.vllm ?? {};
    const list = v.models ?? ['default'];
    providers.vllm = { type: 'vllm', baseURL: v.baseURL ?? env.VLLM_BASE_URL ?? 'http://127.0.0.1:8000/v1', models: list };
    plugins.push(vllm());
    chat.push(`vllm/${list[0]}`);
  }
  if (chat.length > 0) models.default = { candidates: chat };
  plugins.push(capabilities(), cache());
  if (options.enforce !== false) plugins.push(localOnlyGuard());
  return definePreset({
    name: 'local-only',
    plugins,
    providers,
    models,
    state: { backend: 'memory' },
    notes: [`local-only: providers ${Object.values(providers).map((p) => p.baseURL).join(', ')}; nothing leaves this machine or network.`],
  });
}
