import type { Candidate, RequestContext } from './context.js';
import type { JSONSchema, Plugin, ProviderAdapter, ProviderConfig, RoutePolicy } from './plugin.js';

/**
 * Types a plugin and checks its shape early (a missing name is a bug in the
 * plugin, reported when it is made rather than deep inside a request).
 *
 * @example export default (opts: { header: string }) => definePlugin({ name: 'header-auth', auth: (ctx) => … });
 */
export function definePlugin<P extends Plugin>(plugin: P): P {
  if (typeof plugin?.name !== 'string' || plugin.name.length === 0) {
    throw new TypeError('definePlugin: a plugin needs a non-empty "name" (the package suffix, e.g. "cache" for @aisbf/plugin-cache).');
  }
  return plugin;
}

/**
 * A plugin that is only a provider adapter; its name is the adapter's type.
 *
 * @example
 * export default () => defineProvider({ type: 'acme', defaults: { baseURL: 'https://api.acme.ai' }, chat, error });
 */
export function defineProvider<O extends ProviderConfig>(adapter: ProviderAdapter<O>, extra: Omit<Plugin, 'name' | 'provider'> = {}): Plugin {
  return definePlugin({ ...extra, name: adapter.type, provider: adapter as ProviderAdapter });
}

export interface PolicyDefinition<O> {
  /** Plugin name; routes name it without the `route-` prefix (`route-cost` → `policies: ['cost']`). */
  name: string;
  /** Apply to every route (capability filters); default false: routes opt in. */
  always?: boolean;
  /** JSON Schema of per-route options. */
  options?: JSONSchema;
  select(candidates: Candidate[], ctx: RequestContext, options: O): Candidate[] | Promise<Candidate[]>;
  setup?: Plugin['setup'];
  close?: Plugin['close'];
}

/**
 * A plugin that is one routing policy.
 *
 * @example
 * export default () => definePolicy({
 *   name: 'route-cheapest-first',
 *   select: (candidates) => [...candidates].sort((a, b) => Number(a.price ?? Infinity) - Number(b.price ?? Infinity)),
 * });
 */
export function definePolicy<O = unknown>(def: PolicyDefinition<O>): Plugin {
  return definePlugin({
    name: def.name,
    options: def.options,
    setup: def.setup,
    close: def.close,
    route: { always: def.always, select: def.select as RoutePolicy['select'] },
  });
}
