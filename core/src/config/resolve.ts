import type { Candidate } from '../context.js';
import { ConfigError } from '../errors.js';
import type { Plugin, ProviderConfig } from '../plugin.js';
import { loadModule } from '../plugins/load-module.js';
import { orderPlugins } from '../plugins/order.js';
import { isPath } from '../plugins/plugin-names.js';
import { interpolate, isPlainObject } from './interpolate.js';
import { configSchema, providerCommonSchema, validateConfig } from './schema.js';
import type {
  ModelRouteConfig, PluginEntry, PolicyEntry, Preset, PresetEntry, ResolvedConfig, ResolvedRoute, UserConfig,
} from './types.js';

export interface ResolveOptions {
  /** Directory plugin names and paths resolve from (the config file's). */
  baseDir: string;
  /** The config file, for messages. */
  file?: string;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_PORT = 8787;
export const DEFAULT_BODY_LIMIT = 20 * 1024 * 1024;

/**
 * Turns a user config into the resolved one: presets flattened, every plugin
 * loaded and checked against its schema, provider types and routing policies
 * auto-loaded by name, `${VAR}` read from the environment, plugins ordered.
 * Throws a ConfigError naming the key path (and the owning plugin) on the first
 * problem, so a bad config never starts a half-working server.
 */
export async function resolveConfig(raw: UserConfig, options: ResolveOptions): Promise<ResolvedConfig> {
  const env = options.env ?? process.env;
  if (!isPlainObject(raw as unknown)) throw new ConfigError('The config must be an object (export default defineConfig({ … })).');
  // Values are checked after ${VAR} is read, so a URL from the environment is checked as a URL.
  const input: UserConfig = {
    ...raw,
    ...(raw.server && { server: interpolate(raw.server, env, 'server') }),
    ...(raw.providers && { providers: interpolate(raw.providers, env, 'providers') }),
    ...(raw.models && { models: interpolate(raw.models, env, 'models') }),
    ...(raw.state && { state: interpolate(raw.state, env, 'state') }),
  };
  validateConfig(configSchema, stripInstances(input), '');

  const plugins = new PluginSet(options.baseDir);
  const presets: Preset[] = [];
  for (const [i, entry] of (input.presets ?? []).entries()) presets.push(await loadPreset(entry, options.baseDir, `presets[${i}]`));

  for (const preset of presets) {
    for (const [i, entry] of (preset.plugins ?? []).entries()) await plugins.add(entry, `preset ${preset.name}: plugins[${i}]`, env);
  }
  for (const [i, entry] of (input.plugins ?? []).entries()) await plugins.add(entry, `plugins[${i}]`, env);

  // Providers: presets first, then the user's entries replace them by id.
  const providerEntries: Record<string, ProviderConfig> = {};
  for (const preset of presets) Object.assign(providerEntries, interpolate(preset.providers ?? {}, env, `preset ${preset.name}: providers`));
  Object.assign(providerEntries, input.providers);
  const providers: Record<string, ProviderConfig> = {};
  for (const [id, entry] of Object.entries(providerEntries)) providers[id] = await resolveProvider(id, entry, plugins);

  const stateConfig = Object.assign({}, ...presets.map((p) => interpolate(p.state ?? {}, env, `preset ${p.name}: state`)), input.state) as NonNullable<UserConfig['state']>;
  const backend = stateConfig.backend ?? 'memory';
  if (backend !== 'memory' && !plugins.list.some((p) => p.state?.backend === backend)) {
    await plugins.add(`state-${backend}`, 'state.backend', env);
    if (!plugins.list.some((p) => p.state?.backend === backend)) {
      throw new ConfigError(`state.backend: no loaded plugin provides the '${backend}' backend.`, 'state.backend');
    }
  }

  const routeEntries: Record<string, ModelRouteConfig> = {};
  for (const preset of presets) Object.assign(routeEntries, interpolate(preset.models ?? {}, env, `preset ${preset.name}: models`));
  Object.assign(routeEntries, input.models);
  const models: Record<string, ResolvedRoute> = {};
  for (const [name, route] of Object.entries(routeEntries)) models[name] = await resolveRoute(name, route, providers, plugins, env);

  const routingEntries = input.routing?.policies ?? [...presets].reverse().find((p) => p.routing?.policies)?.routing?.policies ?? [];
  const routing = { policies: await resolvePolicies(routingEntries, 'routing.policies', plugins, env) };
  const server = input.server ?? {};
  return {
    file: options.file,
    server: {
      host: server.host ?? '127.0.0.1',
      port: server.port ?? DEFAULT_PORT,
      bodyLimit: server.bodyLimit ?? DEFAULT_BODY_LIMIT,
      keepAliveTimeoutMs: server.keepAliveTimeoutMs ?? 65_000,
    },
    plugins: orderPlugins(plugins.list),
    providers,
    models,
    state: { ...stateConfig, backend },
    routing,
    presets: presets.map((p) => p.name),
    notes: presets.flatMap((p) => p.notes ?? []),
  };
}

/** Plugin objects are checked by their own schema, not the config's. */
function stripInstances(input: UserConfig): unknown {
  const named = (e: unknown) => (Array.isArray(e) && typeof e[0] === 'function' ? ['(factory)', e[1]]
    : isPlainObject(e) || typeof e === 'string' || Array.isArray(e) ? e : { name: '(instance)' });
  return { ...input, plugins: input.plugins?.map(named), presets: input.presets?.map(named) };
}

function isPlugin(v: unknown): v is Plugin {
  if (typeof v !== 'object' || v === null || typeof (v as Plugin).name !== 'string' || (v as Plugin).name.length === 0) return false;
  // A preset also has a name; its `plugins` list gives it away.
  return !Array.isArray((v as { plugins?: unknown }).plugins);
}

/** The loaded plugins, in the order they were added; a later one with the same name replaces the earlier in place. */
class PluginSet {
  readonly list: Plugin[] = [];
  constructor(private readonly baseDir: string) {}

