import assert from 'node:assert/strict';
import { isGatewayError, MemoryState, type GatewayError } from 'aisbf';
import { BudgetKeeper, periodWindow, type BudgetScope } from '../src/index.js';

function quota(err: unknown): err is GatewayError {
  return isGatewayError(err) && err.status === 429 && err.code === 'insufficient_quota';
}

describe('budget: periods (UTC)', () => {
  it('finds the day and month containing a moment, across year ends and leap days', () => {
    assert.deepEqual(periodWindow('day', Date.parse('2026-11-24T23:59:59.999Z')),
      { start: Date.parse('2026-11-24T00:00:00Z'), end: Date.parse('2026-11-25T00:00:00Z'), label: '2026-11-24' });
    assert.deepEqual(periodWindow('month', Date.parse('2026-12-31T23:00:00Z')),
      { start: Date.parse('2026-12-01T00:00:00Z'), end: Date.parse('2027-01-01T00:00:00Z'), label: '2026-12' });
    assert.equal(periodWindow('day', Date.parse('2028-02-29T12:00:00Z')).end, Date.parse('2028-03-01T00:00:00Z'));
    assert.equal(periodWindow('month', Date.parse('2027-01-01T00:00:00Z')).label, '2027-01');
  });
});

describe('budget: keeper (fake clock, memory state)', () => {
  let state: MemoryState;
  let now = Date.parse('2026-11-30T23:00:00Z');
  const realNow = Date.now;
  beforeEach(() => {
    now = Date.parse('2026-11-30T23:00:00Z');
    // Memory state expires keys by Date.now; keep it on the same fake clock.
    Date.now = () => now;
    state = new MemoryState();
  });
  afterEach(async () => {
    Date.now = realNow;
    await state.close();
  });
  const team: BudgetScope = { kind: 'team', id: 'search', limit: { usd: 1, period: 'month' } };

  it('reserves up to the limit exactly, refuses the reservation that would not fit, and settles to the real cost', async () => {
    const keeper = new BudgetKeeper(state, () => now);
    const a = await keeper.reserve([team], 0.4);
    const b = await keeper.reserve([team], 0.6);
    assert.equal(await keeper.spent(team), 1_000_000);
    const err = await keeper.reserve([team], 0.000001).catch((e: unknown) => e);
    assert.ok(quota(err));
    assert.match(err.message, /team 'search': \$1\.00 of \$1\.00 is spent or reserved this month \(UTC\)/);
    assert.match(err.message, /resets at 2026-12-01T00:00:00\.000Z/);
    assert.equal(err.headers['retry-after'], '3600');
    // The real costs were lower: the difference comes back.
    await keeper.settle(a, 0.1);
    await keeper.settle(b, 0);
    assert.equal(await keeper.spent(team), 100_000);
    await keeper.reserve([team], 0.9);
    await assert.rejects(keeper.reserve([team], 0.01), quota);
  });

  it('starts a fresh budget when the period turns', async () => {
    const keeper = new BudgetKeeper(state, () => now);
    await keeper.reserve([team], 1);
    await assert.rejects(keeper.reserve([team], 0.01), quota);
    now = Date.parse('2026-12-01T00:00:00Z');
    await keeper.reserve([team], 0.5);
    assert.equal(await keeper.spent(team), 500_000);
  });

  it('reserves in every scope or in none', async () => {
    const keeper = new BudgetKeeper(state, () => now);
    const key: BudgetScope = { kind: 'key', id: 'k1', limit: { usd: 10, period: 'day' } };
    const small: BudgetScope = { kind: 'user', id: 'ana', limit: { usd: 0.5, period: 'day' } };
    await assert.rejects(keeper.reserve([key, small], 0.6), (err: unknown) => quota(err) && /user 'ana'/.test((err as Error).message));
    assert.equal(await keeper.spent(key), 0, 'the key scope kept nothing from the refused request');
    await keeper.reserve([key, small], 0.5);
    assert.equal(await keeper.spent(key), 500_000);
  });

  it('never lets concurrent reservations exceed the budget', async () => {
    const keeper = new BudgetKeeper(state, () => now);
    const results = await Promise.allSettled(Array.from({ length: 40 }, () => keeper.reserve([team], 0.03)));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 33);
    assert.ok((await keeper.spent(team)) <= 1_000_000);
  });
});
