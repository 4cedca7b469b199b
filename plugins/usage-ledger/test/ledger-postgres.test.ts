import assert from 'node:assert/strict';
import net from 'node:net';
import catalog, { estimateInputTokens } from '@aisbf/plugin-catalog';
import mock from '@aisbf/plugin-mock';
import { requireService, startGateway, type TestGateway } from 'aisbf/testing';
import OpenAI from 'openai';
import pg from 'pg';
import usageLedger, { type UsageLedgerPlugin } from '../src/index.js';
import type { LedgerRow } from '../src/ledger-row.js';
import { PgUsageStore } from '../src/pg-store.js';
import { eventually, parseCsv, pool, TENANTS, testAuth, testCache } from './support.js';

const PRICES = { 'echo/echo-1': { inputPerMTok: 2, outputPerMTok: 8 }, 'slow/slow-1': { inputPerMTok: 1, outputPerMTok: 4 } };
const price = (model: keyof typeof PRICES, input: number, output: number) => (input * PRICES[model].inputPerMTok + output * PRICES[model].outputPerMTok) / 1e6;
const ADMIN_KEY = 'ledger-admin-key-4b7e1f0c9a';
const KEYS = Object.keys(TENANTS);

interface Expected {
  requestId: string;
  key: string;
  model: string;
  status: number;
  input: number;
  output: number;
  cost: number | null;
  saved: number;
}

