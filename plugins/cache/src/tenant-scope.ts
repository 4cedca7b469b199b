import { createHash } from 'node:crypto';
import type { RequestContext } from 'aisbf';

/**
 * Who may share cache entries:
 * - `team`: everyone in the principal's team (falls back to `key` when the
 *   principal has no team);
 * - `key`: one credential (the principal's id, or without an auth plugin the
 *   client's bearer token);
 * - `global`: every caller. Only for deployments where all callers may see
 *   each other's answers.
 */
export type CacheScope = 'team' | 'key' | 'global';

/** The scope every request falls into when there is nothing to tell callers apart. */
const ANONYMOUS = 'anon';

/**
 * A short, opaque id of the tenant a request belongs to. Identities are
 * hashed so that neither a team name nor a secret ever appears in a storage
 * key, and each kind of identity has its own letter so a team called `x` and
 * a key whose id is `x` can never collide.
 *
 * Without an auth plugin there is no principal: the scope is then a hash of
 * the `Authorization` header (or `x-api-key`), so two bearer tokens never
 * share entries even though the gateway does not check them.
 *
 * @example tenantScope({ principal: { id: 'key_1', team: 'search' }, headers: {} }, 'team') // 't-' + 22 base64url characters
 */
export function tenantScope(ctx: Pick<RequestContext, 'principal' | 'headers'>, scope: CacheScope): string {
  if (scope === 'global') return 'g';
  const p = ctx.principal;
  if (p) {
    if (scope === 'team' && typeof p.team === 'string' && p.team !== '') return `t-${shortHash(p.team)}`;
    return `k-${shortHash(p.id)}`;
  }
  const credential = headerValue(ctx.headers.authorization) ?? headerValue(ctx.headers['x-api-key']);
  return credential ? `h-${shortHash(credential)}` : ANONYMOUS;
}

function headerValue(v: string | string[] | undefined): string | undefined {
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() !== '' ? s.trim() : undefined;
}

/** 128 bits of SHA-256: collisions between tenants are not a practical concern. */
function shortHash(s: string): string {
  return createHash('sha256').update(s).digest('base64url').slice(0, 22);
}
