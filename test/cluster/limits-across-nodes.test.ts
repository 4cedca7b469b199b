import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import OpenAI from 'openai';
import pg from 'pg';
import { createClient } from '@redis/client';
import { generateKey, hashKey } from '@aisbf/plugin-auth-keys';
import { BudgetKeeper } from '@aisbf/plugin-budget';
import { RedisState } from '@aisbf/plugin-state-redis';
import type { UserConfig } from 'aisbf';
import { requireService, spawnGateway, type SpawnedGateway } from 'aisbf/testing';

/**
 * Three gateway processes sharing one Redis (limits, budgets) and one
 * PostgreSQL table (API keys): what holds on one node must hold for the
 * cluster as a whole.
 */
describe('cluster: three gateway nodes share limits, budgets and keys', function () {
  this.timeout(60_000);
  const run = randomBytes(4).toString('hex');
  const prefix = `aisbf-test:cluster:${run}:`;
  const table = `aisbf_keys_cluster_${run}`;
  const adminKey = `adm-${randomBytes(24).toString('base64url')}`;
  const rpmKey = generateKey();
  const spendKey = generateKey();
  const createdKeys: string[] = [];
  const RPM = 20;
  const BUDGET_USD = 0.05;
  // Output dominates the price, so the reservation (bounded by max_tokens) is close to the real cost.
  const PRICE = { inputPerMTok: 1, outputPerMTok: 100 };
  let redisUrl: string;
  let dbUrl: string;
  let nodes: SpawnedGateway[] = [];

  const client = (node: SpawnedGateway, apiKey: string) => new OpenAI({ baseURL: node.baseURL, apiKey, maxRetries: 0 });
  const admin = (node: SpawnedGateway, method: string, path: string, body?: unknown) =>
    fetch(`${node.url}${path}`, {
      method, headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });

  before(async function () {
    redisUrl = await requireService(this, 'redis');
    dbUrl = await requireService(this, 'postgres');
    const config: UserConfig = {
      state: { backend: 'redis', url: redisUrl, prefix },
      providers: { echo: { type: 'mock' } },
      models: { smart: { candidates: ['echo/m1'] } },
      plugins: [
        ['auth-keys', {
          adminKey: '${AISBF_ADMIN_KEY}',
          store: { url: dbUrl, table },
          keys: [
            { id: 'rpm', hash: hashKey(rpmKey), limits: { rpm: RPM } },
            { id: 'spender', hash: hashKey(spendKey), budget: { usd: BUDGET_USD, period: 'day' } },
          ],
        }],
        ['ratelimit', { defaults: { key: { rpm: 10_000 } } }],
        ['budget', { prices: { 'echo/m1': PRICE } }],
      ],
    };
    nodes = await Promise.all([1, 2, 3].map(() => spawnGateway(config, { AISBF_ADMIN_KEY: adminKey, AISBF_LOG_LEVEL: 'info' })));
  });

  after(async () => {
    await Promise.all(nodes.map((n) => n.stop()));
    if (redisUrl) {
      const r = createClient({ url: redisUrl });
      await r.connect();
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(keys);
      await r.close();
    }
    if (dbUrl) {
      const c = new pg.Client({ connectionString: dbUrl });
      await c.connect();
      await c.query(`DROP TABLE IF EXISTS ${table}`);
      await c.end();
    }
  });

  it(`admits exactly ${RPM} requests per minute across the three nodes under concurrent load`, async () => {
    const perNode = 30;
    const started = Date.now();
    const results = await Promise.allSettled(nodes.flatMap((node, n) => Array.from({ length: perNode }, (_, i) =>
      client(node, rpmKey).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: `burst ${n}.${i}` }] }).withResponse())));
    const elapsed = Date.now() - started;
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    for (const r of refused) {
      assert.ok(r.reason instanceof OpenAI.RateLimitError, String(r.reason));
      assert.equal(r.reason.code, 'rate_limit_exceeded');
      assert.match(r.reason.headers?.get('retry-after') ?? '', /^\d+$/);
    }
    // GCRA gives one request back every 60/RPM seconds, so a burst slower than that may
    // legitimately admit one more per interval; on any sane machine the burst is far faster.
    const dripped = Math.floor(elapsed / (60_000 / RPM));
    assert.ok(ok.length >= RPM && ok.length <= RPM + dripped, `admitted ${ok.length} of ${results.length} in ${elapsed} ms; limit ${RPM}`);
    if (dripped === 0) assert.equal(ok.length, RPM);
    const remaining = ok.map((r) => Number((r as PromiseFulfilledResult<{ response: Response }>).value.response.headers.get('x-ratelimit-remaining-requests')));
    assert.ok(remaining.every((x) => x >= 0 && x < RPM));
    assert.ok(remaining.includes(0), 'the last admitted request saw 0 remaining');
  });

  it('keeps a shared budget: overshoot at most one reservation, spend counted exactly across nodes', async () => {
    const prompt = 'budget probe '.repeat(6).trim();
    const maxTokens = 30;
    const ask = (node: SpawnedGateway) => client(node, spendKey).chat.completions.create({ model: 'smart', max_tokens: maxTokens, messages: [{ role: 'user', content: prompt }] });
    const costOf = (u: OpenAI.CompletionUsage) => u.prompt_tokens * PRICE.inputPerMTok + u.completion_tokens * PRICE.outputPerMTok;

    const burst = await Promise.allSettled(Array.from({ length: 60 }, (_, i) => ask(nodes[i % 3])));
    const answers = burst.filter((r): r is PromiseFulfilledResult<OpenAI.ChatCompletion> => r.status === 'fulfilled').map((r) => r.value);
    const refusals = burst.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    assert.ok(answers.length > 0 && refusals.length > 0, `${answers.length} answered, ${refusals.length} refused`);
    for (const e of refusals) assert.ok(e instanceof OpenAI.RateLimitError && e.code === 'insufficient_quota', String(e));

    // Then one at a time, round the nodes, until the budget refuses.
    for (let i = 0; i < 60; i++) {
      try {
        answers.push(await ask(nodes[i % 3]));
      } catch (err) {
        assert.ok(err instanceof OpenAI.RateLimitError && err.code === 'insufficient_quota', String(err));
        break;
      }
    }
    const state = await RedisState.connect({ url: redisUrl, prefix });
    try {
      const spentMicro = await new BudgetKeeper(state).spent({ kind: 'key', id: 'spender', limit: { usd: BUDGET_USD, period: 'day' } });
      const realMicro = answers.reduce((s, a) => s + costOf(a.usage!), 0);
      const limitMicro = BUDGET_USD * 1e6;
      // The reservation of one request: the tokenizer's input estimate plus max_tokens, at list price.
      const reservation = Math.max(...answers.map((a) => a.usage!.prompt_tokens)) * PRICE.inputPerMTok + 20 + maxTokens * PRICE.outputPerMTok;
      assert.equal(spentMicro, realMicro, 'the shared counter holds exactly the real cost of every answer from every node');
      assert.ok(realMicro <= limitMicro + reservation, `spent ${realMicro} µ$ of ${limitMicro} µ$ (one reservation ≈ ${reservation} µ$)`);
      assert.ok(realMicro > limitMicro - 2 * reservation, `the budget was used, not tripped early: spent ${realMicro} µ$ of ${limitMicro} µ$`);
    } finally {
      await state.close();
    }
  });

  it('refuses a key revoked through one node on the other nodes within a second', async () => {
    const res = await admin(nodes[0], 'POST', '/admin/keys', { team: 'cluster' });
    assert.equal(res.status, 201);
    const made = await res.json() as { id: string; key: string };
    createdKeys.push(made.key);
    // The other nodes know the key from the shared store, and have it in their local caches now.
    for (const node of nodes.slice(1)) {
      assert.equal((await client(node, made.key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] })).choices.length, 1);
    }
    assert.equal((await admin(nodes[0], 'DELETE', `/admin/keys/${made.id}`)).status, 204);
    const revokedAt = Date.now();
    for (const node of nodes.slice(1)) {
      let refusedAfter: number | undefined;
      while (refusedAfter === undefined && Date.now() - revokedAt < 1500) {
        try {
          await client(node, made.key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] });
          await sleep(50);
        } catch (err) {
          assert.ok(err instanceof OpenAI.AuthenticationError, String(err));
          refusedAfter = Date.now() - revokedAt;
        }
      }
      assert.ok(refusedAfter !== undefined, `node ${node.url} still accepted the revoked key 1.5 s after the revocation`);
    }
    // And it stays refused everywhere.
    for (const node of nodes) {
      await assert.rejects(client(node, made.key).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'x' }] }), OpenAI.AuthenticationError);
    }
    const list = await (await admin(nodes[2], 'GET', '/admin/keys')).json() as { data: Array<{ id: string }> };
    assert.ok(!list.data.some((k) => k.id === made.id));
  });

  it('never writes a key or the admin key to any node\'s output', () => {
    const output = nodes.map((n) => n.output()).join('\n');
    assert.match(output, /listening on/, 'the output was captured');
    for (const secret of [rpmKey, spendKey, adminKey, ...createdKeys]) {
      assert.ok(!output.includes(secret) && !output.includes(secret.slice(9, 25)), 'a secret appeared in a node\'s output');
    }
  });
});
