import assert from 'node:assert/strict';
import { generateKey, hashKey, isKeyHash, KEY_PREFIX } from '../src/index.js';
import { KeyDirectory } from '../src/key-directory.js';
import { readCredential, sameHash, sameSecret } from '../src/key-material.js';
import { allowsModel, parseKeyFields, type KeyRecord } from '../src/key-record.js';
import type { KeyStore } from '../src/key-store.js';

describe('auth-keys: key material', () => {
  it('generates distinct high-entropy keys with the prefix', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateKey()));
    assert.equal(keys.size, 200);
    for (const k of keys) assert.match(k, new RegExp(`^${KEY_PREFIX}[A-Za-z0-9_-]{43}$`));
  });

  it('hashes to sha256:<hex>, deterministically, and never contains the key', () => {
    const key = generateKey();
    const h = hashKey(key);
    assert.equal(h, hashKey(key));
    assert.ok(isKeyHash(h));
    assert.ok(!h.includes(key.slice(KEY_PREFIX.length, KEY_PREFIX.length + 8)));
    // A known vector, so the CLI's `aisbf keys hash` output can be checked by hand.
    assert.equal(hashKey('test'), 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08');
    assert.notEqual(hashKey(key), hashKey(`${key}x`));
  });

  it('compares hashes and secrets in constant time, including different lengths', () => {
    assert.equal(sameHash(hashKey('a'), hashKey('a')), true);
    assert.equal(sameHash(hashKey('a'), hashKey('b')), false);
    assert.equal(sameHash(hashKey('a'), 'sha256:'), false);
    assert.equal(sameSecret('admin-secret-123456', 'admin-secret-123456'), true);
    assert.equal(sameSecret('admin-secret-12345', 'admin-secret-123456'), false);
    assert.equal(sameSecret('', 'admin-secret-123456'), false);
  });

  it('reads Bearer and x-api-key credentials and rejects malformed ones without echoing them', () => {
    assert.deepEqual(readCredential({}), { kind: 'none' });
    assert.deepEqual(readCredential({ authorization: 'Bearer sk-1' }), { kind: 'key', key: 'sk-1' });
    assert.deepEqual(readCredential({ authorization: 'bearer   sk-1' }), { kind: 'key', key: 'sk-1' });
    assert.deepEqual(readCredential({ 'x-api-key': 'sk-2' }), { kind: 'key', key: 'sk-2' });
    assert.deepEqual(readCredential({ authorization: 'Bearer sk-1', 'x-api-key': 'sk-2' }), { kind: 'key', key: 'sk-1' });
    for (const bad of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer a b', 'sk-secret-value']) {
      const c = readCredential({ authorization: bad });
      assert.equal(c.kind, 'malformed', bad);
      if (c.kind === 'malformed') assert.ok(!c.why.includes('dXNlcjpwYXNz') && !c.why.includes('sk-secret-value'));
    }
    assert.equal(readCredential({ authorization: ['Bearer a', 'Bearer b'] }).kind, 'malformed');
    assert.equal(readCredential({ authorization: `Bearer ${'x'.repeat(300)}` }).kind, 'malformed');
    assert.equal(readCredential({ 'x-api-key': '  ' }).kind, 'malformed');
  });

  it('matches allowed models exactly or by a trailing-* prefix', () => {
    assert.equal(allowsModel(undefined, 'anything'), true);
    assert.equal(allowsModel(['smart'], 'smart'), true);
    assert.equal(allowsModel(['smart'], 'smart2'), false);
    assert.equal(allowsModel(['gpt/*'], 'gpt/gpt-4o'), true);
    assert.equal(allowsModel(['gpt/*'], 'claude/x'), false);
    assert.equal(allowsModel([], 'smart'), false);
    assert.equal(allowsModel(['*'], 'x'), true);
  });

  it('validates admin bodies field by field and refuses unknown fields (a client cannot set the hash or id)', () => {
    assert.deepEqual(parseKeyFields({ user: 'ana', team: 'search', limits: { rpm: 5 }, budget: { usd: 1.5, period: 'day' } }),
      { user: 'ana', team: 'search', limits: { rpm: 5 }, budget: { usd: 1.5, period: 'day' } });
    for (const bad of [[], 'x', { hash: hashKey('x') }, { id: 'key_1' }, { limits: { rpm: 0 } }, { limits: { rpm: 1.5 } }, { limits: { rph: 1 } },
      { budget: { usd: -1, period: 'day' } }, { budget: { usd: 1, period: 'year' } }, { models: 'smart' }, { expiresAt: 'soon' },
      { disabled: 'yes' }, { user: 'x'.repeat(200) }, { team: 'a\nb' }]) {
      assert.throws(() => parseKeyFields(bad), (err: { status?: number }) => err.status === 400, JSON.stringify(bad));
    }
  });
});

describe('auth-keys: key directory cache', () => {
  const record = (id: string, key: string): KeyRecord => ({ id, hash: hashKey(key), createdAt: new Date(0).toISOString(), source: 'store' });

  function fakeStore(records: KeyRecord[]): KeyStore & { lookups: number } {
    return {
      kind: 'fake',
      lookups: 0,
      async init() {},
      async findByHash(hash) { this.lookups++; return records.find((r) => r.hash === hash); },
      async get(id) { return records.find((r) => r.id === id); },
      async list() { return records; },
      async put(r) { records.push(r); },
      async delete(id) { const i = records.findIndex((r) => r.id === id); if (i >= 0) records.splice(i, 1); return i >= 0; },
      async close() {},
    };
  }

  it('serves config keys without the store, caches store lookups for at most the TTL, and forgets on demand', async () => {
    let now = 1_000_000;
    const records = [record('k1', 'key-one')];
    const store = fakeStore(records);
    const configKey: KeyRecord = { ...record('cfg', 'config-key'), source: 'config' };
    // A TTL above one second is capped at one second: the revocation promise depends on it.
    const dir = new KeyDirectory([configKey], store, 5000, () => now);
    assert.equal((await dir.findByHash(hashKey('config-key')))?.id, 'cfg');
    assert.equal(store.lookups, 0);

    assert.equal((await dir.findByHash(hashKey('key-one')))?.id, 'k1');
    assert.equal((await dir.findByHash(hashKey('key-one')))?.id, 'k1');
    assert.equal(store.lookups, 1);

    records.splice(0, 1); // revoked elsewhere
    now += 999;
    assert.equal((await dir.findByHash(hashKey('key-one')))?.id, 'k1', 'still cached within the TTL');
    now += 2;
    assert.equal(await dir.findByHash(hashKey('key-one')), undefined, 'refused once the TTL (capped at 1 s) ran out');

    records.push(record('k2', 'key-two'));
    await dir.findByHash(hashKey('key-two'));
    records.splice(0, 1);
    dir.forget(hashKey('key-two'));
    assert.equal(await dir.findByHash(hashKey('key-two')), undefined);
  });
});
