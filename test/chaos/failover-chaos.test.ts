import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import failover, { type FailoverOptions } from '@aisbf/plugin-failover';
import { startFaultServer, type FaultServer, type Mode } from '../support/fault-server.js';

/** Every fault a provider can throw at the gateway before the first token. */
const ALL_FAULTS: Array<[Mode, number]> = [
  ['ok', 4], ['500', 1], ['429', 1], ['529', 1], ['reset', 1], ['cut', 1], ['hang', 1], ['slow', 1],
];

/** Runs `total` requests, `concurrency` at a time; half stream. Returns every failure and who served. */
async function load(client: OpenAI, total: number, concurrency: number) {
  const failures: string[] = [];
  const servedBy = new Map<string, number>();
  let next = 0;
  async function one(i: number): Promise<void> {
    const content = `request ${i}`;
    try {
      if (i % 2 === 0) {
        const { data, response } = await client.chat.completions
          .create({ model: 'chaos', messages: [{ role: 'user', content }] }).withResponse();
        if (data.choices[0].message.content !== `Echo: ${content}`) failures.push(`#${i}: wrong answer ${data.choices[0].message.content}`);
        const p = response.headers.get('x-aisbf-provider') ?? '?';
        servedBy.set(p, (servedBy.get(p) ?? 0) + 1);
      } else {
        const { data, response } = await client.chat.completions
          .create({ model: 'chaos', stream: true, messages: [{ role: 'user', content }] }).withResponse();
        let text = '';
        for await (const chunk of data) text += chunk.choices[0]?.delta.content ?? '';
        if (text !== `Echo: ${content}`) failures.push(`#${i}: wrong stream ${text}`);
        const p = response.headers.get('x-aisbf-provider') ?? '?';
        servedBy.set(p, (servedBy.get(p) ?? 0) + 1);
      }
    } catch (err) {
      failures.push(`#${i}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < total) await one(next++);
  }));
  return { failures, servedBy };
}

describe('chaos: concurrent load against providers with injected faults', function () {
  // Thousands of requests through real sockets: give the suite room on a busy machine.
  this.timeout(120_000);
  let up: FaultServer;
  let gw: TestGateway | undefined;

  beforeEach(async () => { up = await startFaultServer({}); });
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
    await up.close();
  });

  async function start(options: FailoverOptions, candidates: string[]): Promise<OpenAI> {
    const providers = Object.fromEntries(['flaky', 'worse', 'down', 'healthy'].map((n) => [n, { type: 'openai', baseURL: up.baseURL(n), apiKey: 'sk-test' }]));
    gw = await startGateway({ plugins: [failover(options)], providers, models: { chaos: { candidates: candidates.map((c) => `${c}/m`) } } });
    return new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0, timeout: 30_000 });
  }

  // ttftMs is generous for a loopback upstream: on a busy shared machine a
  // healthy answer can take a few hundred ms, and every spurious timeout costs
  // a failover. The last candidate is never cut for being slow (only totalMs).
  const variants: Array<[string, FailoverOptions]> = [
    ['immediate failover + breaker (startup)', {
      retries: 0,
      breaker: { failures: 20, windowMs: 1000, cooldownMs: 100 },
      timeouts: { ttftMs: 400, idleMs: 1000, totalMs: 15_000 },
    }],
    ['retries + breaker + hedging (enterprise)', {
      retries: 1,
      backoff: { baseMs: 5, maxMs: 20, maxRetryAfterMs: 50 },
      breaker: { failures: 20, windowMs: 1000, cooldownMs: 100 },
      hedge: { afterMs: 60, budget: 0.5 },
      timeouts: { ttftMs: 400, idleMs: 1000, totalMs: 15_000 },
    }],
  ];

  for (const [name, options] of variants) {
    it(`${name}: 1500 requests, zero client-visible errors while a healthy candidate exists`, async () => {
      up.behaviour.flaky = { mode: 'ok', mix: ALL_FAULTS, retryAfterMs: 10 };
      up.behaviour.worse = { mode: 'ok', mix: [['ok', 1], ['500', 2], ['hang', 1], ['reset', 1], ['529', 1]] };
      up.behaviour.healthy = { mode: 'ok', delay: () => Math.random() * 3 };
      const client = await start(options, ['flaky', 'worse', 'healthy']);
      const { failures, servedBy } = await load(client, 1500, 24);
      assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failures`);
      const served = [...servedBy.values()].reduce((a, b) => a + b, 0);
      assert.equal(served, 1500);
      assert.ok((servedBy.get('flaky') ?? 0) > 0, 'the flaky provider still serves the requests it can');
      console.log(`      served by: ${JSON.stringify(Object.fromEntries(servedBy))}; upstream hits: flaky ${up.hits('flaky')}, worse ${up.hits('worse')}, healthy ${up.hits('healthy')}`);
    });
  }

  it('a provider that goes down stops getting traffic once its breaker opens, is probed, and gets it back when it recovers', async () => {
    up.behaviour.down = { mode: '500' };
    up.behaviour.healthy = { mode: 'ok' };
    const client = await start({ breaker: { failures: 5, windowMs: 2000, cooldownMs: 300 }, timeouts: { ttftMs: 500 } }, ['down', 'healthy']);

    const outage = await load(client, 600, 12);
    assert.deepEqual(outage.failures, []);
    const hitsWhileDown = up.hits('down');
    // Without a breaker every one of the 600 requests would try it first.
    assert.ok(hitsWhileDown < 120, `the broken provider got ${hitsWhileDown} of 600 requests`);
    console.log(`      while down: ${hitsWhileDown} upstream hits for 600 requests`);

    up.behaviour.down = { mode: 'ok' };
    await sleep(350); // one cooldown: the next request is a probe, and it succeeds
    const recovered = await load(client, 200, 4);
    assert.deepEqual(recovered.failures, []);
    const back = recovered.servedBy.get('down') ?? 0;
    assert.ok(back >= 190, `after recovery it served ${back} of 200`);
  });
});
