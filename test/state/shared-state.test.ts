import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RedisState } from '@aisbf/plugin-state-redis';
import { isGatewayError, MemoryState, type SharedState } from 'aisbf';
import { requireService } from 'aisbf/testing';

/**
 * One conformance suite, run against every backend: plugins rely on these
 * semantics whichever backend the config picks.
 */
function conformance(name: string, make: (mocha: Mocha.Context) => Promise<{ state: SharedState; prefix: string; extra?: SharedState }>) {
  describe(`shared state conformance: ${name}`, () => {
    let state: SharedState;
    let other: SharedState | undefined;
    before(async function () {
      ({ state, extra: other } = await make(this));
    });
    after(async () => {
      await state?.close();
      await other?.close();
    });
    const k = (s: string) => `t-${randomUUID()}:${s}`;

    it('stores JSON values and deletes them', async () => {
      const key = k('v');
      assert.equal(await state.get(key), undefined);
      await state.set(key, { a: [1, 'x'], b: null });
      assert.deepEqual(await state.get(key), { a: [1, 'x'], b: null });
      assert.equal(await state.delete(key), true);
      assert.equal(await state.get(key), undefined);
      assert.equal(await state.delete(key), false);
    });

    it('expires values after their ttl', async () => {
      const key = k('ttl');
      await state.set(key, 'x', 40);
      assert.equal(await state.get(key), 'x');
      await sleep(90);
      assert.equal(await state.get(key), undefined);
    });

    it('increments atomically under concurrency, and a window key expires', async () => {
      const key = k('n');
      const results = await Promise.all(Array.from({ length: 50 }, () => state.incr(key, 1, 60)));
      assert.deepEqual([...results].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i + 1));
      assert.equal(await state.incr(key, -10), 40);
      await sleep(110);
      assert.equal(await state.incr(key, 1, 60), 1, 'a fresh window starts at 1');
    });

    it('rate-limits with GCRA: admits the limit, then refuses with a wait', async () => {
      const key = k('rl');
      const admitted = [];
      for (let i = 0; i < 7; i++) admitted.push(await state.rateLimit(key, 5, 60_000));
      assert.deepEqual(admitted.map((r) => r.allowed), [true, true, true, true, true, false, false]);
      assert.equal(admitted[4].remaining, 0);
      assert.ok(admitted[5].retryAfterMs > 0 && admitted[5].retryAfterMs <= 12_000, `retryAfterMs ${admitted[5].retryAfterMs}`);
      // Settling a reservation down gives units back.
      await state.rateLimit(key, 5, 60_000, -2, true);
      const again = await state.rateLimit(key, 5, 60_000, 2);
      assert.equal(again.allowed, true);
    });

    it('admits exactly the limit when many callers race for one bucket', async () => {
      const key = k('race');
      const callers = [state, other ?? state];
      const results = await Promise.all(Array.from({ length: 60 }, (_, i) => callers[i % 2].rateLimit(key, 20, 60_000)));
      assert.equal(results.filter((r) => r.allowed).length, 20);
    });
  });
}

conformance('memory', async () => ({ state: new MemoryState(), prefix: '' }));

conformance('redis (two clients, as two nodes)', async (mocha) => {
  const url = await requireService(mocha, 'redis');
  const prefix = `aisbf-test:${randomUUID()}:`;
  return { state: await RedisState.connect({ url, prefix }), extra: await RedisState.connect({ url, prefix }), prefix };
});

describe('redis state when Redis is down', () => {
  it('starts, then fails fast with a 503 state_unavailable instead of hanging', async () => {
    // Port 1 on loopback: nothing listens there, connections are refused at once.
    const state = await RedisState.connect({ url: 'redis://127.0.0.1:1', connectTimeoutMs: 300, commandTimeoutMs: 300 });
    try {
      await assert.rejects(state.get('x'), (err: unknown) => isGatewayError(err) && err.status === 503 && err.code === 'state_unavailable');
      await assert.rejects(state.incr('x'), (err: unknown) => isGatewayError(err) && err.code === 'state_unavailable');
    } finally {
      await state.close();
    }
  });
});
