import {
  AISBF_ERR_FORBIDDEN, AISBF_ERR_UNAUTHORIZED, GatewayError, definePlugin, type Plugin, type Principal, type RequestContext,
} from 'aisbf';
import { registerAdminApi, type AdminGuard } from './admin-api.js';
import { KeyDirectory } from './key-directory.js';
import { hashKey, isKeyHash, readCredential, sameSecret } from './key-material.js';
import { allowsModel, type KeyRecord } from './key-record.js';
import { openKeyStore, type KeyStore } from './key-store.js';
import { optionsSchema, type AuthKeysOptions, type ConfigKey } from './options.js';

export { generateKey, hashKey, isKeyHash, KEY_PREFIX } from './key-material.js';
export type { KeyBudget, KeyLimits, KeyRecord, PublicKey } from './key-record.js';
export type { KeyStore, KeyStoreOptions } from './key-store.js';
export type { AuthKeysOptions, ConfigKey } from './options.js';

/**
 * The principal this plugin puts on `ctx.principal`: who the key belongs to,
 * and the per-key limits and budget the `ratelimit` and `budget` plugins read.
 *
 * @example { id: 'key_3f9a0c1b2d4e', kind: 'api-key', user: 'ana', team: 'search', tier: 'premium', limits: { rpm: 60 } }
 */
export interface KeyPrincipal extends Principal {
  kind: 'api-key';
  models?: string[];
  limits?: KeyRecord['limits'];
  budget?: KeyRecord['budget'];
}

function keyStoreUnavailable(cause: unknown): GatewayError {
  return new GatewayError('The API key store is unavailable; try again shortly.', {
    name: 'AISBF_ERR_KEY_STORE_UNAVAILABLE', status: 503, type: 'server_error', code: 'key_store_unavailable', retryable: true, cause,
  });
}

function fromConfig(k: ConfigKey): KeyRecord {
  const { key, hash, ...rest } = k;
  if ((hash === undefined) === (key === undefined)) throw new Error(`auth-keys: config key '${k.id}' needs exactly one of 'hash' (preferred) or 'key'.`);
  if (hash !== undefined && !isKeyHash(hash)) throw new Error(`auth-keys: config key '${k.id}' has a hash that is not 'sha256:<64 hex>'; make one with 'aisbf keys hash <key>'.`);
  if (rest.expiresAt !== undefined && Number.isNaN(Date.parse(rest.expiresAt))) {
    throw new Error(`auth-keys: config key '${k.id}': expiresAt is not an ISO 8601 date-time.`);
  }
  return { ...rest, hash: hash ?? hashKey(key!), createdAt: new Date(0).toISOString(), source: 'config' };
}

/**
 * API-key authentication: keys from the config file (as hashes) and keys made
 * through the admin API (kept in PostgreSQL or Redis), checked on every request.
 *
 * - Missing key: no principal (core answers 401 unless another auth plugin knows the caller).
 * - Malformed, expired or disabled key: 401. Unknown or revoked: no principal, hence 401.
 * - A key calling a model outside its `models`: 403. The admin key on `/v1`: 403.
 *
 * @example
 * plugins: [['auth-keys', { adminKey: '${AISBF_ADMIN_KEY}', store: { url: '${DATABASE_URL}' } }]]
 */
/**
 * The auth-keys plugin object: a `Plugin` with `requireAdmin`, so other
 * plugins' admin endpoints accept exactly the credentials `/admin/keys` does.
 *
 * @example
 * const auth = api.config.plugins.find((p) => p.name === 'auth-keys') as AuthKeysPlugin | undefined;
 * router.get('/admin/usage', async (ctx) => { await auth?.requireAdmin(ctx.headers); … });
 */
export interface AuthKeysPlugin extends Plugin {
  /** Throws 401 (no or wrong key) or 403 (an ordinary API key); resolves for the admin key. */
  requireAdmin: AdminGuard;
}

