import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { generateKey, hashKey } from '@aisbf/plugin-auth-keys';

describe('ratelimit end to end (memory state, official SDK)', () => {
  let gw: TestGateway;
  const keyA = generateKey();
  const keyB = generateKey();
  const keyTokens = generateKey();
  const keySlow = generateKey();
  const client = (apiKey: string) => new OpenAI({ baseURL: gw.baseURL, apiKey, maxRetries: 0 });
  const chat = (apiKey: string, extra: Record<string, unknown> = {}) =>
    client(apiKey).chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hello there' }], ...extra }).withResponse();

  before(async () => {
    gw = await startGateway({
      providers: { echo: { type: 'mock' }, slow: { type: 'mock', latencyMs: 1500 } },
      models: { smart: { candidates: ['echo/m1'] }, slow: { candidates: ['slow/m1'] } },
      plugins: [
        ['auth-keys', {
          keys: [
            { id: 'a', hash: hashKey(keyA), user: 'ana', team: 't1', limits: { rpm: 3 } },
            { id: 'b', hash: hashKey(keyB), user: 'bob', team: 't2' },
            { id: 'tok', hash: hashKey(keyTokens), limits: { rpm: 100, tpm: 200 } },
            { id: 'slow', hash: hashKey(keySlow), limits: { concurrent: 1 } },
          ],
        }],
        ['ratelimit', { defaults: { key: { rpm: 50, tpm: 100_000 } } }],
      ],
    });
  });
  after(async () => gw?.close());

  it('puts request and token limit headers on every admitted response, remaining falling, then 429 with retry-after', async () => {
    const seen: Array<Record<string, string | null>> = [];
    for (let i = 0; i < 3; i++) {
      const { response } = await chat(keyA);
      seen.push(Object.fromEntries(['limit-requests', 'remaining-requests', 'reset-requests', 'limit-tokens', 'remaining-tokens', 'reset-tokens']
        .map((h) => [h, response.headers.get(`x-ratelimit-${h}`)])));
    }
    assert.deepEqual(seen.map((h) => h['limit-requests']), ['3', '3', '3']);
    assert.deepEqual(seen.map((h) => h['remaining-requests']), ['2', '1', '0']);
    for (const h of seen) {
      assert.equal(h['limit-tokens'], '100000');
      assert.match(h['remaining-tokens'] ?? '', /^\d+$/);
      assert.match(h['reset-requests'] ?? '', /^(\d+m)?[\d.]+m?s$/);
      assert.match(h['reset-tokens'] ?? '', /^(\d+m)?[\d.]+m?s$/);
    }
    const err = await chat(keyA).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.code, 'rate_limit_exceeded');
    assert.match(err.headers?.get('retry-after') ?? '', /^\d+$/);
    assert.ok(Number(err.headers?.get('retry-after')) >= 1);
    assert.equal(err.headers?.get('x-ratelimit-remaining-requests'), '0');
    assert.equal(err.headers?.get('x-ratelimit-limit-requests'), '3');
  });

  it('limits by the key, whatever `user` the body names; other keys keep their own buckets', async () => {
    // Key a is exhausted by the test above; naming another tenant in the body does not help.
    await assert.rejects(chat(keyA, { user: 'bob' }), OpenAI.RateLimitError);
    await assert.rejects(chat(keyA, { user: 'b' }), OpenAI.RateLimitError);
    const { response } = await chat(keyB, { user: 'ana' });
    assert.equal(response.headers.get('x-ratelimit-limit-requests'), '50');
    assert.equal(response.headers.get('x-ratelimit-remaining-requests'), '49');
  });

  it('reserves input plus max_tokens at admission and corrects to actual usage after (also for streams)', async () => {
    const first = await chat(keyTokens, { max_tokens: 150 });
    const r1 = Number(first.response.headers.get('x-ratelimit-remaining-tokens'));
    const used = first.data.usage!.total_tokens;
    assert.ok(r1 < 200 - 150, `the reservation covers max_tokens and the input (remaining ${r1})`);
    // Had the 150-token reservation been kept, a second one would not fit in 200 tokens.
    const { data: stream, response } = await client(keyTokens).chat.completions
      .create({ model: 'smart', stream: true, max_tokens: 150, messages: [{ role: 'user', content: 'hello there' }] }).withResponse();
    for await (const _ of stream) { /* drain */ }
    const r2 = Number(response.headers.get('x-ratelimit-remaining-tokens'));
    assert.ok(r2 < r1 && r2 > r1 - 150, `after settle the first request counts ${used} tokens, not its reservation (r1 ${r1}, r2 ${r2})`);
  });

  it('refuses a request whose max_tokens alone exceeds the token limit', async () => {
    await assert.rejects(chat(keyTokens, { max_tokens: 500 }), (err: unknown) => err instanceof OpenAI.RateLimitError && /Request too large/.test(err.message));
  });

  it('limits concurrent requests per key', async () => {
    const call = () => client(keySlow).chat.completions.create({ model: 'slow', messages: [{ role: 'user', content: 'x' }] });
    const results = await Promise.allSettled([call(), call()]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    assert.ok(rejected.reason instanceof OpenAI.RateLimitError);
    assert.match(rejected.reason.message, /1 concurrent requests/);
    // The slot is free again once the first answer is settled.
    assert.equal((await call()).choices.length, 1);
  });
});
