import type { Candidate } from '../context.js';
import type { Plugin, ProviderConfig } from '../plugin.js';

/** A plugin package's default export: options in, plugin out. */
export type PluginFactory = (options: never) => Plugin | Promise<Plugin>;

/**
 * A plugin as config names it:
 * - a name: `'cache'` → `@aisbf/plugin-cache` → `aisbf-plugin-cache`; `'@acme/x'` → `@acme/aisbf-plugin-x`;
 * - a path: `'./plugins/my-auth.ts'` (relative to the config file);
 * - `[name or path, options]`: the factory is called with `options`
 *   after `${VAR}` is read and the options are checked against the plugin's schema;
 *   `[factory, options]` does the same with an imported factory (how presets pass secrets safely);
 * - a plugin object (in a TypeScript or JavaScript config; used as is).
 */
export type PluginEntry = string | [string | PluginFactory, unknown] | Plugin;

/** A routing policy as a route names it: `'cost'`, or `['cost', { minQuality: 0.7 }]`. */
export type PolicyEntry = string | [string, unknown];

/**
 * A public model name and the candidates behind it.
 *
 * @example
 * smart: { candidates: ['claude/claude-sonnet-4-5', { provider: 'gpt', model: 'gpt-4o', weight: 2 }], policies: ['cost', 'latency'] }
 */
export interface ModelRouteConfig {
  /** `"<provider id>/<upstream model>"` strings or candidate objects, in priority order. */
  candidates: Array<string | Candidate>;
  /** Routing policies applied in order, after the `always` ones; default `routing.policies`. */
  policies?: PolicyEntry[];
  /** Route-level settings read by plugins (e.g. `cache: false`). */
  [setting: string]: unknown;
}

/**
 * A preset: plugins (and optional providers/models/state) bundled under one name.
 *
 * @example
 * export default definePreset({ name: 'local-only', plugins: [ollama(), cache()], providers: { local: { type: 'ollama' } } });
 */
export interface Preset {
  name: string;
  plugins?: PluginEntry[];
  providers?: Record<string, ProviderConfig>;
  models?: Record<string, ModelRouteConfig>;
  /** Shared-state defaults (e.g. Redis for a cluster preset); the user's `state` keys win. */
  state?: StateConfig;
  /** Default routing policies; the user's `routing` wins. */
  routing?: { policies?: PolicyEntry[] };
  /** Printed by `aisbf start` (e.g. how to add real providers). */
  notes?: string[];
}

export type PresetEntry = string | [string, unknown] | Preset;

export interface ServerConfig {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default `8787`; `0` picks a free port. */
  port?: number;
  /** Largest request body in bytes; default 20 MiB (room for base64 images). */
  bodyLimit?: number;
  /** Node's keep-alive timeout for client connections; keep it above your load balancer's idle timeout. Default 65000. */
  keepAliveTimeoutMs?: number;
}

export interface StateConfig {
  /** `memory` (default) or the `state.backend` of a plugin, e.g. `redis` (auto-loads `state-redis`). */
  backend?: string;
  url?: string;
  [option: string]: unknown;
}

/**
 * What `aisbf.config.ts` exports.
 *
 * @example
 * export default defineConfig({
 *   presets: [startup()],
 *   providers: { gpt: { type: 'openai', apiKey: '${OPENAI_API_KEY}' } },
 *   models: { fast: { candidates: ['gpt/gpt-4o-mini'] } },
 * });
 */
export interface UserConfig {
  server?: ServerConfig;
  presets?: PresetEntry[];
  plugins?: PluginEntry[];
  providers?: Record<string, ProviderConfig>;
  models?: Record<string, ModelRouteConfig>;
  state?: StateConfig;
  /** Gateway-wide routing: `policies` apply to every route that lists none of its own (and to direct `provider/model` requests). */
  routing?: { policies?: PolicyEntry[] };
}

/** A route after resolution: candidates as objects, policies as plugins with their options. */
export interface ResolvedRoute {
  name: string;
  candidates: Candidate[];
  /** Undefined when the route lists no policies: the `routing.policies` default applies. */
  policies?: Array<{ plugin: Plugin; options: unknown }>;
  settings: Record<string, unknown>;
}

/** The config after presets are flattened, plugins loaded and everything validated. */
export interface ResolvedConfig {
  /** The file it came from; undefined for the embedded default. */
  file?: string;
  server: Required<ServerConfig>;
  /** Every plugin, in stage order. */
  plugins: Plugin[];
  providers: Record<string, ProviderConfig>;
  models: Record<string, ResolvedRoute>;
  state: StateConfig;
  /** Default policies for routes without their own list. */
  routing: { policies: NonNullable<ResolvedRoute['policies']> };
  /** Names of the presets applied, in order. */
  presets: string[];
  notes: string[];
}

/** Types a config file; returns its argument. */
export function defineConfig(config: UserConfig): UserConfig {
  return config;
}

/** Types a preset; returns its argument. */
export function definePreset(preset: Preset): Preset {
  return preset;
}