describe('usage-ledger: PostgreSQL', function () {
  let dbUrl: string;
  let db: pg.Pool;
  let gw: TestGateway;
  let ledger: UsageLedgerPlugin;
  const table = `aisbf_usage_test_${process.pid}_${Date.now()}`;
  const made: Expected[] = [];

  const client = (key: string) => new OpenAI({ baseURL: gw.baseURL, apiKey: key, maxRetries: 0 });
  const rowCount = async () => Number((await db.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  const admin = (query: string, key = ADMIN_KEY) => fetch(`${gw.url}/admin/usage${query}`, { headers: { authorization: `Bearer ${key}` } });

  before(async function () {
    dbUrl = await requireService(this, 'postgres');
    db = new pg.Pool({ connectionString: dbUrl, max: 2 });
    ledger = usageLedger({ databaseUrl: dbUrl, table, flushIntervalMs: 20, batchSize: 25, adminKey: ADMIN_KEY });
    gw = await startGateway({
      plugins: [mock(), testAuth(), testCache(), catalog({ models: PRICES }), ledger],
      providers: {
        echo: { type: 'mock', chunks: 3 },
        slow: { type: 'mock', chunks: 40, chunkDelayMs: 25 },
        flaky: { type: 'mock', failRate: 1, failStatus: 500 },
      },
      models: { smart: { candidates: ['echo/echo-1'] }, broken: { candidates: ['flaky/f-1'] }, long: { candidates: ['slow/slow-1'] } },
    });
  });
  after(async () => {
    await gw?.close();
    await db?.query(`DROP TABLE IF EXISTS ${table}`);
    await db?.end();
  });

  it('creates the table and its indexes at start', async () => {
    const idx = await db.query('SELECT indexname FROM pg_indexes WHERE tablename = $1', [table]);
    const names = idx.rows.map((r) => r.indexname as string);
    for (const suffix of ['_ts_brin', '_request_id_idx']) assert.ok(names.includes(table + suffix), suffix);
    const col = await db.query('SELECT collation_name FROM information_schema.columns WHERE table_name = $1 AND column_name = $2', [table, 'request_id']);
    assert.equal(col.rows[0]?.collation_name, 'C', 'request ids compare bytewise');
  });

  it('records one row per request under concurrent load, with matching tokens and cost', async () => {
    const tasks = Array.from({ length: 60 }, (_, i) => async () => {
      const key = KEYS[i % KEYS.length];
      const c = client(key);
      const kind = i % 6;
      try {
        if (kind === 0 || kind === 1) {
          // The same prompt per key: the first is a miss, later ones are cache hits.
          const { data, response } = await c.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: `repeat ${key}` }] }).withResponse();
          const u = data.usage!;
          made.push({ requestId: response.headers.get('x-request-id')!, key, model: 'smart', status: 200, input: u.prompt_tokens, output: u.completion_tokens, cost: price('echo/echo-1', u.prompt_tokens, u.completion_tokens), saved: 0 });
        } else if (kind === 2) {
          const { data: stream, response } = await c.chat.completions.create({
            model: 'smart', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: `stream ${i}` }],
          }).withResponse();
          let u: OpenAI.CompletionUsage | undefined;
          for await (const chunk of stream) u = chunk.usage ?? u;
          made.push({ requestId: response.headers.get('x-request-id')!, key, model: 'smart', status: 200, input: u!.prompt_tokens, output: u!.completion_tokens, cost: price('echo/echo-1', u!.prompt_tokens, u!.completion_tokens), saved: 0 });
        } else if (kind === 3) {
          const { data, response } = await c.chat.completions.create({ model: 'echo/unpriced-1', messages: [{ role: 'user', content: `free ${i}` }] }).withResponse();
          made.push({ requestId: response.headers.get('x-request-id')!, key, model: 'echo/unpriced-1', status: 200, input: data.usage!.prompt_tokens, output: data.usage!.completion_tokens, cost: null, saved: 0 });
        } else if (kind === 4) {
          await c.chat.completions.create({ model: 'broken', messages: [{ role: 'user', content: 'x' }] });
          assert.fail('broken answered');
        } else {
          const { data, response } = await c.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: `unique ${i}` }] }).withResponse();
          const u = data.usage!;
          made.push({ requestId: response.headers.get('x-request-id')!, key, model: 'smart', status: 200, input: u.prompt_tokens, output: u.completion_tokens, cost: price('echo/echo-1', u.prompt_tokens, u.completion_tokens), saved: 0 });
        }
      } catch (err) {
        if (!(err instanceof OpenAI.APIError)) throw err;
        assert.equal(err.status, 502);
        made.push({ requestId: err.headers!.get('x-request-id')!, key, model: 'broken', status: 502, input: 0, output: 0, cost: 0, saved: 0 });
      }
    });
    await pool(tasks, 6);
    assert.equal(made.length, 60);
    await eventually(async () => ((await rowCount()) >= 60 ? true : undefined), '60 rows');
    assert.equal(await rowCount(), 60);

    const rows = (await db.query(`SELECT request_id, principal_id, team, model, status, cache, input_tokens, output_tokens, cost_usd::float8 AS cost, saved_usd::float8 AS saved FROM ${table}`)).rows;
    const byId = new Map(rows.map((r) => [r.request_id as string, r]));
    assert.equal(byId.size, 60, 'one row per request id');
    let hits = 0;
    for (const e of made) {
      const r = byId.get(e.requestId);
      assert.ok(r, `row for ${e.requestId}`);
      assert.equal(r.principal_id, TENANTS[e.key].id);
      assert.equal(r.team, TENANTS[e.key].team);
      assert.equal(r.model, e.model);
      assert.equal(r.status, e.status);
      if (e.status === 200) {
        assert.equal(r.input_tokens, e.input);
        assert.equal(r.output_tokens, e.output);
      }
      if (r.cache === 'hit') {
        hits++;
        // A hit cost nothing and saved what the answer cost when it was produced.
        assert.equal(r.cost, 0);
        assert.ok(Math.abs(r.saved - (e.cost ?? 0)) < 1e-9 && r.saved > 0);
      } else if (e.cost === null) assert.equal(r.cost, null, 'unknown price stays unknown');
      else assert.ok(Math.abs(r.cost - e.cost) < 1e-9, `cost ${r.cost} vs ${e.cost}`);
    }
    assert.ok(hits > 0, 'the scripted mix has cache hits');
    assert.equal(ledger.stats().dropped, 0);
  });

  it('records a stream the client cancelled, with the tokens it can see', async () => {
    const controller = new AbortController();
    const body = { model: 'long', stream: true as const, messages: [{ role: 'user' as const, content: 'tell me a long story please' }] };
    const stream = await client(KEYS[0]).chat.completions.create(body, { signal: controller.signal, headers: { 'x-request-id': `cancel-${table}` } });
    let chunks = 0;
    let seen = '';
    try {
      for await (const chunk of stream) {
        seen += chunk.choices[0]?.delta.content ?? '';
        if (++chunks === 3) controller.abort();
      }
    } catch (err) {
      // Depending on timing the SDK ends the loop or throws its abort error.
      assert.ok(err instanceof OpenAI.APIUserAbortError, String(err));
    }
    assert.ok(chunks < 40, `the stream stopped early (${chunks} chunks)`);
    const row = await eventually(async () => (await db.query(`SELECT * FROM ${table} WHERE request_id = $1`, [`cancel-${table}`])).rows[0], 'the cancelled row');
    assert.equal(row.status, 499);
    assert.equal(row.cancelled, true);
    assert.equal(row.provider, 'slow');
    assert.equal(row.team, 'alpha');
    assert.equal(row.tokens_estimated, true);
    const input = estimateInputTokens({ model: 'long', messages: body.messages });
    assert.equal(row.input_tokens, input);
    // The output is estimated from the characters the gateway delivered (4 a token): at least what the client read, at most the whole answer.
    const full = `Echo: ${body.messages[0].content}`;
    assert.ok(row.output_tokens >= Math.ceil(seen.length / 4) && row.output_tokens <= Math.ceil(full.length / 4), `output ${row.output_tokens} for ${seen.length} chars read`);
    assert.ok(Math.abs(Number(row.cost_usd) - price('slow/slow-1', input, row.output_tokens)) < 1e-9);
  });

  it('records a model name with characters COPY must escape, or PostgreSQL refuses (U+0000), without losing its batch', async () => {
    const odd = `no\u0000such\t\\x\r\n-${table}`;
    await assert.rejects(
      client(KEYS[0]).chat.completions.create({ model: odd, messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': `nul-${table}` } }),
      (err: unknown) => err instanceof OpenAI.NotFoundError,
    );
    await client(KEYS[0]).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': `after-nul-${table}` } });
    const rows = await eventually(async () => {
      const r = (await db.query(`SELECT request_id, model, status FROM ${table} WHERE request_id = ANY($1) ORDER BY request_id`, [[`nul-${table}`, `after-nul-${table}`]])).rows;
      return r.length === 2 ? r : undefined;
    }, 'both rows');
    assert.deepEqual(rows.map((r) => [r.request_id, r.model, r.status]), [[`after-nul-${table}`, 'smart', 200], [`nul-${table}`, `nosuch\t\\x\r\n-${table}`, 404]]);
  });

  describe('GET /admin/usage', () => {
    const sql = async (expr: string) => (await db.query(`
      SELECT ${expr} AS grp, count(*)::int AS requests, coalesce(sum(input_tokens),0)::int AS input_tokens, coalesce(sum(output_tokens),0)::int AS output_tokens,
             coalesce(sum(cost_usd),0)::float8 AS cost_usd, (count(*) FILTER (WHERE cost_usd IS NULL))::int AS unknown, coalesce(sum(saved_usd),0)::float8 AS saved_usd
        FROM ${table} GROUP BY grp`)).rows;

    for (const [groupBy, expr] of [['team', 'team'], ['key', 'principal_id'], ['model', 'model'], ['provider', 'provider'], ['day', `to_char(ts AT TIME ZONE 'UTC','YYYY-MM-DD')`]] as const) {
      it(`group_by=${groupBy}: totals equal the sums of the rows`, async () => {
        const res = await admin(`?group_by=${groupBy}`);
        assert.equal(res.status, 200);
        const body = await res.json() as { data: Array<Record<string, any>>; total: Record<string, number> };
        const expected = await sql(expr);
        assert.equal(body.data.length, expected.length);
        for (const e of expected) {
          const got = body.data.find((d) => d[groupBy] === e.grp);
          assert.ok(got, `group ${e.grp}`);
          assert.equal(got.requests, e.requests);
          assert.equal(got.input_tokens, e.input_tokens);
          assert.equal(got.output_tokens, e.output_tokens);
          assert.equal(got.cost_unknown_requests, e.unknown);
          assert.ok(Math.abs(got.cost_usd - e.cost_usd) < 1e-9);
          assert.ok(Math.abs(got.saved_usd - e.saved_usd) < 1e-9);
        }
        assert.equal(body.total.requests, await rowCount());
      });
    }

    it('format=csv exports the same totals', async () => {
      const json = await (await admin('?group_by=team')).json() as { data: Array<Record<string, any>> };
      const res = await admin('?group_by=team&format=csv');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^text\/csv/);
      const [header, ...lines] = parseCsv(await res.text());
      assert.deepEqual(header, ['team', 'requests', 'input_tokens', 'output_tokens', 'cached_tokens', 'cost_usd', 'cost_unknown_requests', 'saved_usd']);
      assert.equal(lines.length, json.data.length);
      for (const line of lines) {
        const j = json.data.find((d) => d.team === line[0])!;
        assert.ok(j, line[0]);
        assert.deepEqual(line.slice(1).map(Number), header.slice(1).map((f) => j[f]));
      }
    });

    it('filters by from/to', async () => {
      const today = new Date().toISOString().slice(0, 10);
      const all = await (await admin(`?group_by=day&from=${today}&to=${today}`)).json() as { total: { requests: number } };
      assert.equal(all.total.requests, await rowCount());
      const future = await (await admin('?group_by=day&from=2999-01-01&to=2999-01-02')).json() as { data: unknown[]; total: { requests: number } };
      assert.deepEqual(future.data, []);
      assert.equal(future.total.requests, 0);
    });

    it('refuses bad queries with an OpenAI error body', async () => {
      const res = await admin('?group_by=user_agent');
      assert.equal(res.status, 400);
      const body = await res.json() as { error: { param: string; type: string } };
      assert.equal(body.error.param, 'group_by');
      assert.equal((await admin('?from=yesterday')).status, 400);
    });

    it('needs the admin key', async () => {
      assert.equal((await fetch(`${gw.url}/admin/usage`)).status, 401);
      assert.equal((await admin('', KEYS[0])).status, 401);
      const body = await (await admin('', 'wrong')).json() as { error: { type: string; message: string } };
      assert.equal(body.error.type, 'authentication_error');
      assert.ok(!body.error.message.includes(ADMIN_KEY));
    });
  });
});

