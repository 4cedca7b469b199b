import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import failover, { type FailoverOptions } from '../src/index.js';
import { startFaultServer, type FaultServer } from '../../../test/support/fault-server.js';

const REQUESTS = 200;
/** Every 10th request to the primary stalls this long before its first token (in the run without hedging). */
const STALL_MS = 250;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

describe('hedging: one provider randomly slow', function () {
  this.timeout(60_000);
  let up: FaultServer;
  let gw: TestGateway | undefined;

  /** How long a stalled primary request waits; the hedged run makes it "forever", so only a cancel can end it. */
  let stallMs = STALL_MS;

  beforeEach(async () => {
    let n = 0;
    up = await startFaultServer({
      primary: { mode: 'ok', delay: () => (++n % 10 === 0 ? stallMs : 1) },
      backup: { mode: 'ok', delayMs: 1 },
    });
  });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await up.close();
  });

  /** Runs the requests 4 at a time; returns client-side times to the first content token and the response headers. */
  async function run(options: FailoverOptions) {
    gw = await startGateway({
      plugins: [failover(options)],
      providers: {
        primary: { type: 'openai', baseURL: up.baseURL('primary'), apiKey: 'sk-test' },
        backup: { type: 'openai', baseURL: up.baseURL('backup'), apiKey: 'sk-test' },
      },
      models: { smart: { candidates: ['primary/m', 'backup/m'] } },
    });
    const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    const ttft: number[] = [];
    const served: Record<string, number> = {};
    let hedged = 0;
    let next = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (next < REQUESTS) {
        next++;
        const t0 = performance.now();
        const { data, response } = await client.chat.completions
          .create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        let first: number | undefined;
        for await (const chunk of data) if (first === undefined && chunk.choices[0]?.delta.content) first = performance.now() - t0;
        ttft.push(first ?? Infinity);
        const p = response.headers.get('x-aisbf-provider') ?? '?';
        served[p] = (served[p] ?? 0) + 1;
        if (response.headers.get('x-aisbf-hedges') === '1') hedged++;
      }
    }));
    ttft.sort((a, b) => a - b);
    return { p50: percentile(ttft, 0.5), p95: percentile(ttft, 0.95), p99: percentile(ttft, 0.99), served, hedged };
  }

  it('without hedging every stalled request waits for the slow provider', async () => {
    stallMs = STALL_MS;
    const r = await run({ hedge: false });
    console.log(`      no hedge: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; served ${JSON.stringify(r.served)}`);
    assert.equal(r.served.primary, REQUESTS);
    assert.equal(r.hedged, 0);
  });

  it('with hedging the stalled requests are served by the backup and the losers are cancelled upstream', async () => {
    stallMs = 60_000;
    const r = await run({ hedge: { afterMs: 50, budget: 1 } });
    console.log(`      hedge 50 ms: p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms; served ${JSON.stringify(r.served)}, hedged ${r.hedged}`);
    const stalled = REQUESTS / 10;
    // A stalled primary never answers here, so each of those requests was served by a hedge.
    assert.ok(r.hedged >= stalled, `hedged ${r.hedged}, stalled ${stalled}`);
    assert.ok(r.served.backup >= stalled, 'the stalled requests were answered by the backup');
    await sleep(30);
    // The stalled primaries could only end by being cancelled: losers are closed
    // upstream, not left to finish, and nothing is left open.
    assert.ok(up.cancelledBeforeAnswer('primary') >= stalled, `cancelled ${up.cancelledBeforeAnswer('primary')}`);
    assert.equal(up.inFlight(), 0, 'no upstream request is left open');
  });
});
