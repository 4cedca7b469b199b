import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import enterprise from '@aisbf/preset-enterprise';
import { requireService, startGateway, type TestGateway } from 'aisbf/testing';

/**
 * The enterprise preset end to end on the real services: keys through the
 * admin API (PostgreSQL), limits in Redis, metrics, and the usage ledger.
 */
describe('enterprise preset', () => {
  let gw: TestGateway;
  const admin = `admin-${randomUUID()}`;
  const prefix = `t-enterprise-${randomUUID()}:`;
  // Unique per run: the ledger table outlives the test, so totals are looked up by this team only.
  const team = `search-${randomUUID().slice(0, 8)}`;
  const get = (path: string, key?: string) => fetch(`${gw.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

  before(async function () {
    const redis = await requireService(this, 'redis');
    const postgres = await requireService(this, 'postgres');
    gw = await startGateway(
      {
        presets: [enterprise({ limits: { key: { rpm: 100, tpm: 100_000, concurrent: 4 } } })],
        providers: { echo: { type: 'mock', models: ['m-1'] } },
        models: { chat: { candidates: ['echo/m-1'] } },
        state: { prefix },
      },
      { env: { ...process.env, AISBF_ADMIN_KEY: admin, DATABASE_URL: postgres, REDIS_URL: redis } },
    );
  });
  after(async () => {
    await gw?.close();
  });

  it('wires the pipeline: auth, limits, budgets, cache, routing, failover, observers, Redis state', () => {
    const served = gw.gateway.stages.served;
    assert.deepEqual(served.auth, ['auth-keys']);
    assert.deepEqual(served.ratelimit, ['ratelimit', 'budget']);
    assert.deepEqual(served.cache, ['cache']);
    assert.deepEqual(served.failover, ['failover']);
    assert.ok(served.route.includes('route-capabilities'));
    assert.deepEqual(served.observe.filter((n) => n.startsWith('observe-') || n === 'usage-ledger'), ['observe-log', 'observe-prometheus', 'usage-ledger']);
    assert.equal(gw.gateway.state.backend, 'redis');
  });

  it('refuses requests without a key, and serves one made through the admin API', async () => {
    const anonymous = new OpenAI({ baseURL: gw.baseURL, apiKey: 'not-a-key', maxRetries: 0 });
    await assert.rejects(anonymous.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'x' }] }), OpenAI.AuthenticationError);

    const made = await fetch(`${gw.url}/admin/keys`, {
      method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ user: 'ana', team, tier: 'premium' }),
    });
    assert.equal(made.status, 201);
    const { id, key } = (await made.json()) as { id: string; key: string };
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
      const { data, response } = await client.chat.completions.create({ model: 'chat', messages: [{ role: 'user', content: 'hello' }] }).withResponse();
      assert.equal(data.choices[0].message.content, 'Echo: hello');
      assert.equal(response.headers.get('x-ratelimit-limit-requests'), '100');
      assert.equal(response.headers.get('x-aisbf-cache'), 'miss');
      const requestId = response.headers.get('x-request-id')!;

      const metrics = await (await get('/metrics')).text();
      assert.match(metrics, /aisbf_requests_total\{[^}]*\} \d+/);

      // The ledger writes off the response path: poll for the row's totals.
      let total = 0;
      for (let i = 0; i < 100 && total === 0; i++) {
        const usage = (await (await get(`/admin/usage?group_by=team`, admin)).json()) as { data: Array<{ team?: string; group?: string; requests: number }> };
        total = usage.data.filter((r) => (r.team ?? r.group) === team).reduce((n, r) => n + r.requests, 0);
        if (total === 0) await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(total, 1, `the ledger recorded request ${requestId} for the key's team`);
      assert.equal((await get('/admin/usage?group_by=team', key)).status, 403, 'an API key is not the admin key');
    } finally {
      await fetch(`${gw.url}/admin/keys/${id}`, { method: 'DELETE', headers: { authorization: `Bearer ${admin}` } });
    }
  });
});
