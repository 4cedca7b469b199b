import assert from 'node:assert/strict';
import { AISBF_ERR_MODEL_NOT_FOUND, GatewayError, isGatewayError, retryAfterMs, upstreamError } from 'aisbf';

describe('error catalogue', () => {
  it('serialises every error as an OpenAI body with all four keys', () => {
    const e = AISBF_ERR_MODEL_NOT_FOUND('gpt-9', 'Use one of: smart.');
    assert.equal(e.status, 404);
    assert.deepEqual(Object.keys(e.toJSON().error).sort(), ['code', 'message', 'param', 'type']);
    assert.equal(e.toJSON().error.code, 'model_not_found');
    assert.equal(e.toJSON().error.param, 'model');
  });

  it('recognises gateway errors by brand, not by class identity', () => {
    const e = new GatewayError('x', { status: 400, type: 'invalid_request_error' });
    assert.equal(isGatewayError(e), true);
    assert.equal(isGatewayError(new Error('x')), false);
    assert.equal(isGatewayError({ status: 400 }), false);
  });

  describe('upstreamError (WIRE-FORMATS §8.2)', () => {
    const cases: Array<[string, Parameters<typeof upstreamError>[0], { status: number; type: string; code: string | null; retryable: boolean }]> = [
      ['429 rate limit', { status: 429, message: 'slow down' }, { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', retryable: true }],
      ['429 quota', { status: 429, message: 'quota', code: 'insufficient_quota' }, { status: 429, type: 'insufficient_quota', code: 'insufficient_quota', retryable: false }],
      ['529 overloaded', { status: 529, message: 'Overloaded' }, { status: 503, type: 'server_error', code: 'overloaded', retryable: true }],
      ['500', { status: 500, message: 'boom' }, { status: 502, type: 'server_error', code: null, retryable: true }],
      ['504', { status: 504, message: 'late' }, { status: 504, type: 'server_error', code: 'timeout', retryable: true }],
      ['401', { status: 401, message: 'bad key' }, { status: 401, type: 'authentication_error', code: 'invalid_api_key', retryable: false }],
      ['402 billing', { status: 402, message: 'pay' }, { status: 403, type: 'permission_error', code: null, retryable: false }],
      ['404', { status: 404, message: 'no model' }, { status: 404, type: 'not_found_error', code: 'model_not_found', retryable: false }],
      ['500 keeps no code', { status: 500, message: 'boom', code: 'internal' }, { status: 502, type: 'server_error', code: null, retryable: true }],
      ['400 context (phrasing)', { status: 400, message: "This model's maximum context length is 8192 tokens" }, { status: 400, type: 'invalid_request_error', code: 'context_length_exceeded', retryable: false }],
      ['400 content filter', { status: 400, message: 'filtered', code: 'content_filter' }, { status: 400, type: 'invalid_request_error', code: 'content_filter', retryable: false }],
      ['422', { status: 422, message: 'bad field' }, { status: 422, type: 'invalid_request_error', code: null, retryable: false }],
    ];
    for (const [name, facts, want] of cases) {
      it(name, () => {
        const e = upstreamError(facts);
        assert.deepEqual({ status: e.status, type: e.type, code: e.code, retryable: e.retryable }, want);
        assert.equal(e.message, facts.message, 'the upstream message is kept');
      });
    }

    it('forwards retry-after, from seconds or retry-after-ms', () => {
      assert.equal(upstreamError({ status: 429, message: 'x', headers: { 'retry-after': '7' } }).headers['retry-after'], '7');
      const ms = upstreamError({ status: 429, message: 'x', headers: { 'retry-after-ms': '1500' } });
      assert.equal(ms.retryAfterMs, 1500);
      assert.equal(ms.headers['retry-after'], '2');
      assert.equal(retryAfterMs({ 'retry-after': new Date(Date.now() + 3000).toUTCString() })! > 1000, true);
      assert.equal(retryAfterMs({}), undefined);
    });
  });
});
