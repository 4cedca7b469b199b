import { ConfigError } from '../errors.js';

const VAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` (and `${VAR:-default}`) in every string of a config with
 * the environment's value. A missing variable without a default is a load
 * error naming the key path — never an empty secret sent upstream.
 * Objects that are not plain (plugin instances, functions) are left alone.
 *
 * @example interpolate({ apiKey: '${OPENAI_API_KEY}' }, process.env) // → { apiKey: 'sk-…' }
 */
export function interpolate<T>(value: T, env: NodeJS.ProcessEnv, path = ''): T {
  if (typeof value === 'string') {
    if (!value.includes('${')) return value;
    return value.replace(VAR, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      if (v !== undefined && v !== '') return v;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(`${path || 'config'}: environment variable ${name} is not set. Export it, or write \${${name}:-default} for an optional value.`, path);
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, env, `${path}[${i}]`)) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolate(v, env, path ? `${path}.${k}` : k);
    return out as T;
  }
  return value;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}
