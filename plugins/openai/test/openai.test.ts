import assert from 'node:assert/strict';
import OpenAI from 'openai';
import { chatRequest, openAIError, OpenAIStream } from '@aisbf/plugin-openai';
import { isGatewayError, type ProviderTarget } from 'aisbf';
import { sendEvent, sendJson, startGateway, startLoopbackServer, startSse, type LoopbackServer, type TestGateway } from 'aisbf/testing';

const target = (model: string): ProviderTarget => ({ id: 'gpt', model, config: { type: 'openai', apiKey: 'sk', organization: 'org-1' } });

describe('openai adapter', () => {
  describe('request', () => {
    it('passes the body through with the routed model, auth and organisation headers', () => {
      const up = chatRequest({ model: 'public', messages: [{ role: 'user', content: 'x' }], top_k: 5 }, target('gpt-4o'));
      assert.equal(up.path, '/chat/completions');
      assert.deepEqual(up.body, { model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }], top_k: 5 });
      assert.equal(up.headers!.authorization, 'Bearer sk');
      assert.equal(up.headers!['openai-organization'], 'org-1');
    });
    it('always asks a stream for usage', () => {
      const up = chatRequest({ model: 'p', stream: true, messages: [{ role: 'user', content: 'x' }] }, target('gpt-4o'));
      assert.deepEqual((up.body as { stream_options: unknown }).stream_options, { include_usage: true });
    });
    it('moves max_tokens to max_completion_tokens for reasoning models only', () => {
      const r = chatRequest({ model: 'p', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }, target('o3-mini')).body as Record<string, unknown>;
      assert.equal(r.max_completion_tokens, 50);
      assert.equal('max_tokens' in r, false);
      const g = chatRequest({ model: 'p', max_tokens: 50, messages: [{ role: 'user', content: 'x' }] }, target('gpt-4o')).body as Record<string, unknown>;
      assert.equal(g.max_tokens, 50);
    });
    it("drops Claude's thinking_blocks from assistant messages, keeping everything else, and says so", () => {
      const call = { id: 'toolu_1', type: 'function' as const, function: { name: 'f', arguments: '{}' } };
      const req = {
        model: 'p',
        messages: [
          { role: 'user' as const, content: 'x' },
          { role: 'assistant' as const, content: null, tool_calls: [call], reasoning_content: 'r', thinking_blocks: [{ type: 'thinking', thinking: 'r', signature: 's' }] },
          { role: 'tool' as const, tool_call_id: 'toolu_1', content: 'ok' },
        ],
      };
      const up = chatRequest(req, target('gpt-4o'));
      assert.deepEqual((up.body as { messages: unknown[] }).messages, [
        { role: 'user', content: 'x' },
        { role: 'assistant', content: null, tool_calls: [call], reasoning_content: 'r' },
        { role: 'tool', tool_call_id: 'toolu_1', content: 'ok' },
      ]);
      assert.deepEqual(up.dropped, ['messages[].thinking_blocks']);
      assert.equal(req.messages[1].thinking_blocks?.length, 1, "the client's request is left as it was (failover may send it to Claude next)");
      assert.equal(chatRequest({ model: 'p', messages: [{ role: 'user', content: 'x' }] }, target('gpt-4o')).dropped, undefined);
    });
  });

  describe('errors', () => {
    it('maps the OpenAI envelope, the vLLM integer code and the old flat vLLM shape', () => {
      const a = openAIError(429, { error: { message: 'quota', type: 'insufficient_quota', param: null, code: 'insufficient_quota' } }, {});
      assert.equal(a.code, 'insufficient_quota');
      assert.equal(a.retryable, false);
      const b = openAIError(400, { error: { message: "This model's maximum context length is 4096 tokens", type: 'BadRequestError', param: null, code: 400 } }, {});
      assert.equal(b.code, 'context_length_exceeded');
      const c = openAIError(400, { object: 'error', message: 'bad top_k', type: 'BadRequestError', param: null, code: 400 }, {});
      assert.equal(c.message, 'bad top_k');
      assert.equal(c.code, null);
      const d = openAIError(502, '<html>bad gateway</html>', {});
      assert.equal(d.status, 502);
      assert.match(d.message, /bad gateway/);
    });
    it('turns a mid-stream error event into a GatewayError and drops preamble chunks', () => {
      const s = new OpenAIStream(target('m'));
      assert.equal(s.event({ data: { id: '', object: 'chat.completion.chunk', created: 0, model: '', choices: [], prompt_filter_results: [] } }), undefined);
      assert.throws(() => s.event({ data: { error: { message: 'overloaded', type: 'server_error', code: null } } }), (e: unknown) => isGatewayError(e) && e.message === 'overloaded' && e.retryable);
    });
  });

  describe('end to end against a loopback OpenAI-compatible server', () => {
    let up: LoopbackServer;
    let gw: TestGateway;
    let client: OpenAI;
    before(async () => {
      up = await startLoopbackServer((req, res) => {
        const body = req.body as { model: string; stream?: boolean };
        if (body.model === 'limited') return sendJson(res, 429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '3' });
        if (body.model === 'broken-stream') {
          startSse(res);
          sendEvent(res, { error: { message: 'upstream fell over', type: 'server_error', param: null, code: null } });
          return void res.end();
        }
        if (body.model === 'garbage') {
          res.writeHead(200, { 'content-type': 'application/json' });
          return void res.end('not json');
        }
        sendJson(res, 404, { error: { message: `The model ${body.model} does not exist`, type: 'invalid_request_error', param: null, code: 'model_not_found' } });
      });
      gw = await startGateway({ providers: { up: { type: 'openai', baseURL: `${up.url}/v1`, apiKey: 'k' } } });
      client = new OpenAI({ baseURL: gw.baseURL, apiKey: 'x', maxRetries: 0 });
    });
    after(async () => {
      await gw?.close();
      await up?.close();
    });

    it('forwards a 429 with retry-after', async () => {
      await assert.rejects(client.chat.completions.create({ model: 'up/limited', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.RateLimitError);
        assert.equal(e.headers?.get('retry-after'), '3');
        assert.equal(e.code, 'rate_limit_exceeded');
        return true;
      });
    });
    it('an error event before the first token is an HTTP error, not a broken stream', async () => {
      await assert.rejects(client.chat.completions.create({ model: 'up/broken-stream', stream: true, messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 502);
        assert.match(e.message, /upstream fell over/);
        return true;
      });
    });
    it('an unreadable body is a 502 that says so', async () => {
      await assert.rejects(client.chat.completions.create({ model: 'up/garbage', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.APIError);
        assert.equal(e.status, 502);
        assert.match(e.message, /cannot read: the body is not JSON/);
        return true;
      });
    });
    it('an unknown upstream model is a 404 model_not_found with the upstream message', async () => {
      await assert.rejects(client.chat.completions.create({ model: 'up/nope', messages: [{ role: 'user', content: 'x' }] }), (e: unknown) => {
        assert.ok(e instanceof OpenAI.NotFoundError);
        assert.match(e.message, /The model nope does not exist/);
        return true;
      });
    });
    it('an unreachable upstream is a 502 that names the provider', async () => {
      const dead = await startGateway({ providers: { gone: { type: 'openai', baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k' } } });
      try {
        const r = await fetch(`${dead.url}/v1/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'gone/m', messages: [{ role: 'user', content: 'x' }] }) });
        assert.equal(r.status, 502);
        assert.match(((await r.json()) as { error: { message: string } }).error.message, /Provider 'gone' could not be reached/);
      } finally {
        await dead.close();
      }
    });
  });
});
