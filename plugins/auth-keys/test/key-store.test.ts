import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createClient } from '@redis/client';
import pg from 'pg';
import { requireService } from 'aisbf/testing';
import { hashKey } from '../src/index.js';
import type { KeyRecord } from '../src/key-record.js';
import { openKeyStore, type KeyStore } from '../src/key-store.js';

/** The same behaviour from both durable stores: the admin API and the lookups rely on it. */
function conformance(name: string, open: (mocha: Mocha.Context, suffix: string) => Promise<{ store: KeyStore; other: KeyStore; cleanup(): Promise<void> }>) {
  describe(`auth-keys store: ${name}`, () => {
    let store: KeyStore;
    let other: KeyStore;
    let cleanup: (() => Promise<void>) | undefined;
    before(async function () {
      ({ store, other, cleanup } = await open(this, randomBytes(4).toString('hex')));
    });
    after(async () => {
      await cleanup?.();
      await store?.close();
      await other?.close();
    });

    const rec = (id: string, key: string, extra: Partial<KeyRecord> = {}): KeyRecord =>
      ({ id, hash: hashKey(key), createdAt: new Date().toISOString(), source: 'store', ...extra });

    it('stores a record, finds it by hash and id from another connection, lists it, never by a wrong hash', async () => {
      await store.put(rec('key_a', 'secret-a', { team: 'search', limits: { rpm: 5 } }));
      const found = await other.findByHash(hashKey('secret-a'));
      assert.equal(found?.id, 'key_a');
      assert.equal(found?.team, 'search');
      assert.deepEqual(found?.limits, { rpm: 5 });
      assert.equal(found?.source, 'store');
      assert.equal((await other.get('key_a'))?.hash, hashKey('secret-a'));
      assert.equal(await other.findByHash(hashKey('secret-b')), undefined);
      assert.deepEqual((await other.list()).map((r) => r.id), ['key_a']);
    });

    it('replaces a record by id and deletes it (revocation) for every connection', async () => {
      await store.put(rec('key_b', 'secret-b'));
      await store.put({ ...(await store.get('key_b'))!, disabled: true });
      assert.equal((await other.findByHash(hashKey('secret-b')))?.disabled, true);
      assert.equal(await store.delete('key_b'), true);
      assert.equal(await store.delete('key_b'), false);
      assert.equal(await other.findByHash(hashKey('secret-b')), undefined);
      assert.equal(await other.get('key_b'), undefined);
    });
  });
}

conformance('postgres', async (mocha, suffix) => {
  const url = await requireService(mocha, 'postgres');
  const table = `aisbf_keys_test_${suffix}`;
  const store = await openKeyStore({ url, table });
  const other = await openKeyStore({ url, table });
  // Two nodes starting at once both create the table.
  await Promise.all([store.init(), other.init()]);
  return {
    store, other,
    async cleanup() {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP TABLE IF EXISTS ${table}`);
      await c.end();
    },
  };
});

conformance('redis', async (mocha, suffix) => {
  const url = await requireService(mocha, 'redis');
  const prefix = `aisbf-test:keys:${suffix}:`;
  const store = await openKeyStore({ url, prefix });
  const other = await openKeyStore({ url, prefix });
  return {
    store, other,
    async cleanup() {
      const c = createClient({ url });
      await c.connect();
      const keys = await c.keys(`${prefix}*`);
      if (keys.length) await c.del(keys);
      await c.close();
    },
  };
});

describe('auth-keys store: configuration', () => {
  it('refuses a URL that is neither postgres nor redis, and an unsafe table name', async () => {
    await assert.rejects(openKeyStore({ url: 'mysql://x' }), /postgres:\/\/ or redis:\/\//);
    await assert.rejects(openKeyStore({ url: 'postgres://127.0.0.1/test', table: 'keys; drop table x' }), /plain lower-case SQL identifier/);
  });
});
