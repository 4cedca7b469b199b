import assert from 'node:assert/strict';
import { ByteWriter } from 'aisbf';
import { pino, type Level } from 'pino';
import type { AccessLine } from '../src/access-line.js';
import { lineWriter } from '../src/line-writer.js';

/** What pino itself writes for a line, with the plugin's logger settings and a fixed time. */
function pinoLine(line: AccessLine, level: 'info' | 'warn' | 'error', timeMs: number): string {
  let out = '';
  const log = pino({ level: 'info', base: { name: 'aisbf-access' }, timestamp: () => `,"time":"${new Date(timeMs).toISOString()}"` }, { write: (s: string) => { out += s; } });
  log[level](line, 'request');
  return out;
}

// Keys in the order accessLine() sets them: pino writes an object's keys in insertion order.
const ok: AccessLine = {
  request_id: 'req-1', kind: 'chat', stream: true,
  principal: { id: 'key_1', user: undefined, team: 'search', tier: undefined },
  model: 'smart', provider: 'echo', upstream_model: 'echo-1', attempts: 1, status: 200, cause: 'ok',
  latency_ms: 3.1, upstream_ms: 1.2, cost_usd: 0.000111, ttft_ms: 0.8, overhead_ms: 1.9,
  tokens: { input: 12, output: 5, cached: 0 }, cache: 'miss',
};

const failed: AccessLine = {
  request_id: 'req-2', kind: 'embeddings', stream: false, model: 'bad "model" \\ é\n', attempts: 2,
  status: 502, cause: 'upstream', latency_ms: 3012.7, upstream_ms: 3010.5, cost_usd: null,
  attempt_log: [
    { provider: 'a', model: 'm1', outcome: 'error', status: 503, latency_ms: 10.5 },
    { provider: 'b', model: 'm2', outcome: 'timeout', status: undefined, latency_ms: 3000 },
  ],
  error_type: 'api_error', error_code: null, error_message: 'Provider said: "no"\u0001', error_plugin: 'failover',
};

const cancelledHit: AccessLine = {
  request_id: 'req-3', kind: 'chat', stream: true, principal: { id: 'k', user: 'ana', team: 't', tier: 'gold' },
  model: 'smart', provider: 'echo', attempts: 0, status: 499, cause: 'cancelled',
  latency_ms: 0, upstream_ms: 0, cost_usd: 0, cancelled: true, tokens: { input: 7, output: null, cached: null, estimated: true },
  cache: 'hit', saved_usd: null,
};

/** What the plugin's writer writes for a line, as text. */
function written(line: AccessLine, level: Level, timeMs: number, write = lineWriter('aisbf-access')): string {
  const w = new ByteWriter(64);
  write(w, line, level, timeMs);
  return w.take().toString('utf8');
}

describe('observe-log: the access line writer', () => {
  for (const [name, line, level] of [['a success', ok, 'info'], ['a failure with attempts and odd text', failed, 'error'], ['a cancelled cache hit', cancelledHit, 'warn']] as const) {
    it(`writes ${name} byte for byte as pino does`, () => {
      const t = Date.UTC(2026, 10, 24, 10, 0, 0, 123);
      const expected = pinoLine(structuredClone(line), level, t);
      const got = written(structuredClone(line), level, t);
      assert.equal(got, expected);
      assert.equal(JSON.parse(got).request_id, line.request_id);
    });
  }

  it('stamps each line with its own millisecond', () => {
    const write = lineWriter('aisbf-access');
    const a = JSON.parse(written(structuredClone(ok), 'info', 1000, write));
    const b = JSON.parse(written(structuredClone(ok), 'info', 1001, write));
    assert.equal(a.time, '1970-01-01T00:00:01.000Z');
    assert.equal(b.time, '1970-01-01T00:00:01.001Z');
  });

  it('writes numbers that are not finite as null, as pino does', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const line = { ...structuredClone(ok), cost_usd: bad, latency_ms: bad };
      const got = written(line, 'info', 0);
      assert.equal(got, pinoLine(line, 'info', 0));
      assert.equal(JSON.parse(got).cost_usd, null);
      assert.equal(JSON.parse(got).latency_ms, null);
    }
  });

  it('writes numbers as pino does: integers, tenths, small and large fractions, negatives', () => {
    const values = [0, -0, 7, 1234567, -3, 0.1, 2.5, 3012.7, -0.5, 0.000111, 1e-7, 123456789.123, 0.1 + 0.2, 2 ** 53 + 2, 1e21, 4.35];
    for (const v of values) {
      const line = { ...structuredClone(ok), latency_ms: v, cost_usd: v };
      assert.equal(written(line, 'info', 0), pinoLine(line, 'info', 0), `value ${v}`);
    }
  });

  it('escapes text as pino does: quotes, backslashes, control characters, non-ASCII', () => {
    const texts = ['plain', 'a "quoted" word', 'back\\slash', 'tab\there', 'line\nbreak', '\u0000\u001f', 'é€😀', 'del\u007f', ''];
    for (const t of texts) {
      const line = { ...structuredClone(ok), model: t, principal: { id: t, team: t } };
      assert.equal(written(line, 'info', 0), pinoLine(line, 'info', 0), JSON.stringify(t));
    }
  });

  it('appends to what the buffer already holds, growing it as needed', () => {
    const w = new ByteWriter(64);
    const write = lineWriter('aisbf-access');
    for (let i = 0; i < 50; i++) write(w, { ...structuredClone(ok), request_id: `req-${i}` }, 'info', i);
    const lines = w.take().toString('utf8').trimEnd().split('\n');
    assert.equal(lines.length, 50);
    assert.deepEqual(lines.map((l) => JSON.parse(l).request_id), Array.from({ length: 50 }, (_, i) => `req-${i}`));
  });
});