  async add(entry: PluginEntry, keyPath: string, env: NodeJS.ProcessEnv): Promise<Plugin> {
    const plugin = await this.#load(entry, keyPath, env);
    const at = this.list.findIndex((p) => p.name === plugin.name);
    if (at === -1) this.list.push(plugin);
    else this.list[at] = plugin;
    return plugin;
  }

  async #load(entry: PluginEntry, keyPath: string, env: NodeJS.ProcessEnv): Promise<Plugin> {
    if (typeof entry === 'object' && !Array.isArray(entry)) {
      if (!isPlugin(entry)) throw new ConfigError(`${keyPath}: a plugin object needs a 'name'. Build it with definePlugin({ name, … }).`, keyPath);
      return entry;
    }
    const [named, rawOptions] = typeof entry === 'string' ? [entry, undefined] : entry;
    const options = rawOptions === undefined ? undefined : interpolate(rawOptions, env, `${keyPath}[1]`);
    const { value, from } = typeof named === 'function'
      ? { value: named as unknown, from: named.name || 'a plugin factory' }
      : await loadModule(named, 'plugin', this.baseDir, keyPath);
    const made = typeof value === 'function' ? await (value as (o: unknown) => unknown)(options ?? {}) : value;
    if (!isPlugin(made)) {
      const presetHint = isPlainObject(made) && Array.isArray(made.plugins) ? ' It looks like a preset: list it under presets.' : '';
      throw new ConfigError(`${keyPath}: '${from}' did not give a plugin (expected a factory returning definePlugin({ name, … })).${presetHint}`, keyPath);
    }
    if (made.options && options !== undefined) validateConfig(made.options, options, `${keyPath}[1]`, made.name);
    return made;
  }
}

async function loadPreset(entry: PresetEntry, baseDir: string, keyPath: string): Promise<Preset> {
  if (typeof entry === 'object' && !Array.isArray(entry)) return checkPreset(entry, keyPath, 'the preset object');
  const [name, options] = typeof entry === 'string' ? [entry, undefined] : entry;
  const { value, from } = await loadModule(name, 'preset', baseDir, keyPath);
  const made = typeof value === 'function' ? await (value as (o: unknown) => unknown)(options ?? {}) : value;
  return checkPreset(made, keyPath, `'${from}'`);
}

function checkPreset(v: unknown, keyPath: string, what: string): Preset {
  if (!isPlainObject(v) || typeof v.name !== 'string') {
    const pluginHint = isPlugin(v) ? ' It looks like a plugin: list it under plugins.' : '';
    throw new ConfigError(`${keyPath}: ${what} is not a preset (expected definePreset({ name, plugins })).${pluginHint}`, keyPath);
  }
  return v as unknown as Preset;
}

