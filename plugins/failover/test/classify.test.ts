import assert from 'node:assert/strict';
import {
  AISBF_ERR_INVALID_REQUEST, AISBF_ERR_NO_ROUTE, AISBF_ERR_UPSTREAM_PROTOCOL, AISBF_ERR_UPSTREAM_TIMEOUT, AISBF_ERR_UPSTREAM_UNREACHABLE,
  upstreamError,
} from 'aisbf';
import { classify } from '../src/classify.js';

const up = (status: number, code?: string) => upstreamError({ status, message: `HTTP ${status}`, code, provider: 'p' });

describe('classify', () => {
  it('retries transient upstream failures: 429, 5xx, Anthropic 529, timeouts, resets, unreadable streams', () => {
    for (const status of [429, 500, 502, 503, 504, 529, 408]) assert.equal(classify(up(status)), 'retry', `HTTP ${status}`);
    assert.equal(classify(AISBF_ERR_UPSTREAM_TIMEOUT('p', 'ttft')), 'retry');
    assert.equal(classify(AISBF_ERR_UPSTREAM_UNREACHABLE('p', new Error('ECONNRESET'))), 'retry');
    assert.equal(classify(AISBF_ERR_UPSTREAM_PROTOCOL('p', 'cut mid-event')), 'retry');
  });

  it('moves on without retrying when the provider itself is unusable: 401, 403, 402, exhausted quota', () => {
    assert.equal(classify(up(401)), 'next');
    assert.equal(classify(up(403)), 'next');
    assert.equal(classify(up(402)), 'next');
    assert.equal(classify(up(429, 'insufficient_quota')), 'next');
    assert.equal(classify(up(429, 'enforced_spend_limit_reached')), 'next');
  });

  it('returns the client\'s own mistakes as they are: 400, 404, 413, 422, context length', () => {
    for (const status of [400, 404, 413, 422]) assert.equal(classify(up(status)), 'final', `HTTP ${status}`);
    assert.equal(classify(upstreamError({ status: 400, message: 'This model\'s maximum context length is 8192 tokens' })), 'final');
    assert.equal(classify(AISBF_ERR_INVALID_REQUEST('bad')), 'final');
  });

  it('treats a non-retryable 5xx and a non-catalogued throw as a broken provider path, not a bad request', () => {
    assert.equal(classify(AISBF_ERR_NO_ROUTE('m', 'provider x is not configured')), 'next');
    assert.equal(classify(new TypeError('adapter bug')), 'next');
  });
});
