import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import catalog from '@aisbf/plugin-catalog';
import mock from '@aisbf/plugin-mock';
import { definePlugin, upstreamError, type Plugin } from 'aisbf';
import { spawnGateway, startGateway, type TestGateway } from 'aisbf/testing';
import OpenAI from 'openai';
import observeLog from '../src/index.js';

const CLIENT_KEY = 'sk-client-0123456789abcdef';
const PROVIDER_KEY = 'prov-key-a1b2c3d4e5f6g7h8';
const ADMIN_KEY = 'admin-key-zyxwvutsrqponm';

/** Collects what pino writes, line by line. */
function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return {
    stream,
    get text() { return text; },
    lines: () => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>),
  };
}

/** Maps the client key to a principal; the principal also carries a field that must never be logged. */
function testAuth(): Plugin {
  return definePlugin({
    name: 'test-auth',
    adminKey: ADMIN_KEY,
    auth(ctx) {
      if (ctx.headers.authorization !== `Bearer ${CLIENT_KEY}`) return undefined;
      return { id: 'key_1', user: 'ana', team: 'search', tier: 'premium', key: CLIENT_KEY };
    },
  });
}

/** A provider whose error message quotes its own key back, as some upstreams do. */
function leakyProvider(): Plugin {
  return definePlugin({
    name: 'leaky',
    provider: {
      type: 'leaky',
      invoke: {
        async chat(_req, target) {
          throw upstreamError({ status: 401, message: `Incorrect API key provided: ${target.config.apiKey}`, provider: target.id });
        },
      },
    },
  });
}

async function until<T>(check: () => T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = check();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`gave up waiting for ${what}`);
}

async function gateway(out: ReturnType<typeof capture>, logBodies: boolean): Promise<TestGateway> {
  return startGateway({
    plugins: [mock(), leakyProvider(), testAuth(), catalog({ models: { 'echo/echo-1': { inputPerMTok: 3, outputPerMTok: 15 } } }), observeLog({ logBodies, destination: out.stream })],
    providers: {
      echo: { type: 'mock', apiKey: PROVIDER_KEY, chunks: 3 },
      broken: { type: 'leaky', apiKey: PROVIDER_KEY },
    },
    models: { smart: { candidates: ['echo/echo-1'] }, bad: { candidates: ['broken/b-1'] } },
  });
}