describe('usage-ledger: PostgreSQL writes', function () {
  let dbUrl: string;
  let db: pg.Pool;
  const tables: string[] = [];
  const freshTable = () => {
    const t = `aisbf_usage_wt_${process.pid}_${Date.now()}_${tables.length}`;
    tables.push(t);
    return t;
  };
  const rowCount = async (t: string) => Number((await db.query(`SELECT count(*) AS n FROM ${t}`)).rows[0].n);
  const burst = async (gw: TestGateway, n: number) => {
    const c = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    await Promise.all(Array.from({ length: n }, (_, i) => c.chat.completions.create({ model: 'echo/m', messages: [{ role: 'user', content: `r${i}` }] })));
  };

  before(async function () {
    dbUrl = await requireService(this, 'postgres');
    db = new pg.Pool({ connectionString: dbUrl, max: 2 });
  });
  after(async () => {
    for (const t of tables) await db?.query(`DROP TABLE IF EXISTS ${t}`);
    await db?.end();
  });

  it('keeps the queue bound: rows beyond it are dropped and counted, the rest written', async () => {
    const table = freshTable();
    // Nothing is written until flush(): the queue fills up first.
    const ledger = usageLedger({ databaseUrl: dbUrl, table, queueSize: 5, batchSize: 1000, flushIntervalMs: 60_000 });
    const gw = await startGateway({ plugins: [mock(), ledger], providers: { echo: { type: 'mock' } } });
    try {
      // Observers run before the client can read its answer (same event loop): all 20 rows are handed over.
      await burst(gw, 20);
      await ledger.flush();
      const s = ledger.stats();
      assert.equal(s.written, 5);
      assert.equal(s.dropped, 15);
      assert.equal(s.queued, 0);
      assert.equal(await rowCount(table), 5);
    } finally {
      await gw.close();
    }
  });

  it('writes what is still queued when the gateway closes', async () => {
    const table = freshTable();
    const ledger = usageLedger({ databaseUrl: dbUrl, table, batchSize: 1000, flushIntervalMs: 60_000 });
    const gw = await startGateway({ plugins: [mock(), ledger], providers: { echo: { type: 'mock' } } });
    await burst(gw, 12);
    await gw.close();
    assert.equal(await rowCount(table), 12);
    assert.deepEqual(ledger.stats(), { queued: 0, written: 12, dropped: 0, failedBatches: 0 });
  });

  it('gives up on a database that stops answering: the batch is dropped and counted, and shutdown finishes', async function () {
    this.timeout(20_000);
    const table = freshTable();
    const db = new URL(dbUrl);
    // A TCP relay to the real database that can freeze: connections stay open, nothing crosses.
    let frozen = false;
    const held: net.Socket[] = [];
    const relay = net.createServer((client) => {
      held.push(client);
      if (frozen) return;
      const server = net.connect(Number(db.port || 5432), db.hostname);
      held.push(server);
      const gate = (from: net.Socket, to: net.Socket) => from.on('data', (d) => { if (!frozen) to.write(d); });
      gate(client, server);
      gate(server, client);
      const close = () => { client.destroy(); server.destroy(); };
      client.on('error', close).on('close', close);
      server.on('error', close).on('close', close);
    });
    await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
    const relayUrl = new URL(dbUrl);
    relayUrl.host = `127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
    const ledger = usageLedger({ databaseUrl: relayUrl.href, table, timeoutMs: 300, flushIntervalMs: 60_000 });
    const gw = await startGateway({ plugins: [mock(), ledger], providers: { echo: { type: 'mock' } } });
    try {
      await burst(gw, 3);
      await ledger.flush();
      assert.equal(await rowCount(table), 3);
      frozen = true;
      await burst(gw, 4);
      // The COPY through the frozen relay times out: the batch fails and waits for its retry.
      await ledger.flush();
      assert.equal(ledger.stats().failedBatches, 1);
      // Shutdown retries once (connecting times out too), then counts the rows as dropped and returns.
      await gw.close();
      assert.deepEqual(ledger.stats(), { queued: 0, written: 3, dropped: 4, failedBatches: 2 });
      assert.equal(await rowCount(table), 3);
    } finally {
      await gw.close();
      for (const s of held) s.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it('stores every column as encoded for COPY, odd text and unknown numbers included', async () => {
    const table = freshTable();
    const store = new PgUsageStore(dbUrl, table, 1);
    await store.init();
    const base: LedgerRow = {
      requestId: 'rt-1', ts: Date.UTC(2026, 10, 24, 10, 0, 0, 123) + 0.75, kind: 'chat', model: 'tab\there \\N back\\slash\nnew\rline é😀',
      provider: 'echo', upstreamModel: null, principalId: 'key_1', userId: null, team: 'search', status: 200, cause: 'ok',
      cancelled: false, cache: 'miss', attempts: 1, inputTokens: 12, outputTokens: null, cachedTokens: 0, tokensEstimated: true,
      costUsd: 0.000123456789, savedUsd: Number.NaN, durationMs: 812.123456789, ttftMs: null,
    };
    try {
      await store.insert([base, { ...base, requestId: 'rt-2', cancelled: true, costUsd: null, savedUsd: 0.5, ttftMs: 1.0006, status: 499 }]);
      const { rows } = await db.query(`SELECT request_id, extract(epoch from ts) * 1000 AS ts_ms, model, upstream_model, user_id, cancelled, output_tokens,
        tokens_estimated, cost_usd::text AS cost, saved_usd::text AS saved, duration_ms, ttft_ms, status FROM ${table} ORDER BY request_id`);
      assert.equal(rows.length, 2);
      assert.equal(rows[0].model, base.model);
      assert.equal(Number(rows[0].ts_ms), Date.UTC(2026, 10, 24, 10, 0, 0, 123));
      assert.equal(rows[0].upstream_model, null);
      assert.equal(rows[0].user_id, null);
      assert.equal(rows[0].output_tokens, null);
      assert.equal(rows[0].tokens_estimated, true);
      assert.equal(rows[0].cost, '0.000123456789');
      assert.equal(rows[0].saved, null, 'NaN is stored as unknown');
      assert.equal(rows[0].duration_ms, 812.123, 'durations to the microsecond');
      assert.equal(rows[0].ttft_ms, null);
      assert.deepEqual([rows[1].cancelled, rows[1].cost, rows[1].saved, rows[1].ttft_ms, rows[1].status], [true, null, '0.500000000000', 1.001, 499]);
    } finally {
      await store.close();
    }
  });
});
