import { Ajv, type ErrorObject } from 'ajv';
import { ConfigError } from '../errors.js';
import type { JSONSchema } from '../plugin.js';

/** Keys core reads on every provider entry; an adapter's own options are added to these. */
export const providerCommonSchema = {
  type: { type: 'string', minLength: 1 },
  baseURL: { type: 'string', pattern: '^https?://' },
  apiKey: { type: 'string' },
  timeoutMs: { type: 'integer', minimum: 1 },
  connectTimeoutMs: { type: 'integer', minimum: 1 },
  models: {
    type: 'array',
    items: {
      anyOf: [
        { type: 'string', minLength: 1 },
        {
          type: 'object',
          required: ['id'],
          properties: {
            id: { type: 'string', minLength: 1 },
            price: {
              type: 'object',
              additionalProperties: false,
              properties: { input: { type: ['number', 'null'], minimum: 0 }, output: { type: ['number', 'null'], minimum: 0 }, cachedInput: { type: ['number', 'null'], minimum: 0 } },
            },
            quality: { type: 'number', minimum: 0, maximum: 1 },
            contextWindow: { type: 'integer', minimum: 1 },
            maxOutput: { type: 'integer', minimum: 1 },
            capabilities: { type: 'array', items: { enum: ['tools', 'vision', 'json', 'embeddings'] } },
            tags: { type: 'array', items: { type: 'string' } },
          },
        },
      ],
    },
  },
  headers: { type: 'object', additionalProperties: { type: 'string' } },
} as const;

const pluginEntry = {
  anyOf: [
    { type: 'string', minLength: 1 },
    { type: 'array', minItems: 1, maxItems: 2, items: [{ type: 'string', minLength: 1 }, {}] },
    { type: 'object', required: ['name'], properties: { name: { type: 'string', minLength: 1 } } },
  ],
};

const candidate = {
  anyOf: [
    { type: 'string', pattern: '^[^/]+/.+' },
    {
      type: 'object',
      required: ['provider', 'model'],
      properties: {
        provider: { type: 'string', minLength: 1 },
        model: { type: 'string', minLength: 1 },
        weight: { type: 'number', minimum: 0 },
        tags: { type: 'array', items: { type: 'string' } },
      },
    },
  ],
};

/** The schema of the config file itself (core's keys). */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    server: {
      type: 'object',
      additionalProperties: false,
      properties: {
        host: { type: 'string', minLength: 1 },
        port: { type: 'integer', minimum: 0, maximum: 65535 },
        bodyLimit: { type: 'integer', minimum: 1024 },
        keepAliveTimeoutMs: { type: 'integer', minimum: 1 },
      },
    },
    presets: { type: 'array', items: pluginEntry },
    plugins: { type: 'array', items: pluginEntry },
    providers: {
      type: 'object',
      propertyNames: { pattern: '^[A-Za-z0-9_.-]+$' },
      additionalProperties: { type: 'object', required: ['type'], properties: providerCommonSchema },
    },
    models: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['candidates'],
        properties: {
          candidates: { type: 'array', minItems: 1, items: candidate },
          policies: { type: 'array', items: pluginEntry },
        },
      },
    },
    routing: {
      type: 'object',
      additionalProperties: false,
      properties: { policies: { type: 'array', items: pluginEntry } },
    },
    state: {
      type: 'object',
      properties: { backend: { type: 'string', minLength: 1 }, url: { type: 'string' } },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: false });
const cache = new WeakMap<object, ReturnType<Ajv['compile']>>();

/** `/providers/x/timeoutMs` → `providers.x.timeoutMs`. */
function keyPath(prefix: string, e: ErrorObject): string {
  const parts = e.instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (e.keyword === 'required') parts.push(String((e.params as { missingProperty: string }).missingProperty));
  if (e.keyword === 'additionalProperties') parts.push(String((e.params as { additionalProperty: string }).additionalProperty));
  const path = parts.reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
  return [prefix, path].filter(Boolean).join('.');
}

function explain(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return 'is not a known key (check the spelling, or the plugin that should own it)';
  if (e.keyword === 'required') return 'is required';
  if (e.keyword === 'anyOf') return 'has the wrong type or shape';
  if (e.keyword === 'pattern' && e.instancePath.includes('candidates')) return 'must look like "<provider>/<model>"';
  if (e.keyword === 'pattern' && e.instancePath.endsWith('baseURL')) return 'must be an http:// or https:// URL';
  return e.message ?? 'is invalid';
}

/**
 * Validates `value` against `schema`; throws a ConfigError naming the key path
 * (prefixed with `prefix`) and, when given, the plugin that owns the key.
 */
export function validateConfig(schema: JSONSchema, value: unknown, prefix: string, plugin?: string): void {
  let validate = cache.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    cache.set(schema, validate);
  }
  if (validate(value)) return;
  // Prefer the most specific error: anyOf reports its branches before itself.
  const errors = validate.errors ?? [];
  const e = errors.find((x) => x.keyword !== 'anyOf' && x.keyword !== 'type') ?? errors[0];
  const path = keyPath(prefix, e);
  const owner = plugin ? ` (plugin '${plugin}')` : '';
  throw new ConfigError(`${path || 'config'} ${explain(e)}${owner}.`, path, plugin);
}
