import assert from 'node:assert/strict';
import { startGateway } from 'aisbf/testing';
import type { FailoverPlugin } from '../src/index.js';

describe('failover plugin: loading and options', () => {
  it('loads by name from a config, serves the failover stage, and leaves the config as written', async () => {
    const gw = await startGateway({
      plugins: [['failover', { retries: 1, hedge: { afterMs: 'p95' }, timeouts: { connectMs: 1234 } }]],
      providers: { open: { type: 'mock' }, own: { type: 'mock', connectTimeoutMs: 99 } },
    });
    try {
      assert.deepEqual(gw.gateway.stages.served.failover, ['failover']);
      // The connect timeout travels with each attempt (AttemptLimits), never into the shared config.
      assert.equal(gw.gateway.config.providers.open.connectTimeoutMs, undefined);
      assert.equal(gw.gateway.config.providers.own.connectTimeoutMs, 99);
    } finally {
      await gw.close();
    }
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['a typo inside breaker', { breaker: { failure: 3 } }, /breaker\.failure is not a known key/],
    ['breaker: true', { breaker: true }, /breaker must NOT be valid/],
    ['an unknown hedge percentile', { hedge: { afterMs: 'p99' } }, /hedge\.afterMs must match pattern/],
    ['negative retries', { retries: -1 }, /retries must be >= 0/],
  ];
  for (const [what, options, message] of bad) {
    it(`refuses ${what} at load, naming the key and the plugin`, async () => {
      await assert.rejects(
        startGateway({ plugins: [['failover', options]], providers: { m: { type: 'mock' } } }),
        (e: Error) => message.test(e.message) && /failover/.test(e.message),
      );
    });
  }
});

describe('failover: breaker states for the metrics plugin', () => {
  it('reports the breaker of every configured candidate, from shared state', async () => {
    const gw = await startGateway({
      plugins: [['failover', { breaker: { failures: 1, windowMs: 60_000, cooldownMs: 60_000, halfOpenProbes: 1 } }]],
      providers: { bad: { type: 'mock', failRate: 1, failStatus: 500 }, good: { type: 'mock' } },
      models: { m: { candidates: ['bad/x', 'good/y'] } },
    });
    try {
      const fo = gw.gateway.config.plugins.find((p) => p.name === 'failover') as FailoverPlugin;
      assert.deepEqual(await fo.breakerStates(), [{ provider: 'bad', model: 'x', state: 'closed' }, { provider: 'good', model: 'y', state: 'closed' }]);
      const r = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'x' }] }) });
      assert.equal(r.status, 200, 'served by the good candidate');
      // Breaker writes happen after the response: poll briefly.
      let states = await fo.breakerStates();
      for (let i = 0; i < 50 && states[0].state !== 'open'; i++) {
        await new Promise((res) => setTimeout(res, 10));
        states = await fo.breakerStates();
      }
      assert.deepEqual(states.map((b) => b.state), ['open', 'closed']);
    } finally {
      await gw.close();
    }
  });
});