describe('observe-log: one JSON access line per request', () => {
  const out = capture();
  let gw: TestGateway;
  let client: OpenAI;
  let lines: Array<Record<string, any>>;
  const ids: Record<string, string> = {};
  let usage: OpenAI.CompletionUsage;

  before(async () => {
    gw = await gateway(out, false);
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
    const { data, response } = await client.chat.completions
      .create({ model: 'smart', messages: [{ role: 'user', content: 'secret plans for tuesday' }] }, { headers: { 'x-request-id': 'req-json-1' } })
      .withResponse();
    usage = data.usage!;
    ids.json = response.headers.get('x-request-id')!;
    const stream = await client.chat.completions.create({ model: 'smart', stream: true, messages: [{ role: 'user', content: 'stream it' }] }, { headers: { 'x-request-id': 'req-stream-1' } });
    for await (const _ of stream) { /* read to the end */ }
    await assert.rejects(client.chat.completions.create({ model: 'bad', messages: [{ role: 'user', content: 'q' }] }, { headers: { 'x-request-id': 'req-bad-1' } }), { status: 401 });
    const stranger = new OpenAI({ baseURL: gw.baseURL, apiKey: 'sk-wrong-key-99999999999', maxRetries: 0 });
    await assert.rejects(stranger.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'q' }] }, { headers: { 'x-request-id': 'req-anon-1' } }), { status: 401 });
    lines = await until(() => (out.lines().length >= 4 ? out.lines() : undefined), '4 access lines');
  });
  after(async () => {
    await gw?.close();
  });

  const line = (id: string) => {
    const found = lines.filter((l) => l.request_id === id);
    assert.equal(found.length, 1, `exactly one line for ${id}`);
    return found[0];
  };

  it('writes exactly one parseable line per request, request_id equal to x-request-id', () => {
    assert.equal(lines.length, 4);
    assert.equal(ids.json, 'req-json-1');
    for (const id of ['req-json-1', 'req-stream-1', 'req-bad-1', 'req-anon-1']) assert.equal(line(id).msg, 'request');
  });

  it('logs principal, model, provider, attempts, status, latency, tokens, cost and level of a success', () => {
    const l = line('req-json-1');
    assert.deepEqual(l.principal, { id: 'key_1', user: 'ana', team: 'search', tier: 'premium' });
    assert.equal(l.model, 'smart');
    assert.equal(l.provider, 'echo');
    assert.equal(l.upstream_model, 'echo-1');
    assert.equal(l.attempts, 1);
    assert.equal(l.status, 200);
    assert.equal(l.cause, 'ok');
    assert.equal(l.level, 30);
    assert.equal(typeof l.latency_ms, 'number');
    assert.deepEqual(l.tokens, { input: usage.prompt_tokens, output: usage.completion_tokens, cached: 0 });
    assert.ok(Math.abs(l.cost_usd - (usage.prompt_tokens * 3 + usage.completion_tokens * 15) / 1e6) < 1e-12);
    assert.equal(l.request_body, undefined, 'bodies are off by default');
  });

  it('logs TTFT for a stream', () => {
    const l = line('req-stream-1');
    assert.equal(l.stream, true);
    assert.equal(l.status, 200);
    assert.equal(typeof l.ttft_ms, 'number');
    assert.ok(l.ttft_ms <= l.latency_ms);
  });

  it('logs the error type and cause of failures, at warn', () => {
    const bad = line('req-bad-1');
    assert.equal(bad.status, 401);
    assert.equal(bad.error_type, 'authentication_error');
    assert.equal(bad.provider, 'broken');
    assert.equal(bad.level, 40);
    assert.match(bad.error_message, /Incorrect API key provided: \[redacted\]/);
    const anon = line('req-anon-1');
    assert.equal(anon.status, 401);
    assert.equal(anon.cause, 'auth');
    assert.equal(anon.principal, undefined);
  });

  it('never writes a secret: client key, provider key, admin key, prompts', () => {
    for (const secret of [CLIENT_KEY, PROVIDER_KEY, ADMIN_KEY, 'sk-wrong-key-99999999999', 'secret plans']) {
      assert.ok(!out.text.includes(secret), `found ${secret} in the access log`);
    }
  });
});

describe('observe-log: logBodies', () => {
  it('adds the request body, with secrets scrubbed from it', async () => {
    const out = capture();
    const gw = await gateway(out, true);
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
      await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: `use ${PROVIDER_KEY} for the weather` }] });
      const [l] = await until(() => (out.lines().length >= 1 ? out.lines() : undefined), 'one line');
      assert.equal(l.request_body.model, 'smart');
      assert.equal(l.request_body.messages[0].content, 'use [redacted] for the weather');
      assert.ok(!out.text.includes(PROVIDER_KEY));
    } finally {
      await gw.close();
    }
  });

  it('writes nothing below the configured level', async () => {
    const out = capture();
    const gw = await startGateway({
      plugins: [mock(), observeLog({ level: 'warn', destination: out.stream })],
      providers: { echo: { type: 'mock' } },
    });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      await client.chat.completions.create({ model: 'echo/m', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'quiet-ok' } });
      await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'loud-404' } }), { status: 404 });
      const lines = await until(() => (out.lines().length >= 1 ? out.lines() : undefined), 'the warn line');
      // The 404 line is written after the success line would have been: both events have fired.
      assert.deepEqual(lines.map((l) => l.request_id), ['loud-404']);
    } finally {
      await gw.close();
    }
  });
});

