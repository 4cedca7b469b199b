import assert from 'node:assert/strict';
import catalog from '@aisbf/plugin-catalog';
import mock from '@aisbf/plugin-mock';
import { definePlugin, GatewayError, isGatewayError, type Plugin, type ResolvedConfig, type SharedState } from 'aisbf';
import { requireService, startGateway, type TestGateway } from 'aisbf/testing';
import OpenAI from 'openai';
import usageLedger from '../src/index.js';
import { adminCheck, type AdminCheck } from '../src/admin-guard.js';
import { eventually, parseCsv, pool, TENANTS, testAuth } from './support.js';

const KEYS = Object.keys(TENANTS);

describe('usage-ledger: shared state (no databaseUrl)', () => {
  it('keeps daily totals that /admin/usage reports per team, key, model and day', async () => {
    const ledger = usageLedger({ flushIntervalMs: 20, adminKey: 'state-admin-key-0f9e8d7c6b' });
    const gw = await startGateway({
      plugins: [mock(), testAuth(), catalog({ models: { 'echo/echo-1': { inputPerMTok: 5, outputPerMTok: 10 } } }), ledger],
      providers: { echo: { type: 'mock' } },
      models: { smart: { candidates: ['echo/echo-1'] } },
    });
    try {
      const per = new Map<string, { requests: number; input: number; output: number; cost: number }>();
      await pool(Array.from({ length: 24 }, (_, i) => async () => {
        const key = KEYS[i % KEYS.length];
        const c = new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
        const { usage } = await c.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: `question number ${i}` }] });
        const team = TENANTS[key].team;
        const t = per.get(team) ?? { requests: 0, input: 0, output: 0, cost: 0 };
        t.requests++;
        t.input += usage!.prompt_tokens;
        t.output += usage!.completion_tokens;
        t.cost += (usage!.prompt_tokens * 5 + usage!.completion_tokens * 10) / 1e6;
        per.set(team, t);
      }), 4);
      await eventually(async () => (ledger.stats().written === 24 ? true : undefined), '24 records written');

      const get = (q: string) => fetch(`${gw.url}/admin/usage${q}`, { headers: { authorization: 'Bearer state-admin-key-0f9e8d7c6b' } });
      const byTeam = await (await get('?group_by=team')).json() as { store: string; data: Array<Record<string, any>> };
      assert.equal(byTeam.store, 'state');
      assert.deepEqual(byTeam.data.map((d) => d.team).sort(), ['alpha', 'beta']);
      for (const d of byTeam.data) {
        const e = per.get(d.team)!;
        assert.equal(d.requests, e.requests);
        assert.equal(d.input_tokens, e.input);
        assert.equal(d.output_tokens, e.output);
        assert.ok(Math.abs(d.cost_usd - e.cost) < 1e-8, `${d.cost_usd} vs ${e.cost}`);
      }
      const byKey = await (await get('?group_by=key')).json() as { data: Array<Record<string, any>> };
      assert.deepEqual(byKey.data.map((d) => [d.key, d.requests]), [['key_a1', 8], ['key_a2', 8], ['key_b1', 8]]);
      const [header, ...days] = parseCsv(await (await get('?group_by=day&format=csv')).text());
      assert.equal(header[0], 'day');
      assert.deepEqual(days.map((d) => [d[0], d[1]]), [[new Date().toISOString().slice(0, 10), '24']]);
    } finally {
      await gw.close();
    }
  });
});

