import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { AISBF_ERR_UPSTREAM_UNREACHABLE, isGatewayError, MemoryState, upstreamError, type ChatStream, type GatewayError } from 'aisbf';
import { Breaker } from '../src/breaker.js';
import { HedgeBudget, LatencyTracker } from '../src/hedge.js';
import { settings, type FailoverOptions } from '../src/options.js';
import { runAttempts, type FailoverLocals, type StrategyDeps } from '../src/strategy.js';
import { cands, fail, fakeContext, fakeStream, hang, logger, ok, scripted, type Step } from './helpers.js';

const http = (status: number, extra: { code?: string; headers?: Record<string, string> } = {}) =>
  upstreamError({ status, message: `HTTP ${status}`, provider: 'x', ...extra });

function deps(o: FailoverOptions, state?: MemoryState): StrategyDeps {
  const s = settings({ breaker: false, ...o });
  return {
    settings: s,
    breaker: s.breaker && state ? new Breaker(state, s.breaker, 'unit:') : undefined,
    budget: s.hedge ? new HedgeBudget(s.hedge.budget) : undefined,
    latency: new LatencyTracker(),
    warn: (d, m) => logger.warn(d, m),
  };
}

async function rejection(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (err) {
    assert.ok(isGatewayError(err), `expected a GatewayError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the request to fail');
}

describe('runAttempts', () => {
  it('fails over immediately to the next candidate on a 500 (retries: 0)', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(500))], b: [ok()] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({}));
    assert.equal(r.candidate.provider, 'b');
    assert.deepEqual(s.calls, ['a', 'b']);
  });

  it('returns a client error (400) as is, without trying anyone else', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(400))], b: [ok()] });
    const err = await rejection(runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ retries: 3 })));
    assert.equal(err.status, 400);
    assert.deepEqual(s.calls, ['a']);
  });

  it('moves on from a 401 without retrying it, even with retries configured', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(401))], b: [ok()] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ retries: 2, backoff: { baseMs: 1, maxMs: 2 } }));
    assert.equal(r.candidate.provider, 'b');
    assert.deepEqual(s.calls, ['a', 'b']);
  });

  it('answers 502 upstream_auth_failed, not 401, when the last candidate rejects the gateway\'s key', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(500))], b: [fail(upstreamError({ status: 401, message: 'Incorrect API key', provider: 'b' }))] });
    const err = await rejection(runAttempts(cands('a', 'b'), s.attempt, ctx, deps({})));
    assert.equal(err.status, 502);
    assert.equal(err.code, 'upstream_auth_failed');
    assert.match(err.message, /providers\.b/);
  });

  it('retries the same candidate with backoff, then serves from it', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(503)), fail(http(503)), ok()], b: [ok()] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ retries: 2, backoff: { baseMs: 5, maxMs: 10 } }));
    assert.equal(r.candidate.provider, 'a');
    assert.deepEqual(s.calls, ['a', 'a', 'a']);
    assert.equal((ctx.locals.failover as FailoverLocals).retries, 2);
  });

  it('honours a short retry-after on the same candidate, and skips to the next when it is above the cap', async () => {
    const short = fakeContext();
    const s1 = scripted({ a: [fail(http(429, { headers: { 'retry-after-ms': '20' } })), ok()], b: [ok()] });
    const r1 = await runAttempts(cands('a', 'b'), s1.attempt, short.ctx, deps({ retries: 1, backoff: { maxRetryAfterMs: 100 } }));
    assert.deepEqual(s1.calls, ['a', 'a']);
    assert.equal(r1.candidate.provider, 'a');

    const long = fakeContext();
    const s2 = scripted({ a: [fail(http(429, { headers: { 'retry-after': '30' } })), ok()], b: [ok()] });
    const r2 = await runAttempts(cands('a', 'b'), s2.attempt, long.ctx, deps({ retries: 1, backoff: { maxRetryAfterMs: 100 } }));
    assert.deepEqual(s2.calls, ['a', 'b']);
    assert.equal(r2.candidate.provider, 'b');
  });

  it('gives up with the last upstream error when every candidate fails', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(500))], b: [fail(http(529))] });
    const err = await rejection(runAttempts(cands('a', 'b'), s.attempt, ctx, deps({})));
    assert.equal(err.status, 503);
    assert.equal(err.code, 'overloaded');
  });

  it('aborts an attempt without a first token after ttftMs and serves from the next candidate', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [hang()], b: [ok()] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ timeouts: { ttftMs: 20 } }));
    assert.equal(r.candidate.provider, 'b');
    assert.deepEqual(s.aborted, ['a']);
  });

  it('lets the last candidate answer after ttftMs rather than fail the request', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [fail(http(500))], b: [ok(60)] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ timeouts: { ttftMs: 20 } }));
    assert.equal(r.candidate.provider, 'b');
    assert.deepEqual(s.aborted, []);
  });

  it('aborts a slow attempt after ttftMs when a retry of it is still allowed', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [ok(200), ok()] });
    const r = await runAttempts(cands('a'), s.attempt, ctx, deps({ retries: 1, backoff: { baseMs: 1, maxMs: 1 }, timeouts: { ttftMs: 20 } }));
    assert.equal(r.candidate.provider, 'a');
    assert.deepEqual(s.calls, ['a', 'a']);
    assert.deepEqual(s.aborted, ['a']);
  });

  it('stops at the total deadline with a 504, aborting what is in flight', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [hang()], b: [hang()] });
    const err = await rejection(runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ timeouts: { ttftMs: 30, totalMs: 40 } })));
    assert.equal(err.status, 504);
    assert.equal(err.code, 'timeout');
    assert.match(err.message, /total deadline of 40 ms/);
    assert.deepEqual(s.aborted.sort(), ['a', 'b']);
  });

  it('hedges a slow first attempt: the faster candidate wins and the slow one is aborted', async () => {
    const { ctx, headers } = fakeContext();
    const s = scripted({ a: [ok(500)], b: [ok(5)] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ hedge: { afterMs: 20, budget: 1 } }));
    assert.equal(r.candidate.provider, 'b');
    assert.deepEqual(s.calls, ['a', 'b']);
    assert.deepEqual(s.aborted, ['a']);
    assert.equal((ctx.locals.failover as FailoverLocals).hedges, 1);
    assert.equal(headers['x-aisbf-hedges'], '1');
  });

  it('does not hedge when the first attempt answers in time', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [ok(1)], b: [ok()] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ hedge: { afterMs: 200, budget: 1 } }));
    assert.equal(r.candidate.provider, 'a');
    assert.deepEqual(s.calls, ['a']);
  });

  it('caps hedges per request (max: 1 starts at most one extra attempt)', async () => {
    const { ctx } = fakeContext();
    const s = scripted({ a: [ok(60)], b: [ok(200)], c: [ok()] });
    const r = await runAttempts(cands('a', 'b', 'c'), s.attempt, ctx, deps({ hedge: { afterMs: 5, max: 1, budget: 1 } }));
    assert.equal(r.candidate.provider, 'a');
    assert.deepEqual(s.calls, ['a', 'b']);
    assert.deepEqual(s.aborted, ['b']);
  });

  it('caps the share of requests that hedge on a node (budget)', async () => {
    // A frozen clock keeps every request in one budget window.
    const d = { ...deps({ hedge: { afterMs: 2, budget: 0.1 } }), budget: new HedgeBudget(0.1, () => 5_000) };
    let hedged = 0;
    for (let i = 0; i < 12; i++) {
      const { ctx } = fakeContext();
      const s = scripted({ a: [ok(15)], b: [ok(100)] });
      await runAttempts(cands('a', 'b'), s.attempt, ctx, d);
      hedged += (ctx.locals.failover as FailoverLocals).hedges;
    }
    // One free hedge per window, then 10 % of 12 requests: at most 1 more.
    assert.equal(hedged, 2, 'the first request, and the 11th (0.1 × 11 > 1)');
  });

  it('cancels a losing stream that still resolves after the winner was chosen', async () => {
    const { ctx } = fakeContext(true);
    const late = fakeStream('b');
    // b ignores its abort signal (a badly behaved adapter) and resolves anyway.
    const stubborn: Step = () => sleep(30).then(() => late);
    const s = scripted({ a: [async () => { await sleep(10); return fakeStream('a'); }], b: [stubborn] });
    const r = await runAttempts(cands('a', 'b'), s.attempt, ctx, deps({ hedge: { afterMs: 1, budget: 1 } }));
    assert.equal(r.candidate.provider, 'a');
    await sleep(40);
    assert.equal(late.cancelled, true);
  });

  it('wraps a winning stream so an idle upstream ends it with a timeout error', async () => {
    const { ctx } = fakeContext(true);
    const slow = fakeStream('a', 60);
    const s = scripted({ a: [async () => slow] });
    const r = await runAttempts(cands('a'), s.attempt, ctx, deps({ timeouts: { idleMs: 20 } }));
    const got: unknown[] = [];
    const err = await rejection((async () => { for await (const c of r.value as ChatStream) got.push(c); })());
    assert.equal(err.code, 'timeout');
    assert.equal(got.length, 1, 'the first chunk went through');
    assert.equal(slow.cancelled, true);
  });

  it('ends at once when the client leaves, aborting the upstream attempt', async () => {
    const { ctx, client } = fakeContext();
    const s = scripted({ a: [hang()] });
    const p = runAttempts(cands('a'), s.attempt, ctx, deps({}));
    setTimeout(() => client.abort(AISBF_ERR_UPSTREAM_UNREACHABLE('client', 'gone')), 5);
    const err = await rejection(p);
    assert.equal(err.code, 'upstream_unreachable', 'the abort reason is passed on');
    assert.deepEqual(s.aborted, ['a']);
  });

  describe('with a breaker', () => {
    let state: MemoryState;
    beforeEach(() => { state = new MemoryState(); });
    afterEach(() => state.close());

    it('stops sending traffic to a candidate whose breaker opened, and says when all are open (panic: false)', async () => {
      const d = deps({ breaker: { failures: 2, windowMs: 60_000, cooldownMs: 60_000, panic: false } }, state);
      const s = scripted({ a: [fail(http(500))], b: [ok()] });
      for (let i = 0; i < 4; i++) {
        const r = await runAttempts(cands('a', 'b'), s.attempt, fakeContext().ctx, d);
        assert.equal(r.candidate.provider, 'b');
        await sleep(1); // breaker writes are off the response path
      }
      assert.deepEqual(s.calls, ['a', 'b', 'a', 'b', 'b', 'b']);

      const { ctx } = fakeContext();
      const err = await rejection(runAttempts(cands('a'), s.attempt, ctx, d));
      assert.equal(err.status, 503);
      assert.equal(err.code, 'no_route');
      assert.match(err.message, /circuit breaker open: a\/m/);
      assert.equal(err.headers['retry-after'], '60');
      assert.deepEqual((ctx.locals.failover as FailoverLocals).skipped, ['a/m']);
    });

    it('with panic routing tries a candidate anyway when every breaker is open', async () => {
      const d = deps({ breaker: { failures: 1, windowMs: 60_000, cooldownMs: 60_000 } }, state);
      const s = scripted({ a: [fail(http(500)), ok()] });
      await rejection(runAttempts(cands('a'), s.attempt, fakeContext().ctx, d));
      await sleep(1);
      assert.equal(await d.breaker!.state({ provider: 'a', model: 'm' }), 'open');
      const { ctx } = fakeContext();
      const r = await runAttempts(cands('a'), s.attempt, ctx, d);
      assert.equal(r.candidate.provider, 'a');
      assert.deepEqual(s.calls, ['a', 'a']);
      assert.equal((ctx.locals.failover as FailoverLocals).panic, true);
      await sleep(1);
      assert.equal(await d.breaker!.state({ provider: 'a', model: 'm' }), 'open', 'a panic success is not a probe: the breaker stays open');
    });

    it('counts a stream that fails after its first token against the provider', async () => {
      const d = deps({ breaker: { failures: 1, windowMs: 60_000, cooldownMs: 60_000 }, timeouts: { idleMs: 15 } }, state);
      const s = scripted({ a: [async () => fakeStream('a', 50)] });
      const r = await runAttempts(cands('a'), s.attempt, fakeContext(true).ctx, d);
      await rejection((async () => { for await (const _ of r.value as ChatStream) { /* drain */ } })());
      await sleep(1);
      assert.equal(await d.breaker!.state({ provider: 'a', model: 'm' }), 'open');
    });

    it('fails open when the state store is down: the candidate is tried and a warning logged', async () => {
      const broken = new MemoryState();
      const down = () => Promise.reject(new Error('ECONNREFUSED'));
      Object.assign(broken, { get: down, incr: down, set: down, delete: down });
      const warnings: string[] = [];
      const d = { ...deps({}), breaker: new Breaker(broken, settings({}).breaker || assert.fail(), 'unit:'), warn: (_: unknown, m: string) => warnings.push(m) };
      const s = scripted({ a: [fail(http(500))], b: [ok()] });
      const r = await runAttempts(cands('a', 'b'), s.attempt, fakeContext().ctx, d);
      assert.equal(r.candidate.provider, 'b');
      assert.deepEqual(s.calls, ['a', 'b']);
      await sleep(1);
      assert.ok(warnings.includes('breaker state unreadable; trying the candidate'));
      assert.ok(warnings.includes('breaker state not updated'));
      await broken.close();
    });

    it('does not count client errors or hedge losers against a provider', async () => {
      const d = deps({ breaker: { failures: 1, windowMs: 60_000, cooldownMs: 60_000 }, hedge: { afterMs: 2, budget: 1 } }, state);
      const s = scripted({ a: [fail(http(400)), ok(200)], b: [ok(5)] });
      await rejection(runAttempts(cands('a', 'b'), s.attempt, fakeContext().ctx, d));
      const r = await runAttempts(cands('a', 'b'), s.attempt, fakeContext().ctx, d);
      assert.equal(r.candidate.provider, 'b');
      await sleep(1);
      assert.equal(await d.breaker!.state({ provider: 'a', model: 'm' }), 'closed');
    });
  });
});
