import { limitsSchema } from '@aisbf/plugin-ratelimit';
import { budgetSchema, type KeyRecord } from './key-record.js';
import type { KeyStoreOptions } from './key-store.js';

/**
 * A key written in the config file. Give `hash` (from `aisbf keys hash <key>`);
 * a plaintext `key` works too but is warned about at start.
 *
 * @example { id: 'ci', hash: 'sha256:9f86…', team: 'platform', tier: 'standard', models: ['smart'], limits: { rpm: 30 } }
 */
export type ConfigKey = Omit<KeyRecord, 'hash' | 'createdAt' | 'source'> & {
  /** `sha256:<hex>`, from `aisbf keys hash <key>`. */
  hash?: string;
  /** The key itself: accepted, with a warning at start. */
  key?: string;
};

/**
 * Options of the `auth-keys` plugin.
 *
 * @example
 * ['auth-keys', { adminKey: '${AISBF_ADMIN_KEY}', store: { url: '${DATABASE_URL}' }, keys: [{ id: 'ci', hash: 'sha256:…', team: 'platform' }] }]
 */
export interface AuthKeysOptions {
  /** Enables the admin API (`/admin/keys`); compared in constant time. Put it in the environment. */
  adminKey?: string;
  keys?: ConfigKey[];
  /** Durable store for keys created through the admin API (required with `adminKey`). */
  store?: KeyStoreOptions;
  /**
   * How long a node may reuse a store lookup, in ms (default 500, at most 1000):
   * the longest a key revoked on another node keeps working here.
   */
  cacheTtlMs?: number;
}

export const optionsSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    adminKey: { type: 'string', minLength: 16 },
    keys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        oneOf: [{ required: ['hash'] }, { required: ['key'] }],
        properties: {
          id: { type: 'string', pattern: '^[\\w.-]{1,64}$' },
          hash: { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' },
          key: { type: 'string', minLength: 16, maxLength: 256 },
          name: { type: 'string' },
          user: { type: 'string' },
          team: { type: 'string' },
          tier: { type: 'string' },
          models: { type: 'array', items: { type: 'string', minLength: 1 } },
          limits: limitsSchema,
          budget: budgetSchema,
          expiresAt: { type: 'string', minLength: 10 },
          disabled: { type: 'boolean' },
        },
      },
    },
    store: {
      type: 'object',
      additionalProperties: false,
      required: ['url'],
      properties: {
        url: { type: 'string', pattern: '^(postgres|postgresql|redis|rediss)://' },
        table: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$' },
        prefix: { type: 'string', minLength: 1 },
      },
    },
    cacheTtlMs: { type: 'integer', minimum: 0, maximum: 1000 },
  },
} as const;
