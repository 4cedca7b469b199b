import assert from 'node:assert/strict';
import OpenAI from 'openai';
import localOnly, { isLocalURL } from '@aisbf/preset-local-only';
import { sendJson, startGateway, startLoopbackServer, type LoopbackServer } from 'aisbf/testing';

describe('local-only preset', () => {
  it('tells local addresses from public ones', () => {
    for (const u of ['http://127.0.0.1:11434', 'http://localhost:8000/v1', 'http://10.1.2.3', 'http://172.20.0.5:80', 'http://192.168.1.9', 'http://[::1]:9', 'http://ollama:11434', 'http://gpu.internal']) {
      assert.equal(isLocalURL(u), true, u);
    }
    for (const u of ['https://api.openai.com/v1', 'http://8.8.8.8', 'http://172.32.0.1', 'https://example.com', 'not a url']) {
      assert.equal(isLocalURL(u), false, u);
    }
  });

  describe('against a loopback Ollama', () => {
    let ollama: LoopbackServer;
    before(async () => {
      ollama = await startLoopbackServer((req, res) => {
        const body = req.body as { model: string };
        sendJson(res, 200, {
          model: body.model, created_at: '2026-01-01T00:00:00Z', done: true, done_reason: 'stop',
          message: { role: 'assistant', content: 'local answer' }, prompt_eval_count: 5, eval_count: 2,
        });
      });
    });
    after(() => ollama?.close());

    it('serves the default model from Ollama, with the cache on', async () => {
      const gw = await startGateway({ presets: [localOnly({ ollama: { baseURL: ollama.url, models: ['llama3.1:8b'] }, vllm: false })] });
      try {
        const client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
        const first = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        assert.equal(first.data.choices[0].message.content, 'local answer');
        assert.equal(first.response.headers.get('x-aisbf-provider'), 'ollama');
        assert.equal(first.response.headers.get('x-aisbf-cache'), 'miss');
        const second = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'hi' }] }).withResponse();
        assert.equal(second.response.headers.get('x-aisbf-cache'), 'hit');
        assert.equal(ollama.requests.filter((r) => r.url === '/api/chat').length, 1);
        assert.equal(gw.gateway.state.backend, 'memory');
      } finally {
        await gw.close();
      }
    });

    it('refuses to start with a provider outside the machine', async () => {
      await assert.rejects(
        startGateway({ presets: [localOnly({ ollama: { baseURL: ollama.url }, vllm: false })], providers: { gpt: { type: 'openai', baseURL: 'https://api.openai.com/v1', apiKey: 'k' } } }),
        /local-only: provider 'gpt' points at api\.openai\.com/,
      );
    });
  });
});
