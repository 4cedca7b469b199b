import assert from 'node:assert/strict';
import { isGatewayError, MemoryState, type GatewayError, type RequestContext } from 'aisbf';
import { RateLimiter, resetDuration, scopesFor, type Scope } from '../src/index.js';

/** Date.now under the test's control: GCRA buckets in memory state read it. */
function fakeClock(start = Date.UTC(2026, 0, 1)) {
  const real = Date.now;
  let now = start;
  Date.now = () => now;
  return { advance: (ms: number) => { now += ms; }, restore: () => { Date.now = real; } };
}

function refused(err: unknown): err is GatewayError {
  return isGatewayError(err) && err.status === 429;
}

describe('ratelimit: limiter (fake clock, memory state)', () => {
  let clock: ReturnType<typeof fakeClock>;
  let state: MemoryState;
  let limiter: RateLimiter;
  beforeEach(() => {
    clock = fakeClock();
    state = new MemoryState();
    limiter = new RateLimiter(state);
  });
  afterEach(async () => {
    clock.restore();
    await state.close();
  });

  const key = (limits: Scope['limits'], id = 'k1'): Scope => ({ kind: 'key', id, limits });

  it('admits rpm requests with falling remaining, then refuses with retry-after and remaining 0, and refills with time', async () => {
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const a = await limiter.admit([key({ rpm: 5 })], 0);
      assert.equal(a.headers['x-ratelimit-limit-requests'], '5');
      remaining.push(a.headers['x-ratelimit-remaining-requests']);
    }
    assert.deepEqual(remaining, ['4', '3', '2', '1', '0']);
    const err = await limiter.admit([key({ rpm: 5 })], 0).catch((e: unknown) => e);
    assert.ok(refused(err));
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.equal(err.type, 'rate_limit_error');
    // One request drips back every 60/5 = 12 s.
    assert.equal(err.headers['retry-after'], '12');
    assert.equal(err.headers['x-ratelimit-remaining-requests'], '0');
    assert.equal(err.headers['x-ratelimit-reset-requests'], '1m0s');
    assert.match(err.message, /key 'k1': 5 requests per minute/);

    clock.advance(11_999);
    await assert.rejects(limiter.admit([key({ rpm: 5 })], 0), refused);
    clock.advance(1);
    const again = await limiter.admit([key({ rpm: 5 })], 0);
    assert.equal(again.headers['x-ratelimit-remaining-requests'], '0');
    clock.advance(60_000);
    assert.equal((await limiter.admit([key({ rpm: 5 })], 0)).headers['x-ratelimit-remaining-requests'], '4', 'a minute later the bucket is full again');
  });

  it('reserves tokens at admission and corrects them to actual usage on settle', async () => {
    const a = await limiter.admit([key({ tpm: 1000 })], 600);
    assert.equal(a.headers['x-ratelimit-remaining-tokens'], '400');
    await assert.rejects(limiter.admit([key({ tpm: 1000 })], 600), refused);
    // The request used 100 tokens, not 600: 500 come back.
    await limiter.settle(a.reservation, 100, false);
    const b = await limiter.admit([key({ tpm: 1000 })], 600);
    assert.equal(b.headers['x-ratelimit-remaining-tokens'], '300');
    // A failed request (no usage) gives all its tokens back.
    await limiter.settle(b.reservation, undefined, false);
    assert.equal((await limiter.admit([key({ tpm: 1000 })], 1)).headers['x-ratelimit-remaining-tokens'], '899');
  });

  it('refuses a request larger than the whole token limit with a message that says why no wait helps', async () => {
    const err = await limiter.admit([key({ tpm: 100 })], 101).catch((e: unknown) => e);
    assert.ok(refused(err));
    assert.match(err.message, /Request too large.*101 tokens.*100 tokens per minute/);
    assert.equal((await limiter.admit([key({ tpm: 100 })], 100)).headers['x-ratelimit-remaining-tokens'], '0', 'the refusal took nothing');
  });

  it('limits concurrency and frees the slot on settle', async () => {
    const a = await limiter.admit([key({ concurrent: 2 })], 0);
    await limiter.admit([key({ concurrent: 2 })], 0);
    const err = await limiter.admit([key({ concurrent: 2 })], 0).catch((e: unknown) => e);
    assert.ok(refused(err));
    assert.match(err.message, /2 concurrent requests/);
    await limiter.settle(a.reservation, 10, false);
    await limiter.admit([key({ concurrent: 2 })], 0);
  });

  it('admits only when every scope admits, and gives back what the others took when one refuses', async () => {
    const team: Scope = { kind: 'team', id: 'search', limits: { rpm: 2 } };
    await limiter.admit([key({ rpm: 10 }, 'a'), team], 0);
    await limiter.admit([key({ rpm: 10 }, 'b'), team], 0);
    const err = await limiter.admit([key({ rpm: 10 }, 'c'), team], 0).catch((e: unknown) => e);
    assert.ok(refused(err));
    assert.match(err.message, /team 'search'/);
    // Key 'c' was charged nothing by the refused request.
    assert.equal((await limiter.admit([key({ rpm: 10 }, 'c')], 0)).headers['x-ratelimit-remaining-requests'], '9');
    // The headers name the tightest bucket.
    clock.advance(60_000);
    const h = (await limiter.admit([key({ rpm: 10 }, 'd'), team], 0)).headers;
    assert.equal(h['x-ratelimit-limit-requests'], '2');
    assert.equal(h['x-ratelimit-remaining-requests'], '1');
  });

  it('gives a request back when it never reached a provider', async () => {
    const a = await limiter.admit([key({ rpm: 1 })], 0);
    await limiter.settle(a.reservation, undefined, true);
    await limiter.admit([key({ rpm: 1 })], 0);
  });
});

describe('ratelimit: scopes and headers', () => {
  const ctx = (principal: RequestContext['principal'], model = 'smart') => ({ principal, model }) as RequestContext;

  it('takes scopes from the principal and the model, with per-key limits over the defaults and named overrides', () => {
    const options = { defaults: { key: { rpm: 10, tpm: 1000 }, team: { rpm: 100 }, model: { concurrent: 5 } }, overrides: { team: { big: { rpm: 1000 } } } };
    assert.deepEqual(scopesFor(ctx({ id: 'k', team: 'big', user: 'u', limits: { rpm: 3 } }), options), [
      { kind: 'key', id: 'k', limits: { rpm: 3, tpm: 1000 } },
      { kind: 'team', id: 'big', limits: { rpm: 1000 } },
      { kind: 'model', id: 'smart', limits: { concurrent: 5 } },
    ]);
    assert.deepEqual(scopesFor(ctx(undefined), { defaults: { key: { rpm: 1 } } }), [{ kind: 'key', id: 'anonymous', limits: { rpm: 1 } }]);
    assert.deepEqual(scopesFor(ctx({ id: 'k' }), {}), []);
  });

  it('formats reset waits as OpenAI does', () => {
    assert.equal(resetDuration(0), '0ms');
    assert.equal(resetDuration(250.2), '251ms');
    assert.equal(resetDuration(1000), '1s');
    assert.equal(resetDuration(6500), '6.5s');
    assert.equal(resetDuration(60_000), '1m0s');
    assert.equal(resetDuration(150_500), '2m30.5s');
  });
});
