import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryState, type ChatResponse, type SharedState } from 'aisbf';
import type { StoredEntry } from '../src/cache-store.js';
import { Flights } from '../src/coalesce.js';
import { MemoryLru } from '../src/memory-lru.js';
import { StateGuard, StateUnavailable } from '../src/state-guard.js';
import { StateStore } from '../src/state-store.js';

function entry(text: string): { entry: StoredEntry; json: string } {
  const response: ChatResponse = {
    id: 'c', object: 'chat.completion', created: 0, model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
  };
  return { entry: { response, storedAt: 1, servedBy: { provider: 'p', model: 'm' } }, json: JSON.stringify(response) };
}

const silent = { warn: () => undefined, info: () => undefined };

describe('memory LRU', () => {
  it('hands every hit the same frozen answer, and its JSON to send as is', async () => {
    const lru = new MemoryLru(1_000_000);
    const e = entry('hello');
    await lru.set('k', e.entry, e.json, 60_000);
    const a = await lru.get('k');
    const b = await lru.get('k');
    assert.deepEqual(a?.response, e.entry.response);
    assert.deepEqual(a?.servedBy, { provider: 'p', model: 'm' });
    assert.equal(a?.json, e.json);
    assert.notEqual(a?.response, e.entry.response, 'a private copy, not the object the pipeline answered with');
    assert.equal(a?.response, b?.response);
    assert.throws(() => { (a!.response as { id: string }).id = 'changed'; }, TypeError, 'nothing can change a cached answer');
    assert.equal(Object.isFrozen((a!.response as { choices: object[] }).choices[0]), true);
  });

  it('expires entries after their TTL (own clock)', async () => {
    let now = 1000;
    const lru = new MemoryLru(1_000_000, undefined, () => now);
    const e = entry('x');
    await lru.set('k', e.entry, e.json, 500);
    now = 1499;
    assert.ok(await lru.get('k'));
    now = 1500;
    assert.equal(await lru.get('k'), undefined);
    assert.deepEqual(lru.size(), { entries: 0, bytes: 0 });
  });

  it('stays under maxBytes by dropping the least recently used entries', async () => {
    const one = entry('a'.repeat(1000));
    const perEntry = (await (async () => { const l = new MemoryLru(1e9); await l.set('k0', one.entry, one.json, 1e6); return l.size().bytes; })());
    let evicted = 0;
    const lru = new MemoryLru(perEntry * 3, (n) => { evicted += n; });
    await lru.set('k0', one.entry, one.json, 1e6);
    await lru.set('k1', one.entry, one.json, 1e6);
    await lru.set('k2', one.entry, one.json, 1e6);
    assert.ok(await lru.get('k0')); // k0 is now the most recently used
    await lru.set('k3', one.entry, one.json, 1e6);
    assert.equal(evicted, 1);
    assert.equal(await lru.get('k1'), undefined, 'k1 was the least recently used');
    assert.ok(await lru.get('k0'));
    assert.ok(await lru.get('k2'));
    assert.ok(await lru.get('k3'));
    assert.ok(lru.size().bytes <= perEntry * 3);
  });

  it('does not keep an entry larger than the whole store', async () => {
    const lru = new MemoryLru(100);
    const e = entry('b'.repeat(500));
    await lru.set('k', e.entry, e.json, 1e6);
    assert.equal(await lru.get('k'), undefined);
    assert.deepEqual(lru.size(), { entries: 0, bytes: 0 });
  });

  it('replacing a key does not count its bytes twice', async () => {
    const lru = new MemoryLru(1e6);
    const e = entry('c');
    await lru.set('k', e.entry, e.json, 1e6);
    const once = lru.size().bytes;
    await lru.set('k', e.entry, e.json, 1e6);
    assert.deepEqual(lru.size(), { entries: 1, bytes: once });
  });
});

