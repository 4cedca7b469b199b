import { createHash, timingSafeEqual } from 'node:crypto';
import { AISBF_ERR_UNAUTHORIZED, type Plugin, type ResolvedConfig } from 'aisbf';

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * What an auth plugin may expose so other plugins guard their admin
 * endpoints exactly as it guards its own: a `requireAdmin` check (throws 401,
 * or 403 for an ordinary API key), or at least its `adminKey`.
 */
interface AdminSource {
  requireAdmin?(headers: Headers): void | Promise<void>;
  adminKey?: string;
}

/** Checks one request for admin rights; throws an OpenAI 401/403 error when it has none. */
export type AdminCheck = (headers: Headers) => void | Promise<void>;

/**
 * How `/admin/usage` is guarded: this plugin's `adminKey` option; else the
 * loaded `auth-keys` plugin (its `requireAdmin`, or its `adminKey`); else the
 * `AISBF_ADMIN_KEY` environment variable. Resolved per request, because
 * auth-keys may only be ready after its own setup.
 */
export function adminCheck(config: ResolvedConfig, own: string | undefined, env: NodeJS.ProcessEnv = process.env): AdminCheck {
  if (own) return (h) => requireKey(h, own);
  const auth = config.plugins.find((p: Plugin) => p.name === 'auth-keys') as (Plugin & AdminSource) | undefined;
  if (typeof auth?.requireAdmin === 'function') return (h) => auth.requireAdmin!(h);
  if (typeof auth?.adminKey === 'string' && auth.adminKey.length > 0) return (h) => requireKey(h, auth.adminKey);
  return (h) => requireKey(h, env.AISBF_ADMIN_KEY || undefined);
}

function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** The credential a request presents: `Authorization: Bearer <key>` or `x-api-key`. */
function presented(headers: Headers): string | undefined {
  const auth = headers.authorization;
  if (typeof auth === 'string' && /^bearer /i.test(auth)) return auth.slice(7).trim();
  const x = headers['x-api-key'];
  return typeof x === 'string' ? x : undefined;
}

/**
 * Throws 401 unless the request presents `key`. Compared as SHA-256 digests
 * with `timingSafeEqual`: constant time whatever the lengths.
 */
export function requireKey(headers: Headers, key: string | undefined): void {
  if (!key) {
    throw AISBF_ERR_UNAUTHORIZED('No admin key is configured, so the admin API is closed. Set AISBF_ADMIN_KEY (or adminKey of auth-keys).');
  }
  const given = presented(headers);
  if (!given) throw AISBF_ERR_UNAUTHORIZED('The admin API needs the admin key.');
  if (!timingSafeEqual(digest(given), digest(key))) throw AISBF_ERR_UNAUTHORIZED('That is not the admin key.');
}
