import assert from 'node:assert/strict';
import { packLine, unpackLine, type AccessLine } from '../src/access-line.js';

describe('observe-log: lines packed for the worker thread', () => {
  const full: AccessLine = {
    request_id: 'r-1', kind: 'chat', stream: true, principal: { id: 'key_1', user: 'ana', team: 'search', tier: undefined },
    model: 'smart', provider: 'echo', upstream_model: 'echo-1', attempts: 2, status: 499, cause: 'cancelled',
    latency_ms: 12.3, upstream_ms: 10.1, cost_usd: null,
    attempt_log: [{ provider: 'a', model: 'm', outcome: 'error', status: 500, latency_ms: 1 }, { provider: 'echo', model: 'echo-1', outcome: 'ok', status: 200, latency_ms: 9.1 }],
    error_type: 'invalid_request_error', error_code: null, error_message: 'gone', error_plugin: 'p', cancelled: true,
    ttft_ms: 3.2, overhead_ms: 0.4, tokens: { input: 7, output: null, cached: 0, estimated: true }, cache: 'miss', saved_usd: 0, request_body: { messages: [] },
  };

  it('unpacks to the same JSON, field order included', () => {
    assert.equal(JSON.stringify(unpackLine(packLine(full))), JSON.stringify(full));
  });

  it('keeps absent fields absent (no principal, no tokens, no error)', () => {
    const bare: AccessLine = { request_id: 'r-2', kind: 'embeddings', stream: false, model: 'e', attempts: 0, status: 404, cause: 'not_found', latency_ms: 0.2, upstream_ms: 0, cost_usd: 0 };
    const back = unpackLine(packLine(bare));
    assert.deepEqual(Object.keys(back), Object.keys(bare));
    assert.equal(JSON.stringify(back), JSON.stringify(bare));
  });

  it('is a packed array of plain values (what clones fast between threads)', () => {
    const v = packLine({ ...full, attempt_log: undefined, request_body: undefined });
    assert.ok(v.every((x) => x === null || typeof x !== 'object'), 'no nested objects');
    assert.equal(Object.keys(v).length, v.length, 'no holes');
  });
});