describe('shared-state store', () => {
  it('stores under the plain key with the TTL, and reads it back', async () => {
    const state = new MemoryState();
    const calls: Array<[string, number | undefined]> = [];
    const spy: SharedState = {
      backend: 'memory', volatile: true,
      get: (k) => state.get(k),
      set: (k, v, ttl) => { calls.push([k, ttl]); return state.set(k, v, ttl); },
      delete: (k) => state.delete(k),
      incr: (k, by, ttl) => state.incr(k, by, ttl),
      rateLimit: (k, l, w, c, f) => state.rateLimit(k, l, w, c, f),
      close: () => state.close(),
    };
    const store = new StateStore(spy, new StateGuard(silent, 1000, 1000));
    const e = entry('shared');
    await store.set('cache:v1:g:abc', e.entry, e.json, 42_000);
    assert.deepEqual(calls, [['cache:v1:g:abc', 42_000]]);
    const back = await store.get('cache:v1:g:abc');
    assert.deepEqual(back, e.entry);
    await state.close();
  });

  it('treats a foreign value under the key as a miss', async () => {
    const state = new MemoryState();
    await state.set('cache:v1:g:x', 'not an entry');
    const store = new StateStore(state, new StateGuard(silent, 1000, 1000));
    assert.equal(await store.get('cache:v1:g:x'), undefined);
    await state.close();
  });
});

describe('state guard', () => {
  it('bounds a slow call, then refuses at once until the retry time, then recovers', async () => {
    const warnings: string[] = [];
    const infos: string[] = [];
    let failures = 0;
    const guard = new StateGuard({ warn: (_o: unknown, m?: string) => { warnings.push(String(m)); }, info: (m: string) => { infos.push(m); } } as never, 20, 60, () => { failures++; });
    let calls = 0;
    const never = () => { calls++; return new Promise<string>(() => undefined); };
    await assert.rejects(guard.run('get', never), StateUnavailable);
    assert.equal(guard.open, true);
    // While open, the backend is not touched.
    await assert.rejects(guard.run('get', never), StateUnavailable);
    assert.equal(calls, 1);
    assert.equal(failures, 1);
    assert.equal(warnings.length, 1, 'one warning per outage, not per request');
    await sleep(80);
    assert.equal(await guard.run('get', async () => 'ok'), 'ok');
    assert.equal(guard.open, false);
    assert.equal(infos.length, 1);
  });

  it('turns a thrown backend error into StateUnavailable', async () => {
    const guard = new StateGuard(silent, 1000, 0);
    await assert.rejects(guard.run('set', async () => { throw new Error('ECONNREFUSED'); }), StateUnavailable);
  });
});

describe('coalescing flights', () => {
  const handoff = { json: '{"x":1}', storedAt: 5 };

  it('hands the leader answer to every waiter', async () => {
    const f = new Flights(10_000);
    const leader = {};
    assert.equal(f.join('k'), undefined, 'nothing in flight yet');
    assert.equal(f.lead('k', leader), true);
    assert.equal(f.lead('k', {}), false, 'one leader per key');
    const waits = [f.join('k'), f.join('k'), f.join('k')];
    f.finish('k', leader, handoff);
    assert.deepEqual(await Promise.all(waits), [handoff, handoff, handoff]);
    assert.equal(f.size, 0);
  });

  it('releases waiters without an answer when the leader fails, and only its owner can end it', async () => {
    const f = new Flights(10_000);
    const leader = {};
    f.lead('k', leader);
    const w = f.join('k');
    f.finish('k', {}, handoff); // not the owner: ignored
    assert.equal(f.size, 1);
    f.finish('k', leader, undefined);
    assert.equal(await w, undefined);
  });

  it('releases waiters when the wait bound passes', async () => {
    const f = new Flights(30);
    f.lead('k', {});
    assert.equal(await f.join('k'), undefined);
    assert.equal(f.size, 0);
  });

  it('releases a waiter whose client left', async () => {
    const f = new Flights(10_000);
    const leader = {};
    f.lead('k', leader);
    const ac = new AbortController();
    const w = f.join('k', ac.signal);
    ac.abort();
    assert.equal(await w, undefined);
    assert.equal(f.size, 1, 'the flight itself goes on');
    f.clear();
    assert.equal(f.size, 0);
  });
});