describe('observe-log: a cost that is not a number', () => {
  it('still writes the line, once, with the value as null', async () => {
    const out = capture();
    // A price that is not a number makes the cost NaN.
    const gw = await startGateway({
      plugins: [mock(), catalog({ models: { 'echo/echo-1': { inputPerMTok: Number.NaN, outputPerMTok: 15 } } }), observeLog({ destination: out.stream })],
      providers: { echo: { type: 'mock' } },
    });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      await client.chat.completions.create({ model: 'echo/echo-1', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'nan-cost-1' } });
      const line = await until(() => out.lines().find((l) => l.request_id === 'nan-cost-1'), 'the line');
      assert.equal(line.cost_usd, null);
      assert.equal(line.status, 200);
      assert.equal(line.msg, 'request');
      const raw = out.text.split('\n').find((l) => l.includes('"nan-cost-1"'))!;
      for (const key of ['level', 'time', 'name', 'msg']) assert.equal(raw.split(`"${key}":`).length, 2, `one "${key}" in ${raw}`);
    } finally {
      await gw.close();
    }
  });
});

describe('observe-log: a file destination', () => {
  it('writes one line per request of a concurrent burst, each stamped when its request ended, all saved by close', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aisbf-log-'));
    const file = join(dir, 'nested', 'access.log');
    // A long flush interval and a big buffer: only close() can have written the lines.
    const gw = await startGateway({
      plugins: [mock(), observeLog({ destination: file, flushIntervalMs: 60_000, bufferBytes: 1_000_000 })],
      providers: { echo: { type: 'mock' } },
    });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
      const before = Date.now();
      await Promise.all(Array.from({ length: 40 }, (_, i) =>
        client.chat.completions.create({ model: 'echo/m', messages: [{ role: 'user', content: `n${i}` }] }, { headers: { 'x-request-id': `burst-${i}` } })));
      await assert.rejects(client.chat.completions.create({ model: 'nope', messages: [{ role: 'user', content: 'hi' }] }, { headers: { 'x-request-id': 'burst-404' } }), { status: 404 });
      const after = Date.now();
      await gw.close();
      const lines = (await readFile(file, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, any>);
      assert.deepEqual(lines.map((l) => l.request_id).sort(), [...Array.from({ length: 40 }, (_, i) => `burst-${i}`), 'burst-404'].sort());
      const notFound = lines.find((l) => l.request_id === 'burst-404')!;
      assert.equal(notFound.status, 404);
      assert.equal(notFound.level, 40);
      for (const l of lines) {
        const t = Date.parse(l.time);
        assert.ok(t >= before - 1 && t <= after + 1, `time ${l.time} within the burst`);
        assert.equal(l.msg, 'request');
      }
    } finally {
      await gw.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to start when the destination cannot be opened, and says where', async () => {
    await assert.rejects(
      startGateway({ plugins: [mock(), observeLog({ destination: '/dev/null/aisbf-no-such-dir/access.log' })], providers: { echo: { type: 'mock' } } }),
      /aisbf-no-such-dir/,
    );
  });
});

describe('observe-log: in a gateway process, by name from config', () => {
  it('writes its lines to stdout, parseable, without the secrets the process knows', async function () {
    const gw = await spawnGateway({
      plugins: [['observe-log', { level: 'info' }]],
      providers: { echo: { type: 'mock', apiKey: PROVIDER_KEY } },
      models: { smart: { candidates: ['echo/echo-1'] } },
    }, { AISBF_ADMIN_KEY: ADMIN_KEY, AISBF_LOG_LEVEL: 'info' });
    try {
      const client = new OpenAI({ baseURL: gw.baseURL, apiKey: CLIENT_KEY, maxRetries: 0 });
      await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'from a process' }] }, { headers: { 'x-request-id': 'spawned-1' } });
      const access = await until(() => {
        const found = gw.output().split('\n').filter((l) => l.includes('"spawned-1"'));
        return found.length > 0 ? found : undefined;
      }, 'the access line on stdout');
      assert.equal(access.length, 1);
      const l = JSON.parse(access[0]);
      assert.equal(l.request_id, 'spawned-1');
      assert.equal(l.status, 200);
      assert.equal(l.provider, 'echo');
      for (const secret of [CLIENT_KEY, PROVIDER_KEY, ADMIN_KEY]) assert.ok(!gw.output().includes(secret), secret);
    } finally {
      await gw.stop();
    }
  });
});