describe('usage-ledger: shared state on Redis', () => {
  it('counts across two gateways sharing one Redis, and the totals survive them', async function () {
    const url = await requireService(this, 'redis');
    const prefix = `aisbf:test-ledger-${process.pid}-${Date.now()}:`;
    const config = (ledger: Plugin) => ({
      plugins: [mock(), testAuth(), ledger],
      providers: { echo: { type: 'mock' } },
      models: { smart: { candidates: ['echo/echo-1'] } },
      state: { backend: 'redis', url, prefix },
    });
    const ledgers = [usageLedger({ flushIntervalMs: 20, adminKey: 'redis-admin-key-5e4d3c2b1a' }), usageLedger({ flushIntervalMs: 20, adminKey: 'redis-admin-key-5e4d3c2b1a' })];
    const nodes = [await startGateway(config(ledgers[0])), await startGateway(config(ledgers[1]))];
    let reader: TestGateway | undefined;
    try {
      let input = 0;
      await pool(Array.from({ length: 12 }, (_, i) => async () => {
        const c = new OpenAI({ baseURL: nodes[i % 2].baseURL, apiKey: KEYS[i % KEYS.length], maxRetries: 0 });
        const { usage } = await c.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: `node question ${i}` }] });
        input += usage!.prompt_tokens;
      }), 4);
      await eventually(async () => (ledgers[0].stats().written + ledgers[1].stats().written === 12 ? true : undefined), '12 records written');
      await Promise.all(nodes.map((n) => n.close()));
      // A fresh gateway on the same Redis reads what the two wrote.
      reader = await startGateway(config(usageLedger({ adminKey: 'redis-admin-key-5e4d3c2b1a' })));
      const body = await (await fetch(`${reader.url}/admin/usage?group_by=model`, { headers: { authorization: 'Bearer redis-admin-key-5e4d3c2b1a' } })).json() as { data: Array<Record<string, any>> };
      assert.deepEqual(body.data.map((d) => [d.model, d.requests, d.input_tokens]), [['smart', 12, input]]);
    } finally {
      await Promise.all(nodes.map((n) => n.close().catch(() => undefined)));
      if (reader) await clearLedgerKeys(reader.gateway.state);
      await reader?.close();
    }
  });
});

/** Deletes what the state store wrote today (the keys it documents). */
async function clearLedgerKeys(state: SharedState): Promise<void> {
  const day = new Date().toISOString().slice(0, 10);
  const n = (await state.get<number>(`usage-ledger:${day}:n`)) ?? 0;
  for (let i = 1; i <= n; i++) {
    const combo = await state.get<unknown[]>(`usage-ledger:${day}:slot:${i}`);
    const id = JSON.stringify(combo);
    for (const k of ['requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_nusd', 'cost_unknown_requests', 'saved_nusd']) {
      await state.delete(`usage-ledger:${day}:c:${id}:${k}`);
    }
    await state.delete(`usage-ledger:${day}:seen:${id}`);
    await state.delete(`usage-ledger:${day}:slot:${i}`);
  }
  await state.delete(`usage-ledger:${day}:n`);
  await state.delete('usage-ledger:first-day');
}

describe('usage-ledger: which admin key guards /admin/usage', () => {
  const config = (plugins: object[]) => ({ plugins } as unknown as ResolvedConfig);
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const denied = async (check: AdminCheck, key: string) => {
    try {
      await check(bearer(key));
      return false;
    } catch (err) {
      return isGatewayError(err) && (err.status === 401 || err.status === 403);
    }
  };

  it('prefers its own option, then auth-keys (requireAdmin, then adminKey), then AISBF_ADMIN_KEY', async () => {
    const withKey = definePlugin({ name: 'auth-keys', adminKey: 'key-of-auth-keys' });
    const withCheck = definePlugin({
      name: 'auth-keys',
      requireAdmin: (h: Record<string, unknown>) => {
        if (h.authorization !== 'Bearer checked-by-auth-keys') throw new GatewayError('no', { status: 403, type: 'permission_error' });
      },
    });
    const env = { AISBF_ADMIN_KEY: 'key-from-env' };
    assert.equal(await denied(adminCheck(config([withKey]), 'own-key', env), 'own-key'), false);
    assert.equal(await denied(adminCheck(config([withKey]), 'own-key', env), 'key-of-auth-keys'), true);
    assert.equal(await denied(adminCheck(config([withCheck]), undefined, env), 'checked-by-auth-keys'), false);
    assert.equal(await denied(adminCheck(config([withCheck]), undefined, env), 'key-from-env'), true);
    assert.equal(await denied(adminCheck(config([withKey]), undefined, env), 'key-of-auth-keys'), false);
    assert.equal(await denied(adminCheck(config([withKey]), undefined, env), 'key-from-env'), true);
    assert.equal(await denied(adminCheck(config([]), undefined, env), 'key-from-env'), false);
    assert.equal(await denied(adminCheck(config([]), undefined, {}), 'anything'), true, 'no key configured: closed');
  });
});
