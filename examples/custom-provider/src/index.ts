import {
  AISBF_ERR_UNSUPPORTED, defineProvider, upstreamError,
  type ChatChunk, type ChatRequest, type ChatResponse, type FinishReason, type Plugin, type ProviderTarget,
  type StreamEvent, type StreamTranslator, type UpstreamRequest,
} from 'aisbf';
import type { AcmeEvent, AcmeOptions, AcmeRequest, AcmeResponse } from './wire.js';

const FINISH: Record<AcmeResponse['stop'], FinishReason> = { eos: 'stop', length: 'length' };

function text(content: ChatRequest['messages'][number]['content']): string {
  if (typeof content === 'string') return content;
  return (content ?? []).map((p) => (p.type === 'text' ? p.text : '')).join('');
}

/** Canonical → Acme. Acme has no tools and no images: refuse them plainly instead of answering wrongly. */
function request(req: ChatRequest, target: ProviderTarget<AcmeOptions>): UpstreamRequest {
  if (req.tools?.length) throw AISBF_ERR_UNSUPPORTED('The acme provider does not support tools; route tool calls to another model.', 'tools');
  const system = req.messages.filter((m) => m.role === 'system' || m.role === 'developer').map((m) => text(m.content)).join('\n');
  const prompt = req.messages.filter((m) => m.role !== 'system' && m.role !== 'developer').map((m) => `${m.role}: ${text(m.content)}`).join('\n');
  const body: AcmeRequest = { prompt, stream: req.stream === true };
  if (system) body.system = system;
  const max = req.max_completion_tokens ?? req.max_tokens;
  if (max != null) body.max_new_tokens = max;
  if (req.temperature != null) body.temperature = req.temperature;
  const dropped = (['top_p', 'seed', 'stop'] as const).filter((k) => req[k] != null);
  return { path: `/models/${encodeURIComponent(target.model)}/generate`, headers: { authorization: `Bearer ${target.config.apiKey ?? ''}` }, body, dropped };
}

/** Acme → canonical. */
function response(body: unknown, target: ProviderTarget<AcmeOptions>): ChatResponse {
  const r = body as AcmeResponse;
  return {
    id: `chatcmpl-${r.id}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: target.model,
    choices: [{ index: 0, message: { role: 'assistant', content: r.output }, finish_reason: FINISH[r.stop], logprobs: null }],
    usage: { prompt_tokens: r.tokens.in, completion_tokens: r.tokens.out, total_tokens: r.tokens.in + r.tokens.out },
  };
}

/** Acme's token/done/error events → canonical chunks (role first, usage last). */
class AcmeStream implements StreamTranslator {
  readonly #id = `chatcmpl-acme${Date.now().toString(36)}`;
  readonly #created = Math.floor(Date.now() / 1000);
  #started = false;
  constructor(private readonly target: ProviderTarget<AcmeOptions>) {}

  event(ev: StreamEvent): ChatChunk[] | undefined {
    const data = ev.data as AcmeEvent;
    const chunk = (choices: ChatChunk['choices'], extra: Partial<ChatChunk> = {}): ChatChunk =>
      ({ id: this.#id, object: 'chat.completion.chunk', created: this.#created, model: this.target.model, choices, ...extra });
    if (ev.event === 'error') throw upstreamError({ status: 502, message: (data as { message: string }).message, provider: this.target.id });
    const out: ChatChunk[] = [];
    if (!this.#started) {
      this.#started = true;
      out.push(chunk([{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }]));
    }
    if (ev.event === 'token') out.push(chunk([{ index: 0, delta: { content: (data as { text: string }).text }, finish_reason: null }]));
    if (ev.event === 'done') {
      const d = data as { stop: AcmeResponse['stop']; tokens: AcmeResponse['tokens'] };
      out.push(chunk([{ index: 0, delta: {}, finish_reason: FINISH[d.stop] }]));
      out.push(chunk([], { usage: { prompt_tokens: d.tokens.in, completion_tokens: d.tokens.out, total_tokens: d.tokens.in + d.tokens.out } }));
    }
    return out;
  }
}

/**
 * A provider adapter a user writes: pure translation functions; core makes
 * the HTTP call, parses the SSE and handles timeouts, aborts and failover.
 *
 * @example providers: { acme: { type: 'acme', baseURL: 'https://api.acme.example/v1', apiKey: '${ACME_KEY}' } }
 */
export default function acme(): Plugin {
  return defineProvider<AcmeOptions>({
    type: 'acme',
    chat: { request, response, stream: (target) => new AcmeStream(target) },
    error: (status, body, headers, target) =>
      upstreamError({ status, message: (body as { detail?: string })?.detail ?? `acme answered HTTP ${status}`, headers, provider: target.id }),
  });
}
