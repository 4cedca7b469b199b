import assert from 'node:assert/strict';
import { pino } from 'pino';
import type { AccessLine } from '../src/access-line.js';
import { lineSerializer } from '../src/line-serializer.js';

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

describe('observe-log: the compiled line serializer', () => {
  for (const [name, line, level] of [['a success', ok, 'info'], ['a failure with attempts and odd text', failed, 'error'], ['a cancelled cache hit', cancelledHit, 'warn']] as const) {
    it(`writes ${name} byte for byte as pino does`, () => {
      const t = Date.UTC(2026, 10, 24, 10, 0, 0, 123);
      const expected = pinoLine(structuredClone(line), level, t);
      const got = lineSerializer('aisbf-access')(structuredClone(line), level, t);
      assert.equal(got, expected);
      assert.equal(JSON.parse(got).request_id, line.request_id);
    });
  }

  it('stamps each line with its own millisecond', () => {
    const toJson = lineSerializer('aisbf-access');
    const a = JSON.parse(toJson(structuredClone(ok), 'info', 1000));
    const b = JSON.parse(toJson(structuredClone(ok), 'info', 1001));
    assert.equal(a.time, '1970-01-01T00:00:01.000Z');
    assert.equal(b.time, '1970-01-01T00:00:01.001Z');
  });

  it('refuses a NaN it cannot write, so the plugin hands that line to pino instead', () => {
    assert.throws(() => lineSerializer('aisbf-access')({ ...structuredClone(ok), cost_usd: Number.NaN }, 'info', 0));
    assert.equal(JSON.parse(pinoLine({ ...structuredClone(ok), cost_usd: Number.NaN }, 'info', 0)).cost_usd, null);
  });
});
