import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest, EmbeddingsRequest } from '../canonical.js';
import { floatsToBase64 } from '../stream/chunks.js';
import { sendEvent, sendJson, startLoopbackServer, startSse, type LoopbackServer, type RecordedRequest } from './loopback-server.js';

export interface FakeOpenAIOptions {
  /** The assistant's text; default `Echo: <last user message>`. */
  reply?: (req: ChatRequest) => string;
  /** Content chunks per stream; default 3. */
  chunks?: number;
  /** Delay before answering (and before the first stream chunk), ms. */
  delayMs?: number;
  /** Delay between stream chunks, ms. */
  chunkDelayMs?: number;
  /** Return a failure for a request instead of answering it. */
  fail?: (req: RecordedRequest) => { status: number; body: unknown; headers?: Record<string, string> } | undefined;
}

/**
 * A loopback server speaking OpenAI's API (`/v1/chat/completions` JSON and SSE
 * with `include_usage`, `/v1/embeddings` float or base64, `/v1/models`), for
 * end-to-end tests and the bench. Its `baseURL` ends in `/v1` like the SDK's.
 */
export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<LoopbackServer & { baseURL: string }> {
  const server = await startLoopbackServer(async (req, res) => {
    const failure = options.fail?.(req);
    if (failure) return sendJson(res, failure.status, failure.body, failure.headers);
    if (req.method === 'GET' && req.url === '/v1/models') {
      return sendJson(res, 200, { object: 'list', data: [{ id: 'fake-1', object: 'model', created: 0, owned_by: 'fake' }] });
    }
    if (req.method === 'POST' && req.url === '/v1/chat/completions') return chat(req.body as ChatRequest, res, options);
    if (req.method === 'POST' && req.url === '/v1/embeddings') return embeddings(req.body as EmbeddingsRequest, res);
    sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error', param: null, code: null } });
  });
  return Object.assign(server, { baseURL: `${server.url}/v1` });
}

function lastUser(req: ChatRequest): string {
  const m = [...req.messages].reverse().find((x) => x.role === 'user');
  return typeof m?.content === 'string' ? m.content : JSON.stringify(m?.content ?? '');
}

async function chat(req: ChatRequest, res: ServerResponse, o: FakeOpenAIOptions): Promise<void> {
  const text = o.reply ? o.reply(req) : `Echo: ${lastUser(req)}`;
  const usage = { prompt_tokens: 10, completion_tokens: text.split(/\s+/).length, total_tokens: 10 + text.split(/\s+/).length };
  const id = 'chatcmpl-fake';
  const created = 1767225600;
  if (o.delayMs) await sleep(o.delayMs);
  if (!req.stream) {
    return sendJson(res, 200, {
      id, object: 'chat.completion', created, model: req.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage,
    });
  }
  const base = { id, object: 'chat.completion.chunk', created, model: req.model };
  const withUsage = req.stream_options?.include_usage === true;
  const u = withUsage ? { usage: null } : {};
  startSse(res);
  sendEvent(res, { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }], ...u });
  const n = o.chunks ?? 3;
  const size = Math.ceil(text.length / n);
  for (let i = 0; i < text.length; i += size) {
    if (res.destroyed) return;
    if (i > 0 && o.chunkDelayMs) await sleep(o.chunkDelayMs);
    sendEvent(res, { ...base, choices: [{ index: 0, delta: { content: text.slice(i, i + size) }, finish_reason: null }], ...u });
  }
  sendEvent(res, { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...u });
  if (withUsage) sendEvent(res, { ...base, choices: [], usage });
  sendEvent(res, '[DONE]');
  res.end();
}

function embeddings(req: EmbeddingsRequest, res: ServerResponse): void {
  const inputs = typeof req.input === 'string' ? [req.input] : (req.input as unknown[]).map(String);
  const data = inputs.map((text, index) => {
    const v = [text.length / 100, 0.5, -0.25];
    return { object: 'embedding', index, embedding: req.encoding_format === 'base64' ? floatsToBase64(v) : v };
  });
  sendJson(res, 200, { object: 'list', model: req.model, data, usage: { prompt_tokens: inputs.length, total_tokens: inputs.length } });
}
