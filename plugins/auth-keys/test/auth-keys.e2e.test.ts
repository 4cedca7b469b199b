import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import OpenAI from 'openai';
import pg from 'pg';
import { pino } from 'pino';
import type { Principal } from 'aisbf';
import { requireService, startGateway, type TestGateway } from 'aisbf/testing';
import { generateKey, hashKey } from '../src/index.js';

describe('auth-keys end to end (config keys, admin API on PostgreSQL, official SDK)', () => {
  let gw: TestGateway;
  let dbUrl: string;
  const table = `aisbf_keys_e2e_${randomBytes(4).toString('hex')}`;
  const adminKey = `adm-${randomBytes(24).toString('base64url')}`;
  const goodKey = generateKey();
  const expiredKey = generateKey();
  const disabledKey = generateKey();
  const plainKey = generateKey();
  const strangerKey = generateKey();
  const created: string[] = [];
  const logs: string[] = [];
  const seen: Array<Principal | undefined> = [];

  const client = (apiKey: string) => new OpenAI({ baseURL: gw.baseURL, apiKey, maxRetries: 0 });
  const ask = (apiKey: string, model = 'smart', user?: string) =>
    client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }], ...(user ? { user } : {}) });
  const admin = (method: string, path: string, body?: unknown, auth: string | null = adminKey) =>
    fetch(`${gw.url}${path}`, {
      method,
      headers: { ...(auth === null ? {} : { authorization: `Bearer ${auth}` }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const raw = (headers: Record<string, string>, model = 'smart') =>
    fetch(`${gw.baseURL}/chat/completions`, {
      method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model, messages: [{ role: 'user', content: 'hi' }] }),
    });

  before(async function () {
    dbUrl = await requireService(this, 'postgres');
    gw = await startGateway({
      providers: { echo: { type: 'mock' } },
      models: { smart: { candidates: ['echo/m1'] }, other: { candidates: ['echo/m2'] } },
      plugins: [
        ['auth-keys', {
          adminKey,
          store: { url: dbUrl, table },
          keys: [
            { id: 'cfg-good', hash: hashKey(goodKey), user: 'ana', team: 'search', tier: 'gold', models: ['smart'] },
            { id: 'cfg-expired', hash: hashKey(expiredKey), expiresAt: '2020-01-01T00:00:00Z' },
            { id: 'cfg-disabled', hash: hashKey(disabledKey), disabled: true },
            { id: 'cfg-plain', key: plainKey, team: 'ops' },
          ],
        }],
        { name: 'principal-spy', ratelimit: { admit(ctx) { seen.push(ctx.principal); } } },
      ],
    }, { logger: pino({ level: 'trace' }, { write: (line: string) => { logs.push(line); } }) });
  });

  after(async () => {
    await gw?.close();
    if (dbUrl) {
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect().then(() => c.query(`DROP TABLE IF EXISTS ${table}`)).catch(() => undefined);
      await c.end().catch(() => undefined);
    }
  });

  it('admits a config key (Bearer or x-api-key) and hands its principal to later stages; a body `user` changes nothing', async () => {
    const res = await ask(goodKey, 'smart', 'bob-from-another-team');
    assert.equal(res.choices[0].message.content, 'Echo: hi');
    const p = seen.at(-1)!;
    assert.deepEqual({ id: p.id, user: p.user, team: p.team, tier: p.tier }, { id: 'cfg-good', user: 'ana', team: 'search', tier: 'gold' });
    const viaHeader = await raw({ 'x-api-key': goodKey });
    assert.equal(viaHeader.status, 200);
  });

  it('answers 401 with an OpenAI error for a missing, malformed, unknown, expired or disabled key', async () => {
    const cases: Array<[string, Response]> = [
      ['missing', await raw({})],
      ['malformed', await raw({ authorization: `Basic ${Buffer.from('u:p').toString('base64')}` })],
      ['empty bearer', await raw({ authorization: 'Bearer ' })],
      ['unknown', await raw({ authorization: `Bearer ${strangerKey}` })],
      ['expired', await raw({ authorization: `Bearer ${expiredKey}` })],
      ['disabled', await raw({ authorization: `Bearer ${disabledKey}` })],
    ];
    for (const [name, res] of cases) {
      assert.equal(res.status, 401, name);
      const body = await res.json() as { error: { type: string; code: string; message: string } };
      assert.equal(body.error.type, 'authentication_error', name);
      assert.equal(body.error.code, 'invalid_api_key', name);
      assert.ok(!body.error.message.includes(strangerKey) && !body.error.message.includes(expiredKey), name);
    }
    await assert.rejects(ask(strangerKey), OpenAI.AuthenticationError);
    await assert.rejects(ask(expiredKey), (err: unknown) => err instanceof OpenAI.AuthenticationError && /expired/.test(err.message));
    await assert.rejects(ask(disabledKey), (err: unknown) => err instanceof OpenAI.AuthenticationError && /disabled/.test(err.message));
  });

  it('answers 403 when a key calls a model outside its allowance, and when the admin key calls a model', async () => {
    await assert.rejects(ask(goodKey, 'other'), (err: unknown) => err instanceof OpenAI.PermissionDeniedError && /may not call the model 'other'/.test(err.message));
    await assert.rejects(ask(goodKey, 'echo/m1'), OpenAI.PermissionDeniedError);
    await assert.rejects(ask(adminKey), (err: unknown) => err instanceof OpenAI.PermissionDeniedError && /admin key/.test(err.message));
  });

  it('accepts a plaintext config key, with a warning at start that names the key id only', async () => {
    assert.equal((await ask(plainKey)).choices.length, 1);
    assert.ok(logs.some((l) => l.includes('plaintext keys') && l.includes('cfg-plain')));
  });

  it('protects the admin API: 401 without or with a wrong admin key, 403 with an API key', async () => {
    assert.equal((await admin('GET', '/admin/keys', undefined, null)).status, 401);
    assert.equal((await admin('GET', '/admin/keys', undefined, 'not-the-admin-key')).status, 401);
    assert.equal((await admin('POST', '/admin/keys', { team: 'x' }, `${adminKey}x`)).status, 401);
    const wrongKind = await admin('GET', '/admin/keys', undefined, goodKey);
    assert.equal(wrongKind.status, 403);
    assert.equal(((await wrongKind.json()) as { error: { type: string } }).error.type, 'permission_error');
    assert.equal((await admin('DELETE', '/admin/keys/cfg-good', undefined, goodKey)).status, 403);
  });

  it('creates a key (secret shown once), lists keys without secrets, changes and revokes it', async () => {
    const res = await admin('POST', '/admin/keys', { user: 'cy', team: 'search', tier: 'silver', models: ['smart'], limits: { rpm: 100 }, budget: { usd: 5, period: 'month' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const made = await res.json() as { id: string; key: string; team: string; hash?: string };
    created.push(made.key);
    assert.match(made.id, /^key_[0-9a-f]{12}$/);
    assert.match(made.key, /^sk-aisbf-/);
    assert.equal(made.team, 'search');
    assert.equal(made.hash, undefined);

    assert.equal((await ask(made.key)).choices[0].message.content, 'Echo: hi');
    assert.equal(seen.at(-1)?.id, made.id);

    const list = await (await admin('GET', '/admin/keys')).text();
    const data = (JSON.parse(list) as { data: Array<{ id: string }> }).data;
    assert.ok(data.some((k) => k.id === made.id) && data.some((k) => k.id === 'cfg-good'));
    for (const secret of [made.key, goodKey, plainKey, hashKey(made.key), hashKey(goodKey), 'sha256:']) assert.ok(!list.includes(secret));
    const one = await (await admin('GET', `/admin/keys/${made.id}`)).text();
    assert.ok(!one.includes(made.key) && !one.includes('sha256:'));

    const patched = await admin('PATCH', `/admin/keys/${made.id}`, { disabled: true });
    assert.equal(patched.status, 200);
    assert.equal(((await patched.json()) as { disabled: boolean }).disabled, true);
    await assert.rejects(ask(made.key), OpenAI.AuthenticationError);
    assert.equal((await admin('PATCH', `/admin/keys/${made.id}`, { disabled: null, models: ['other'] })).status, 200);
    await assert.rejects(ask(made.key), OpenAI.PermissionDeniedError);
    assert.equal((await ask(made.key, 'other')).choices.length, 1);

    const del = await admin('DELETE', `/admin/keys/${made.id}`);
    assert.equal(del.status, 204);
    await assert.rejects(ask(made.key, 'other'), OpenAI.AuthenticationError);
    assert.equal((await admin('GET', `/admin/keys/${made.id}`)).status, 404);
    assert.equal((await admin('DELETE', `/admin/keys/${made.id}`)).status, 404);
  });

  it('refuses bad admin input with 400, and changes to config keys with 409', async () => {
    assert.equal((await admin('POST', '/admin/keys', '{not json')).status, 400);
    assert.equal((await admin('POST', '/admin/keys', { hash: hashKey('chosen-by-client') })).status, 400);
    assert.equal((await admin('POST', '/admin/keys', { limits: { rpm: -1 } })).status, 400);
    assert.equal((await admin('POST', '/admin/keys', '"a string"')).status, 400);
    assert.equal((await admin('POST', '/admin/keys', 'x'.repeat(70_000))).status, 413);
    assert.equal((await admin('PATCH', '/admin/keys/cfg-good', { disabled: true })).status, 409);
    assert.equal((await admin('DELETE', '/admin/keys/cfg-good')).status, 409);
    assert.equal((await ask(goodKey)).choices.length, 1, 'the config key still works');
  });

  it('never writes a key or the admin key into the logs', () => {
    assert.ok(logs.length > 0, 'the test captured log lines');
    assert.ok(logs.some((l) => l.includes('API key created')), 'the creation was logged (by id)');
    const secrets = [goodKey, expiredKey, disabledKey, plainKey, strangerKey, adminKey, ...created];
    for (const s of secrets) {
      const leaked = logs.filter((l) => l.includes(s) || l.includes(s.slice(9, 25)));
      assert.deepEqual(leaked, [], 'a secret appeared in the logs');
    }
  });
});

describe('auth-keys configuration errors', () => {
  it('refuses an admin key without a durable store, naming what to add', async () => {
    await assert.rejects(
      startGateway({ providers: { echo: { type: 'mock' } }, plugins: [['auth-keys', { adminKey: 'a'.repeat(32) }]] }),
      /needs 'store: \{ url \}'/,
    );
  });

  it('refuses a config key with neither hash nor key, and a malformed hash', async () => {
    await assert.rejects(startGateway({ providers: { echo: { type: 'mock' } }, plugins: [['auth-keys', { keys: [{ id: 'x' }] }]] }));
    await assert.rejects(startGateway({ providers: { echo: { type: 'mock' } }, plugins: [['auth-keys', { keys: [{ id: 'x', hash: 'md5:abc' }] }]] }));
  });
});

describe('auth-keys with the Redis store', () => {
  let gw: TestGateway | undefined;
  const prefix = `aisbf-test:keys-e2e:${randomBytes(4).toString('hex')}:`;
  const adminKey = `adm-${randomBytes(24).toString('base64url')}`;
  let redisUrl: string;

  before(async function () {
    redisUrl = await requireService(this, 'redis');
    gw = await startGateway({
      providers: { echo: { type: 'mock' } },
      models: { smart: { candidates: ['echo/m1'] } },
      plugins: [['auth-keys', { adminKey, store: { url: redisUrl, prefix } }]],
    });
  });
  after(async () => {
    await gw?.close();
    if (redisUrl) {
      const { createClient } = await import('@redis/client');
      const c = createClient({ url: redisUrl });
      await c.connect();
      const keys = await c.keys(`${prefix}*`);
      if (keys.length) await c.del(keys);
      await c.close();
    }
  });

  it('serves keys created through the admin API, and fails closed (503) when the store is gone', async () => {
    const res = await fetch(`${gw!.url}/admin/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ team: 'r' }),
    });
    assert.equal(res.status, 201);
    const { key } = await res.json() as { key: string };
    const client = new OpenAI({ baseURL: gw!.baseURL, apiKey: key, maxRetries: 0 });
    assert.equal((await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] })).choices.length, 1);

    // Close the plugin's store connection under the running gateway: lookups now fail.
    await gw!.gateway.config.plugins.find((p) => p.name === 'auth-keys')!.close!();
    const stranger = new OpenAI({ baseURL: gw!.baseURL, apiKey: generateKey(), maxRetries: 0 });
    await assert.rejects(
      stranger.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => err instanceof OpenAI.APIError && err.status === 503 && err.code === 'key_store_unavailable',
    );
  });
});
