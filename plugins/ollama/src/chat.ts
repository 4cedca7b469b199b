import { randomUUID } from 'node:crypto';
import {
  AISBF_ERR_UNSUPPORTED, AISBF_ERR_UPSTREAM_PROTOCOL,
  type ChatRequest, type ChatResponse, type FinishReason, type ProviderTarget, type ToolCall, type UpstreamRequest, type Usage,
} from 'aisbf';
import { ollamaError } from './errors.js';
import { toOllamaMessages } from './messages.js';
import type { OllamaChatRequest, OllamaChatResponse, OllamaModelOptions, OllamaOptions, OllamaToolCall } from './wire.js';

/**
 * The native request, plus the OpenAI parameters that were present but cannot
 * be honoured by Ollama and were left out (for `x-aisbf-dropped-params`).
 *
 * @example { path: '/api/chat', headers: {}, framing: 'ndjson', body: { model: 'llama3.2', messages: [], stream: true }, dropped: ['logit_bias'] }
 */
export type OllamaUpstreamRequest = UpstreamRequest & { body: OllamaChatRequest; dropped: string[] };

/** Canonical parameters Ollama's /api/chat has no field for: dropped, and named in `dropped`. */
const DROPPED = ['logit_bias', 'logprobs', 'top_logprobs', 'user', 'parallel_tool_calls'] as const;

export function ollamaHeaders(config: OllamaOptions): Record<string, string> {
  return config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {};
}

/** Canonical chat request → `POST /api/chat` (NDJSON when streaming). */
export function chatRequest(req: ChatRequest, target: ProviderTarget<OllamaOptions>): OllamaUpstreamRequest {
  if (req.n != null && req.n > 1) {
    throw AISBF_ERR_UNSUPPORTED('Ollama returns one choice per request: n > 1 is not supported. Send n: 1 or several requests.', 'n');
  }
  const choice = req.tool_choice;
  if (choice === 'required' || (choice && typeof choice === 'object')) {
    throw AISBF_ERR_UNSUPPORTED(
      'Ollama cannot be made to call a tool: tool_choice "required" or a named function is not supported. Use "auto" (or leave it out).', 'tool_choice',
    );
  }
  const config = target.config;
  const body: OllamaChatRequest = { model: target.model, messages: toOllamaMessages(req.messages), stream: req.stream === true };
  // tool_choice "none" is honoured by not offering the tools at all.
  if (req.tools?.length && choice !== 'none') {
    body.tools = req.tools.map((t) => {
      const fn: { name: string; description?: string; parameters?: Record<string, unknown> } = { name: t.function.name };
      if (t.function.description !== undefined) fn.description = t.function.description;
      if (t.function.parameters !== undefined) fn.parameters = t.function.parameters;
      return { type: 'function', function: fn };
    });
  }
  const rf = req.response_format;
  if (rf?.type === 'json_object') body.format = 'json';
  else if (rf?.type === 'json_schema') body.format = rf.json_schema?.schema ?? 'json';

  const options: OllamaModelOptions = {};
  const maxTokens = req.max_completion_tokens ?? req.max_tokens;
  if (maxTokens != null) options.num_predict = maxTokens;
  if (config.numCtx !== undefined) options.num_ctx = config.numCtx;
  if (req.temperature != null) options.temperature = req.temperature;
  if (req.top_p != null) options.top_p = req.top_p;
  if (req.seed != null) options.seed = req.seed;
  if (req.stop != null) options.stop = typeof req.stop === 'string' ? [req.stop] : req.stop;
  if (req.presence_penalty != null) options.presence_penalty = req.presence_penalty;
  if (req.frequency_penalty != null) options.frequency_penalty = req.frequency_penalty;
  if (Object.keys(options).length) body.options = options;
  if (config.keepAlive !== undefined) body.keep_alive = config.keepAlive;
  if (config.think !== undefined) body.think = config.think;

  const dropped = DROPPED.filter((k) => req[k] != null && !(k === 'logprobs' && req.logprobs === false));
  return { path: '/api/chat', headers: ollamaHeaders(config), body, framing: 'ndjson', dropped };
}

export function newCompletionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** Ollama often sends no id: mint one that stays the call's id for the whole answer. */
export function newToolCallId(): string {
  return `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`;
}

/** Ollama's tool call → OpenAI's: arguments object → JSON string, id minted when missing. */
export function toToolCall(t: OllamaToolCall): ToolCall {
  const args = t.function?.arguments;
  return {
    id: t.id || newToolCallId(),
    type: 'function',
    function: { name: t.function?.name ?? '', arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}) },
  };
}

/** Counts appear only on the final object and were missing on some cache hits: default to 0. */
export function toUsage(res: OllamaChatResponse): Usage {
  const prompt = res.prompt_eval_count ?? 0;
  const completion = res.eval_count ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Ollama says "stop" even after tool calls; OpenAI clients need "tool_calls". */
export function toFinishReason(doneReason: string | undefined, sawToolCalls: boolean): FinishReason {
  if (sawToolCalls) return 'tool_calls';
  return doneReason === 'length' ? 'length' : 'stop';
}

/** `created_at` (RFC 3339) → Unix seconds. */
export function createdAt(value: string | undefined): number {
  const ms = value ? Date.parse(value) : Number.NaN;
  return Math.floor((Number.isNaN(ms) ? Date.now() : ms) / 1000);
}

/** `/api/chat` with `stream: false` → canonical response. */
export function chatResponse(body: unknown, target: ProviderTarget<OllamaOptions>): ChatResponse {
  const res = body as OllamaChatResponse;
  if (typeof res !== 'object' || res === null) throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'an Ollama chat answer that is not an object');
  if (res.error !== undefined) throw ollamaError(500, res, {}, target.id);
  if (typeof res.message !== 'object' || res.message === null) throw AISBF_ERR_UPSTREAM_PROTOCOL(target.id, 'an Ollama chat answer without a message');
  const calls = (res.message.tool_calls ?? []).map(toToolCall);
  const text = res.message.content ?? '';
  const message: ChatResponse['choices'][number]['message'] = { role: 'assistant', content: text || (calls.length ? null : '') };
  if (calls.length) message.tool_calls = calls;
  if (res.message.thinking) message.reasoning_content = res.message.thinking;
  return {
    id: newCompletionId(),
    object: 'chat.completion',
    created: createdAt(res.created_at),
    model: target.model,
    choices: [{ index: 0, message, finish_reason: toFinishReason(res.done_reason, calls.length > 0), logprobs: null }],
    usage: toUsage(res),
  };
}
