import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatRequest } from 'aisbf';
import { sendEvent, sendJson, startLoopbackServer, startSse, type LoopbackServer, type RecordedRequest } from 'aisbf/testing';

/**
 * How one fake provider behaves, switchable while a test runs:
 * - `ok`: answers (JSON or SSE) after `delayMs` (when set);
 * - `slow`: answers, but only after `slowMs` (default 1000): a slow first token;
 * - `500`, `401`, `400`: an OpenAI error body with that status;
 * - `429`: rate limited, with `retry-after-ms: retryAfterMs`;
 * - `529`: Anthropic's "overloaded";
 * - `reset`: the socket is destroyed before any response;
 * - `hang`: never answers (until the gateway gives up);
 * - `cut`: a stream sends its role chunk and dies before the first token;
 * - `cut-after`: a stream sends one token, then the socket dies;
 * - `stall-after`: a stream sends one token, then nothing more.
 */
export type Mode = 'ok' | 'slow' | '500' | '401' | '400' | '429' | '529' | 'reset' | 'hang' | 'cut' | 'cut-after' | 'stall-after';

export interface Behaviour {
  mode: Mode;
  /** Before answering in `ok` mode, ms. */
  delayMs?: number;
  /** With a function: a fresh draw per request (e.g. "slow 1 time in 10"). */
  delay?: () => number;
  retryAfterMs?: number;
  slowMs?: number;
  /** With `then`: after this many requests, the provider switches to `then`. */
  times?: number;
  then?: Behaviour;
  /** A different mode per request, drawn with these weights (overrides `mode`). */
  mix?: Array<[Mode, number]>;
}

export interface FaultServer extends LoopbackServer {
  /** Behaviour per provider name (the first path segment). */
  behaviour: Record<string, Behaviour>;
  /** Requests received per provider name. */
  hits(name: string): number;
  /** Requests per provider that the gateway abandoned (socket closed before the answer ended). */
  aborted(name: string): number;
  /** Requests closed before any response header was sent: the gateway gave up on them (losers, timeouts), or `reset`. */
  cancelledBeforeAnswer(name: string): number;
  /** Requests whose response has neither ended nor been closed: a leak once the gateway is idle. */
  inFlight(): number;
  /** `baseURL` for a provider entry of type `openai`. */
  baseURL(name: string): string;
}

const err = (status: number, message: string, type = 'server_error', code: string | null = null) =>
  ({ error: { message, type, param: null, code } });

/** An OpenAI-speaking loopback upstream whose per-provider behaviour tests can change at will. */
export async function startFaultServer(behaviour: Record<string, Behaviour>): Promise<FaultServer> {
  const cancelled = new Map<string, number>();
  let inFlight = 0;
  const server = await startLoopbackServer(async (req, res) => {
    const name = req.url.split('/')[1] ?? '';
    inFlight++;
    res.once('close', () => {
      inFlight--;
      if (!res.headersSent) cancelled.set(name, (cancelled.get(name) ?? 0) + 1);
    });
    const b = behaviour[name] ?? { mode: 'ok' };
    if (b.times !== undefined && --b.times <= 0 && b.then) behaviour[name] = b.then;
    const body = req.body as ChatRequest;
    const mode = b.mix ? draw(b.mix) : b.mode;
    switch (mode) {
      case '500': return sendJson(res, 500, err(500, 'The server had an error while processing your request.'));
      case '401': return sendJson(res, 401, err(401, 'Incorrect API key provided.', 'invalid_request_error', 'invalid_api_key'));
      case '400': return sendJson(res, 400, err(400, 'Invalid value for temperature.', 'invalid_request_error'));
      case '429': return sendJson(res, 429, err(429, 'Rate limit reached.', 'requests', 'rate_limit_exceeded'), { 'retry-after-ms': String(b.retryAfterMs ?? 10) });
      case '529': return sendJson(res, 529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
      case 'reset': return void res.socket?.destroy();
      case 'hang': return;
      default: break;
    }
    const wait = mode === 'slow' ? b.slowMs ?? 1000 : b.delay?.() ?? b.delayMs ?? 0;
    if (wait > 0) {
      // A closed request stops waiting, so no timer outlives the test.
      const closed = new AbortController();
      res.once('close', () => closed.abort());
      if (!(await sleep(wait, true, { signal: closed.signal }).catch(() => false))) return;
    }
    if (res.destroyed) return;
    if (!body.stream) return sendJson(res, 200, completion(name, body));
    streamAnswer(res, name, body, mode);
  });
  const count = (name: string, pred: (r: RecordedRequest) => boolean) =>
    server.requests.filter((r) => r.url.startsWith(`/${name}/`) && pred(r)).length;
  return Object.assign(server, {
    behaviour,
    hits: (name: string) => count(name, () => true),
    aborted: (name: string) => count(name, (r) => r.aborted),
    cancelledBeforeAnswer: (name: string) => cancelled.get(name) ?? 0,
    inFlight: () => inFlight,
    baseURL: (name: string) => `${server.url}/${name}/v1`,
  });
}

function draw(mix: Array<[Mode, number]>): Mode {
  let r = Math.random() * mix.reduce((n, [, w]) => n + w, 0);
  for (const [mode, w] of mix) if ((r -= w) < 0) return mode;
  return mix[mix.length - 1][0];
}

function text(body: ChatRequest): string {
  const last = body.messages.at(-1)?.content;
  return `Echo: ${typeof last === 'string' ? last : ''}`;
}

function completion(name: string, body: ChatRequest) {
  return {
    id: `chatcmpl-${name}`, object: 'chat.completion', created: 1767225600, model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: text(body), refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
  };
}

function streamAnswer(res: ServerResponse, name: string, body: ChatRequest, mode: Mode): void {
  const base = { id: `chatcmpl-${name}`, object: 'chat.completion.chunk', created: 1767225600, model: body.model };
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) =>
    ({ ...base, choices: [{ index: 0, delta, finish_reason: finish }] });
  startSse(res);
  sendEvent(res, chunk({ role: 'assistant', content: '' }));
  if (mode === 'cut') return void res.socket?.destroy();
  const words = text(body).split(/(?<= )/);
  sendEvent(res, chunk({ content: words[0] }));
  if (mode === 'cut-after') return void setTimeout(() => res.socket?.destroy(), 5);
  if (mode === 'stall-after') return;
  for (const w of words.slice(1)) sendEvent(res, chunk({ content: w }));
  sendEvent(res, chunk({}, 'stop'));
  sendEvent(res, { ...base, choices: [], usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length } });
  sendEvent(res, '[DONE]');
  res.end();
}
