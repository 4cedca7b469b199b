import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { startGateway, type TestGateway } from 'aisbf/testing';
import { generateKey, hashKey } from '@aisbf/plugin-auth-keys';
import { BudgetKeeper, type BudgetScope } from '../src/index.js';

describe('budget end to end (memory state, official SDK)', () => {
  let gw: TestGateway;
  let keeper: BudgetKeeper;
  const small = generateKey();
  const teamA = generateKey();
  const teamB = generateKey();
  const client = (apiKey: string) => new OpenAI({ baseURL: gw.baseURL, apiKey, maxRetries: 0 });
  const chat = (apiKey: string, model: string, extra: Record<string, unknown> = {}) =>
    client(apiKey).chat.completions.create({ model, messages: [{ role: 'user', content: 'price me' }], ...extra });
  const spent = (scope: BudgetScope) => keeper.spent(scope);

  before(async () => {
    gw = await startGateway({
      providers: { echo: { type: 'mock' }, broken: { type: 'mock', failRate: 1, failStatus: 500 }, local: { type: 'mock' } },
      models: {
        priced: { candidates: ['echo/m1'] },
        catalogued: { candidates: ['echo/m2'] },
        // The worst candidate sets the reservation: m3 is dearer than m1.
        mixed: { candidates: ['echo/m1', 'echo/m3'] },
        failing: { candidates: ['broken/m1'] },
        unpriced: { candidates: ['local/llama'] },
      },
      plugins: [
        ['catalog', { models: { 'echo/m2': { inputPerMTok: 100, outputPerMTok: 100, maxOutput: 50 } } }],
        ['auth-keys', {
          keys: [
            { id: 'small', hash: hashKey(small), budget: { usd: 0.01, period: 'day' } },
            { id: 'ka', hash: hashKey(teamA), team: 'shared' },
            { id: 'kb', hash: hashKey(teamB), team: 'shared' },
          ],
        }],
        ['budget', {
          defaults: { team: { usd: 0.002, period: 'month' } },
          prices: { 'echo/m1': { inputPerMTok: 10, outputPerMTok: 30 }, 'echo/m3': { inputPerMTok: 10, outputPerMTok: 60 }, 'broken/m1': { inputPerMTok: 10, outputPerMTok: 30 } },
          defaultMaxTokens: 200,
        }],
      ],
    });
    keeper = new BudgetKeeper(gw.gateway.state);
  });
  after(async () => gw?.close());

  const keyScope: BudgetScope = { kind: 'key', id: 'small', limit: { usd: 0.01, period: 'day' } };
  const teamScope: BudgetScope = { kind: 'team', id: 'shared', limit: { usd: 0.002, period: 'month' } };

  it('charges the real cost of each answer, not its reservation', async () => {
    const res = await chat(small, 'priced', { max_tokens: 100 });
    const u = res.usage!;
    const expected = Math.ceil((u.prompt_tokens * 10 + u.completion_tokens * 30) - 1e-6);
    assert.equal(await spent(keyScope), expected);

    // A stream is settled when it ends, with the usage the provider reported (even if the client did not ask for it).
    const stream = await client(small).chat.completions.create({ model: 'priced', max_tokens: 100, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'price me' }] });
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) usage = chunk.usage ?? usage;
    const streamed = usage!.prompt_tokens * 10 + usage!.completion_tokens * 30;
    // The tail (settle) runs right after the last chunk; give it a moment to land.
    for (let i = 0; i < 50 && (await spent(keyScope)) !== expected + streamed; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(await spent(keyScope), expected + streamed);
  });

  it('refuses with 429 insufficient_quota when the worst case does not fit, saying how to fit', async () => {
    // 1000 output tokens at $30/MTok is $0.03, more than the $0.01 a day this key has.
    const err = await chat(small, 'priced', { max_tokens: 1000 }).catch((e: unknown) => e);
    assert.ok(err instanceof OpenAI.RateLimitError, String(err));
    assert.equal(err.code, 'insufficient_quota');
    assert.equal(err.type, 'insufficient_quota');
    assert.match(err.message, /Budget exceeded for key 'small'.*max_tokens/);
    assert.match(err.headers?.get('retry-after') ?? '', /^\d+$/);
  });

  it('reserves against the dearest candidate of a route, and the catalogue max output when max_tokens is absent', async () => {
    const before = await spent(keyScope);
    // m3 output at $60/MTok × 200 default tokens = $0.012 > $0.01, although m1 (the first candidate) would fit.
    await assert.rejects(chat(small, 'mixed'), (err: unknown) => err instanceof OpenAI.RateLimitError && err.code === 'insufficient_quota');
    assert.ok((await chat(small, 'mixed', { max_tokens: 50 })).choices.length === 1);
    // Catalogue prices: $100/MTok and a max output of 50 → reservation of about $0.0063, which fits.
    assert.ok((await chat(small, 'catalogued')).choices.length === 1);
    assert.ok((await spent(keyScope)) > before);
  });

  it('gives the whole reservation back when the provider fails', async () => {
    const before = await spent(keyScope);
    await assert.rejects(chat(small, 'failing', { max_tokens: 10 }), OpenAI.APIError);
    assert.equal(await spent(keyScope), before);
  });

  it('refuses a model with no known price under a budget (403), naming the missing price', async () => {
    await assert.rejects(chat(small, 'unpriced'), (err: unknown) => err instanceof OpenAI.PermissionDeniedError && /No price is known for 'local\/llama'/.test(err.message));
  });

  it('shares a team budget between keys, and a body `user` changes nothing', async () => {
    let admitted = 0;
    let refusal: unknown;
    for (let i = 0; i < 30 && !refusal; i++) {
      try {
        await chat(i % 2 ? teamA : teamB, 'priced', { max_tokens: 20, user: 'someone-with-budget' });
        admitted++;
      } catch (err) {
        refusal = err;
      }
    }
    assert.ok(admitted > 1, `several requests fit in the team budget (${admitted})`);
    assert.ok(refusal instanceof OpenAI.RateLimitError && refusal.code === 'insufficient_quota' && /team 'shared'/.test(refusal.message), String(refusal));
    assert.ok((await spent(teamScope)) <= 2000, 'the team never spent more than its budget');
  });
});
