import type { ResolvedConfig } from '../config/types.js';
import type { Plugin } from '../plugin.js';
import { createLogger } from '../logger.js';
import { createStages } from '../stages.js';

/** What a plugin provides, e.g. `provider (anthropic), observe`. */
export function describePlugin(value: unknown): string {
  const p = value as Plugin;
  if (typeof p !== 'object' || p === null || typeof p.name !== 'string') return 'not a plugin';
  const parts: string[] = [];
  if (p.provider) parts.push(`provider (type ${p.provider.type})`);
  if (p.auth) parts.push('auth');
  if (p.ratelimit) parts.push('ratelimit');
  if (p.cache) parts.push('cache');
  if (p.route) parts.push(p.route.always ? 'route policy (every route)' : 'route policy');
  if (p.failover) parts.push('failover');
  if (p.observe) parts.push('observe');
  if (p.state) parts.push(`state backend (${p.state.backend})`);
  return parts.join(', ') || 'setup only';
}

/** The resolved pipeline as `aisbf check` prints it: each stage and the plugins serving it, in call order. */
export function describePipeline(config: ResolvedConfig): string {
  const stages = createStages(config.plugins, createLogger('silent'));
  const line = (label: string, names: string[]) => `  ${label.padEnd(10)} ${names.length ? names.join(' → ') : '(none)'}`;
  const out = [
    `config: ${config.file ?? 'embedded default'}${config.presets.length ? `  presets: ${config.presets.join(', ')}` : ''}`,
    `server: http://${config.server.host}:${config.server.port}  body limit ${config.server.bodyLimit} bytes`,
    `state:  ${config.state.backend}${config.state.url ? ` (${redactUrl(config.state.url)})` : ''}`,
    'pipeline:',
    line('auth', stages.served.auth),
    line('ratelimit', stages.served.ratelimit),
    line('cache', stages.served.cache),
    line('route', stages.served.route),
    line('failover', stages.served.failover),
    line('translate', stages.served.provider),
    line('observe', stages.served.observe),
    'providers:',
    ...Object.entries(config.providers).map(([id, p]) => `  ${id.padEnd(10)} type ${p.type}${p.baseURL ? `  ${p.baseURL}` : ''}${p.apiKey ? '  apiKey set' : ''}`),
    'models:',
    ...Object.values(config.models).map((r) =>
      `  ${r.name.padEnd(10)} ${r.candidates.map((c) => `${c.provider}/${c.model}`).join(', ')}  policies: ${policyNames(r.policies ?? config.routing.policies)}${r.policies ? '' : ' (routing default)'}`),
    `  (and "<provider>/<model>" for any configured provider)`,
  ];
  return out.join('\n');
}

function policyNames(policies: Array<{ plugin: Plugin }>): string {
  return policies.length ? policies.map((p) => p.plugin.name).join(' → ') : 'none (declared order)';
}

/** Hides a password in a connection URL. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return url;
  }
}