async function resolveProvider(id: string, entry: ProviderConfig, plugins: PluginSet): Promise<ProviderConfig> {
  const keyPath = `providers.${id}`;
  let plugin = plugins.list.find((p) => p.provider?.type === entry.type);
  if (!plugin) {
    await plugins.add(entry.type, `${keyPath}.type`, {});
    plugin = plugins.list.find((p) => p.provider?.type === entry.type);
    if (!plugin) throw new ConfigError(`${keyPath}.type: plugin '${entry.type}' loaded but provides no adapter of type '${entry.type}'.`, `${keyPath}.type`);
  }
  const adapter = plugin.provider!;
  const schema = {
    type: 'object',
    required: ['type'],
    additionalProperties: false,
    properties: { ...providerCommonSchema, ...((adapter.options?.properties as object) ?? {}) },
    ...(Array.isArray(adapter.options?.required) ? { required: ['type', ...(adapter.options.required as string[])] } : {}),
  };
  validateConfig(schema, entry, keyPath, plugin.name);
  const merged: ProviderConfig = { ...adapter.defaults, ...entry };
  try {
    adapter.validate?.(merged, id);
  } catch (err) {
    throw new ConfigError(`${keyPath}: ${(err as Error).message} (plugin '${plugin.name}').`, keyPath, plugin.name);
  }
  if (!merged.baseURL && !('invoke' in adapter)) {
    throw new ConfigError(`${keyPath}.baseURL is required for type '${entry.type}' (plugin '${plugin.name}').`, `${keyPath}.baseURL`, plugin.name);
  }
  return merged;
}

async function resolveRoute(
  name: string,
  route: ModelRouteConfig,
  providers: Record<string, ProviderConfig>,
  plugins: PluginSet,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedRoute> {
  const keyPath = `models.${name}`;
  const candidates: Candidate[] = route.candidates.map((c, i) => {
    const cand: Candidate = typeof c === 'string' ? { provider: c.slice(0, c.indexOf('/')), model: c.slice(c.indexOf('/') + 1) } : { ...c };
    if (!providers[cand.provider]) {
      const known = Object.keys(providers);
      throw new ConfigError(
        `${keyPath}.candidates[${i}]: provider '${cand.provider}' is not configured${known.length ? ` (configured: ${known.join(', ')})` : ''}. Add it under providers.`,
        `${keyPath}.candidates[${i}]`,
      );
    }
    return cand;
  });
  const policies = route.policies === undefined ? undefined : await resolvePolicies(route.policies, `${keyPath}.policies`, plugins, env);
  const { candidates: _c, policies: _p, ...settings } = route;
  return { name, candidates, policies, settings };
}

/**
 * Policy entries → policy plugins with their options. A name finds a loaded
 * plugin called `route-<name>` or `<name>`, else loads `route-<name>` (a path
 * loads that file). `always` policies are skipped: they already run on every route.
 */
async function resolvePolicies(entries: PolicyEntry[], keyPath: string, plugins: PluginSet, env: NodeJS.ProcessEnv) {
  const out: NonNullable<ResolvedRoute['policies']> = [];
  for (const [i, entry] of entries.entries()) {
    const [policyName, options] = typeof entry === 'string' ? [entry, undefined] : (entry as [string, unknown]);
    const byName = (p: Plugin) => p.route && (p.name === policyName || p.name === `route-${policyName}`);
    let plugin = plugins.list.find(byName);
    if (!plugin) {
      const added = await plugins.add(isPath(policyName) ? policyName : `route-${policyName}`, `${keyPath}[${i}]`, env);
      plugin = added.route ? added : undefined;
    }
    if (!plugin) throw new ConfigError(`${keyPath}[${i}]: '${policyName}' is not a routing policy (its plugin has no route hook).`, `${keyPath}[${i}]`);
    if (plugin.route!.always) continue;
    const value = options === undefined ? undefined : interpolate(options, env, `${keyPath}[${i}][1]`);
    if (value !== undefined && plugin.options) validateConfig(plugin.options, value, `${keyPath}[${i}][1]`, plugin.name);
    out.push({ plugin, options: value });
  }
  return out;
}