export default function authKeys(options: AuthKeysOptions = {}): AuthKeysPlugin {
  let directory: KeyDirectory | undefined;
  let store: KeyStore | undefined;
  let adminGuard: AdminGuard | undefined;

  async function auth(ctx: RequestContext): Promise<KeyPrincipal | undefined> {
    const cred = readCredential(ctx.headers);
    if (cred.kind === 'none') return undefined;
    if (cred.kind === 'malformed') throw AISBF_ERR_UNAUTHORIZED(cred.why);
    if (options.adminKey && sameSecret(cred.key, options.adminKey)) {
      throw AISBF_ERR_FORBIDDEN('The admin key only works on /admin/keys; call models with an API key.');
    }
    let record: KeyRecord | undefined;
    try {
      record = await directory!.findByHash(hashKey(cred.key));
    } catch (err) {
      // Fail closed: without the store we cannot tell a revoked key from a good one.
      throw keyStoreUnavailable(err);
    }
    if (!record) return undefined;
    if (record.disabled) throw AISBF_ERR_UNAUTHORIZED(`The API key '${record.id}' is disabled.`);
    if (record.expiresAt !== undefined && Date.parse(record.expiresAt) <= Date.now()) {
      throw AISBF_ERR_UNAUTHORIZED(`The API key '${record.id}' expired at ${record.expiresAt}.`);
    }
    if (!allowsModel(record.models, ctx.model)) {
      throw AISBF_ERR_FORBIDDEN(`The API key '${record.id}' may not call the model '${ctx.model}'. It may call: ${record.models!.join(', ') || '(none)'}.`);
    }
    return {
      id: record.id, kind: 'api-key', user: record.user, team: record.team, tier: record.tier,
      models: record.models, limits: record.limits, budget: record.budget,
    };
  }

  return definePlugin<AuthKeysPlugin>({
    name: 'auth-keys',
    requireAdmin: (headers) => (adminGuard
      ? adminGuard(headers)
      : Promise.reject(AISBF_ERR_UNAUTHORIZED('The admin API is off: set adminKey (and store) on auth-keys to turn it on.'))),
    options: optionsSchema,
    async setup(api) {
      const configKeys = (options.keys ?? []).map(fromConfig);
      const ids = new Set<string>();
      const hashes = new Set<string>();
      for (const k of configKeys) {
        if (ids.has(k.id)) throw new Error(`auth-keys: two config keys have the id '${k.id}'.`);
        if (hashes.has(k.hash)) throw new Error(`auth-keys: config key '${k.id}' repeats the secret of another key.`);
        ids.add(k.id);
        hashes.add(k.hash);
      }
      const plain = (options.keys ?? []).filter((k) => k.key !== undefined).map((k) => k.id);
      if (plain.length) {
        api.logger.warn({ keys: plain }, 'auth-keys: plaintext keys in the config; replace each "key" with "hash" (aisbf keys hash <key>)');
      }
      if (options.adminKey && !options.store) {
        throw new Error("auth-keys: 'adminKey' enables the admin API, which needs 'store: { url }' (postgres:// or redis://) so created keys survive restarts and reach every node.");
      }
      if (options.store) {
        try {
          store = await openKeyStore(options.store);
          await store.init();
        } catch (err) {
          await store?.close().catch(() => undefined);
          store = undefined;
          // The message of the driver, never the URL: it may hold a password.
          throw new Error(`auth-keys: cannot open the key store: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      directory = new KeyDirectory(configKeys, store, options.cacheTtlMs ?? 500);
      if (options.adminKey) adminGuard = registerAdminApi(api.router, options.adminKey, directory, api.logger);
      if (configKeys.length === 0 && !store) api.logger.warn('auth-keys: no keys are configured and no store is set; every request will be refused');
    },
    async close() {
      await store?.close();
      store = undefined;
    },
    auth,
  });
}
