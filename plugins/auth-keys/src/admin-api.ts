import { randomBytes } from 'node:crypto';
import type Router from '@koa/router';
import { AISBF_ERR_FORBIDDEN, AISBF_ERR_UNAUTHORIZED, GatewayError, readJsonBody, type Logger } from 'aisbf';
import type { KeyDirectory } from './key-directory.js';
import { generateKey, hashKey, readCredential, sameSecret } from './key-material.js';
import { parseKeyFields, publicView, type KeyRecord } from './key-record.js';

/** Admin bodies are a few hundred bytes; anything near this is not a key request. */
const ADMIN_BODY_LIMIT = 64 * 1024;

const ID = /^[\w.-]{1,64}$/;

function notFound(id: string): GatewayError {
  return new GatewayError(`No API key with id '${id}'. GET /admin/keys lists them.`, { status: 404, type: 'invalid_request_error', code: 'key_not_found', param: 'id' });
}

/**
 * The admin API on the gateway's router:
 * `POST /admin/keys` (the secret is in this answer only), `GET /admin/keys`,
 * `GET|PATCH|DELETE /admin/keys/:id`, and returns the admin check so other
 * plugins' admin endpoints (e.g. `/admin/usage`) guard alike. Every call needs the admin key as
 * `Authorization: Bearer`; an ordinary API key gets 403, anything else 401.
 */
/** Throws 401 (no or wrong key) or 403 (an ordinary API key) unless the request carries the admin key. */
export type AdminGuard = (headers: Readonly<Record<string, string | string[] | undefined>>) => Promise<void>;

export function registerAdminApi(router: Router, adminKey: string, directory: KeyDirectory, logger: Logger): AdminGuard {
  const store = directory.store!;

  async function requireAdmin(headers: Readonly<Record<string, string | string[] | undefined>>): Promise<void> {
    const cred = readCredential(headers);
    if (cred.kind === 'none') throw AISBF_ERR_UNAUTHORIZED('The admin API needs the admin key.');
    if (cred.kind === 'malformed') throw AISBF_ERR_UNAUTHORIZED(cred.why);
    if (sameSecret(cred.key, adminKey)) return;
    if (await directory.findByHash(hashKey(cred.key))) {
      throw AISBF_ERR_FORBIDDEN('This is an API key for calling models; the admin API needs the admin key.');
    }
    throw AISBF_ERR_UNAUTHORIZED('The admin key is not valid.');
  }

  async function find(id: string): Promise<KeyRecord> {
    const r = ID.test(id) ? (directory.configKey(id) ?? await store.get(id)) : undefined;
    if (!r) throw notFound(id);
    return r;
  }

  function readOnly(r: KeyRecord): GatewayError {
    return new GatewayError(`The key '${r.id}' is defined in the config file; change it there.`, { status: 409, type: 'invalid_request_error', code: 'key_read_only', param: 'id' });
  }

  type Ctx = Parameters<Parameters<Router['get']>[1]>[0];
  /** Every admin route checks the admin key first; answers are never cached. */
  const guarded = (handler: (ctx: Ctx) => Promise<void>) => async (ctx: Ctx) => {
    await requireAdmin(ctx.headers);
    ctx.set('cache-control', 'no-store');
    await handler(ctx);
  };

  router.post('/admin/keys', guarded(async (ctx) => {
    const fields = parseKeyFields(await readJsonBody(ctx.req, ADMIN_BODY_LIMIT));
    const key = generateKey();
    const record: KeyRecord = {
      id: `key_${randomBytes(6).toString('hex')}`, hash: hashKey(key), ...fields, createdAt: new Date().toISOString(), source: 'store',
    };
    await store.put(record);
    logger.info({ keyId: record.id, user: record.user, team: record.team }, 'API key created');
    ctx.status = 201;
    ctx.body = { ...publicView(record), key };
  }));

  router.get('/admin/keys', guarded(async (ctx) => {
    const stored = await store.list();
    ctx.body = { object: 'list', data: [...directory.configKeys, ...stored].map(publicView) };
  }));

  router.get('/admin/keys/:id', guarded(async (ctx) => {
    ctx.body = publicView(await find(ctx.params.id));
  }));

  router.patch('/admin/keys/:id', guarded(async (ctx) => {
    const current = await find(ctx.params.id);
    if (current.source === 'config') throw readOnly(current);
    const body = await readJsonBody(ctx.req, ADMIN_BODY_LIMIT);
    const fields = parseKeyFields(body);
    const next: KeyRecord = { ...current, ...fields };
    // `null` clears a field (e.g. `{"expiresAt": null}`).
    for (const [k, v] of Object.entries(body as Record<string, unknown>)) if (v === null) delete (next as unknown as Record<string, unknown>)[k];
    await store.put(next);
    directory.forget(current.hash);
    logger.info({ keyId: next.id, fields: Object.keys(body as object) }, 'API key changed');
    ctx.body = publicView(next);
  }));

  router.delete('/admin/keys/:id', guarded(async (ctx) => {
    const current = await find(ctx.params.id);
    if (current.source === 'config') throw readOnly(current);
    await store.delete(current.id);
    directory.forget(current.hash);
    logger.info({ keyId: current.id }, 'API key revoked');
    ctx.status = 204;
  }));
  return requireAdmin;
}
