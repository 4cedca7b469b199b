import assert from 'node:assert/strict';
import { HedgeBudget, LatencyTracker, hedgeDelay } from '../src/hedge.js';

describe('HedgeBudget', () => {
  it('allows one hedge per window, then the configured share of requests', () => {
    let now = 100;
    const b = new HedgeBudget(0.25, () => now);
    b.request();
    assert.equal(b.tryHedge(), true);
    assert.equal(b.tryHedge(), false);
    for (let i = 0; i < 7; i++) b.request(); // 8 requests: 0.25 × 8 = 2 hedges
    assert.equal(b.tryHedge(), true);
    assert.equal(b.tryHedge(), false);
    now += 25_000; // two windows later everything is forgotten
    b.request();
    assert.equal(b.tryHedge(), true);
  });

  it('with a share of 1 never refuses', () => {
    const b = new HedgeBudget(1, () => 0);
    for (let i = 0; i < 5; i++) assert.equal(b.tryHedge(), true);
  });
});

describe('LatencyTracker and hedgeDelay', () => {
  const c = { provider: 'p', model: 'm' };
  const o = { afterMs: 'p95' as const, minMs: 50, max: 1, budget: 1 };

  it('uses minMs until enough samples exist, then the p95 of the recent ones', () => {
    const t = new LatencyTracker();
    assert.equal(hedgeDelay(o, c, true, t), 50);
    for (let i = 1; i <= 100; i++) t.record(c, true, i * 10); // 10 … 1000 ms
    const d = hedgeDelay(o, c, true, t);
    assert.ok(d >= 900 && d <= 1000, `p95 ${d}`);
    assert.equal(hedgeDelay(o, { provider: 'p', model: 'other' }, true, t), 50);
    assert.equal(hedgeDelay(o, c, false, t), 50, 'JSON answers are timed apart from streams');
  });

  it('never goes below minMs, and a fixed afterMs wins over samples', () => {
    const t = new LatencyTracker();
    for (let i = 0; i < 40; i++) t.record(c, false, 1);
    assert.equal(hedgeDelay(o, c, false, t), 50);
    assert.equal(hedgeDelay({ ...o, afterMs: 300 }, c, false, t), 300);
  });
});
