import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { sendJson, startGateway, startLoopbackServer, type LoopbackServer, type TestGateway } from 'aisbf/testing';

describe('vllm provider', () => {
  let up: LoopbackServer;
  let gw: TestGateway;
  let client: OpenAI;
  before(async () => {
    up = await startLoopbackServer((req, res) => {
      const body = req.body as { model: string; top_k?: number };
      if (body.top_k === -5) return sendJson(res, 400, { object: 'error', message: 'top_k must be -1 or at least 1', type: 'BadRequestError', param: null, code: 400 });
      if (body.model === 'tools') return sendJson(res, 400, { error: { message: '"auto" tool choice requires --enable-auto-tool-choice and --tool-call-parser to be set', type: 'BadRequestError', param: null, code: 400 } });
      sendJson(res, 200, {
        id: 'cmpl-1', object: 'chat.completion', created: 1, model: body.model,
        choices: [{ index: 0, message: { role: 'assistant', content: `top_k=${body.top_k}` }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 },
      });
    });
    gw = await startGateway({ providers: { local: { type: 'vllm', baseURL: `${up.url}/v1` } } });
    client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
  });
  after(async () => {
    await gw?.close();
    await up?.close();
  });

  it("passes vLLM's extra sampling parameters through, without an API key", async () => {
    const r = await client.chat.completions.create({ model: 'local/qwen', messages: [{ role: 'user', content: 'x' }], top_k: 40, min_p: 0.1 } as OpenAI.ChatCompletionCreateParamsNonStreaming);
    assert.equal(r.choices[0].message.content, 'top_k=40');
    const sent = up.requests.at(-1)!;
    assert.equal((sent.body as { min_p: number }).min_p, 0.1);
    assert.equal(sent.headers.authorization, undefined);
  });

  it("maps vLLM's flat and envelope error shapes, keeping the message", async () => {
    for (const [body, re] of [
      [{ model: 'local/qwen', messages: [{ role: 'user', content: 'x' }], top_k: -5 }, /top_k must be -1/],
      [{ model: 'local/tools', messages: [{ role: 'user', content: 'x' }] }, /enable-auto-tool-choice/],
    ] as const) {
      const r = await fetch(`${gw.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify(body) });
      const j = (await r.json()) as { error: { message: string; type: string; code: unknown } };
      assert.equal(r.status, 400);
      assert.match(j.error.message, re);
      assert.equal(j.error.type, 'invalid_request_error');
      assert.equal(j.error.code, null, 'the integer code is not passed on');
    }
  });
});
