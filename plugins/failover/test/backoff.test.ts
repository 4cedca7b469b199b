import assert from 'node:assert/strict';
import { backoffDelay } from '../src/backoff.js';

const o = { baseMs: 100, maxMs: 1000, maxRetryAfterMs: 3000 };

describe('backoffDelay', () => {
  it('draws uniformly below base·2^(n-1), capped at maxMs (full jitter)', () => {
    // random() = 0.999… gives the top of the range, 0 the bottom.
    const top = (n: number) => backoffDelay(n, o, undefined, () => 0.999999)!;
    assert.ok(top(1) < 100 && top(1) > 99);
    assert.ok(top(2) < 200 && top(2) > 199);
    assert.ok(top(3) < 400 && top(3) > 399);
    assert.ok(top(5) < 1000 && top(5) > 999, 'capped at maxMs');
    assert.ok(top(80) <= 1000, 'no overflow for absurd retry counts');
    assert.equal(backoffDelay(3, o, undefined, () => 0), 0);
  });

  it('stays inside [0, ceiling) over many real draws', () => {
    for (let i = 0; i < 2000; i++) {
      const d = backoffDelay(3, o)!;
      assert.ok(d >= 0 && d < 400, `draw ${d}`);
    }
  });

  it('never waits less than retry-after, and gives up on the candidate when it asks for more than the cap', () => {
    assert.equal(backoffDelay(1, o, 1500, () => 0.5), 1500);
    assert.equal(backoffDelay(5, { ...o, maxMs: 4000 }, 1500, () => 0.999), 0.999 * 1600);
    assert.equal(backoffDelay(1, o, 3001, () => 0.5), undefined);
    assert.equal(backoffDelay(1, o, 3000, () => 0.5), 3000);
  });
});
