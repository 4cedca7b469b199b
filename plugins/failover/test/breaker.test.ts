import assert from 'node:assert/strict';
import { MemoryState } from 'aisbf';
import { Breaker } from '../src/breaker.js';

const c = { provider: 'flaky', model: 'm1' };
const other = { provider: 'flaky', model: 'm2' };
const opts = { failures: 3, windowMs: 10_000, cooldownMs: 5_000, halfOpenProbes: 1 };

describe('Breaker (fake clock, memory state)', () => {
  let state: MemoryState;
  let now: number;
  const clock = () => now;

  beforeEach(() => {
    state = new MemoryState();
    // Start mid-window so the sliding estimate is easy to reason about.
    now = 1_000_000_000_000 + 1_000;
  });
  afterEach(() => state.close());

  it('stays closed below the threshold and opens at `failures` within the window', async () => {
    const b = new Breaker(state, opts, 't:', clock);
    await b.failure(c);
    await b.failure(c);
    assert.equal(await b.state(c), 'closed');
    assert.deepEqual(await b.admit(c), { allowed: true });
    await b.failure(c);
    assert.equal(await b.state(c), 'open');
    const a = await b.admit(c);
    assert.equal(a.allowed, false);
    assert.equal(!a.allowed && a.retryInMs, 5_000);
    assert.equal(await b.state(other), 'closed', 'keyed by provider + model');
  });

  it('forgets failures that fell out of the window', async () => {
    const b = new Breaker(state, opts, 't:', clock);
    await b.failure(c);
    await b.failure(c);
    now += 25_000; // two windows later: neither current nor previous bucket holds them
    await b.failure(c);
    assert.equal(await b.state(c), 'closed');
  });

  it('closed → open → half-open (one probe) → closed after the probe succeeds', async () => {
    const b = new Breaker(state, opts, 't:', clock);
    for (let i = 0; i < 3; i++) await b.failure(c);
    now += 4_999;
    assert.equal((await b.admit(c)).allowed, false, 'still cooling down');
    now += 1;
    assert.equal(await b.state(c), 'half-open');
    const probe = await b.admit(c);
    assert.ok(probe.allowed && probe.probe, 'the first request after the cooldown is a probe');
    const second = await b.admit(c);
    assert.equal(second.allowed, false, 'only halfOpenProbes requests pass while the probe runs');
    await b.success(c, probe.allowed ? probe.probe : undefined);
    assert.equal(await b.state(c), 'closed');
    assert.deepEqual(await b.admit(c), { allowed: true });
    await b.failure(c);
    assert.equal(await b.state(c), 'closed', 'closing also cleared the failure count');
  });

  it('a failed probe re-opens for a full cooldown', async () => {
    const b = new Breaker(state, opts, 't:', clock);
    for (let i = 0; i < 3; i++) await b.failure(c);
    now += 6_000;
    const probe = await b.admit(c);
    assert.ok(probe.allowed && probe.probe);
    await b.failure(c, probe.probe);
    assert.equal(await b.state(c), 'open');
    now += 4_000;
    assert.equal((await b.admit(c)).allowed, false);
    now += 1_000;
    assert.ok((await b.admit(c)).allowed);
  });

  it('needs every one of halfOpenProbes probes to succeed', async () => {
    const b = new Breaker(state, { ...opts, halfOpenProbes: 2 }, 't:', clock);
    for (let i = 0; i < 3; i++) await b.failure(c);
    now += 5_000;
    const p1 = await b.admit(c);
    const p2 = await b.admit(c);
    assert.ok(p1.allowed && p1.probe && p2.allowed && p2.probe);
    assert.equal((await b.admit(c)).allowed, false);
    await b.success(c, p1.probe);
    assert.equal(await b.state(c), 'half-open');
    await b.success(c, p2.probe);
    assert.equal(await b.state(c), 'closed');
  });

  it('frees a probe slot that never reported, one cooldown later', async () => {
    const b = new Breaker(state, opts, 't:', clock);
    for (let i = 0; i < 3; i++) await b.failure(c);
    now += 5_000;
    assert.ok((await b.admit(c)).allowed); // this probe's node dies: no report
    assert.equal((await b.admit(c)).allowed, false);
    now += 5_000;
    const again = await b.admit(c);
    assert.ok(again.allowed && again.probe);
  });

  it('late failures of requests already in flight do not extend the cooldown', async () => {
    const b = new Breaker(state, opts, 't:', clock);
    for (let i = 0; i < 3; i++) await b.failure(c);
    now += 3_000;
    await b.failure(c);
    await b.failure(c);
    now += 2_000;
    assert.equal(await b.state(c), 'half-open');
  });

  it('a probe from an older open period cannot close a newer one', async () => {
    const b = new Breaker(state, { ...opts, halfOpenProbes: 1 }, 't:', clock);
    for (let i = 0; i < 3; i++) await b.failure(c);
    now += 5_000;
    const stale = await b.admit(c);
    now += 5_000;
    const fresh = await b.admit(c);
    assert.ok(stale.allowed && stale.probe && fresh.allowed && fresh.probe);
    await b.failure(c, fresh.probe); // re-opens at `now`
    await b.success(c, stale.probe);
    assert.equal(await b.state(c), 'open');
  });

  it('two breakers over one store (two nodes) see the same state', async () => {
    const nodeA = new Breaker(state, opts, 't:', clock);
    const nodeB = new Breaker(state, opts, 't:', clock);
    await nodeA.failure(c);
    await nodeB.failure(c);
    await nodeA.failure(c);
    assert.equal((await nodeB.admit(c)).allowed, false);
  });
});
